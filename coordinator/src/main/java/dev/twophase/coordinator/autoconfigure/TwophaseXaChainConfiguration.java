package dev.twophase.coordinator.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.twophase.coordinator.metrics.XaPhaseMetrics;
import dev.twophase.coordinator.recovery.HeuristicGuard;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.coordinator.xa.XaResourceLink;

/**
 * The XAResource chain every participant's XA factory is decorated with: heuristic guard, phase
 * timers, then every other {@link XaResourceLink} bean (the fault injector when enabled) in
 * {@code @Order}: the protocol timeline first when enabled, so it sees what the fault injector does.
 * Imported by {@link TwophaseCoordinatorAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TimelineProperties.class)
class TwophaseXaChainConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HeuristicRegistry twophaseHeuristicRegistry() {
        return new HeuristicRegistry();
    }

    /**
     * A last resource's decision whose outcome became unknown is a heuristic hazard: recorded where the
     * console and the metrics read heuristics. Closed (unsubscribed) with the context.
     */
    @Bean
    AutoCloseable twophaseLastResourceHazards(HeuristicRegistry heuristics) {
        return dev.twophase.coordinator.log.LastResource.onUnknownOutcome((participant, xid, detail) -> heuristics.record(participant, xid,
                dev.twophase.coordinator.recovery.HeuristicOutcome.Decision.COMMIT,
                dev.twophase.coordinator.recovery.HeuristicOutcome.Observed.HAZARD, detail));
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

    /** The protocol timeline: outermost of the optional links, so a vote the fault injector forces is recorded as sent. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "twophase.coordinator.timeline", name = "enabled")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    XaTimeline twophaseXaTimeline(TimelineProperties properties) {
        return new XaTimeline(properties.size());
    }

    @Bean
    @ConditionalOnMissingBean
    XaResourceChain twophaseXaResourceChain(HeuristicGuard guard, XaPhaseMetrics timers, ObjectProvider<XaResourceLink> links,
            CoordinatorProperties coordinator) {
        List<XaResourceLink> inner = links.orderedStream().filter(link -> link != guard && link != timers).toList();
        String lastResource = coordinator.lastResource() == null || coordinator.lastResource().isBlank() ? null
                : coordinator.lastResource().strip();
        return new XaResourceChain(guard, timers, inner, lastResource);
    }
}
