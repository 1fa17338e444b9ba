/**
 * ActiveMQ Artemis as an XA participant:
 * {@link dev.twophase.participants.artemis.ArtemisParticipant} builds the pooled Atomikos
 * connection factory (client settings that fail fast instead of hanging a transaction), the
 * transacted {@code JmsTemplate}, and checks at startup that the broker answers;
 * {@link dev.twophase.participants.artemis.BrokerInspector} reads prepared branches and queue
 * depths outside any transaction. {@link dev.twophase.participants.artemis.ArtemisBroker} and
 * {@link dev.twophase.participants.artemis.StandaloneBroker} run a real persistent broker in this
 * JVM or in its own process, for the embedded default and tests, never for production. The other
 * classes adapt the Artemis client to the Atomikos pool. Touches the Artemis client and server,
 * Atomikos's JMS pool and the coordinator's {@code XaResourceChain}.
 */
package dev.twophase.participants.artemis;
