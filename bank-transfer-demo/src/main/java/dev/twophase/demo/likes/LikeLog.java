package dev.twophase.demo.likes;

import java.sql.ResultSet;
import java.sql.SQLException;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.patterns.FlowLog;

/**
 * The {@code pattern_tx} rows of the like flow ({@code flow = 'like'}) in one bank: Saga and TCC
 * likes are logged in bank A (where the count is), outbox likes in bank B (with the like record).
 * A like has no idempotency key of its own: the user and article are its natural key (a second
 * like is refused); the log's key column holds the like's id. Changes of state are compare-and-sets
 * ({@link FlowLog}).
 */
final class LikeLog extends FlowLog<LikeLog.Row> {

    static final String FLOW = "like";
    private static final String COLUMNS = "gid, mode, state, article_id, user_id, event_id, failure, attempts, created_ms, updated_ms,"
            + " deadline_ms, exposed_ms, finished_ms";

    /** One like's log row. Times are epoch milliseconds of the application's clock. */
    record Row(String gid, PatternMode mode, String state, String articleId, String userId, String eventId, String failure,
            int attempts, long createdMs, long updatedMs, long deadlineMs, Long exposedMs, Long finishedMs) implements FlowLog.Entry {

        @Override
        public boolean finished() {
            return finishedMs != null;
        }
    }

    LikeLog(JdbcTemplate jdbc) {
        super(jdbc, FLOW, COLUMNS, LikeLog::map);
    }

    /** Inserts a new row, in the caller's local transaction when there is one. */
    void insert(Row r) {
        jdbc.update("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, article_id, user_id, event_id,"
                + " attempts, created_ms, updated_ms, deadline_ms, exposed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                r.gid(), r.mode().name(), FLOW, r.state(), r.gid(), "-", r.articleId(), r.userId(), r.eventId(), r.createdMs(),
                r.updatedMs(), r.deadlineMs(), r.exposedMs());
        inserted(r.gid(), r.mode());
    }

    private static Row map(ResultSet rs, int i) throws SQLException {
        return new Row(rs.getString("gid"), PatternMode.valueOf(rs.getString("mode")), rs.getString("state"), rs.getString("article_id"),
                rs.getString("user_id"), rs.getString("event_id"), rs.getString("failure"), rs.getInt("attempts"), rs.getLong("created_ms"),
                rs.getLong("updated_ms"), rs.getLong("deadline_ms"), nullableLong(rs, "exposed_ms"),
                nullableLong(rs, "finished_ms"));
    }
}
