/**
 * The crash-and-recover drill (docs/drill.md): from the page, a flow runs into a {@code HALT} at a chosen crash
 * point of a chosen participant; a supervisor restarts the application; the restarted application watches
 * recovery resolve what the crash left in doubt, and the consistency check pass again, and says when.
 */
package dev.twophase.demo.drill;
