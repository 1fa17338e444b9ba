/**
 * Spring Boot wiring of the coordinator and nothing else: {@code @AutoConfiguration} classes,
 * {@code twophase.coordinator.*} properties and their translation into Atomikos settings, bean
 * ordering, and the failure analyzer that turns a {@link dev.twophase.coordinator.TwophaseStartupException}
 * into a "Description / Action" report. Every bean here is {@code @ConditionalOnMissingBean}: an
 * application replaces one by declaring its own. Logic belongs in the role packages, not here.
 */
package dev.twophase.coordinator.autoconfigure;
