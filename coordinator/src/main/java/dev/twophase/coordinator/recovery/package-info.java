/**
 * Prompt recovery and heuristics: {@link dev.twophase.coordinator.recovery.PromptRecovery} scans
 * every participant right after startup and every few seconds, and commits or rolls back what a
 * crash left prepared under the rules of {@link dev.twophase.coordinator.recovery.BranchResolver};
 * {@link dev.twophase.coordinator.recovery.HeuristicGuard} (a link of the XA chain) reports a branch
 * that vanished before its commit as a heuristic, recorded in the
 * {@link dev.twophase.coordinator.recovery.HeuristicRegistry}; health indicators say whether recovery
 * is done. Never imports the fault injector.
 */
package dev.twophase.coordinator.recovery;
