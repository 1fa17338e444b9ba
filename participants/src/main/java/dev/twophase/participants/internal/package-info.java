/**
 * Implementation shared by the database technologies of this module: the preflight's plain
 * connection and its error reports, and telling an unreachable server from a refused login. Not
 * API: only {@code dev.twophase.participants..} may use it (the architecture tests check this), and
 * it may change in any release.
 */
package dev.twophase.participants.internal;
