/**
 * The fault-injection suite: runs the demo as a child JVM in the {@code real} profile, crashes it
 * at every XA crash point, or restarts or cuts off a participant, while concurrent requests run,
 * waits for recovery and checks on the participants themselves (rows, {@code pg_prepared_xacts},
 * {@code XA RECOVER}, the broker's prepared branches) that each crashed transaction ended the same
 * way everywhere and that every invariant of the consistency checker holds. Drives the demo only
 * from outside, through HTTP, its log and its process, and restarts only local services.
 */
package dev.twophase.faults;
