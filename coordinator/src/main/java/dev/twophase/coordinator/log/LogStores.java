package dev.twophase.coordinator.log;

import java.util.List;

import com.atomikos.icatch.SysException;
import com.atomikos.recovery.LogException;

import dev.twophase.coordinator.atomikos.AtomikosLogFiles;
import dev.twophase.coordinator.atomikos.FileLogAssembly;

/** The coordinator log stores {@code twophase.coordinator.log-store} chooses from, built for Atomikos's log factory. */
public final class LogStores {

    /** The Atomikos configuration property that carries the choice (set by AtomikosSettings). */
    public static final String PROPERTY = "twophase.log_store";
    /** Group commit over Atomikos's files: the default. */
    public static final String FILE = "file";
    /** Atomikos's own file log, one forced write per record. */
    public static final String ATOMIKOS = "atomikos";
    public static final List<String> NAMES = List.of(FILE, ATOMIKOS);

    private LogStores() {
    }

    /** The log of the running Atomikos configuration. */
    static OnePhaseAwareLog create() {
        String store = AtomikosLogFiles.property(PROPERTY, FILE);
        if (ATOMIKOS.equals(store)) {
            FileLogAssembly files = FileLogAssembly.open();
            return new OnePhaseAwareLog(files.oltpLog(), files.recoveryLog());
        }
        try {
            GroupCommitLog log = new GroupCommitLog(FileLogStore.openConfigured(), AtomikosLogFiles.tmUniqueName(),
                    AtomikosLogFiles.checkpointInterval(), AtomikosLogFiles.forgetOrphanedLogEntriesDelay());
            return new OnePhaseAwareLog(log, log);
        } catch (LogException e) {
            // What Atomikos's own assembly throws when its log cannot be opened.
            throw new SysException("Error in init: " + e.getMessage(), e);
        }
    }
}
