package dev.twophase.coordinator.log;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.icatch.SysException;
import com.atomikos.recovery.LogException;

import dev.twophase.coordinator.atomikos.AtomikosLogFiles;
import dev.twophase.coordinator.atomikos.FileLogAssembly;

/** The coordinator log stores {@code twophase.coordinator.log-store} chooses from, built for Atomikos's log factory. */
public final class LogStores {

    private static final Logger LOG = LoggerFactory.getLogger(LogStores.class);

    /** The Atomikos configuration property that carries the choice (set by AtomikosSettings). */
    public static final String PROPERTY = "twophase.log_store";
    /** Group commit over Atomikos's files: the default. */
    public static final String FILE = "file";
    /** Atomikos's own file log, one forced write per record. */
    public static final String ATOMIKOS = "atomikos";
    /** Group commit into PostgreSQL, with a lease per TM name (PostgresLogStore). */
    public static final String POSTGRESQL = "postgresql";
    public static final List<String> NAMES = List.of(FILE, ATOMIKOS, POSTGRESQL);

    /** Where the PostgreSQL store is: set by the coordinator's configuration before Atomikos starts (no password in Atomikos's properties, which it logs). */
    private static volatile PostgresLogStore.Settings database;

    /** Sets the PostgreSQL store's settings for the next start of Atomikos ({@code null}: none). */
    public static void configure(PostgresLogStore.Settings settings) {
        database = settings;
    }

    private LogStores() {
    }

    /**
     * Before Atomikos (and so recovery) sees the log: every commit decision the last resource's table
     * holds for this TM name becomes a COMMITTING record, so that recovery commits the other branches
     * of a transaction that crashed between the last resource's commit and its record's force. Then the
     * same for the other JDBC participants' tables ({@link LastResource#configureFormers}): a participant
     * that was the last resource before the setting changed or was switched off may hold such a decision
     * too; its rows are deleted once adopted, since the forced records now carry the decisions.
     */
    static void adoptLastResourceDecisions(GroupCommitLog log, String tmName) throws LogException {
        LastResource lastResource = LastResource.current();
        if (lastResource != null) {
            try {
                List<String> ids = lastResource.committedIds(tmName);
                lastResource.adopted(ids);
                log.adoptDecisions(ids);
            } catch (java.sql.SQLException | LogException | RuntimeException e) {
                log.close();
                throw new LogException("cannot read the commit decisions of the last resource " + lastResource.participant()
                        + " (table " + LastResource.TABLE + "): " + e.getMessage());
            }
        }
        for (LastResource.Settings former : LastResource.formers()) {
            List<String> ids;
            try {
                ids = LastResource.committedIds(former, tmName);
            } catch (java.sql.SQLException | RuntimeException e) {
                // Not fatal: every participant would otherwise have to be up for the coordinator to start.
                LOG.warn("Could not look for commit decisions of {} in participant {}'s table {} ({}): if {} ran as the logging"
                        + " last resource before and this coordinator crashed then, restart with twophase.coordinator.last-resource={}"
                        + " once it is reachable, so that its decisions are not lost", tmName, former.participant(), LastResource.TABLE,
                        e.getMessage(), former.participant(), former.participant());
                continue;
            }
            if (ids.isEmpty()) {
                continue;
            }
            try {
                List<String> adopted = log.adoptDecisions(ids);
                LOG.warn("Participant {} is not the last resource now, but its table {} holds {} commit decision(s) of {}; {} of them"
                        + " were missing from the log and are now COMMITTING records, for recovery to finish", former.participant(),
                        LastResource.TABLE, ids.size(), tmName, adopted.size());
            } catch (LogException | RuntimeException e) {
                log.close();
                throw new LogException("cannot record the commit decisions left in participant " + former.participant() + "'s table "
                        + LastResource.TABLE + " (it was the last resource before): " + e.getMessage());
            }
            // Only rows whose decision the log now carries; a row the log holds otherwise stays, for the operator (logged above).
            List<String> carried = log.committingAmong(ids);
            try {
                if (!carried.isEmpty()) {
                    LastResource.delete(former, carried);
                }
            } catch (java.sql.SQLException | RuntimeException e) {
                // Harmless: adopted again at the next start, where the log already holds them.
                LOG.warn("Could not delete {} adopted row(s) from participant {}'s table {}: {}", carried.size(), former.participant(),
                        LastResource.TABLE, e.getMessage());
            }
        }
    }

    /** The log of the running Atomikos configuration. */
    static OnePhaseAwareLog create() {
        String store = AtomikosLogFiles.property(PROPERTY, FILE);
        if (ATOMIKOS.equals(store)) {
            FileLogAssembly files = FileLogAssembly.open();
            return new OnePhaseAwareLog(files.oltpLog(), files.recoveryLog());
        }
        try {
            LogStore logStore;
            if (POSTGRESQL.equals(store)) {
                PostgresLogStore.Settings settings = database;
                if (settings == null) {
                    throw new LogException("log-store=postgresql but no database is configured (twophase.coordinator.log-database.url)");
                }
                PostgresLogSchema.migrate(settings);
                logStore = PostgresLogStore.open(settings, AtomikosLogFiles.tmUniqueName());
            } else {
                logStore = FileLogStore.openConfigured();
            }
            GroupCommitLog log = new GroupCommitLog(logStore, AtomikosLogFiles.tmUniqueName(),
                    AtomikosLogFiles.checkpointInterval(), AtomikosLogFiles.forgetOrphanedLogEntriesDelay());
            adoptLastResourceDecisions(log, AtomikosLogFiles.tmUniqueName());
            return new OnePhaseAwareLog(log, log);
        } catch (LogException e) {
            // What Atomikos's own assembly throws when its log cannot be opened.
            throw new SysException("Error in init: " + e.getMessage(), e);
        }
    }
}
