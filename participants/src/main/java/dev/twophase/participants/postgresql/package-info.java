/**
 * PostgreSQL as an XA participant through pgjdbc: the XA data source, the preflight check of
 * {@code max_prepared_transactions}, and the prepared branches of {@code pg_prepared_xacts}.
 */
package dev.twophase.participants.postgresql;
