/**
 * Spring Boot wiring of fault injection: checks {@code twophase.faults.*} at startup and creates the
 * enabled injector bean with its rules armed. Internal to the coordinator.
 */
package dev.twophase.coordinator.fault.internal;
