package dev.twophase.coordinator.recovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import javax.transaction.xa.XAResource;

/** What recovery sees of Atomikos, set up by a test: registered participants, live transactions, log records. */
final class FakeAtomikos implements AtomikosAccess {

    private final Map<String, Supplier<XAResource>> participants = new LinkedHashMap<>();
    private final Set<String> live = new HashSet<>();
    private final Map<String, LogEntry> log = new HashMap<>();
    private final List<String> forgotten = new ArrayList<>();
    private final List<String> questions = new ArrayList<>();
    private boolean subtransactionsAllowed;
    private boolean ownsLog = true;

    private final Set<String> refused = new HashSet<>();

    synchronized void loseLog() {
        ownsLog = false;
    }

    /** The log refused this transaction's commit decision (its COMMITTING write failed, the log was rewritten without it). */
    synchronized void refuseDecision(String gtrid) {
        refused.add(gtrid);
    }

    /** What the last resource answers when a transaction of an earlier run is fenced off it; null: none runs. */
    private LastResourceAnswer fence;
    /** Transactions whose last-resource outcome is unknown, with what asking again answers. */
    private final Map<String, LastResourceAnswer> unknown = new HashMap<>();

    synchronized void lastResourceFences(LastResourceAnswer answer) {
        fence = answer;
    }

    /** The last resource left this transaction's outcome unknown; asking again answers {@code next}. */
    synchronized void lastResourceUnknown(String gtrid, LastResourceAnswer next) {
        unknown.put(gtrid, next);
    }

    @Override
    public synchronized LastResourceAnswer settleLastResource(String gtrid) {
        LastResourceAnswer answer = unknown.get(gtrid);
        if (answer == LastResourceAnswer.COMMITTED) {
            unknown.remove(gtrid);
            committing(gtrid);
        } else if (answer == LastResourceAnswer.ROLLED_BACK) {
            unknown.remove(gtrid);
            refused.add(gtrid);
        }
        return answer;
    }

    @Override
    public synchronized LastResourceAnswer fenceLastResource(String gtrid) {
        if (fence == LastResourceAnswer.COMMITTED) {
            committing(gtrid);
        }
        return fence;
    }

    @Override
    public synchronized boolean decisionRefused(String gtrid) {
        return refused.contains(gtrid);
    }

    @Override
    public synchronized boolean ownsLog() {
        return ownsLog;
    }

    synchronized FakeAtomikos register(FakeResourceManager rm) {
        participants.put(rm.name(), rm::xaResource);
        return this;
    }

    synchronized FakeAtomikos register(String name, Supplier<XAResource> connect) {
        participants.put(name, connect);
        return this;
    }

    synchronized void live(String gtrid) {
        live.add(gtrid);
    }

    synchronized void ended(String gtrid) {
        live.remove(gtrid);
    }

    synchronized void committing(String gtrid) {
        log.put(gtrid, LogEntry.COMMITTING);
    }

    synchronized void record(String gtrid, String state) {
        log.put(gtrid, new LogEntry(LogEntry.Kind.OTHER, state));
    }

    private final Map<String, PendingRecord> pending = new LinkedHashMap<>();
    private final Map<String, Runnable> renewals = new HashMap<>();
    private final List<String> refreshed = new ArrayList<>();

    /** What a refresh of the participant's recovery connection does; without one, refresh is refused. */
    synchronized void onRefresh(String participant, Runnable renewal) {
        renewals.put(participant, renewal);
    }

    synchronized List<String> refreshed() {
        return List.copyOf(refreshed);
    }

    @Override
    public synchronized boolean refresh(String participant) {
        Runnable renewal = renewals.get(participant);
        if (renewal == null) {
            return false;
        }
        refreshed.add(participant);
        renewal.run();
        return true;
    }

    /** A record of the recovery log that {@link #pendingRecords()} lists (and {@link #logEntry} reports, when COMMITTING). */
    synchronized void pending(String gtrid, String state, long expires) {
        pending.put(gtrid, new PendingRecord(gtrid, state, expires));
        if (state.equals("COMMITTING")) {
            log.put(gtrid, LogEntry.COMMITTING);
        }
    }

    @Override
    public synchronized List<PendingRecord> pendingRecords() {
        return List.copyOf(pending.values());
    }

    synchronized void allowSubtransactions() {
        subtransactionsAllowed = true;
    }

    synchronized List<String> forgotten() {
        return List.copyOf(forgotten);
    }

    /** Every question recovery asked, in order: {@code live <gtrid>} or {@code log <gtrid>}. */
    synchronized List<String> questions() {
        return List.copyOf(questions);
    }

    @Override
    public synchronized Map<String, Supplier<XAResource>> participants() {
        return new LinkedHashMap<>(participants);
    }

    @Override
    public synchronized boolean hasLiveCoordinator(String gtrid) {
        questions.add("live " + gtrid);
        return live.contains(gtrid);
    }

    @Override
    public synchronized LogEntry logEntry(String gtrid) {
        questions.add("log " + gtrid);
        return log.getOrDefault(gtrid, LogEntry.NONE);
    }

    @Override
    public synchronized void forget(String gtrid) {
        log.remove(gtrid);
        pending.remove(gtrid);
        forgotten.add(gtrid);
    }

    @Override
    public synchronized boolean subtransactionsAllowed() {
        return subtransactionsAllowed;
    }
}
