/**
 * The twophase demo application: three flows (transfers, likes, orders), each writing to bank A,
 * bank B and the broker in one JTA transaction, on embedded H2 and Artemis by default and on
 * PostgreSQL, MySQL/MariaDB and Artemis in the {@code real} profile. One package per flow or
 * concern below this one; an ordinary consumer of the participants and the coordinator, and nothing
 * depends on it.
 */
package dev.twophase.demo;
