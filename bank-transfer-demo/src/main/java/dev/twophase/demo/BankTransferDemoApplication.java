package dev.twophase.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.twophase.demo.drill.DrillSupervisor;

/**
 * The twophase demo: three participants (bank A, bank B, the broker) in one JTA transaction.
 * Runs on embedded H2 + Artemis by default and on PostgreSQL + MySQL + Artemis with the
 * {@code real} profile.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BankTransferDemoApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(BankTransferDemoApplication.class);
        // With twophase.drill.supervise=true this process only supervises: it runs the application as a child
        // process and starts it again after a HALT fault (the crash drill, docs/drill.md).
        application.addListeners(new DrillSupervisor());
        application.run(args);
    }
}
