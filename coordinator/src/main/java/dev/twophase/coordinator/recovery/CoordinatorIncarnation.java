package dev.twophase.coordinator.recovery;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import javax.transaction.xa.Xid;

import com.atomikos.icatch.TransactionServicePlugin;

import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.atomikos.TransactionIds;

/**
 * This run of the coordinator: its name, the moment just before its transaction manager started,
 * and the commit decisions its recovery log held at that moment. {@link PromptRecovery} uses it to
 * tell branches of earlier runs, which no live transaction can own, from branches of this one.
 *
 * <p>Atomikos puts the creation time into each transaction id ({@link TransactionIds}) and uses
 * that id, its coordinator id, as the gtrid of every XA branch. A branch qualifier is {@code <tm_unique_name><n>} with a
 * per-JVM counter that restarts at 1, so only the gtrid tells the runs apart.
 *
 * <p>Register it with Atomikos as a {@link TransactionServicePlugin} (the auto-configuration
 * does): {@link #beforeInit()} runs before Atomikos opens its log and before any id can be made,
 * {@link #afterInit()} right after the log is loaded and before Atomikos's first recovery pass
 * (which waits {@code recovery_delay}) can forget anything. Thread-safe.
 */
public final class CoordinatorIncarnation implements TransactionServicePlugin {

    /** Which run created a transaction. */
    public enum Age {
        /** An earlier run of this coordinator: no transaction of it can still be active. */
        PREVIOUS,
        /** This run. */
        CURRENT,
        /** Not an id in Atomikos's format for this coordinator's name. */
        UNKNOWN
    }

    private final TmName tmName;
    private final Clock clock;
    private final Supplier<Set<String>> committingInLog;
    private volatile Instant startedAt;
    private volatile Set<String> committingAtStartup = Set.of();

    /** An incarnation that takes its snapshot from the running Atomikos's recovery log. */
    public CoordinatorIncarnation(TmName tmName) {
        this(tmName, Clock.systemUTC(), LiveAtomikos::committingIds);
    }

    CoordinatorIncarnation(TmName tmName, Clock clock, Supplier<Set<String>> committingInLog) {
        this.tmName = tmName;
        this.clock = clock;
        this.committingInLog = committingInLog;
    }

    /** An incarnation that has already started, for tests. */
    static CoordinatorIncarnation started(TmName tmName, Instant startedAt, Set<String> committingAtStartup) {
        CoordinatorIncarnation incarnation = new CoordinatorIncarnation(tmName,
                Clock.fixed(startedAt, java.time.ZoneOffset.UTC), () -> committingAtStartup);
        incarnation.beforeInit();
        incarnation.afterInit();
        return incarnation;
    }

    @Override
    public void beforeInit() {
        // Millisecond precision, as in the ids: an id made in the same millisecond is this run's.
        startedAt = Instant.ofEpochMilli(clock.millis());
        committingAtStartup = Set.of();
    }

    @Override
    public void afterInit() {
        committingAtStartup = Set.copyOf(committingInLog.get());
    }

    @Override
    public void afterShutdown() {
        // The facts about this run stay true after it stopped.
    }

    public TmName tmName() {
        return tmName;
    }

    /**
     * The moment just before this run's transaction manager started.
     *
     * @throws IllegalStateException before Atomikos started
     */
    public Instant startedAt() {
        Instant at = startedAt;
        if (at == null) {
            throw new IllegalStateException("coordinator '" + tmName + "' has not started: register the incarnation"
                    + " with Atomikos (UserTransactionServiceImp.setInitialTransactionServicePlugins) before init()");
        }
        return at;
    }

    /**
     * Ids of the transactions the log held as COMMITTING (or in doubt under a COMMITTING one) at
     * startup. Decisions of earlier runs cannot change, so this stays true even after Atomikos
     * forgets a record, e.g. after replaying it on the participants registered at that moment.
     */
    public Set<String> committingAtStartup() {
        return committingAtStartup;
    }

    /** Whether a branch qualifier says the branch was created by this coordinator, as Atomikos recovery decides it. */
    public boolean owns(Xid xid) {
        return tmName.owns(xid.getBranchQualifier());
    }

    /** When the transaction with this id was created, if the id is in Atomikos's format for this coordinator. */
    public Optional<Instant> createdAt(String gtrid) {
        return TransactionIds.createdAt(tmName.atomikosName(), gtrid);
    }

    /** Which run created the transaction with this id. */
    public Age ageOf(String gtrid) {
        return createdAt(gtrid).map(created -> created.isBefore(startedAt()) ? Age.PREVIOUS : Age.CURRENT)
                .orElse(Age.UNKNOWN);
    }
}
