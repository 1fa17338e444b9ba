/**
 * Test support for integration tests that need the real servers: finds PostgreSQL and MySQL/MariaDB
 * (environment variables, then Testcontainers, then the local services;
 * {@link dev.twophase.testing.TestServers}), runs an Artemis broker in a child JVM that a test can
 * kill and restart on the same journal ({@link dev.twophase.testing.ArtemisBrokerProcess}), and
 * reads what the participants really hold, prepared branches, rows and queued messages, over plain
 * connections that never enlist in a transaction ({@link dev.twophase.testing.DatabaseProbe},
 * {@link dev.twophase.testing.BrokerProbe}), so a test asserts the state it claims. For tests and
 * the benchmarks, never an application's runtime; uses the participants and the coordinator's
 * public value types ({@code TmName}, {@code PlainXid}), nothing of an application.
 */
package dev.twophase.testing;
