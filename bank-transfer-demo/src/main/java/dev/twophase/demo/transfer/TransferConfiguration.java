package dev.twophase.demo.transfer;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import io.micrometer.core.instrument.MeterRegistry;

import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.bank.BankLedger;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.tx.FlowTransactions;

/** Wires the transfer flow onto the participants. */
@Configuration(proxyBeanMethods = false)
class TransferConfiguration {

    @Bean
    TransferService transferService(List<BankLedger> ledgers, @Qualifier("bank-a") JdbcTemplate bankA, @Qualifier("bank-b") JdbcTemplate bankB,
            EventPublisher events, PlatformTransactionManager transactionManager, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<XaTimeline> timeline) {
        Map<Bank, BankLedger> banks = new EnumMap<>(Bank.class);
        ledgers.forEach(l -> banks.put(l.bank(), l));
        return new TransferService(banks, new TransferRegistry(bankA, bankB), new TransferEvents(events),
                new FlowTransactions(transactionManager, List.of(TransferRejectedException.class),
                        FlowTransactions.retryCounter(meters.getIfAvailable(), "transfer")).labelled(timeline.getIfAvailable(), "transfer"));
    }
}
