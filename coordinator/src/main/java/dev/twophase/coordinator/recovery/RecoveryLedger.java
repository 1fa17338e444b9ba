package dev.twophase.coordinator.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.coordinator.recovery.BranchResolver.ScanResult;
import dev.twophase.coordinator.recovery.RecoveryStatus.State;

/**
 * What {@link PromptRecovery} has found and done so far, per participant, and whether startup
 * recovery is complete. Thread-safe: passes write, health checks and meters read.
 */
final class RecoveryLedger {

    private static final Logger log = LoggerFactory.getLogger(PromptRecovery.class);

    private final Duration deadline;
    private final Set<String> required;
    private final Map<String, ParticipantState> participants = new TreeMap<>();
    private Instant startedAt;
    private Instant completedAt;
    private Instant lastOverdueWarning;
    private long committed;
    private long rolledBack;
    private long heuristic;

    RecoveryLedger(Duration deadline, Set<String> required) {
        this.deadline = deadline;
        this.required = Set.copyOf(required);
        required.forEach(name -> participants.put(name, new ParticipantState(name)));
    }

    synchronized void begin(Instant now) {
        if (startedAt == null) {
            startedAt = now;
        }
    }

    /**
     * Takes in one pass over the participants registered now.
     *
     * @return the completion line to log, the first time nothing from before startup is left
     */
    synchronized Optional<String> record(Set<String> registered, List<ScanResult> results, Instant now) {
        participants.values().forEach(p -> p.registered = registered.contains(p.name));
        for (ScanResult result : results) {
            ParticipantState p = participants.computeIfAbsent(result.participant(), ParticipantState::new);
            p.registered = true;
            if (!result.scanned() && !Objects.equals(result.error(), p.lastError)) {
                log.warn("Recovery cannot scan participant '{}': {}; it retries every pass", p.name, result.error());
            } else if (result.scanned() && !p.scannedOk && p.lastError != null) {
                log.info("Recovery scans participant '{}' again", p.name);
            }
            p.lastError = result.error();
            p.scannedOk = result.scanned();
            if (result.scanned()) {
                p.lastScanAt = now;
                p.pending = result.pendingFromBefore();
                p.covered |= p.pending.isEmpty();
            }
            committed += result.committed();
            rolledBack += result.rolledBack();
            heuristic += result.heuristic();
        }
        if (completedAt != null || !complete(registered)) {
            return Optional.empty();
        }
        completedAt = now;
        return Optional.of(String.format("Recovery complete in %d ms: %d committed, %d rolled back, %d heuristic"
                + " (participants: %s)", Duration.between(startedAt, completedAt).toMillis(), committed, rolledBack,
                heuristic, registered.isEmpty() ? "none" : String.join(", ", new TreeSet<>(registered))));
    }

    synchronized RecoveryStatus status(Instant now) {
        State state = completedAt != null ? State.COMPLETE : overdue(now) ? State.OVERDUE : State.RECOVERING;
        Map<String, RecoveryStatus.Participant> snapshot = new LinkedHashMap<>();
        participants.values().forEach(p -> snapshot.put(p.name, p.snapshot()));
        return new RecoveryStatus(state, startedAt, completedAt, committed, rolledBack, heuristic, pending(),
                Collections.unmodifiableMap(snapshot));
    }

    /** The WARN line to log now, if recovery is overdue and the last one is a minute old. */
    synchronized Optional<String> overdueWarning(Instant now, Duration period) {
        if (completedAt != null || !overdue(now) || lastOverdueWarning != null && now.isBefore(lastOverdueWarning.plus(period))) {
            return Optional.empty();
        }
        lastOverdueWarning = now;
        return Optional.of(String.format("Recovery overdue: not complete %d ms after it started"
                + " (twophase.coordinator.recovery-deadline=%d ms); %d branches from before startup still prepared; %s",
                Duration.between(startedAt, now).toMillis(), deadline.toMillis(), pending(), participants.isEmpty()
                        ? "no participant registered with Atomikos"
                        : participants.values().stream().map(ParticipantState::describe).collect(Collectors.joining("; "))));
    }

    private boolean overdue(Instant now) {
        return startedAt != null && !now.isBefore(startedAt.plus(deadline));
    }

    private int pending() {
        return participants.values().stream().mapToInt(p -> p.pending.size()).sum();
    }

    private boolean complete(Set<String> registered) {
        if (startedAt == null || !registered.containsAll(required)) {
            return false;
        }
        return registered.stream().map(participants::get).allMatch(p -> p.covered && p.scannedOk && p.pending.isEmpty());
    }

    private static final class ParticipantState {
        final String name;
        boolean registered;
        boolean covered;
        boolean scannedOk;
        Map<String, String> pending = Map.of();
        String lastError;
        Instant lastScanAt;

        ParticipantState(String name) {
            this.name = name;
        }

        RecoveryStatus.Participant snapshot() {
            String error = registered ? lastError : "not registered with Atomikos (its pool has not started)";
            return new RecoveryStatus.Participant(name, registered, covered, List.copyOf(pending.keySet()), error,
                    lastScanAt);
        }

        String describe() {
            if (!registered) {
                return name + ": not registered with Atomikos";
            }
            StringBuilder text = new StringBuilder(name).append(": ");
            if (!scannedOk && lastScanAt == null) {
                text.append("never scanned");
            } else if (pending.isEmpty()) {
                text.append("nothing from before startup");
            } else {
                text.append(pending.size()).append(" pending ").append(pending.entrySet().stream()
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ", "[", "]")));
            }
            if (lastError != null) {
                text.append(", last error: ").append(lastError);
            }
            return text.toString();
        }
    }
}
