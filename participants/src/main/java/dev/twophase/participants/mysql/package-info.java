/**
 * MySQL 8 and MariaDB 10.5+ as XA participants: mysql-connector-j's {@code MysqlXADataSource} with
 * {@code pinGlobalTxToPhysicalConnection}, a preflight check that runs {@code XA RECOVER} (a user
 * without the right to list prepared branches could never recover them) and refuses MariaDB before
 * 10.5, and {@link dev.twophase.participants.mysql.RecoveredXid}, one row of {@code XA RECOVER}.
 * Chosen by {@link dev.twophase.participants.JdbcParticipants} for {@code jdbc:mysql:} URLs.
 * Touches the MySQL driver and this module's {@code internal} helpers only.
 */
package dev.twophase.participants.mysql;
