/**
 * ActiveMQ Artemis as an XA participant: the pooled Atomikos connection factory with fail-fast client settings, its
 * preflight check and transacted JmsTemplate, and a real persistent broker to run inside a JVM
 * ({@link dev.twophase.participants.artemis.ArtemisBroker}) or as its own process
 * ({@link dev.twophase.participants.artemis.StandaloneBroker}) for tests and demos.
 */
package dev.twophase.participants.artemis;
