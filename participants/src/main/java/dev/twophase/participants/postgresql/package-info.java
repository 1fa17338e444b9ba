/**
 * PostgreSQL as an XA participant: pgjdbc's {@code PGXADataSource}, and a preflight check that
 * refuses a server whose {@code max_prepared_transactions} is 0 or smaller than the pool. Chosen by
 * {@link dev.twophase.participants.JdbcParticipants} for {@code jdbc:postgresql:} URLs;
 * applications do not call it directly. Touches the pgjdbc driver and this module's
 * {@code internal} helpers only.
 */
package dev.twophase.participants.postgresql;
