/**
 * The recovery console an operator uses: the {@code dev.twophase:*} MXBean interfaces and their
 * implementations ({@link dev.twophase.coordinator.console.RecoveryConsole}), the safety rules of
 * commit, rollback and forget, the audit log that is forced to disk before any action, roles, and the
 * optional password-protected remote JMX connector the CLI and jconsole use. Reads recovery state;
 * never imports the fault injector.
 */
package dev.twophase.coordinator.console;
