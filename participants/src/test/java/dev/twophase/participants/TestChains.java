package dev.twophase.participants;

import java.util.List;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.metrics.XaPhaseMetrics;
import dev.twophase.coordinator.recovery.HeuristicGuard;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.xa.XaResourceChain;

/** The coordinator's real XA chain for tests that build participants without a Spring context. */
public final class TestChains {

    private TestChains() {
    }

    /** Guard and timers, as the auto-configuration builds the chain without fault injection. */
    public static XaResourceChain plain() {
        return new XaResourceChain(new HeuristicGuard(new HeuristicRegistry()), new XaPhaseMetrics(), List.of());
    }

    /** Guard, timers and the given injector as the innermost link, as with {@code twophase.faults.enabled=true}. */
    public static XaResourceChain withFaults(FaultInjector injector) {
        return new XaResourceChain(new HeuristicGuard(new HeuristicRegistry()), new XaPhaseMetrics(), List.of(injector));
    }
}
