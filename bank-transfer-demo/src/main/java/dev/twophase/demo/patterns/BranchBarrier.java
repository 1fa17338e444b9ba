package dev.twophase.demo.patterns;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The branch barrier of a Saga or TCC step (DTM's sub-transaction barrier): a row in
 * {@code branch_barrier} per (global id, branch, operation), inserted in the <em>same local
 * transaction</em> as the step's business change, on the same connection. It answers the three traps
 * of running steps over unreliable calls and a recovery timer:
 * <ul>
 * <li><b>Duplicates.</b> An operation whose row exists already ran (and committed, or its row would
 * have rolled back with it): the business change is not run again.</li>
 * <li><b>Null compensation.</b> A compensation (or cancel) for a forward operation (action or try)
 * that never ran first writes the forward operation's row. Finding none, it knows there is nothing to
 * undo, and the business change is not run.</li>
 * <li><b>Hanging.</b> A forward operation that arrives after its compensation finds its row, written
 * by that compensation, and does nothing: stock held or money frozen after the global transaction
 * was rolled back would never be released.</li>
 * </ul>
 * The rows are never deleted by the barrier; a retention job may delete rows of global transactions
 * that ended long ago.
 */
public final class BranchBarrier {

    /** An operation of a branch. Forward operations are paired with the one that undoes them. */
    public enum Op {
        /** A Saga step's forward local transaction. */
        ACTION(null),
        /** Undoes {@link #ACTION}. */
        COMPENSATE(ACTION),
        /** A TCC try: reserves (freezes money, holds stock). */
        TRY(null),
        /** A TCC confirm: makes the reservation final. Runs only after a successful try. */
        CONFIRM(null),
        /** A TCC cancel: releases the reservation. Undoes {@link #TRY}. */
        CANCEL(TRY);

        private final Op undoes;

        Op(Op undoes) {
            this.undoes = undoes;
        }

        /** The forward operation this one undoes, or {@code null} for a forward operation. */
        public Op undoes() {
            return undoes;
        }

        String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the barrier did with a call. */
    public enum Outcome {
        /** The business change ran (in the caller's local transaction, which must still commit). */
        RAN,
        /** The operation had already run: nothing was done. */
        DUPLICATE,
        /** A compensation or cancel whose forward operation never ran: nothing to undo; the late forward operation is now blocked. */
        NULL_COMPENSATION,
        /** A forward operation arriving after its compensation or cancel: refused, nothing was done. */
        HANGING
    }

    /** The result of a guarded call: what happened and, when the business change ran, its value. */
    public record Result<T>(Outcome outcome, T value) {
    }

    private final String insertSql;
    /** Whether the insert names the row twice (the portable form's NOT EXISTS). */
    private final boolean namesRowTwice;

    private BranchBarrier(String insertSql) {
        this.insertSql = insertSql;
        this.namesRowTwice = insertSql.chars().filter(c -> c == '?').count() == 6;
    }

    /**
     * A barrier for the database of {@code connection}: PostgreSQL ({@code ON CONFLICT DO NOTHING}),
     * MySQL and MariaDB ({@code INSERT IGNORE}), or any other ({@code INSERT … WHERE NOT EXISTS}, where a
     * concurrent duplicate fails the local transaction with a key violation instead: the step is retried).
     */
    public static BranchBarrier forDatabase(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return new BranchBarrier("INSERT INTO branch_barrier (gid, branch_id, op) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return new BranchBarrier("INSERT IGNORE INTO branch_barrier (gid, branch_id, op) VALUES (?, ?, ?)");
        }
        return new BranchBarrier("INSERT INTO branch_barrier (gid, branch_id, op) SELECT ?, ?, ? FROM (VALUES (1)) one"
                + " WHERE NOT EXISTS (SELECT 1 FROM branch_barrier WHERE gid = ? AND branch_id = ? AND op = ?)");
    }

    /**
     * Runs {@code business} under the barrier, on {@code connection}, which must be in the local
     * transaction that also makes {@code business}'s change (auto-commit off): the barrier's rows commit
     * or roll back with it.
     *
     * @param gid the global transaction (the saga or TCC transaction)
     * @param branch the branch within it, e.g. {@code debit-A}
     */
    public <T> Result<T> call(Connection connection, String gid, String branch, Op op, Supplier<T> business) throws SQLException {
        Objects.requireNonNull(business, "business");
        if (connection.getAutoCommit()) {
            throw new IllegalStateException("the branch barrier needs the step's local transaction: auto-commit is on");
        }
        if (op.undoes() != null) {
            // Written before our own row: if the forward operation never ran, this blocks it from now on.
            boolean forwardNeverRan = insert(connection, gid, branch, op.undoes());
            boolean first = insert(connection, gid, branch, op);
            if (!first) {
                return new Result<>(Outcome.DUPLICATE, null);
            }
            if (forwardNeverRan) {
                return new Result<>(Outcome.NULL_COMPENSATION, null);
            }
            return new Result<>(Outcome.RAN, business.get());
        }
        if (!insert(connection, gid, branch, op)) {
            // Ours already there: either we ran, or a compensation wrote it because we had not.
            return new Result<>(undone(connection, gid, branch, op) ? Outcome.HANGING : Outcome.DUPLICATE, null);
        }
        return new Result<>(Outcome.RAN, business.get());
    }

    private boolean insert(Connection connection, String gid, String branch, Op op) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
            insert.setString(1, gid);
            insert.setString(2, branch);
            insert.setString(3, op.column());
            if (namesRowTwice) {
                insert.setString(4, gid);
                insert.setString(5, branch);
                insert.setString(6, op.column());
            }
            return insert.executeUpdate() == 1;
        }
    }

    /** Whether an operation that undoes {@code forward} has run for this branch. */
    private static boolean undone(Connection connection, String gid, String branch, Op forward) throws SQLException {
        for (Op op : Op.values()) {
            if (op.undoes() == forward) {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT 1 FROM branch_barrier WHERE gid = ? AND branch_id = ? AND op = ?")) {
                    select.setString(1, gid);
                    select.setString(2, branch);
                    select.setString(3, op.column());
                    if (select.executeQuery().next()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
