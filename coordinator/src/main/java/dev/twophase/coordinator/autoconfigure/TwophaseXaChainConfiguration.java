package dev.twophase.coordinator.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.twophase.coordinator.metrics.XaPhaseMetrics;
import dev.twophase.coordinator.recovery.HeuristicGuard;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.coordinator.xa.XaResourceLink;

/**
 * The XAResource chain every participant's XA factory is decorated with: heuristic guard, phase
 * timers, then every other {@link XaResourceLink} bean (the fault injector when enabled) in
 * {@code @Order}. Imported by {@link TwophaseCoordinatorAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class TwophaseXaChainConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HeuristicRegistry twophaseHeuristicRegistry() {
        return new HeuristicRegistry();
    }

    @Bean
    @ConditionalOnMissingBean
    HeuristicGuard twophaseHeuristicGuard(HeuristicRegistry heuristics) {
        return new HeuristicGuard(heuristics);
    }

    /** Also a {@code MeterBinder}: Boot adds its meter registry to the timers' own. */
    @Bean
    @ConditionalOnMissingBean
    XaPhaseMetrics twophaseXaPhaseMetrics() {
        return new XaPhaseMetrics();
    }

    @Bean
    @ConditionalOnMissingBean
    XaResourceChain twophaseXaResourceChain(HeuristicGuard guard, XaPhaseMetrics timers, ObjectProvider<XaResourceLink> links) {
        List<XaResourceLink> inner = links.orderedStream().filter(link -> link != guard && link != timers).toList();
        return new XaResourceChain(guard, timers, inner);
    }
}
