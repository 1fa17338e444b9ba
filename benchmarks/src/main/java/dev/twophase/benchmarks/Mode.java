package dev.twophase.benchmarks;

/**
 * What one benchmark run measures: the same transfer under a different transaction regime.
 * Each mode names the mode it is compared with.
 */
public enum Mode {

    /** (a) One JTA transaction over bank A (PostgreSQL), bank B (MySQL) and the broker: two-phase commit over three participants. */
    XA_DBS_BROKER("a", "XA: PostgreSQL + MySQL + broker", "registry, debit, ledger in A; credit, ledger in B; event sent; one 2PC over 3 participants"),
    /** (n-a) The work of {@link #XA_DBS_BROKER} with Narayana as the transaction manager instead of twophase over Atomikos. */
    NARAYANA_DBS_BROKER("n-a", "Narayana XA: PostgreSQL + MySQL + broker",
            "the same work as (a) with Narayana as the JTA transaction manager (journal store, Agroal XA pools, pooled-jms)"),
    /** (b) One JTA transaction over the two databases only: two-phase commit over two participants, no event. */
    XA_DBS("b", "XA: PostgreSQL + MySQL", "the same writes without the event; one 2PC over 2 participants"),
    /** (c) The non-atomic baseline: a local transaction in A, then one in B, then a persistent send outside any transaction. */
    BASELINE("c", "baseline: 2 local tx + send", "the same writes and event as (a): local commit in A, local commit in B, persistent send (not atomic)"),
    /** (d, XA) Both accounts in bank A, through the XA pool under JTA: one participant, so Atomikos commits in one phase. */
    ONE_PHASE_XA("d-xa", "one participant via XA (1PC)", "registry, debit, credit, 2 ledger rows, all in A (PostgreSQL), JTA over the XA pool"),
    /** (d, local) The same work as {@link #ONE_PHASE_XA} in a plain local transaction on a plain pool. */
    LOCAL("d-local", "plain local transaction", "the same work as d-xa, local transaction on a plain (Hikari) pool"),
    /** (p-xa) The demo application's XA transfer, driven over HTTP: the reference for the patterns below. */
    DEMO_XA("p-xa", "demo over HTTP: XA", "POST /api/transfers to the demo (real profile, same servers): one 2PC over bank A, bank B and"
            + " the broker; the event consumed by the demo into its inbox"),
    /** (p-saga) The demo's Saga transfer: debit in the source bank, then credit in the other, each a local transaction. */
    DEMO_SAGA("p-saga", "demo over HTTP: Saga", "mode saga: a logged local debit, then a local credit under its barrier; a failure"
            + " compensates with a refund"),
    /** (p-tcc) The demo's TCC transfer: try reserves in both banks, then confirm. */
    DEMO_TCC("p-tcc", "demo over HTTP: TCC", "mode tcc: try (hold the debit, record the pending credit) in both banks, then confirm"
            + " both"),
    /** (p-outbox) The demo's outbox transfer: local debit and event in one transaction, credit applied by a consumer. */
    DEMO_OUTBOX("p-outbox", "demo over HTTP: outbox", "mode outbox: debit and outbox event in one local transaction (202);"
            + " a relay publishes it and a consumer credits the other bank, once");

    private final String key;
    private final String title;
    private final String work;

    Mode(String key, String title, String work) {
        this.key = key;
        this.title = title;
        this.work = work;
    }

    /** The short name used on the command line and in the table: a, n-a, b, c, d-xa, d-local. */
    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    /** What one transaction of this mode does. */
    public String work() {
        return work;
    }

    /** The mode this one's throughput and latency are compared with. */
    public Mode reference() {
        return switch (this) {
            case XA_DBS_BROKER, NARAYANA_DBS_BROKER, XA_DBS, BASELINE -> BASELINE;
            case ONE_PHASE_XA, LOCAL -> LOCAL;
            // The ratio to the baseline; the report also compares each pattern with p-xa (same HTTP path).
            case DEMO_XA, DEMO_SAGA, DEMO_TCC, DEMO_OUTBOX -> BASELINE;
        };
    }

    /** Whether this mode drives the demo application over HTTP rather than running in the benchmark's own JVM. */
    public boolean demo() {
        return this == DEMO_XA || this == DEMO_SAGA || this == DEMO_TCC || this == DEMO_OUTBOX;
    }

    /** The demo API's {@code mode} for a demo mode: xa, saga, tcc or outbox. */
    public String requestMode() {
        if (!demo()) {
            throw new IllegalStateException("mode " + key + " does not run in the demo");
        }
        return key.substring(2);
    }

    /** Whether a transaction of this mode sends one message to the broker. */
    public boolean sendsEvent() {
        return this == XA_DBS_BROKER || this == NARAYANA_DBS_BROKER || this == BASELINE;
    }

    /** Whether this mode runs under Narayana rather than twophase's coordinator. */
    public boolean narayana() {
        return this == NARAYANA_DBS_BROKER;
    }

    /** Whether both accounts are in bank A (mode d) rather than one in each bank. */
    public boolean singleDatabase() {
        return this == ONE_PHASE_XA || this == LOCAL;
    }

    /**
     * @throws IllegalArgumentException naming the accepted keys
     */
    public static Mode ofKey(String key) {
        for (Mode m : values()) {
            if (m.key.equalsIgnoreCase(key.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + key + "'; use a, n-a, b, c, d-xa, d-local, d (both d modes),"
                + " p-xa, p-saga, p-tcc, p-outbox or p (all four demo modes)");
    }
}
