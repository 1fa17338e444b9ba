/**
 * Spring Boot wiring of the participants: binds {@code twophase.participants.jdbc.<name>} and
 * {@code twophase.participants.jms.<name>} ({@link dev.twophase.participants.autoconfigure.ParticipantsProperties}) and
 * registers, per participant, its pooled Atomikos bean and template named after it, each built by the technology
 * packages and decorated by the coordinator's {@code XaResourceChain} bean. The only package of this module that knows
 * about Spring Boot; nothing else in the module depends on it.
 */
package dev.twophase.participants.autoconfigure;
