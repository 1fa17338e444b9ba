package dev.twophase.coordinator.recovery;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;

/**
 * Health contributor {@code participants}: one indicator per XA participant, from the latest scan
 * ({@link ParticipantMonitor}): UP when it was reached, DOWN with the error when not, UNKNOWN
 * before the first scan. Details: prepared branches of this coordinator and of others.
 */
public final class ParticipantsHealthContributor implements CompositeHealthContributor {

    private final PromptRecovery recovery;

    public ParticipantsHealthContributor(PromptRecovery recovery) {
        this.recovery = recovery;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return names().contains(name) ? indicator(name) : null;
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return names().stream().map(name -> NamedContributor.of(name, (HealthContributor) indicator(name))).iterator();
    }

    private Set<String> names() {
        Set<String> names = new TreeSet<>(recovery.participants().scans().keySet());
        try {
            names.addAll(recovery.atomikos().participants().keySet());
        } catch (RuntimeException notRunning) {
            // Atomikos not started or shut down: the scanned ones are all there is to say.
        }
        return names;
    }

    private HealthIndicator indicator(String name) {
        return () -> {
            ParticipantMonitor.Scan scan = recovery.participants().scan(name);
            if (scan == null) {
                return Health.unknown().withDetail("reason", "not scanned yet").build();
            }
            Health.Builder health = scan.reachable() ? Health.up() : Health.down().withDetail("error", scan.lastError());
            return health.withDetail("preparedBranches", scan.ours()).withDetail("preparedBranchesOfOthers", scan.others())
                    .withDetail("lastScanAt", scan.lastScanAt().toString()).build();
        };
    }
}
