/**
 * Business events: {@link dev.twophase.demo.events.EventPublisher} sends each flow's event on the
 * {@code broker} participant inside the flow's JTA transaction, so the broker delivers it only if
 * the databases commit; the XA inbox listeners consume every event queue into bank A's
 * {@code inbox_event} table, acknowledging and recording in one two-phase commit;
 * {@code GET /api/events} shows the latest. The event schemas are in docs/events.md.
 */
package dev.twophase.demo.events;
