package dev.twophase.coordinator.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Atomikos coordinator, under {@code twophase.coordinator}.
 *
 * @param tmName unique, stable name of this coordinator; lower-case letters, digits and inner hyphens (see TmName)
 * @param logDir directory of the recovery log; must be writable and used by one process only
 * @param defaultTimeout timeout of a transaction that sets none; a transaction older than this is rolled back
 * @param maxTimeout longest timeout a transaction may ask for
 * @param recoveryDelay pause between two background recovery passes of Atomikos itself
 * @param maxActives most transactions in flight at once; further begins fail
 * @param recoveryInterval pause between two passes of twophase's prompt recovery
 * @param recoveryDeadline time after which startup recovery that has not completed is reported as overdue
 * @param recoveryParticipants names of the XA resources that startup recovery must have scanned before it can
 *        complete; defaults to every participant declared under twophase.participants; empty means those
 *        registered with Atomikos when the application has started
 * @param commitRetries how many times a participant whose commit failed (e.g. unreachable) is retried in
 *        the committing thread before the transaction ends with a heuristic hazard and recovery
 *        takes over (Atomikos's oltp_max_retries); the caller waits for these retries
 * @param commitRetryInterval pause between those retries (Atomikos's oltp_retry_interval); short, so that a
 *        participant that is back (a restarted database, a reconnected broker) is committed within about a
 *        second; twice this is also how long prompt recovery leaves such a branch to the committing thread
 * @param forgetOrphanedLogEntriesDelay how long after its transaction's timeout Atomikos keeps a
 *        commit decision whose branches are unresolved before purging it as orphaned
 * @param parallelPhases whether a transaction with several participants prepares them all at once, and
 *        commits them all at once, on threads of Atomikos's task pool, instead of one after the other
 *        in the committing thread (Atomikos 6's own way for new transactions); the outcome is the same.
 *        Off by default: on a 2-core machine with local servers it gained nothing at one client and
 *        cost throughput under load (docs/benchmarks.md). See ParallelPhases
 * @param logStore how the recovery log is written: file (the default: Atomikos's tmlog files,
 *        written with group commit, one fsync for the records of all transactions logging at the same
 *        time; see GroupCommitLog) or atomikos (Atomikos's own log: the same files, one fsync per
 *        record under one lock). Both read each other's files. Or postgresql: group commit into the
 *        database of log-database, so that another instance can finish this one's transactions
 * @param lastResource the JDBC participant (its name under twophase.participants.jdbc) that runs as the
 *        logging last resource: its branch is never prepared but committed in one phase at the decision
 *        point, with the commit record in a table of its own database (twophase_llr_commit). Saves that
 *        database's prepare. Empty (the default): every participant is prepared. See docs/last-resource.md
 */
@ConfigurationProperties("twophase.coordinator")
public record CoordinatorProperties(
        String tmName,
        Path logDir,
        @DefaultValue("10s") Duration defaultTimeout,
        @DefaultValue("5m") Duration maxTimeout,
        @DefaultValue("10s") Duration recoveryDelay,
        @DefaultValue("200") int maxActives,
        @DefaultValue("2s") Duration recoveryInterval,
        @DefaultValue("60s") Duration recoveryDeadline,
        @DefaultValue List<String> recoveryParticipants,
        @DefaultValue("24h") Duration forgetOrphanedLogEntriesDelay,
        @DefaultValue("10") int commitRetries,
        @DefaultValue("1s") Duration commitRetryInterval,
        @DefaultValue("false") boolean parallelPhases,
        @DefaultValue("file") String logStore,
        @DefaultValue LogDatabase logDatabase,
        @DefaultValue Takeover takeover,
        String lastResource) {

    /** What Spring binds (the record has a second constructor, for code that sets no last resource). */
    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public CoordinatorProperties {
    }

    /** Without a last resource (every participant prepared). */
    public CoordinatorProperties(String tmName, Path logDir, Duration defaultTimeout, Duration maxTimeout, Duration recoveryDelay,
            int maxActives, Duration recoveryInterval, Duration recoveryDeadline, List<String> recoveryParticipants,
            Duration forgetOrphanedLogEntriesDelay, int commitRetries, Duration commitRetryInterval, boolean parallelPhases,
            String logStore, LogDatabase logDatabase, Takeover takeover) {
        this(tmName, logDir, defaultTimeout, maxTimeout, recoveryDelay, maxActives, recoveryInterval, recoveryDeadline,
                recoveryParticipants, forgetOrphanedLogEntriesDelay, commitRetries, commitRetryInterval, parallelPhases, logStore,
                logDatabase, takeover, null);
    }

    /**
     * Finishing the transactions of another instance whose lease ran out (log-store=postgresql only).
     *
     * @param enabled whether this instance takes over TM names whose lease expired: it claims the TM name with
     *        the next epoch, commits the branches its log decided to commit and rolls back the rest on every
     *        participant registered here, then releases it. Off by default
     * @param interval how often this instance looks for expired TM names
     */
    public record Takeover(@DefaultValue("false") boolean enabled, @DefaultValue("5s") Duration interval) {
    }

    /**
     * The database of {@code log-store=postgresql}.
     *
     * @param url JDBC URL of the PostgreSQL database that holds the coordinator log (it may be an application
     *        database; the log's tables start with twophase_log_), e.g. jdbc:postgresql://db:5432/app
     * @param username database user; it needs to create tables on first start
     * @param password database password
     * @param lease how long this coordinator owns its TM name's log without renewing; another instance may take the
     *        TM name over after that. Renewed every third of it
     */
    public record LogDatabase(String url, String username, String password, @DefaultValue("30s") Duration lease) {

        @Override
        public String toString() {
            return "LogDatabase[url=" + url + ", username=" + username + ", lease=" + lease + "]";
        }
    }
}
