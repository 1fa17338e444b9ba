package dev.twophase.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

/**
 * The benchmark's data: the demo's schema (Flyway, from sql/), {@code accounts} extra accounts per
 * bank with a balance no run can exhaust, reset before every run; and the checks after a run that
 * the run's effects are all there, once: money conserved, two ledger rows and one registry row per
 * completed transfer, one message per completed transfer that sends one.
 */
final class BenchData {

    /** Every benchmark account starts with 10^12 cents; a run moves 1 cent per transfer. */
    static final long START_BALANCE = 1_000_000_000_000L;

    /** The tables a transfer writes in either bank, in any mode (the demo's Saga, TCC and outbox included). */
    private static final List<String> FLOW_TABLES = List.of("ledger_entry", "transfer", "pattern_tx", "outbox_event", "inbox_event",
            "branch_barrier");

    private final JdbcTemplate bankA;
    private final JdbcTemplate bankB;
    private final String brokerUrl;
    private final int accounts;

    BenchData(BenchSettings s) {
        this.bankA = new JdbcTemplate(new DriverManagerDataSource(s.pgUrl(), s.pgUser(), s.pgPassword()));
        this.bankB = new JdbcTemplate(new DriverManagerDataSource(s.mysqlUrl(), s.mysqlUser(), s.mysqlPassword()));
        this.brokerUrl = s.brokerUrl();
        this.accounts = s.accounts();
    }

    /** Applies the demo's schema to both databases and creates the benchmark accounts that are missing. */
    void prepare(BenchSettings s) {
        migrate(s.pgUrl(), s.pgUser(), s.pgPassword(), "postgresql", "A");
        migrate(s.mysqlUrl(), s.mysqlUser(), s.mysqlPassword(), "mysql", "B");
        seed(bankA, "A");
        seed(bankB, "B");
    }

    private static void migrate(String url, String user, String password, String engine, String bank) {
        Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/" + engine, "classpath:db/common")
                .placeholders(Map.of("bank", bank))
                .load()
                .migrate();
    }

    private void seed(JdbcTemplate bank, String letter) {
        Integer present = bank.queryForObject("SELECT COUNT(*) FROM account WHERE id LIKE ?", Integer.class, letter + "-X%");
        if (present != null && present >= accounts) {
            return;
        }
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= accounts; i++) {
            rows.add(new Object[] {account(letter, i), "bench " + i, START_BALANCE, START_BALANCE, account(letter, i)});
        }
        // The opening balance too: the demo's consistency checker (demo modes) compares each balance with it and its ledger.
        bank.batchUpdate("INSERT INTO account (id, owner, balance_cents, opening_balance_cents) SELECT ?, ?, ?, ? FROM (SELECT 1 AS one) x"
                + " WHERE NOT EXISTS (SELECT 1 FROM account WHERE id = ?)", rows);
    }

    /** The id of benchmark account {@code i} (1-based) of a bank. */
    static String account(String bank, int i) {
        return String.format("%s-X%05d", bank, i);
    }

    /** A random benchmark account of a bank. */
    String randomAccount(String bank) {
        return account(bank, 1 + ThreadLocalRandom.current().nextInt(accounts));
    }

    /**
     * Empties the registry and ledgers (and the demo's pattern log, outbox, inbox and barrier, which the
     * demo modes fill), resets the balances and drains the event queue, so every run starts alike.
     * The demo modes call it only once the demo is quiet (consistent).
     */
    void reset() throws JMSException {
        // TRUNCATE, not DELETE: deleted rows would stay behind as dead tuples in PostgreSQL and slow every later run.
        bankA.execute("TRUNCATE " + String.join(", ", FLOW_TABLES));
        for (String table : FLOW_TABLES) {
            bankB.execute("TRUNCATE TABLE " + table);
        }
        for (JdbcTemplate bank : List.of(bankA, bankB)) {
            bank.update("UPDATE account SET balance_cents = ?, opening_balance_cents = ? WHERE id LIKE '_-X%'", START_BALANCE,
                    START_BALANCE);
        }
        bankA.execute("VACUUM ANALYZE account");
        drainQueue();
    }

    /** The figures a run left behind. */
    record Effects(long transfers, long ledgerRows, long balanceDelta, long messages) {
    }

    /** Reads the effects (and drains the queue, counting its messages). */
    Effects effects() throws JMSException {
        long transfers = count(bankA, "SELECT COUNT(*) FROM transfer") + count(bankB, "SELECT COUNT(*) FROM transfer");
        long ledger = count(bankA, "SELECT COUNT(*) FROM ledger_entry") + count(bankB, "SELECT COUNT(*) FROM ledger_entry");
        long expected = 2L * accounts * START_BALANCE;
        long sum = count(bankA, "SELECT COALESCE(SUM(balance_cents), 0) FROM account WHERE id LIKE 'A-X%'")
                + count(bankB, "SELECT COALESCE(SUM(balance_cents), 0) FROM account WHERE id LIKE 'B-X%'");
        return new Effects(transfers, ledger, sum - expected, drainQueue());
    }

    /**
     * Whether a run's effects are exactly those of {@code completed} transfers of this mode, or what is wrong.
     *
     * @return {@code null} when everything matches
     */
    static String verify(Mode mode, long completed, Effects e) {
        List<String> problems = new ArrayList<>();
        if (e.transfers() != completed) {
            problems.add(e.transfers() + " registry rows for " + completed + " completed transfers");
        }
        if (e.ledgerRows() != 2 * e.transfers()) {
            problems.add(e.ledgerRows() + " ledger rows for " + e.transfers() + " transfers");
        }
        if (e.balanceDelta() != 0) {
            problems.add("balances off by " + e.balanceDelta() + " cents");
        }
        long expectedMessages = mode.sendsEvent() ? completed : 0;
        if (e.messages() != expectedMessages) {
            problems.add(e.messages() + " messages for " + expectedMessages + " expected");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /**
     * Whether the demo, once consistent after a demo mode's load, holds exactly {@code completed}
     * transfers of that mode, each finished ({@code DONE}) with one debit and one credit, and the
     * benchmark accounts' money conserved; or what is wrong. (The demo's own checker has already
     * matched every event with its consumption and every ledger with its balance.)
     *
     * @return {@code null} when everything matches
     */
    String verifyDemo(Mode mode, long completed) {
        List<String> problems = new ArrayList<>();
        long registered;
        if (mode == Mode.DEMO_XA) {
            registered = count(bankA, "SELECT COUNT(*) FROM transfer") + count(bankB, "SELECT COUNT(*) FROM transfer");
        } else {
            String done = "SELECT COUNT(*) FROM pattern_tx WHERE flow = 'transfer' AND mode = '"
                    + mode.requestMode().toUpperCase(java.util.Locale.ROOT) + "' AND state = 'DONE'";
            registered = count(bankA, done) + count(bankB, done);
            long others = count(bankA, "SELECT COUNT(*) FROM pattern_tx") + count(bankB, "SELECT COUNT(*) FROM pattern_tx") - registered;
            if (others != 0) {
                problems.add(others + " pattern log rows not DONE or of another mode");
            }
        }
        if (registered != completed) {
            problems.add(registered + " finished transfers for " + completed + " accepted");
        }
        long ledger = count(bankA, "SELECT COUNT(*) FROM ledger_entry") + count(bankB, "SELECT COUNT(*) FROM ledger_entry");
        if (ledger != 2 * completed) {
            problems.add(ledger + " ledger rows for " + completed + " transfers");
        }
        long delta = count(bankA, "SELECT COALESCE(SUM(balance_cents), 0) FROM account WHERE id LIKE 'A-X%'")
                + count(bankB, "SELECT COALESCE(SUM(balance_cents), 0) FROM account WHERE id LIKE 'B-X%'") - 2L * accounts * START_BALANCE;
        if (delta != 0) {
            problems.add("balances off by " + delta + " cents");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static long count(JdbcTemplate jdbc, String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    private long drainQueue() throws JMSException {
        long n = 0;
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
                Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(TransferWork.QUEUE));
            while (consumer.receive(500) != null) {
                n++;
            }
        }
        return n;
    }

    /** A short description of the server, e.g. {@code PostgreSQL 15.19} and its durability settings. */
    String describePostgres() {
        return bankA.queryForObject("SELECT version()", String.class).replaceAll(" on .*", "")
                + " (fsync=" + setting(bankA, "SHOW fsync") + ", synchronous_commit=" + setting(bankA, "SHOW synchronous_commit")
                + ", wal_sync_method=" + setting(bankA, "SHOW wal_sync_method") + ")";
    }

    String describeMysql() {
        Map<String, Object> v = bankB.queryForMap("SELECT VERSION() AS version, @@innodb_flush_log_at_trx_commit AS flush,"
                + " @@log_bin AS log_bin, @@sync_binlog AS sync_binlog, @@innodb_flush_method AS method");
        return "MariaDB/MySQL " + v.get("version") + " (innodb_flush_log_at_trx_commit=" + v.get("flush") + ", log_bin="
                + v.get("log_bin") + ", sync_binlog=" + v.get("sync_binlog") + ", innodb_flush_method=" + v.get("method") + ")";
    }

    /** Whether MySQL writes a binary log: then an XA PREPARE and COMMIT each force it as well as the redo log. */
    boolean mysqlBinlog() {
        Object v = bankB.queryForObject("SELECT @@log_bin", Object.class);
        return v != null && !"0".equals(v.toString()) && !"OFF".equalsIgnoreCase(v.toString());
    }

    private static String setting(JdbcTemplate jdbc, String sql) {
        return jdbc.queryForObject(sql, String.class);
    }
}
