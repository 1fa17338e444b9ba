/**
 * What the technology packages share and no other module may use: the preflight connection and its error reports,
 * and the parsing of a server's host and port from a JDBC URL.
 */
package dev.twophase.participants.internal;
