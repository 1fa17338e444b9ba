package dev.twophase.demo.patterns;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One database as the Saga, TCC and outbox flows use it: plain local transactions on a plain
 * (non-XA) pool, no global transaction. {@link #step} runs a step's business change under the
 * {@link BranchBarrier} in one local transaction; {@link #inTransaction} runs any other local work.
 */
public final class LocalDatabase {

    private final String name;
    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final StepRecorder steps;
    private volatile BranchBarrier barrier;

    public LocalDatabase(String name, DataSource dataSource) {
        this(name, dataSource, StepRecorder.NONE);
    }

    /** @param steps told of every {@link #step} with its time and what the barrier let through (the protocol timeline) */
    public LocalDatabase(String name, DataSource dataSource, StepRecorder steps) {
        this.name = name;
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.steps = steps;
    }

    public String name() {
        return name;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Statements outside a transaction of ours (auto-commit), or inside one when called from {@link #inTransaction}. */
    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** Runs {@code work} in one local transaction: it commits when {@code work} returns, rolls back when it throws. */
    public <T> T inTransaction(Function<JdbcTemplate, T> work) {
        return tx.execute(status -> work.apply(jdbc));
    }

    /**
     * {@link #inTransaction(Function)} for a step of flow {@code gid} that has no barrier (an outbox flow's
     * debit with its event, its credit with its inbox row), reported to the protocol timeline as {@code step}.
     */
    public <T> T inTransaction(String gid, String step, Function<JdbcTemplate, T> work) {
        long start = System.nanoTime();
        String result = "failed";
        try {
            T value = tx.execute(status -> work.apply(jdbc));
            result = "ok";
            return value;
        } finally {
            steps.record(gid, name, step, start, System.nanoTime(), result);
        }
    }

    /**
     * Runs one operation of a step in one local transaction under the branch barrier: the barrier's
     * row and {@code work}'s change commit together, and {@code work} runs only when the barrier
     * says so (not for a duplicate, a null compensation or a hanging try). A runtime exception of
     * {@code work} rolls back both.
     */
    public <T> BranchBarrier.Result<T> step(String gid, String branch, BranchBarrier.Op op, Function<JdbcTemplate, T> work) {
        long start = System.nanoTime();
        String result = "failed";
        try {
            BranchBarrier.Result<T> r = tx.execute(status -> {
                Connection c = DataSourceUtils.getConnection(dataSource);
                try {
                    return barrier(c).call(c, gid, branch, op, () -> work.apply(jdbc));
                } catch (SQLException e) {
                    throw jdbc.getExceptionTranslator().translate("branch barrier of " + gid + "/" + branch, null, e);
                }
            });
            result = r.outcome() == BranchBarrier.Outcome.RAN ? "ok" : "skipped: " + r.outcome().name().toLowerCase(java.util.Locale.ROOT);
            return r;
        } finally {
            steps.record(gid, name, branch + " " + op.name().toLowerCase(java.util.Locale.ROOT), start, System.nanoTime(), result);
        }
    }

    /** Adds an event to this database's outbox, in the local transaction of {@link #step} or {@link #inTransaction}. */
    public void addToOutbox(Outbox.Event event) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            Outbox.add(c, event);
        } catch (SQLException e) {
            throw jdbc.getExceptionTranslator().translate("outbox of " + name, null, e);
        }
    }

    /**
     * Puts an event that was published at least {@code olderThan} ago back into the outbox, for the relay
     * to publish again: a way back for a message that went to the dead-letter queue. Published less
     * long ago, it is left alone, so a consumer that is merely behind is not fed copies of its backlog
     * (the consumers would drop them, but only after receiving them). The cut-off uses this
     * application's clock against the database's {@code published_at}: a skew between the two only
     * makes the republish earlier or later, never wrong, since delivery is at least once anyway.
     *
     * @return whether it was put back
     */
    public boolean republish(String eventId, java.time.Duration olderThan) {
        return jdbc.update("UPDATE outbox_event SET published_at = NULL WHERE event_id = ? AND published_at IS NOT NULL AND published_at < ?",
                eventId, java.sql.Timestamp.from(java.time.Instant.now().minus(olderThan))) > 0;
    }

    private BranchBarrier barrier(Connection c) throws SQLException {
        BranchBarrier b = barrier;
        if (b == null) {
            b = BranchBarrier.forDatabase(c);
            barrier = b;
        }
        return b;
    }
}
