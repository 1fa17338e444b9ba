package dev.twophase.coordinator.atomikos;

import java.util.List;

import com.atomikos.icatch.SysException;
import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.provider.ConfigProperties;
import com.atomikos.recovery.LogException;
import com.atomikos.recovery.OltpLog;
import com.atomikos.recovery.RecoveryLog;
import com.atomikos.recovery.fs.CachedRepository;
import com.atomikos.recovery.fs.FileSystemRepository;
import com.atomikos.recovery.fs.InMemoryRepository;
import com.atomikos.recovery.fs.OltpLogImp;
import com.atomikos.recovery.fs.RecoveryLogImp;
import com.atomikos.recovery.fs.Repository;

/**
 * Atomikos's own file log, assembled as its {@code AssemblerImp.createRepository} does it (an
 * in-memory cache over {@code tmlog*.log}, or memory only when logging is off), for a log of ours
 * that delegates to it. The classes are in {@code com.atomikos.recovery.fs}, which Atomikos does not
 * document as API.
 */
public final class FileLogAssembly {

    static final List<String> CLASSES = List.of(InMemoryRepository.class.getName(), FileSystemRepository.class.getName(),
            CachedRepository.class.getName(), OltpLogImp.class.getName(), RecoveryLogImp.class.getName());

    private final OltpLog oltp;
    private final RecoveryLog recovery;

    private FileLogAssembly(OltpLog oltp, RecoveryLog recovery) {
        this.oltp = oltp;
        this.recovery = recovery;
    }

    /** The file log of the running configuration ({@code log_base_dir}, {@code log_base_name}, {@code enable_logging}). */
    public static FileLogAssembly open() {
        ConfigProperties properties = Configuration.getConfigProperties();
        try {
            InMemoryRepository memory = new InMemoryRepository();
            memory.init();
            Repository repository = memory;
            if (properties.getEnableLogging()) {
                FileSystemRepository files = new FileSystemRepository();
                files.init();
                CachedRepository cached = new CachedRepository(memory, files);
                cached.init();
                repository = cached;
            }
            OltpLogImp oltp = new OltpLogImp();
            oltp.setRepository(repository);
            RecoveryLogImp recovery = new RecoveryLogImp();
            recovery.setRepository(repository);
            return new FileLogAssembly(oltp, recovery);
        } catch (LogException e) {
            throw new SysException("Error in init: " + e.getMessage(), e);
        }
    }

    /** Writes records to the files, forced. */
    public OltpLog oltpLog() {
        return oltp;
    }

    /** Reads and forgets records, for recovery. */
    public RecoveryLog recoveryLog() {
        return recovery;
    }
}
