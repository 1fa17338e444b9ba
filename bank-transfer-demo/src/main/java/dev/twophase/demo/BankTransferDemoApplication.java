package dev.twophase.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The twophase demo: three participants (bank A, bank B, the broker) in one JTA transaction.
 * Runs on embedded H2 + Artemis by default and on PostgreSQL + MySQL + Artemis with the
 * {@code real} profile.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BankTransferDemoApplication {

    public static void main(String[] args) {
        SpringApplication.run(BankTransferDemoApplication.class, args);
    }
}
