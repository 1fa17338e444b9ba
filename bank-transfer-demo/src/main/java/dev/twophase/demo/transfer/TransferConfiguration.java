package dev.twophase.demo.transfer;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.bank.BankLedger;

/** Wires the transfer flow onto the participants. */
@Configuration(proxyBeanMethods = false)
class TransferConfiguration {

    @Bean
    TransferService transferService(List<BankLedger> ledgers, @Qualifier("bank-a") JdbcTemplate bankA,
            EventPublisher events, PlatformTransactionManager transactionManager) {
        Map<Bank, BankLedger> banks = new EnumMap<>(Bank.class);
        ledgers.forEach(l -> banks.put(l.bank(), l));
        return new TransferService(banks, new TransferRegistry(bankA), new TransferEvents(events),
                new TransactionTemplate(transactionManager));
    }
}
