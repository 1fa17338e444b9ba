package dev.twophase.demo.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.nio.charset.StandardCharsets;

import javax.sql.DataSource;
import javax.transaction.xa.Xid;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.twophase.demo.events.EventPublisher;
import dev.twophase.participants.JdbcTechnology;
import dev.twophase.participants.artemis.BrokerInspector;
import jakarta.jms.JMSException;

/**
 * Checks every invariant of the three flows across both databases and the broker, over plain
 * (non-XA) connections, and reports each with its figures.
 *
 * <p>Reads are not one snapshot across three systems: while transactions run, a check can see one
 * database before a commit and the other after it, and events in flight. Run it when the system is
 * quiet for a definitive answer; under load a FAIL is a reason to check again, a PASS is a PASS.
 */
public class ConsistencyChecker {

    /** Where the checker reads. */
    public record Participants(DataSource bankA, JdbcTechnology bankATechnology, DataSource bankB,
            JdbcTechnology bankBTechnology, String brokerUrl, String brokerUser, String brokerPassword) {
    }

    private final Participants p;
    private final JdbcTemplate a;
    private final JdbcTemplate b;

    public ConsistencyChecker(Participants participants) {
        this.p = participants;
        this.a = new JdbcTemplate(participants.bankA());
        this.b = new JdbcTemplate(participants.bankB());
    }

    /**
     * Every invariant. A check that meets a broken pooled connection (a database restarted, or its
     * backends terminated, since the connection was last used) runs once more on fresh ones: the pool
     * has evicted the broken connection by then.
     */
    public ConsistencyReport check() {
        try {
            return checkOnce();
        } catch (org.springframework.dao.DataAccessResourceFailureException e) {
            return checkOnce();
        }
    }

    private ConsistencyReport checkOnce() {
        BrokerInspector broker = null;
        String brokerError = null;
        try {
            broker = new BrokerInspector(p.brokerUrl(), p.brokerUser(), p.brokerPassword());
        } catch (JMSException e) {
            brokerError = e.getMessage();
        }
        try {
            // Read once: four invariants look at the Saga, TCC and outbox logs; the transfer's rules at its own flow only.
            List<PatternRow> all = patternRows();
            List<PatternRow> patterns = all.stream().filter(r -> r.flow().equals("transfer")).toList();
            List<InvariantResult> results = List.of(moneyConserved(), ledgersMatch(patterns), likesMatch(), stockConserved(),
                    eventsExactlyOnce(broker, patterns), nothingPrepared(broker, brokerError), patternsSettled(all),
                    intermediateStates(all));
            return new ConsistencyReport(results.stream().allMatch(InvariantResult::passed), Instant.now(), results);
        } finally {
            closeQuietly(broker);
        }
    }

    private static void closeQuietly(BrokerInspector broker) {
        if (broker != null) {
            try {
                broker.close();
            } catch (JMSException e) {
                // The report is complete; a failed close of the inspection connection changes nothing in it.
            }
        }
    }

    InvariantResult moneyConserved() {
        long balanceA = sum(a, "SELECT COALESCE(SUM(balance_cents), 0) FROM account");
        long balanceB = sum(b, "SELECT COALESCE(SUM(balance_cents), 0) FROM account");
        long opening = sum(a, "SELECT COALESCE(SUM(opening_balance_cents), 0) FROM account")
                + sum(b, "SELECT COALESCE(SUM(opening_balance_cents), 0) FROM account");
        long negative = sum(a, "SELECT COUNT(*) FROM account WHERE balance_cents < 0")
                + sum(b, "SELECT COUNT(*) FROM account WHERE balance_cents < 0");
        List<String> violations = new ArrayList<>();
        if (balanceA + balanceB != opening) {
            violations.add("total " + (balanceA + balanceB) + " cents differs from the opening total " + opening
                    + " by " + (balanceA + balanceB - opening));
        }
        if (negative > 0) {
            violations.add(negative + " account(s) below zero");
        }
        return InvariantResult.of("money-conserved", "The sum of all balances in both banks equals the sum of the opening balances.",
                figures("bankACents", balanceA, "bankBCents", balanceB, "totalCents", balanceA + balanceB, "expectedCents", opening),
                violations);
    }

    InvariantResult ledgersMatch(List<PatternRow> patterns) {
        List<String> violations = new ArrayList<>();
        int accounts = 0;
        for (var bank : List.of(Map.entry("A", a), Map.entry("B", b))) {
            List<Map<String, Object>> rows = bank.getValue().queryForList(
                    "SELECT a.id, a.balance_cents - a.opening_balance_cents AS delta,"
                            + " COALESCE(SUM(CASE l.direction WHEN 'DEBIT' THEN -l.amount_cents ELSE l.amount_cents END), 0) AS ledger"
                            + " FROM account a LEFT JOIN ledger_entry l ON l.account_id = a.id GROUP BY a.id, a.balance_cents, a.opening_balance_cents");
            for (Map<String, Object> row : rows) {
                accounts++;
                long delta = ((Number) row.get("delta")).longValue();
                long ledger = ((Number) row.get("ledger")).longValue();
                if (delta != ledger) {
                    violations.add("bank " + bank.getKey() + " account " + row.get("id") + ": balance moved " + delta
                            + " cents but its ledger says " + ledger);
                }
            }
        }
        Set<String> transfers = new HashSet<>(a.queryForList("SELECT id FROM transfer", String.class));
        Map<String, Integer> debits = new HashMap<>();
        Map<String, Integer> credits = new HashMap<>();
        Map<String, Integer> refunds = new HashMap<>();
        for (JdbcTemplate bank : List.of(a, b)) {
            bank.query("SELECT transfer_id, direction FROM ledger_entry", rs -> {
                Map<String, Integer> rows = switch (rs.getString(2)) {
                    case "DEBIT" -> debits;
                    case "CREDIT" -> credits;
                    default -> refunds;
                };
                rows.merge(rs.getString(1), 1, Integer::sum);
            });
        }
        for (String id : transfers) {
            expectRows(id, "XA", debits, credits, refunds, 1, 1, 0, violations);
        }
        Set<String> known = new HashSet<>(transfers);
        for (PatternRow t : patterns) {
            known.add(t.gid());
            switch (t.state()) {
                case "DONE" -> expectRows(t.gid(), t.mode(), debits, credits, refunds, 1, 1, 0, violations);
                case "COMPENSATED" -> expectRows(t.gid(), t.mode(), debits, credits, refunds, refunds.getOrDefault(t.gid(), 0), 0,
                        debits.getOrDefault(t.gid(), 0), violations);
                case "CANCELLED", "REJECTED" -> expectRows(t.gid(), t.mode(), debits, credits, refunds, 0, 0, 0, violations);
                default -> {
                    // Unfinished: patterns-settled reports it; its rows are still moving.
                }
            }
        }
        Set<String> orphans = new HashSet<>(debits.keySet());
        orphans.addAll(credits.keySet());
        orphans.addAll(refunds.keySet());
        orphans.removeAll(known);
        orphans.forEach(id -> violations.add("ledger rows for transfer " + id + ", which is in no registry or transfer log"));
        return InvariantResult.of("ledgers-match",
                "Each account's balance moved by exactly its ledger; each committed transfer (XA, or a finished Saga, TCC or outbox one) has one debit and one credit row,"
                        + " a compensated Saga as many refunds as debits and no credit, a cancelled or rejected one no row.",
                figures("transfers", transfers.size(), "debitRows", debits.values().stream().mapToInt(i -> i).sum(),
                        "creditRows", credits.values().stream().mapToInt(i -> i).sum(),
                        "refundRows", refunds.values().stream().mapToInt(i -> i).sum(), "accounts", accounts),
                violations);
    }

    InvariantResult likesMatch() {
        Map<String, Long> counts = new LinkedHashMap<>();
        a.query("SELECT id, like_count FROM article ORDER BY id", rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
        });
        Map<String, Long> rows = new HashMap<>();
        b.query("SELECT article_id, COUNT(*) FROM user_like GROUP BY article_id", rs -> {
            rows.put(rs.getString(1), rs.getLong(2));
        });
        Map<String, Long> net = new HashMap<>();
        b.query("SELECT article_id, SUM(CASE action WHEN 'LIKE' THEN 1 ELSE -1 END) FROM like_action GROUP BY article_id", rs -> {
            net.put(rs.getString(1), rs.getLong(2));
        });
        List<String> violations = new ArrayList<>();
        counts.forEach((article, count) -> {
            long likeRows = rows.getOrDefault(article, 0L);
            long actions = net.getOrDefault(article, 0L);
            if (count != likeRows || count != actions) {
                violations.add("article " + article + ": like_count " + count + ", like rows " + likeRows
                        + ", likes minus unlikes " + actions);
            }
        });
        rows.keySet().stream().filter(id -> !counts.containsKey(id))
                .forEach(id -> violations.add("like rows for unknown article " + id));
        return InvariantResult.of("likes-match",
                "Each article's like count equals its like rows and its committed likes minus unlikes.",
                figures("articles", counts.size(), "likeCountSum", counts.values().stream().mapToLong(l -> l).sum(),
                        "likeRows", rows.values().stream().mapToLong(l -> l).sum()),
                violations);
    }

    InvariantResult stockConserved() {
        Map<String, Long> ordered = new HashMap<>();
        b.query("SELECT sku, SUM(quantity) FROM purchase_order GROUP BY sku", rs -> {
            ordered.put(rs.getString(1), rs.getLong(2));
        });
        List<String> violations = new ArrayList<>();
        long[] stock = new long[2];
        Set<String> skus = new HashSet<>();
        a.query("SELECT sku, stock, initial_stock FROM product", rs -> {
            String sku = rs.getString(1);
            skus.add(sku);
            long left = rs.getLong(2);
            long initial = rs.getLong(3);
            long sold = ordered.getOrDefault(sku, 0L);
            stock[0] += left;
            stock[1] += sold;
            if (left + sold != initial) {
                violations.add("product " + sku + ": stock " + left + " + ordered " + sold + " = " + (left + sold)
                        + ", initial stock " + initial);
            }
            if (left < 0) {
                violations.add("product " + sku + " has negative stock " + left);
            }
        });
        ordered.keySet().stream().filter(sku -> !skus.contains(sku))
                .forEach(sku -> violations.add("orders for unknown product " + sku));
        return InvariantResult.of("stock-conserved", "For each product, stock plus ordered quantity equals the initial stock; no stock below zero.",
                figures("products", skus.size(), "stock", stock[0], "ordered", stock[1]), violations);
    }

    InvariantResult eventsExactlyOnce(BrokerInspector broker, List<PatternRow> patterns) {
        Map<String, Set<String>> committed = new LinkedHashMap<>();
        Set<String> transferEvents = new HashSet<>(a.queryForList("SELECT event_id FROM transfer WHERE event_id IS NOT NULL", String.class));
        patterns.stream().filter(t -> t.state().equals("DONE")).forEach(t -> transferEvents.add(t.eventId()));
        committed.put("transfer", transferEvents);
        committed.put("like", new HashSet<>(b.queryForList("SELECT event_id FROM like_action", String.class)));
        committed.put("order", new HashSet<>(b.queryForList("SELECT event_id FROM purchase_order", String.class)));
        long transfersWithoutEvent = sum(a, "SELECT COUNT(*) FROM transfer WHERE event_id IS NULL");

        Map<String, Set<String>> consumed = new HashMap<>();
        committed.keySet().forEach(k -> consumed.put(k, new HashSet<>()));
        List<String> violations = new ArrayList<>();
        a.query("SELECT event_id, event_type FROM inbox_event WHERE event_type NOT IN ('" + CREDIT_EVENT + "', '" + CREATE_EVENT + "', '"
                + COUNT_EVENT + "')", rs -> {
            String type = rs.getString(2).equals("unlike") ? "like" : rs.getString(2);
            Set<String> set = consumed.get(type);
            if (set == null) {
                violations.add("inbox event " + rs.getString(1) + " has unknown type " + rs.getString(2));
            } else {
                set.add(rs.getString(1));
            }
        });
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Integer> queued = queueDepths(broker);
        committed.forEach((type, ids) -> {
            Set<String> missing = new HashSet<>(ids);
            missing.removeAll(consumed.get(type));
            Set<String> unexpected = new HashSet<>(consumed.get(type));
            unexpected.removeAll(ids);
            figures.put(type + "Committed", ids.size());
            figures.put(type + "Consumed", consumed.get(type).size());
            missing.stream().limit(5).forEach(id -> violations.add(type + " event " + id + " committed but not consumed"));
            if (missing.size() > 5) {
                violations.add((missing.size() - 5) + " more " + type + " events committed but not consumed");
            }
            unexpected.stream().limit(5).forEach(id -> violations.add(type + " event " + id + " consumed but no committed " + type + " has it"));
        });
        figures.put("queued", queued);
        queued.forEach((queue, depth) -> {
            if (depth != 0) {
                violations.add(depth < 0 ? "broker unreachable: cannot tell whether events are still queued"
                        : depth + " event(s) still queued on '" + queue + "', not yet consumed");
            }
        });
        creditEvents(patterns, figures, violations);
        if (transfersWithoutEvent > 0) {
            violations.add(transfersWithoutEvent + " transfer(s) without an event id");
        }
        return InvariantResult.of("events-exactly-once",
                "Every committed transfer (any mode), like, unlike and order has exactly one consumed event in the inbox, and every consumed event a committed business record;"
                        + " every outbox transfer's credit event was consumed once. Events still queued count as not yet consumed.",
                figures, violations);
    }

    InvariantResult nothingPrepared(BrokerInspector broker, String brokerError) {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        prepared("bank-a", p.bankA(), p.bankATechnology(), figures, violations);
        prepared("bank-b", p.bankB(), p.bankBTechnology(), figures, violations);
        try {
            if (broker == null) {
                throw new JMSException(brokerError);
            }
            List<Xid> xids = broker.preparedTransactions();
            figures.put("broker", xids.size());
            xids.forEach(xid -> violations.add("broker holds prepared branch "
                    + new String(xid.getGlobalTransactionId(), StandardCharsets.ISO_8859_1) + "/"
                    + new String(xid.getBranchQualifier(), StandardCharsets.ISO_8859_1)));
        } catch (JMSException e) {
            figures.put("broker", "unreachable");
            violations.add("broker: cannot list prepared branches (" + e.getMessage() + ")");
        }
        return InvariantResult.of("nothing-prepared",
                "No participant holds a prepared (in-doubt) branch. Under load, branches are briefly prepared between the two phases.",
                figures, violations);
    }

    private static void prepared(String name, DataSource dataSource, JdbcTechnology technology, Map<String, Object> figures,
            List<String> violations) {
        try (Connection c = dataSource.getConnection()) {
            List<String> ids = technology.preparedBranches(c);
            figures.put(name, ids.size());
            ids.forEach(id -> violations.add(name + " holds prepared branch " + id));
        } catch (SQLException e) {
            figures.put(name, "unreachable");
            violations.add(name + ": cannot list prepared branches (" + e.getMessage() + ")");
        }
    }

    private static Map<String, Integer> queueDepths(BrokerInspector broker) {
        Map<String, Integer> depths = new LinkedHashMap<>();
        try {
            if (broker == null) {
                depths.put("unreachable", -1);
                return depths;
            }
            for (String queue : List.of(EventPublisher.TRANSFERS, EventPublisher.LIKES, EventPublisher.ORDERS, CREDITS_QUEUE, CREATES_QUEUE,
                    COUNTS_QUEUE)) {
                try {
                    depths.put(queue, broker.messageCount(queue));
                } catch (jakarta.jms.InvalidDestinationException e) {
                    // Not created yet, or auto-deleted while empty and without a consumer: it holds nothing.
                    depths.put(queue, 0);
                }
            }
        } catch (JMSException e) {
            depths.put("unreachable", -1);
        }
        return depths;
    }

    /** The outbox transfer's credit events: queue, inbox type (in the credited bank's inbox). */
    static final String CREDITS_QUEUE = "transfer-credits";
    /** The outbox order's queue and event type (orders.OutboxOrder). */
    static final String CREATES_QUEUE = "order-creates";
    static final String CREATE_EVENT = "order-create";
    /** The outbox like's queue and event type (likes.OutboxLike). */
    static final String COUNTS_QUEUE = "like-counts";
    static final String COUNT_EVENT = "like-count";
    static final String CREDIT_EVENT = "transfer-credit";
    private static final List<String> MODES = List.of("SAGA", "TCC", "OUTBOX");
    private static final List<String> FLOWS = List.of("transfer", "order", "like");

    /** One Saga, TCC or outbox transaction's log row, from either bank; {@code flow} is {@code transfer} or {@code order}. */
    record PatternRow(String gid, String flow, String mode, String state, String eventId, Long exposedMs, Long finishedMs) {
    }

    List<PatternRow> patternRows() {
        List<PatternRow> rows = new ArrayList<>();
        for (JdbcTemplate bank : List.of(a, b)) {
            bank.query("SELECT gid, flow, mode, state, event_id, exposed_ms, finished_ms FROM pattern_tx", rs -> {
                long exposed = rs.getLong(6);
                Long exposedMs = rs.wasNull() ? null : exposed;
                long finished = rs.getLong(7);
                Long finishedMs = rs.wasNull() ? null : finished;
                rows.add(new PatternRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), exposedMs,
                        finishedMs));
            });
        }
        return rows;
    }

    private static void expectRows(String id, String mode, Map<String, Integer> debits, Map<String, Integer> credits,
            Map<String, Integer> refunds, int debit, int credit, int refund, List<String> violations) {
        int d = debits.getOrDefault(id, 0);
        int c = credits.getOrDefault(id, 0);
        int r = refunds.getOrDefault(id, 0);
        if (d != debit || c != credit || r != refund || d > 1) {
            violations.add(mode + " transfer " + id + " has " + d + " debit, " + c + " credit and " + r + " refund rows (expected "
                    + debit + ", " + credit + " and " + refund + ")");
        }
    }

    /** Each outbox transfer's credit event consumed exactly once, in either bank's inbox. */
    private void creditEvents(List<PatternRow> patterns, Map<String, Object> figures, List<String> violations) {
        Map<String, Long> consumed = new HashMap<>();
        for (JdbcTemplate bank : List.of(a, b)) {
            bank.query("SELECT business_key, COUNT(*) FROM inbox_event WHERE event_type = ? GROUP BY business_key", rs -> {
                consumed.merge(rs.getString(1), rs.getLong(2), Long::sum);
            }, CREDIT_EVENT);
        }
        long outbox = 0;
        for (PatternRow t : patterns) {
            if (t.mode().equals("OUTBOX") && t.state().equals("DONE")) {
                outbox++;
                long n = consumed.getOrDefault(t.gid(), 0L);
                if (n != 1) {
                    violations.add("outbox transfer " + t.gid() + ": its credit event was consumed " + n + " times (expected once)");
                }
            }
        }
        figures.put("creditEventsConsumed", consumed.values().stream().mapToLong(l -> l).sum());
        figures.put("outboxTransfersDone", outbox);
    }

    /**
     * No Saga, TCC or outbox transfer or order left unfinished, no money left frozen, no stock left
     * held, no event left in an outbox.
     */
    InvariantResult patternsSettled(List<PatternRow> patterns) {
        List<String> violations = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, Integer>>> byFlow = new LinkedHashMap<>();
        for (String flow : FLOWS) {
            Map<String, Map<String, Integer>> byMode = new LinkedHashMap<>();
            MODES.forEach(m -> byMode.put(m, new java.util.TreeMap<>()));
            byFlow.put(flow, byMode);
        }
        int unfinished = 0;
        for (PatternRow t : patterns) {
            byFlow.computeIfAbsent(t.flow(), f -> new LinkedHashMap<>()).computeIfAbsent(t.mode(), m -> new java.util.TreeMap<>())
                    .merge(t.state(), 1, Integer::sum);
            if (t.finishedMs() == null) {
                unfinished++;
                if (unfinished <= 5) {
                    violations.add(t.mode() + " " + t.flow() + " " + t.gid() + " is unfinished in state " + t.state());
                }
            }
        }
        if (unfinished > 5) {
            violations.add((unfinished - 5) + " more unfinished Saga, TCC or outbox transfers or orders");
        }
        long frozen = sum(a, "SELECT COALESCE(SUM(frozen_cents), 0) FROM account") + sum(b, "SELECT COALESCE(SUM(frozen_cents), 0) FROM account");
        if (frozen != 0) {
            violations.add(frozen + " cents still frozen by TCC tries that were neither confirmed nor cancelled");
        }
        long held = sum(a, "SELECT COALESCE(SUM(held_stock), 0) FROM product");
        if (held != 0) {
            violations.add(held + " items still held by TCC order tries that were neither confirmed nor cancelled");
        }
        long unpublished = sum(a, "SELECT COUNT(*) FROM outbox_event WHERE published_at IS NULL")
                + sum(b, "SELECT COUNT(*) FROM outbox_event WHERE published_at IS NULL");
        if (unpublished != 0) {
            violations.add(unpublished + " event(s) still in an outbox, not yet published");
        }
        figures.put("byMode", byFlow.get("transfer"));
        figures.put("ordersByMode", byFlow.get("order"));
        figures.put("likesByMode", byFlow.get("like"));
        figures.put("unfinished", unfinished);
        figures.put("frozenCents", frozen);
        figures.put("heldStock", held);
        figures.put("unpublishedOutboxEvents", unpublished);
        return InvariantResult.of("patterns-settled",
                "No Saga, TCC or outbox transfer, order or like is left unfinished, no money is left frozen and no stock held by a TCC try,"
                        + " no event is left unpublished in an outbox. Under load, transactions in progress and events on their way count until they finish.",
                figures, violations);
    }

    /**
     * What XA does not allow, measured from the logs: per flow and mode, how many finished transactions
     * exposed an intermediate state to a concurrent reader and for how long, from the log's timestamps.
     * Transfers: Saga debited, not yet credited or refunded; TCC confirmed on one side, not the other,
     * with the amount frozen before; outbox debited, credit on its way. Orders: stock taken (Saga,
     * outbox) or held (TCC) with no order row yet. Likes: counted, not yet recorded (Saga); reserved,
     * not yet counted (TCC); recorded, not yet counted (outbox). A measurement: it always passes.
     */
    InvariantResult intermediateStates(List<PatternRow> patterns) {
        Map<String, Object> figures = new LinkedHashMap<>(windows(patterns, "transfer"));
        figures.put("orders", windows(patterns, "order"));
        figures.put("likes", windows(patterns, "like"));
        figures.put("xa", Map.of("note", "no reader sees a write before the commit decision; only between the participants' own commits in phase 2"
                + " (milliseconds) can a reader of both databases see one side committed and not the other"));
        return InvariantResult.of("intermediate-states",
                "Measured, not checked: how many Saga, TCC and outbox transfers let a concurrent reader see money debited but not yet credited"
                        + " (or frozen), orders stock taken or held with no order yet, likes counted but not recorded or the reverse,"
                        + " and for how long (ms, from the log).",
                figures, List.of());
    }

    private static Map<String, Object> windows(List<PatternRow> patterns, String flow) {
        Map<String, List<Long>> windows = new LinkedHashMap<>();
        MODES.forEach(m -> windows.put(m, new ArrayList<>()));
        for (PatternRow t : patterns) {
            if (t.flow().equals(flow) && t.exposedMs() != null && t.finishedMs() != null) {
                windows.computeIfAbsent(t.mode(), m -> new ArrayList<>()).add(Math.max(0, t.finishedMs() - t.exposedMs()));
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        windows.forEach((mode, list) -> {
            list.sort(null);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("exposed", list.size());
            f.put("p50Ms", percentile(list, 0.50));
            f.put("p99Ms", percentile(list, 0.99));
            f.put("maxMs", list.isEmpty() ? 0 : list.get(list.size() - 1));
            figures.put(mode.toLowerCase(java.util.Locale.ROOT), f);
        });
        return figures;
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static long sum(JdbcTemplate jdbc, String sql) {
        Long value = jdbc.queryForObject(sql, Long.class);
        return value == null ? 0 : value;
    }

    private static Map<String, Object> figures(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
