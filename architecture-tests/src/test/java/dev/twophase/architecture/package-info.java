/**
 * The architecture of twophase as tests that fail the build when it is broken: the modules'
 * layering (applications on the participants, the participants on the coordinator), each module's
 * {@code internal} packages its own, the fault injector at the edge of the coordinator, Atomikos
 * internals and {@code setAccessible} only in {@code dev.twophase.coordinator.atomikos}, no package
 * cycles, and a {@code package-info.java} for every package. The tests read compiled classes and
 * sources only; they start nothing and touch no server. Change a rule only with the design it
 * describes, never to make a build pass.
 */
package dev.twophase.architecture;
