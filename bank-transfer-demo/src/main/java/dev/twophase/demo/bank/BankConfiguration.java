package dev.twophase.demo.bank;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One {@link BankLedger} per bank, on the participants {@code bank-a} and {@code bank-b} that
 * twophase builds from {@code twophase.participants.jdbc.*} (application.yml).
 */
@Configuration(proxyBeanMethods = false)
class BankConfiguration {

    @Bean
    BankLedger bankALedger(@Qualifier("bank-a") JdbcTemplate bankA) {
        return new BankLedger(Bank.A, bankA);
    }

    @Bean
    BankLedger bankBLedger(@Qualifier("bank-b") JdbcTemplate bankB) {
        return new BankLedger(Bank.B, bankB);
    }
}
