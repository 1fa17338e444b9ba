/**
 * H2 file databases as XA participants: the embedded default of the demo and of tests, needing no server.
 */
package dev.twophase.participants.h2;
