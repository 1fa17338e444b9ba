/**
 * The operator command line {@code twophase-cli}: lists, shows and resolves the in-doubt XA
 * branches of a running twophase application, and shows its counters, through the application's
 * remote JMX console ({@code dev.twophase:type=Coordinator} and {@code type=Participant}). It uses
 * the generic JMX client API only, reading the console's open types by name, so it needs nothing of
 * the coordinator on its class path and works against an older or newer application. Every failure
 * is a {@link dev.twophase.cli.CliException} with a message that says what to do and an exit code
 * of {@link dev.twophase.cli.ExitCodes}.
 */
package dev.twophase.cli;
