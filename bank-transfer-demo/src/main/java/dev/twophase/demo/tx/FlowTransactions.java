package dev.twophase.demo.tx;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jms.JmsException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.twophase.coordinator.GlobalTransactionId;
import dev.twophase.coordinator.timeline.XaTimeline;

/**
 * The flows' transaction template: Spring's {@link TransactionTemplate} with two rules for a
 * failure of the work itself, that is before the commit decision, in a transaction it starts (not
 * one it joins, whose outcome belongs to the caller):
 * <ol>
 * <li><b>A lost connection is retried once.</b> When the work failed because a participant's
 * connection was found dead (a PostgreSQL backend terminated, a database restarted, a broker
 * connection closed under the pool: SQLState class 08 or 57P01-03, {@code SQLRecoverableException},
 * {@code SQLNonTransientConnectionException}, a JMS {@code IllegalStateException}), the whole
 * transaction has been rolled back on every participant and the pool has evicted the connection,
 * so the work runs once more, at once, in a new transaction on fresh connections. A second loss
 * propagates: the participant is really down.</li>
 * <li><b>Anything else unexpected is reported as rolled back.</b> An exception of the work that is
 * neither one of the flow's expected ones (its business rejections and control signals), nor a
 * data-access, JMS or transaction exception that Spring already types, becomes a
 * {@link TransactionRolledBackException}: the transaction never reached its commit decision and
 * was rolled back, which is what the client must be told.</li>
 * </ol>
 * Failures of the commit itself are Spring's {@link TransactionException}s and propagate unchanged.
 */
public class FlowTransactions extends TransactionTemplate {

    private static final long serialVersionUID = 1L;
    /** Metric: transactions run once more after a lost connection, tagged with the flow. */
    public static final String RETRIES_METRIC = "twophase.flows.connection.retries";

    /**
     * SQL states of a session the server ended: admin shutdown (a terminated backend, a fast
     * shutdown), crash shutdown, cannot connect now (PostgreSQL's class 57P).
     */
    private static final java.util.Set<String> SERVER_ENDED_SESSION = java.util.Set.of("57P01", "57P02", "57P03");

    private static final Logger log = LoggerFactory.getLogger(FlowTransactions.class);

    private final transient List<Class<? extends RuntimeException>> expected;
    private final transient Runnable onRetry;
    private transient XaTimeline timeline;
    private transient String action;

    /**
     * @param expected exceptions the flow's work throws on purpose (rejections, signals it catches
     *                 around {@code execute}); they propagate unchanged
     * @param onRetry  called before a transaction is run again after a lost connection (a metric)
     */
    public FlowTransactions(PlatformTransactionManager transactionManager, List<Class<? extends RuntimeException>> expected,
            Runnable onRetry) {
        super(transactionManager);
        this.expected = List.copyOf(expected);
        this.onRetry = onRetry;
    }

    @Override
    public <T> T execute(TransactionCallback<T> action) throws TransactionException {
        boolean joined = TransactionSynchronizationManager.isActualTransactionActive();
        for (int attempt = 1;; attempt++) {
            Throwable[] ofTheWork = new Throwable[1];
            try {
                return super.execute(status -> {
                    try {
                        if (timeline != null && !joined) {
                            GlobalTransactionId.current().ifPresent(gtrid -> timeline.label(gtrid, this.action));
                        }
                        return action.doInTransaction(status);
                    } catch (RuntimeException | Error e) {
                        ofTheWork[0] = e;
                        throw e;
                    }
                });
            } catch (RuntimeException e) {
                if (joined || ofTheWork[0] != e || isExpected(e)) {
                    throw e;
                }
                if (attempt == 1 && connectionLost(e)) {
                    log.info("A participant's connection was found dead before the commit decision ({}); the transaction was"
                            + " rolled back and runs once more on fresh connections", rootCause(e));
                    onRetry.run();
                    continue;
                }
                if (e instanceof DataAccessException || e instanceof JmsException || e instanceof TransactionException) {
                    throw e;
                }
                throw new TransactionRolledBackException(e);
            }
        }
    }

    /**
     * Names this flow's transactions on the protocol timeline ({@code GET /api/timeline}); a {@code null}
     * timeline (it is off) names nothing.
     *
     * @return this
     */
    public FlowTransactions labelled(XaTimeline timeline, String action) {
        this.timeline = timeline;
        this.action = action;
        return this;
    }

    /**
     * The counter of transactions run again after a lost connection,
     * {@code twophase.flows.connection.retries{flow=...}}; a no-op without a registry.
     */
    public static Runnable retryCounter(MeterRegistry registry, String flow) {
        if (registry == null) {
            return () -> { };
        }
        return Counter.builder(RETRIES_METRIC).tag("flow", flow)
                .description("Flow transactions run once more after a participant's connection was found dead before the commit decision")
                .register(registry)::increment;
    }

    private boolean isExpected(RuntimeException e) {
        return expected.stream().anyMatch(type -> type.isInstance(e));
    }

    /**
     * Whether {@code failure} says that a participant's connection was dead or was closed under the
     * work: a connection-class SQL state (08xxx), a recoverable or connection SQL exception, or a
     * JMS "illegal state" (closed session or connection).
     */
    public static boolean connectionLost(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 32; t = next(t)) {
            if (t instanceof SQLRecoverableException || t instanceof SQLNonTransientConnectionException
                    || t instanceof jakarta.jms.IllegalStateException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || SERVER_ENDED_SESSION.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof jakarta.jms.JMSException jms && jms.getLinkedException() != null && jms.getLinkedException() != t
                && jms.getCause() == null) {
            return jms.getLinkedException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        for (int depth = 0; depth < 32 && next(root) != null; depth++) {
            root = next(root);
        }
        return root.toString();
    }
}
