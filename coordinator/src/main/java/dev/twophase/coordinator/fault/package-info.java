/**
 * The shipped fault injector, at the edge of the coordinator: {@link dev.twophase.coordinator.fault.FaultInjector}
 * is an optional link of the XA chain that halts the JVM, fails or delays an XA call at a
 * {@link dev.twophase.coordinator.fault.CrashPoint}, per participant, following rules parsed from
 * {@code twophase.faults.arm}. It exists to prove recovery; it is off unless
 * {@code twophase.faults.enabled=true} and refuses a production profile. Nothing in the core imports it.
 */
package dev.twophase.coordinator.fault;
