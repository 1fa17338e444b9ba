package dev.twophase.demo.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.bank.Account;
import dev.twophase.demo.bank.BankLedger;

/** {@code GET /api/accounts}: every account of both banks with its balance. */
@RestController
class AccountController {

    private final List<BankLedger> banks;
    private final TransactionTemplate tx;

    AccountController(List<BankLedger> banks, org.springframework.transaction.PlatformTransactionManager transactionManager) {
        this.banks = banks;
        this.tx = new TransactionTemplate(transactionManager);
        this.tx.setReadOnly(true);
    }

    @GetMapping("/api/accounts")
    List<Account> accounts() {
        return tx.execute(status -> {
            List<Account> all = new ArrayList<>();
            banks.forEach(bank -> all.addAll(bank.accounts()));
            return all;
        });
    }
}
