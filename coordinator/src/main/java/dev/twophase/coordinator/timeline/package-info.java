/**
 * The protocol timeline: {@link dev.twophase.coordinator.timeline.XaTimeline}, a link of the XA chain
 * that keeps every XA call and every coordinator log record of the most recent global transactions,
 * so that a page or a test can show two-phase commit as it happened. Off unless
 * {@code twophase.coordinator.timeline.enabled=true}.
 */
package dev.twophase.coordinator.timeline;
