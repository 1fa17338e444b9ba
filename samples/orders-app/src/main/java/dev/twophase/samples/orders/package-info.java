/**
 * The orders sample: the smallest Spring Boot application on {@code twophase-spring-boot-starter}.
 * Its participants ({@code orders}, {@code billing}, {@code events}) come from application.yml alone;
 * {@link dev.twophase.samples.orders.OrderService} writes to both databases and sends a message in
 * one {@code @Transactional} method. It uses only the starter's beans and Spring's own APIs, never
 * twophase's or Atomikos's classes, so it shows exactly what an adopting application writes.
 */
package dev.twophase.samples.orders;
