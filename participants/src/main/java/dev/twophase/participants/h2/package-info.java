/**
 * H2 as an XA participant, the embedded default that lets the demo run on a machine with no
 * database server. File URLs only: H2 keeps prepared transactions in its file and lists them after
 * a restart, an in-memory database would lose them. For development and tests, not production.
 * Touches the H2 driver and this module's {@code internal} helpers only.
 */
package dev.twophase.participants.h2;
