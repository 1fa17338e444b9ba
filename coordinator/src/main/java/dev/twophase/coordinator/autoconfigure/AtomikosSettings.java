package dev.twophase.coordinator.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.twophase.coordinator.TmName;

/**
 * Turns {@link CoordinatorProperties} into Atomikos {@code com.atomikos.icatch.*} properties,
 * rejecting unsafe values with the property name, the value and the reason.
 */
public final class AtomikosSettings {

    /** Atomikos's log file base name; the lock file is {@code <base>.lck}. */
    public static final String LOG_BASE_NAME = "tmlog";
    /** The Atomikos property carrying {@code twophase.coordinator.log-store} to the log factory. */
    public static final String LOG_STORE_PROPERTY = dev.twophase.coordinator.log.LogStores.PROPERTY;
    static final java.util.List<String> LOG_STORES = dev.twophase.coordinator.log.LogStores.NAMES;

    private final TmName tmName;
    private final Path logDir;
    private final Properties properties;
    private final Duration defaultTimeout;
    private final Duration recoveryInterval;
    private final Duration recoveryDeadline;
    private final Set<String> recoveryParticipants;
    private final Duration forgetOrphanedLogEntriesDelay;
    private final Duration commitRetryInterval;
    private final dev.twophase.coordinator.log.PostgresLogStore.Settings logDatabase;
    private final Duration takeoverInterval;
    private final String lastResource;

    private AtomikosSettings(TmName tmName, Path logDir, Properties properties, CoordinatorProperties p,
            Set<String> recoveryParticipants, dev.twophase.coordinator.log.PostgresLogStore.Settings logDatabase) {
        this.logDatabase = logDatabase;
        this.takeoverInterval = p.takeover() != null && p.takeover().enabled() ? p.takeover().interval() : null;
        this.tmName = tmName;
        this.logDir = logDir;
        this.properties = properties;
        this.defaultTimeout = p.defaultTimeout();
        this.recoveryInterval = p.recoveryInterval();
        this.recoveryDeadline = p.recoveryDeadline();
        this.recoveryParticipants = Collections.unmodifiableSet(recoveryParticipants);
        this.forgetOrphanedLogEntriesDelay = p.forgetOrphanedLogEntriesDelay();
        this.commitRetryInterval = p.commitRetryInterval();
        this.lastResource = p.lastResource() == null || p.lastResource().isBlank() ? null : p.lastResource().strip();
    }

    /**
     * Validates the settings and builds the Atomikos properties.
     *
     * @throws InvalidConfigurationPropertyValueException naming the offending property
     */
    public static AtomikosSettings from(CoordinatorProperties p) {
        String reason = TmName.violation(p.tmName());
        if (reason != null) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.tm-name", p.tmName(),
                    reason + ". Set it to a name unique among all coordinators that share a participant, e.g. orders-1");
        }
        TmName tmName = TmName.of(p.tmName());
        if (p.logDir() == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.log-dir", null,
                    "the recovery log directory is required: it holds the commit decisions that recovery needs after a crash."
                            + " Set it to a directory on a local disk that survives restarts, e.g. /var/lib/twophase/tx-log");
        }
        positive("twophase.coordinator.default-timeout", p.defaultTimeout());
        positive("twophase.coordinator.max-timeout", p.maxTimeout());
        positive("twophase.coordinator.recovery-delay", p.recoveryDelay());
        if (p.defaultTimeout().compareTo(p.maxTimeout()) > 0) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.default-timeout", p.defaultTimeout(),
                    "it exceeds twophase.coordinator.max-timeout (" + p.maxTimeout() + "); lower it or raise max-timeout");
        }
        if (p.maxActives() < 1) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.max-actives", p.maxActives(),
                    "at least one transaction must be allowed in flight");
        }
        positive("twophase.coordinator.recovery-interval", p.recoveryInterval());
        if (p.recoveryInterval().compareTo(p.maxTimeout()) >= 0) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.recovery-interval",
                    p.recoveryInterval(), "it must be shorter than twophase.coordinator.max-timeout (" + p.maxTimeout()
                            + "), after which Atomikos itself presumes abort; prompt recovery would be slower than"
                            + " the recovery it is meant to speed up. Use a few seconds, e.g. 2s");
        }
        positive("twophase.coordinator.recovery-deadline", p.recoveryDeadline());
        if (p.recoveryDeadline().compareTo(p.recoveryInterval()) < 0) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.recovery-deadline",
                    p.recoveryDeadline(), "it is shorter than twophase.coordinator.recovery-interval ("
                            + p.recoveryInterval() + "), so recovery would be overdue before its second pass;"
                            + " raise it, e.g. to 60s");
        }
        Set<String> participants = recoveryParticipants(p.recoveryParticipants());
        positive("twophase.coordinator.forget-orphaned-log-entries-delay", p.forgetOrphanedLogEntriesDelay());
        if (p.forgetOrphanedLogEntriesDelay().compareTo(p.maxTimeout()) < 0) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.forget-orphaned-log-entries-delay",
                    p.forgetOrphanedLogEntriesDelay(), "it is shorter than twophase.coordinator.max-timeout ("
                            + p.maxTimeout() + "): commit decisions would be purged while their branches may still"
                            + " be waiting for recovery, and those branches would then be presumed aborted. Keep the default"
                            + " (24h) or raise it");
        }

        Properties props = new Properties();
        props.setProperty("com.atomikos.icatch.tm_unique_name", tmName.atomikosName());
        props.setProperty("com.atomikos.icatch.log_base_dir", p.logDir().toAbsolutePath().normalize().toString());
        props.setProperty("com.atomikos.icatch.log_base_name", LOG_BASE_NAME);
        props.setProperty("com.atomikos.icatch.default_jta_timeout", Long.toString(p.defaultTimeout().toMillis()));
        props.setProperty("com.atomikos.icatch.max_timeout", Long.toString(p.maxTimeout().toMillis()));
        props.setProperty("com.atomikos.icatch.recovery_delay", Long.toString(p.recoveryDelay().toMillis()));
        props.setProperty("com.atomikos.icatch.max_actives", Integer.toString(p.maxActives()));
        if (p.commitRetries() < 0) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.commit-retries", p.commitRetries(),
                    "it must be 0 or more; 0 leaves a failed commit to recovery at once");
        }
        positive("twophase.coordinator.commit-retry-interval", p.commitRetryInterval());
        props.setProperty("com.atomikos.icatch.oltp_max_retries", Integer.toString(p.commitRetries()));
        props.setProperty("com.atomikos.icatch.oltp_retry_interval", Long.toString(p.commitRetryInterval().toMillis()));
        props.setProperty("com.atomikos.icatch.forget_orphaned_log_entries_delay",
                Long.toString(p.forgetOrphanedLogEntriesDelay().toMillis()));
        props.setProperty("com.atomikos.icatch.enable_logging", "true");
        String logStore = p.logStore() == null ? "file" : p.logStore().strip().toLowerCase(java.util.Locale.ROOT);
        if (!LOG_STORES.contains(logStore)) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.log-store", p.logStore(),
                    "it must be one of " + String.join(", ", LOG_STORES) + ": file writes the recovery log with group commit"
                            + " (the default), atomikos with Atomikos's own log (one fsync per record)");
        }
        // Read by the log factory Atomikos loads (OnePhaseAwareLog.Factory), which has no Spring context.
        props.setProperty(LOG_STORE_PROPERTY, logStore);
        dev.twophase.coordinator.log.PostgresLogStore.Settings logDatabase = null;
        if (logStore.equals(dev.twophase.coordinator.log.LogStores.POSTGRESQL)) {
            CoordinatorProperties.LogDatabase db = p.logDatabase();
            if (db == null || db.url() == null || !db.url().startsWith("jdbc:postgresql:")) {
                throw new InvalidConfigurationPropertyValueException("twophase.coordinator.log-database.url", db == null ? null : db.url(),
                        "log-store=postgresql needs the PostgreSQL database that holds the coordinator log,"
                                + " e.g. jdbc:postgresql://127.0.0.1:5432/app");
            }
            Duration lease = db.lease() == null ? Duration.ofSeconds(30) : db.lease();
            if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new InvalidConfigurationPropertyValueException("twophase.coordinator.log-database.lease", lease,
                        "it must be at least 1s (it is renewed every third of it); e.g. 30s");
            }
            logDatabase = new dev.twophase.coordinator.log.PostgresLogStore.Settings(db.url(), db.username(),
                    db.password() == null ? "" : db.password(), lease);
        }
        if (p.takeover() != null && p.takeover().enabled()) {
            if (logDatabase == null) {
                throw new InvalidConfigurationPropertyValueException("twophase.coordinator.takeover.enabled", true,
                        "takeover reads the other instances' logs and leases in PostgreSQL: set"
                                + " twophase.coordinator.log-store=postgresql on every instance, or turn takeover off");
            }
            positive("twophase.coordinator.takeover.interval", p.takeover().interval());
        }
        if (p.lastResource() != null && !p.lastResource().isBlank() && logStore.equals(dev.twophase.coordinator.log.LogStores.ATOMIKOS)) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.last-resource", p.lastResource(),
                    "the last resource's commit decision is taken by twophase's log, which log-store=atomikos replaces:"
                            + " set twophase.coordinator.log-store=file (the default) or postgresql, or leave last-resource empty");
        }
        // A heuristic outcome must reach the caller as an exception, not a normal return.
        props.setProperty("com.atomikos.icatch.throw_on_heuristic", "true");
        // Every transaction is then a root, whose id is its coordinator's key in the transaction service:
        // prompt recovery relies on that to tell a live transaction of this process from a finished one.
        // Spring's JtaTransactionManager never nests JTA transactions anyway.
        props.setProperty("com.atomikos.icatch.allow_subtransactions", "false");
        // The open-source edition prints a "not registered" banner unless this is set.
        props.setProperty("com.atomikos.icatch.registered", "true");
        return new AtomikosSettings(tmName, p.logDir().toAbsolutePath().normalize(), props, p, participants, logDatabase);
    }

    private static Set<String> recoveryParticipants(List<String> names) {
        Set<String> result = new LinkedHashSet<>();
        if (names == null) {
            return result;
        }
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new InvalidConfigurationPropertyValueException("twophase.coordinator.recovery-participants", names,
                        "it contains an empty name; list the unique resource names of the XA participants, e.g. bankA,bankB,broker");
            }
            if (!result.add(name.strip())) {
                throw new InvalidConfigurationPropertyValueException("twophase.coordinator.recovery-participants", names,
                        "it names '" + name.strip() + "' twice; list each XA participant once");
            }
        }
        return result;
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new InvalidConfigurationPropertyValueException(name, value, "it must be a positive duration, e.g. 10s");
        }
    }

    /** How long Atomikos keeps an orphaned commit decision ({@code twophase.coordinator.forget-orphaned-log-entries-delay}). */
    public Duration forgetOrphanedLogEntriesDelay() {
        return forgetOrphanedLogEntriesDelay;
    }

    /** How often this instance looks for TM names to take over; {@code null} when takeover is off. */
    public Duration takeoverInterval() {
        return takeoverInterval;
    }

    /** The participant that runs as the logging last resource ({@code twophase.coordinator.last-resource}), or null. */
    public String lastResource() {
        return lastResource;
    }

    /** The PostgreSQL log store's database, or null when the log is in files. */
    public dev.twophase.coordinator.log.PostgresLogStore.Settings logDatabase() {
        return logDatabase;
    }

    public TmName tmName() {
        return tmName;
    }

    public Path logDir() {
        return logDir;
    }

    /** Timeout of a transaction that sets none ({@code twophase.coordinator.default-timeout}). */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** Pause between two prompt recovery passes ({@code twophase.coordinator.recovery-interval}). */
    public Duration recoveryInterval() {
        return recoveryInterval;
    }

    /** Time after which unfinished startup recovery is overdue ({@code twophase.coordinator.recovery-deadline}). */
    public Duration recoveryDeadline() {
        return recoveryDeadline;
    }

    /**
     * How long prompt recovery leaves a branch whose commit is decided to the transaction that is
     * still completing it: two of Atomikos's commit retries ({@code 2 × commit-retry-interval}).
     * Past that, recovery commits it itself as soon as the participant answers; both committing is
     * harmless (the later one gets XAER_NOTA, which Atomikos takes as done).
     */
    public Duration phaseTwoGrace() {
        return commitRetryInterval.multipliedBy(2);
    }

    /** XA resources startup recovery must have scanned; empty when none were configured. */
    public Set<String> recoveryParticipants() {
        return recoveryParticipants;
    }

    /** A copy of the Atomikos properties. */
    public Properties atomikosProperties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }
}
