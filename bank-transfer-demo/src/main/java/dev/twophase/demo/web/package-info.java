/**
 * What the flows share over HTTP: every error as RFC 9457 problem+json in the API's own words
 * ({@link dev.twophase.demo.web.ProblemHandler} for Spring MVC, the error page, Tomcat's error
 * report and the security firewall's refusals through {@link dev.twophase.demo.web.Problems}; the
 * fields' rules in {@link dev.twophase.demo.web.ApiFields}), strict JSON (no coerced scalars), the
 * request size and {@code Accept} checks, the accounts endpoint, and the fault injector's admin
 * endpoint ({@code /admin/faults}, refused unless {@code twophase.faults.enabled=true}; who may use
 * it is decided in {@code admin}).
 */
package dev.twophase.demo.web;
