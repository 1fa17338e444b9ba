package dev.twophase.demo.bank;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AccountRefTest {

    @Test
    void lockOrderPutsBankABeforeBankBWhateverTheDirection() {
        AccountRef a = new AccountRef(Bank.A, "A-0009");
        AccountRef b = new AccountRef(Bank.B, "B-0001");

        assertThat(List.of(b, a).stream().sorted(AccountRef.LOCK_ORDER)).containsExactly(a, b);
        assertThat(List.of(a, b).stream().sorted(AccountRef.LOCK_ORDER)).containsExactly(a, b);
    }

    @Test
    void lockOrderWithinOneBankIsByAccountId() {
        AccountRef first = new AccountRef(Bank.B, "B-0002");
        AccountRef second = new AccountRef(Bank.B, "B-0010");

        assertThat(List.of(second, first).stream().sorted(AccountRef.LOCK_ORDER)).containsExactly(first, second);
    }
}
