package dev.twophase.demo.bank;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One bank's accounts and ledger. Every method must run inside the caller's transaction: a JTA
 * transaction on the bank's XA data source (the pool refuses work outside one), or, for the Saga,
 * TCC and outbox flows, a local transaction on a plain pool.
 */
public class BankLedger {

    private final Bank bank;
    private final JdbcTemplate jdbc;

    public BankLedger(Bank bank, JdbcTemplate jdbc) {
        this.bank = bank;
        this.jdbc = jdbc;
    }

    public Bank bank() {
        return bank;
    }

    /**
     * Takes the amount from the account if the balance not frozen by a TCC try covers it: one atomic
     * statement, so concurrent debits cannot both pass the check (no lost update, even under MySQL's
     * REPEATABLE READ).
     *
     * @return whether the account was debited; {@code false} means unknown account or insufficient funds
     */
    public boolean debit(String account, long amountCents) {
        return jdbc.update("UPDATE account SET balance_cents = balance_cents - ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE id = ? AND balance_cents - frozen_cents >= ?", amountCents, account, amountCents) == 1;
    }

    /**
     * A TCC try: freezes the amount if the unfrozen balance covers it. The money stays in the
     * balance, so the total is unchanged, but nothing else can spend it until {@link #debitFrozen}
     * or {@link #unfreeze}.
     *
     * @return whether the amount was frozen; {@code false} means unknown account or insufficient funds
     */
    public boolean freeze(String account, long amountCents) {
        return jdbc.update("UPDATE account SET frozen_cents = frozen_cents + ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE id = ? AND balance_cents - frozen_cents >= ?", amountCents, account, amountCents) == 1;
    }

    /** A TCC confirm: takes a frozen amount out of the balance. */
    public boolean debitFrozen(String account, long amountCents) {
        return jdbc.update("UPDATE account SET balance_cents = balance_cents - ?, frozen_cents = frozen_cents - ?,"
                + " updated_at = CURRENT_TIMESTAMP WHERE id = ? AND frozen_cents >= ?", amountCents, amountCents, account,
                amountCents) == 1;
    }

    /** A TCC cancel: releases a frozen amount. */
    public boolean unfreeze(String account, long amountCents) {
        return jdbc.update("UPDATE account SET frozen_cents = frozen_cents - ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE id = ? AND frozen_cents >= ?", amountCents, account, amountCents) == 1;
    }

    /** @return whether the account exists (and was credited) */
    public boolean credit(String account, long amountCents) {
        return jdbc.update("UPDATE account SET balance_cents = balance_cents + ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE id = ?", amountCents, account) == 1;
    }

    public boolean exists(String account) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM account WHERE id = ?", Integer.class, account);
        return n != null && n > 0;
    }

    public void addEntry(String transferId, String account, String direction, long amountCents) {
        jdbc.update("INSERT INTO ledger_entry (transfer_id, account_id, direction, amount_cents) VALUES (?, ?, ?, ?)",
                transferId, account, direction, amountCents);
    }

    public List<Account> accounts() {
        return jdbc.query("SELECT id, owner, balance_cents FROM account ORDER BY id",
                (rs, i) -> new Account(bank, rs.getString(1), rs.getString(2), rs.getLong(3)));
    }
}
