package dev.twophase.benchmarks;

/**
 * How many forced (fsynced) writes lie on one transaction's critical path in each mode: the writes
 * that must finish, one after the other, before the caller gets its answer. Times the disk's fsync
 * time, that is a lower bound for the transaction's latency on this machine, whatever the CPU does.
 *
 * <p>Counted as follows. A participant forces its log once to prepare and once to commit (MySQL with
 * a binary log: twice each, binary log and redo log). The Atomikos coordinator forces its COMMITTING
 * record between the phases and its TERMINATED record after the commits, before the caller gets
 * its answer. When the phases run in parallel, a phase costs its slowest participant's forced
 * writes on the critical path instead of the sum. A one-phase commit (a single participant) forces
 * the participant's commit, plus COMMITTING and TERMINATED unless the coordinator skips logging
 * one-phase transactions. A persistent send outside a transaction forces the broker's journal once.
 */
final class ForcedWrites {

    private ForcedWrites() {
    }

    /**
     * @param mysqlBinlog   whether MySQL keeps a binary log (then its XA prepare and commit each force two files)
     * @param parallelPhases whether the coordinator sends each phase to all participants at once
     * @param onePhaseLogged whether the coordinator logs a one-phase transaction (Atomikos does; twophase's log does not)
     */
    static int onCriticalPath(Mode mode, boolean mysqlBinlog, boolean parallelPhases, boolean onePhaseLogged) {
        int mysql = mysqlBinlog ? 2 : 1;
        return switch (mode) {
            // prepare A, B, broker; COMMITTING; commit A, B, broker; TERMINATED
            case XA_DBS_BROKER -> parallelPhases ? mysql + 1 + mysql + 1 : (1 + mysql + 1) + 1 + (1 + mysql + 1) + 1;
            // Narayana, phases one after the other: prepare A, B, broker; its commit record; commit A, B, broker; the record's
            // deletion (the journal store forces deletes too: syncDeletes)
            case NARAYANA_DBS_BROKER -> (1 + mysql + 1) + 1 + (1 + mysql + 1) + 1;
            // prepare A, B; COMMITTING; commit A, B; TERMINATED
            case XA_DBS -> parallelPhases ? mysql + 1 + mysql + 1 : (1 + mysql) + 1 + (1 + mysql) + 1;
            // commit A; commit B; durable send
            case BASELINE -> 1 + mysql + 1;
            // (COMMITTING;) one-phase commit of A (; TERMINATED)
            case ONE_PHASE_XA -> onePhaseLogged ? 3 : 1;
            // local commit of A
            case LOCAL -> 1;
            // The demo's own commits (its log rows, inbox, consumer) are not modelled; its rows have their own table.
            case DEMO_XA, DEMO_SAGA, DEMO_TCC, DEMO_OUTBOX -> throw new IllegalArgumentException("mode " + mode.key()
                    + " runs in the demo; its forced writes are not modelled");
        };
    }
}
