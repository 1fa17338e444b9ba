package dev.twophase.samples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A minimal application on the twophase starter. Its participants ({@code orders} on PostgreSQL,
 * {@code billing} on MariaDB, {@code events} on Artemis) come from application.yml alone.
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
