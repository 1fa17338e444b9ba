package dev.twophase.demo.bank;

/**
 * An account and its balance, as read.
 *
 * @param bank the bank
 * @param id the account id
 * @param owner the owner's name
 * @param balanceCents the balance in cents
 */
public record Account(Bank bank, String id, String owner, long balanceCents) {
}
