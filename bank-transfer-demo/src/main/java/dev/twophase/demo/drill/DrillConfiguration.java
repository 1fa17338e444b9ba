package dev.twophase.demo.drill;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.recovery.PromptRecovery;
import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.consistency.ConsistencyChecker;
import dev.twophase.demo.likes.Article;
import dev.twophase.demo.likes.LikeService;
import dev.twophase.demo.orders.OrderRequest;
import dev.twophase.demo.orders.OrderService;
import dev.twophase.demo.orders.OrderStrategy;
import dev.twophase.demo.orders.Product;
import dev.twophase.demo.transfer.TransferRequest;
import dev.twophase.demo.transfer.TransferService;

/**
 * The crash-and-recover drill's parts (docs/drill.md). The drill is offered whenever fault injection is
 * enabled; the supervisor that restarts the application is {@link DrillSupervisor}, started from main.
 */
@Configuration(proxyBeanMethods = false)
class DrillConfiguration {

    /** The accounts a drill's transfer moves one unit between: seeded in both banks (sql/common). */
    static final AccountRef FROM = new AccountRef(Bank.A, "A-0001");
    static final AccountRef TO = new AccountRef(Bank.B, "B-0001");

    @Bean
    DrillStore drillStore(@Value("${twophase.data-dir:./data}") String dataDir, ObjectMapper json) {
        return new DrillStore(Path.of(dataDir), json);
    }

    @Bean
    DrillService drillService(ObjectProvider<FaultInjector> injector, ObjectProvider<XaTimeline> timeline, DrillStore store,
            TransferService transfers, LikeService likes, OrderService orders, ConsistencyChecker checker,
            ObjectProvider<PromptRecovery> recovery) {
        DrillService.Flows flows = (flow, id) -> {
            switch (flow) {
                case "transfer" -> transfers.transfer(new TransferRequest(FROM, TO, 100L, "drill-" + id));
                case "like" -> {
                    Article article = likes.articles().stream().findFirst()
                            .orElseThrow(() -> new IllegalStateException("the demo has no article to like"));
                    likes.like(article.id(), "drill-" + id);
                }
                case "order" -> {
                    Product product = orders.products().stream().filter(p -> p.stock() > 0).findFirst()
                            .orElseThrow(() -> new IllegalStateException("no product is in stock"));
                    orders.order(new OrderRequest(product.sku(), 1, "drill-" + id, OrderStrategy.PESSIMISTIC));
                }
                default -> throw new IllegalArgumentException("no flow " + flow);
            }
        };
        PromptRecovery prompt = recovery.getIfAvailable();
        return new DrillService(injector.getIfAvailable(), timeline.getIfAvailable(), store, flows, checker::check,
                prompt == null ? () -> null : prompt::status, Clock.systemUTC(), Duration.ofMillis(250));
    }

    /** Once the restarted application serves again, the drill it was cut in is watched to its end. */
    @Bean
    ReadyListener drillReadyListener(DrillService drills) {
        return new ReadyListener(drills);
    }

    static final class ReadyListener {
        private final DrillService drills;

        ReadyListener(DrillService drills) {
            this.drills = drills;
        }

        @EventListener(ApplicationReadyEvent.class)
        void ready() {
            DrillSupervisor.childReady();
            drills.applicationReady();
        }
    }
}
