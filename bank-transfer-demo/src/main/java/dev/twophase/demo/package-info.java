/**
 * The twophase demo application: three flows (transfers, likes, orders), each writing to bank A,
 * bank B and the broker in one JTA transaction, on embedded H2 and Artemis by default and on
 * PostgreSQL, MySQL/MariaDB and Artemis in the {@code real} profile. An ordinary consumer of the
 * starter: its participants {@code bank-a}, {@code bank-b} and {@code broker} are declared under
 * {@code twophase.participants.*} in application.yml, and the flows take them as beans by name. One
 * package per flow or concern below this one; nothing depends on it.
 */
package dev.twophase.demo;
