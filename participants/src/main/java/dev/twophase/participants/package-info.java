/**
 * XA participants for twophase, independent of any technology:
 * {@link dev.twophase.participants.JdbcParticipants} builds a pooled Atomikos data source for a
 * database from its {@link dev.twophase.participants.JdbcParticipantSettings}, picking the
 * {@link dev.twophase.participants.JdbcTechnology} by the JDBC URL and running its preflight check,
 * so a server that cannot do two-phase commit fails the startup with its fix. Each technology has
 * its own package below ({@code postgresql}, {@code mysql}, {@code h2}, {@code artemis}); what they
 * share is in {@code internal}. Of the coordinator this module may use only
 * {@code TwophaseStartupException} and the {@code xa.XaResourceChain} that every XA factory is
 * wrapped in; it knows no application.
 */
package dev.twophase.participants;
