/**
 * The participants' small public API: {@link dev.twophase.participants.JdbcTechnology}, the contract one database
 * technology fulfils to take part in XA (its driver's XA data source, a preflight check, its prepared branches),
 * {@link dev.twophase.participants.JdbcParticipantSettings}, and {@link dev.twophase.participants.JdbcParticipants},
 * which picks the technology from the JDBC URL and builds the pooled Atomikos data source. The technologies live in
 * one package each and are found through {@link java.util.ServiceLoader}, so this package depends on none of them.
 */
package dev.twophase.participants;
