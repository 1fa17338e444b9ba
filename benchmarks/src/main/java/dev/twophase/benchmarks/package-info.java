/**
 * The benchmark command {@code twophase-benchmarks}: runs the demo's transfer in every
 * {@link dev.twophase.benchmarks.Mode} (two-phase commit over three and two participants, one
 * participant over XA, and local transactions as baselines) at several client counts against the
 * local PostgreSQL, MySQL/MariaDB and an Artemis broker, checks afterwards that every completed
 * transfer left exactly its effects, and writes the results with the machine's fsync bound to a
 * Markdown report. Its XA participants come from the starter's auto-configuration, as in any
 * application; it also reads the coordinator's phase timers and starts the testing module's broker
 * process. Nothing of the demo's code: it repeats the demo's statements
 * ({@link dev.twophase.benchmarks.TransferWork}).
 */
package dev.twophase.benchmarks;
