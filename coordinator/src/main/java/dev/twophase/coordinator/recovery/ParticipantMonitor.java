package dev.twophase.coordinator.recovery;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the latest scan ({@code XAResource.recover}) of each participant found, by recovery passes
 * or by the console: reachable or not, prepared branches of this coordinator and of others.
 * Thread-safe.
 */
public final class ParticipantMonitor {

    /**
     * @param reachable whether the latest scan reached the participant
     * @param ours prepared branches of this coordinator found by the latest successful scan
     * @param others prepared branches of other coordinators found by the latest successful scan
     * @param lastError why the latest scan failed, or {@code null}
     * @param lastScanAt when it was last scanned, successfully or not
     */
    public record Scan(boolean reachable, int ours, int others, String lastError, Instant lastScanAt) {
    }

    private final Map<String, Scan> scans = new ConcurrentHashMap<>();

    public void reached(String participant, int ours, int others, Instant at) {
        scans.put(participant, new Scan(true, ours, others, null, at));
    }

    public void failed(String participant, String error, Instant at) {
        scans.merge(participant, new Scan(false, 0, 0, error, at),
                (old, now) -> new Scan(false, old.ours(), old.others(), error, at));
    }

    /** The latest scan of each participant scanned so far, by name. A point-in-time copy. */
    public Map<String, Scan> scans() {
        return new TreeMap<>(scans);
    }

    /** The latest scan of one participant, or {@code null} when it has not been scanned. */
    public Scan scan(String participant) {
        return scans.get(participant);
    }

    /** Prepared branches of this coordinator on all participants, as the latest scans found them. */
    public int inDoubt() {
        return scans.values().stream().mapToInt(Scan::ours).sum();
    }
}
