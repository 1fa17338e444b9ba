/**
 * Where the demo's participants are ({@code twophase.data-dir}, {@code twophase.bank-a.*},
 * {@code twophase.bank-b.*}, {@code twophase.broker.*}) and the wiring of its three XA
 * participants, bank A, bank B and the broker, with each database migrated by Flyway over a plain
 * connection before its XA pool starts. Every flow takes its data sources and connection factory
 * from here.
 */
package dev.twophase.demo.config;
