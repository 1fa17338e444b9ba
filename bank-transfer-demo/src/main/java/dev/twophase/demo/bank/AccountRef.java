package dev.twophase.demo.bank;

import java.util.Comparator;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An account at one bank.
 *
 * @param bank the bank holding the account
 * @param account the account id at that bank, e.g. A-0001
 */
public record AccountRef(@NotNull Bank bank, @NotNull @Pattern(regexp = "[A-Za-z0-9-]{1,32}", message = "must be 1 to 32 letters, digits or '-', e.g. A-0001") String account) {

    /**
     * The global lock order: every transfer touches its accounts in this order (bank A before bank
     * B, then by id). Two transfers in opposite directions would otherwise lock one row in each
     * database and wait for each other forever: neither database can see a deadlock that spans two
     * databases.
     */
    public static final Comparator<AccountRef> LOCK_ORDER =
            Comparator.comparing(AccountRef::bank).thenComparing(AccountRef::account);

    @Override
    public String toString() {
        return bank + "/" + account;
    }
}
