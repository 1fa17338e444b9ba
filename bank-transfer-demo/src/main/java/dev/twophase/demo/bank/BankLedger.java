package dev.twophase.demo.bank;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One bank's accounts and ledger, on that bank's XA data source. Every method must run inside
 * the caller's JTA transaction (the pool refuses work outside one).
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
     * Takes the amount from the account if the balance covers it: one atomic statement, so
     * concurrent debits cannot both pass the check (no lost update, even under MySQL's REPEATABLE READ).
     *
     * @return whether the account was debited; {@code false} means unknown account or insufficient funds
     */
    public boolean debit(String account, long amountCents) {
        return jdbc.update("UPDATE account SET balance_cents = balance_cents - ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE id = ? AND balance_cents >= ?", amountCents, account, amountCents) == 1;
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
