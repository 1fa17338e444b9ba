/**
 * The two banks of the demo, A on PostgreSQL and B on MySQL/MariaDB (both on H2 by default):
 * accounts, balances and ledger rows, one {@link dev.twophase.demo.bank.BankLedger} per bank on the
 * participants {@code bank-a} and {@code bank-b} that the starter builds. Every method runs inside
 * the caller's JTA transaction; the transfer flow decides what one transaction holds.
 */
package dev.twophase.demo.bank;
