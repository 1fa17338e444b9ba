/**
 * The twophase coordinator: Atomikos as the JTA transaction manager behind Spring's
 * {@code JtaTransactionManager}, with startup checks, an XAResource chain, prompt recovery, a
 * recovery console and fault injection. This package holds only the types every layer shares:
 * {@link dev.twophase.coordinator.TmName} (the validated coordinator name) and
 * {@link dev.twophase.coordinator.TwophaseStartupException} (a startup refusal with subject,
 * description and fix). The sub-packages are arranged by role; arrows point down only:
 * {@code autoconfigure} wires everything; {@code console} and {@code metrics} read {@code recovery};
 * {@code recovery} and {@code log} use {@code xa} and {@code atomikos}; {@code fault} is at the edge
 * and nothing but its own auto-configuration refers to it.
 */
package dev.twophase.coordinator;
