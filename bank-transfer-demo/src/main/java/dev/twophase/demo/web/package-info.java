/**
 * What the flows share over HTTP: every error as RFC 9457 problem+json
 * ({@link dev.twophase.demo.web.ProblemHandler}, {@link dev.twophase.demo.web.Rejection}), the
 * request size limit, the accounts endpoint, and the fault injector's admin endpoint
 * ({@code /admin/faults}, refused unless {@code twophase.faults.enabled=true}).
 */
package dev.twophase.demo.web;
