package dev.twophase.coordinator.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.log.OnePhaseAwareLog;
import dev.twophase.coordinator.xa.DelegatingXAResource;
import dev.twophase.coordinator.xa.XaCodes;
import dev.twophase.coordinator.xa.XaResourceLink;
import dev.twophase.coordinator.xa.XidText;

/**
 * The protocol of the most recent global transactions, as it happened: every XA call each
 * participant received (start, end, prepare with its vote, commit, one-phase commit, rollback,
 * forget) and every record the coordinator's log wrote for the transaction (its commit decision,
 * {@code COMMITTING}, and {@code TERMINATED}), each with its start and duration, in the order they
 * began. A link of the XA chain, outside every optional link, so a vote that the fault injector
 * forces is seen as the coordinator saw it.
 *
 * <p>Keeps the last {@code capacity} transactions and at most {@value #MAX_STEPS} steps of each (past them,
 * the log's records still, up to twice as many). Eviction looks for a finished one-participant transaction
 * by one flag per kept transaction, under the one monitor every recording takes; the capacity is capped
 * at 1000 for that reason.
 * When full it drops the oldest finished transaction that had one participant (a read, or a write to
 * one database, committed in one phase), and only when there is none the oldest of all: an
 * application that reads through JTA on every page view would otherwise push its two-phase
 * commits out within seconds. Recovery's calls after a restart belong to transactions this
 * instance did not start: they appear as transactions of their own, which is what happened here.
 * Thread-safe; its cost per XA call is one monitor and a few small objects. Recording never throws into the
 * call it records.
 */
public final class XaTimeline implements XaResourceLink, AutoCloseable {

    /** Steps kept per transaction: a transfer over three participants makes about 14. */
    static final int MAX_STEPS = 64;

    /** The final states of a Saga, TCC or outbox flow's log, which are its outcome. */
    private static final java.util.Set<String> PATTERN_ENDS = java.util.Set.of("DONE", "COMPENSATED", "CANCELLED", "REJECTED");

    /**
     * The format id of every Xid Atomikos makes ({@code "ATOM"} in ASCII, {@code XID.DEFAULT_FORMAT} in its 6.0.0
     * sources); a recovery scan's other Xids are some other transaction manager's.
     */
    static final int ATOMIKOS_FORMAT = 0x41544F4D;

    /** The step of a branch a recovery scan found prepared, and its result. */
    public static final String RECOVER = "recover";
    public static final String IN_DOUBT = "in doubt";

    /** Who did a step: a participant's name, or {@code coordinator} for a log record. */
    public static final String COORDINATOR = "coordinator";

    /**
     * One step of a transaction.
     *
     * @param actor   the participant (its unique resource name) or {@link #COORDINATOR}
     * @param step    {@code start}, {@code end}, {@code prepare}, {@code commit}, {@code commit-one-phase},
     *                {@code rollback}, {@code forget}, or {@code log COMMITTING} / {@code log TERMINATED} / …
     * @param atMicros when it began, in microseconds from the transaction's first step
     * @param micros  how long it took
     * @param result  {@code ok}; a prepare's vote ({@code yes}, {@code read-only}, {@code no: XA_RBROLLBACK});
     *                or the XA error code a call failed with ({@code XAER_RMFAIL}, …)
     * @param branch  the XA branch qualifier the call named (with the gtrid, the branch's Xid), or {@code null}
     *                for a step outside the XA chain
     */
    public record Step(String actor, String step, long atMicros, long micros, String result, String branch) {
    }

    /**
     * One global transaction.
     *
     * @param gtrid         its global transaction id (Atomikos's coordinator id)
     * @param action        what the application said caused it ({@link #label}), e.g. {@code transfer}, or {@code null}
     * @param startedMillis wall-clock time of its first step
     * @param outcome       {@code committed}, {@code rolled back}, {@code prepared} (the decision not seen yet:
     *                      in progress, or in doubt), {@code in doubt} (a recovery scan found a branch prepared
     *                      and no commit or rollback followed yet), {@code read-only} (every participant voted read-only:
     *                      nothing to commit), {@code active}, or {@code failed} (a participant's last commit or
     *                      rollback did not succeed, whatever the others did); for a Saga, TCC or outbox flow its log's final state in lower
     *                      case ({@code done}, {@code compensated}, {@code cancelled}, {@code rejected}), or
     *                      {@code active} before it
     * @param steps         in the order they began
     */
    public record Transaction(String gtrid, String action, long startedMillis, String outcome, List<Step> steps) {
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(XaTimeline.class);

    private final int capacity;
    private final Map<String, Recording> recent = new LinkedHashMap<>();
    private volatile boolean failedOnce;
    private final AutoCloseable logListener;

    /** @param capacity transactions kept, at least 1 */
    public XaTimeline(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.logListener = OnePhaseAwareLog.onWrite((id, state, start, end) -> recordStep(id, COORDINATOR, "log " + state, start, end,
                "ok"));
    }

    @Override
    public XAResource link(String participant, XAResource next, XAResource vendor) {
        return new Recorded(participant, next);
    }

    /** The most recent transactions, newest first, at most {@code limit}. */
    public List<Transaction> recent(int limit) {
        return recent(limit, 1);
    }

    /**
     * The most recent transactions with at least {@code minParticipants} actors (participants, and the
     * coordinator's log counting as one), and every one a recovery scan found in doubt, newest first, at most
     * {@code limit}.
     */
    public List<Transaction> recent(int limit, int minParticipants) {
        List<Transaction> snapshots;
        synchronized (recent) {
            snapshots = recent.values().stream().filter(r -> r.participants() >= minParticipants || r.foundInDoubt)
                    .sorted(Comparator.comparingLong((Recording r) -> r.firstNanos).reversed())
                    .limit(Math.max(0, limit)).map(Recording::snapshot).toList();
        }
        return snapshots;
    }

    /** One transaction, if it is still kept. */
    public Optional<Transaction> find(String gtrid) {
        synchronized (recent) {
            Recording r = recent.get(gtrid);
            return r == null ? Optional.empty() : Optional.of(r.snapshot());
        }
    }

    /** Stops listening to the coordinator's log. */
    @Override
    public void close() throws Exception {
        logListener.close();
    }

    /**
     * Records a step that did not pass through the XA chain, e.g. a Saga's local transaction or a change
     * of its log's state ({@code log DEBITED}), under the flow's own id.
     *
     * @param startNanos when it began, {@link System#nanoTime()}
     * @param endNanos   when it ended
     */
    public void recordStep(String gtrid, String actor, String step, long startNanos, long endNanos, String result) {
        record(gtrid, actor, step, startNanos, endNanos, result, null);
    }

    /**
     * Names the business action behind a transaction (e.g. {@code transfer}, {@code inbox: transfer}), shown with
     * it. Called by the application inside the transaction, with {@code GlobalTransactionId.current()}; a
     * transaction not seen yet is created, so the label may come before the first XA call.
     */
    public void label(String gtrid, String action) {
        if (gtrid == null) {
            return;
        }
        synchronized (recent) {
            recording(gtrid, System.nanoTime()).action = action;
        }
    }

    /**
     * A branch a recovery scan found prepared. Recorded when this process has seen nothing of it on this
     * participant (a transaction of a previous run, or of another process), or when its last commit or rollback
     * here failed; not when its last step is a prepare, which is a transaction in flight between its phases (a scan
     * can come by then), nor twice in a row.
     */
    private void recordInDoubt(String gtrid, String participant, long start, long end, String branch) {
        try {
            synchronized (recent) {
                Recording r = recent.get(gtrid);
                Raw last = r == null ? null : r.lastOf(participant);
                boolean failedPhaseTwo = last != null && (last.step().equals("commit") || last.step().equals("rollback"))
                        && !last.result().equals("ok");
                if (last == null || failedPhaseTwo) {
                    recording(gtrid, start).add(participant, RECOVER, start, end, IN_DOUBT, branch);
                }
            }
        } catch (RuntimeException e) {
            if (!failedOnce) {
                failedOnce = true;
                log.warn("The protocol timeline could not record a recovery scan of {}; it goes on", participant, e);
            }
        }
    }

    /** Never throws: a recording must not fail an XA call, a log write or a flow's step. */
    private void record(String gtrid, String actor, String step, long startNanos, long endNanos, String result, String branch) {
        try {
            synchronized (recent) {
                recording(gtrid, startNanos).add(actor, step, startNanos, endNanos, result, branch);
            }
        } catch (RuntimeException e) {
            if (!failedOnce) {
                failedOnce = true;
                log.warn("The protocol timeline could not record a step of {}; it goes on, the transaction is unaffected", gtrid, e);
            }
        }
    }

    /** The transaction's recording, created (and room made for it) if it is new; guarded by the map. */
    private Recording recording(String gtrid, long startNanos) {
        Recording r = recent.get(gtrid);
        if (r == null) {
            r = new Recording(gtrid, startNanos, System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000);
            if (recent.size() >= capacity) {
                evictOne();
            }
            recent.put(gtrid, r);
        }
        return r;
    }

    /** Drops the oldest finished one-participant transaction, or else the oldest; guarded by the map. */
    private void evictOne() {
        Iterator<Recording> it = recent.values().iterator();
        while (it.hasNext()) {
            if (it.next().finishedAlone()) {
                it.remove();
                return;
            }
        }
        it = recent.values().iterator();
        it.next();
        it.remove();
    }

    /** A step as recorded, in {@link System#nanoTime()}; {@link Recording#snapshot} turns it into a {@link Step}. */
    private record Raw(String actor, String step, String result, String branch, long start, long end) {
    }

    /** A transaction being recorded; guarded by the timeline's map. */
    private static final class Recording {
        private final String gtrid;
        private final long firstNanos;
        private final long startedMillis;
        private final List<Raw> raw = new ArrayList<>();
        private final java.util.Set<String> actors = new java.util.HashSet<>(4);
        private boolean endedInOnePhase;
        /** A recovery scan found a branch of it prepared: two-phase, however many participants this process saw. */
        private boolean foundInDoubt;
        private String action;

        Recording(String gtrid, long firstNanos, long startedMillis) {
            this.gtrid = gtrid;
            this.firstNanos = firstNanos;
            this.startedMillis = startedMillis;
        }

        /**
         * Distinct actors seen, the coordinator's log counting as one: 1 for a one-phase XA transaction (it logs
         * nothing), 3 or more for a two-phase one, 2 or more for a Saga, TCC or outbox flow.
         */
        int participants() {
            return actors.size();
        }

        /** One participant, and its one-phase commit or its rollback already seen: kept track of as steps arrive. */
        boolean finishedAlone() {
            return endedInOnePhase && actors.size() <= 1 && !foundInDoubt;
        }

        /**
         * Keeps the first {@value #MAX_STEPS} steps, and past them still the log's records (up to twice as many
         * steps), so a flow retried many times still shows how it ended.
         */
        void add(String actor, String step, long start, long end, String result, String branch) {
            boolean logRecord = actor.equals(COORDINATOR);
            if (raw.size() < MAX_STEPS || (logRecord && raw.size() < 2 * MAX_STEPS)) {
                raw.add(new Raw(actor, step, result, branch, start, end));
                actors.add(actor);
                endedInOnePhase |= step.equals("commit-one-phase") || step.equals("rollback");
                foundInDoubt |= step.equals(RECOVER);
            }
        }

        /** The step the actor did last, or {@code null}. */
        Raw lastOf(String actor) {
            for (int i = raw.size() - 1; i >= 0; i--) {
                if (raw.get(i).actor().equals(actor)) {
                    return raw.get(i);
                }
            }
            return null;
        }

        Transaction snapshot() {
            long first = raw.stream().mapToLong(Raw::start).min().orElse(firstNanos);
            List<Step> steps = new ArrayList<>();
            for (Raw r : raw) {
                steps.add(new Step(r.actor(), r.step(), (r.start() - first) / 1000, Math.max(0, (r.end() - r.start()) / 1000), r.result(),
                        r.branch()));
            }
            steps.sort(Comparator.comparingLong(Step::atMicros));
            return new Transaction(gtrid, action, startedMillis, outcome(steps), List.copyOf(steps));
        }

        /**
         * Whether a commit or rollback did what was asked. A rollback answered {@code XAER_NOTA} or {@code XA_RB…}
         * found the branch already rolled back (a participant that voted no has rolled back on its own).
         */
        private static boolean succeeded(Step s) {
            return s.result().equals("ok")
                    || (s.step().equals("rollback") && (s.result().equals("XAER_NOTA") || s.result().startsWith("XA_RB")));
        }

        private static String outcome(List<Step> steps) {
            // A Saga, TCC or outbox flow ends in its log's final state.
            for (int i = steps.size() - 1; i >= 0; i--) {
                Step s = steps.get(i);
                String state = s.actor().equals(COORDINATOR) && s.step().startsWith("log ") ? s.step().substring(4) : "";
                if (PATTERN_ENDS.contains(state)) {
                    return state.toLowerCase(java.util.Locale.ROOT);
                }
            }
            // Each participant's last commit or rollback decides for it (a retried commit may fail, then succeed).
            Map<String, Step> lastPhaseTwo = new LinkedHashMap<>();
            boolean prepared = false;
            boolean voted = false;
            boolean found = false;
            for (Step s : steps) {
                switch (s.step()) {
                    case "commit", "commit-one-phase", "rollback" -> lastPhaseTwo.put(s.actor(), s);
                    case RECOVER -> found = true;
                    case "prepare" -> {
                        voted = true;
                        prepared |= s.result().equals("yes");
                    }
                    default -> {
                        // start, end, forget and log records decide nothing by themselves
                    }
                }
            }
            if (lastPhaseTwo.values().stream().anyMatch(s -> !succeeded(s))) {
                return "failed";
            }
            if (lastPhaseTwo.values().stream().anyMatch(s -> s.step().startsWith("commit"))) {
                return "committed";
            }
            if (!lastPhaseTwo.isEmpty()) {
                return "rolled back";
            }
            return prepared ? "prepared" : found ? IN_DOUBT : voted ? "read-only" : "active";
        }
    }

    private interface XaCall<T> {
        T run() throws XAException;
    }

    /** One participant's XAResource, recording each call of a transaction. */
    private final class Recorded extends DelegatingXAResource {

        private final String participant;

        Recorded(String participant, XAResource delegate) {
            super(delegate);
            this.participant = participant;
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            recorded(xid, flags == TMJOIN ? "start (join)" : flags == TMRESUME ? "start (resume)" : "start", () -> {
                super.start(xid, flags);
                return null;
            });
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            recorded(xid, flags == TMFAIL ? "end (fail)" : flags == TMSUSPEND ? "end (suspend)" : "end", () -> {
                super.end(xid, flags);
                return null;
            });
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            return recorded(xid, "prepare", () -> super.prepare(xid));
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            recorded(xid, onePhase ? "commit-one-phase" : "commit", () -> {
                super.commit(xid, onePhase);
                return null;
            });
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            recorded(xid, "rollback", () -> {
                super.rollback(xid);
                return null;
            });
        }

        /**
         * A recovery scan: each prepared branch of an Atomikos transaction it returns becomes a step
         * {@code recover} with result {@code in doubt}, once until the branch's next call, so the timeline
         * shows what a restart found before recovery committed or rolled it back.
         */
        @Override
        public Xid[] recover(int flag) throws XAException {
            long start = System.nanoTime();
            Xid[] found = super.recover(flag);
            long end = System.nanoTime();
            if (found != null) {
                for (Xid xid : found) {
                    if (xid != null && xid.getFormatId() == ATOMIKOS_FORMAT) {
                        recordInDoubt(XidText.gtrid(xid), participant, start, end, XidText.bqual(xid));
                    }
                }
            }
            return found;
        }

        @Override
        public void forget(Xid xid) throws XAException {
            recorded(xid, "forget", () -> {
                super.forget(xid);
                return null;
            });
        }

        private <T> T recorded(Xid xid, String step, XaCall<T> call) throws XAException {
            long start = System.nanoTime();
            String result = "ok";
            try {
                T value = call.run();
                if (step.equals("prepare")) {
                    result = Integer.valueOf(XA_RDONLY).equals(value) ? "read-only" : "yes";
                }
                return value;
            } catch (XAException e) {
                String code = XaCodes.constant(e.errorCode);
                result = step.equals("prepare") ? "no: " + code : code;
                throw e;
            } catch (RuntimeException e) {
                result = "failed"; // no class name: the page shows it
                throw e;
            } finally {
                record(XidText.gtrid(xid), participant, step, start, System.nanoTime(), result, XidText.bqual(xid));
            }
        }

        @Override
        public String toString() {
            return "XaTimeline[" + participant + "](" + delegate() + ")";
        }
    }
}
