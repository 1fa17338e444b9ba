package dev.twophase.demo.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * The checker is shown to fail: each invariant is broken on purpose in the real databases, is
 * reported FAIL with a violation that names the culprit, and passes again once repaired (the
 * base class asserts a full PASS after every test).
 */
class ConsistencyCheckerIT extends RealParticipantsTest {

    @LocalServerPort
    int port;

    @BeforeEach
    void someCommittedTraffic() {
        Api api = new Api(port);
        assertThat(api.transfer("A", "A-0001", "B", "B-0001", 500, UUID.randomUUID().toString()).status()).isEqualTo(201);
        assertThat(api.transfer("B", "B-0002", "A", "A-0002", 700, UUID.randomUUID().toString()).status()).isEqualTo(201);
        ConsistencyReport report = awaitConsistent();
        assertThat(report.invariants()).hasSize(8).allMatch(InvariantResult::passed);
        var events = report.invariant("events-exactly-once").figures();
        assertThat(events.get("transferConsumed")).isEqualTo(events.get("transferCommitted")).isEqualTo((int) rows(bankA, "transfer"));
    }

    @Test
    void moneyCreatedOutOfThinAirFailsConservationAndTheLedger() {
        bankB.execute("UPDATE account SET balance_cents = balance_cents + 1 WHERE id = 'B-0003'");
        try {
            ConsistencyReport report = consistencyChecker.check();

            assertThat(report.consistent()).isFalse();
            assertThat(report.invariant("money-conserved").passed()).isFalse();
            assertThat(report.invariant("money-conserved").violations()).anyMatch(v -> v.contains("by 1"));
            assertThat(report.invariant("ledgers-match").violations()).anyMatch(v -> v.contains("account B-0003"));
            assertThat(report.invariant("likes-match").passed()).isTrue();
        } finally {
            bankB.execute("UPDATE account SET balance_cents = balance_cents - 1 WHERE id = 'B-0003'");
        }
    }

    @Test
    void moneyMovedWithoutALedgerRowFailsTheLedgerButNotConservation() {
        bankA.execute("UPDATE account SET balance_cents = balance_cents - 10 WHERE id = 'A-0004'");
        bankA.execute("UPDATE account SET balance_cents = balance_cents + 10 WHERE id = 'A-0005'");
        try {
            ConsistencyReport report = consistencyChecker.check();

            assertThat(report.invariant("money-conserved").passed()).isTrue();
            assertThat(report.invariant("ledgers-match").violations())
                    .anyMatch(v -> v.contains("A-0004")).anyMatch(v -> v.contains("A-0005"));
        } finally {
            bankA.execute("UPDATE account SET balance_cents = balance_cents + 10 WHERE id = 'A-0004'");
            bankA.execute("UPDATE account SET balance_cents = balance_cents - 10 WHERE id = 'A-0005'");
        }
    }

    @Test
    void ledgerRowsForATransferNobodyRegisteredFail() {
        // Balanced, so money and every account's ledger still agree: only the per-transfer check can see it.
        bankB.execute("INSERT INTO ledger_entry (transfer_id, account_id, direction, amount_cents) VALUES ('ghost', 'B-0006', 'DEBIT', 5)");
        bankB.execute("INSERT INTO ledger_entry (transfer_id, account_id, direction, amount_cents) VALUES ('ghost', 'B-0006', 'CREDIT', 5)");
        try {
            ConsistencyReport report = consistencyChecker.check();

            assertThat(report.invariant("money-conserved").passed()).isTrue();
            assertThat(report.invariant("ledgers-match").violations())
                    .containsExactly("ledger rows for transfer ghost, which is in no registry or transfer log");
        } finally {
            bankB.execute("DELETE FROM ledger_entry WHERE transfer_id = 'ghost'");
        }
    }

    @Test
    void aLikeWithoutItsCommittedActionFails() {
        // Count and like rows agree; only the like_action record (and so the event trail) is missing.
        bankB.execute("INSERT INTO user_like (user_id, article_id) VALUES ('ghost-user', 'art-3')");
        bankA.execute("UPDATE article SET like_count = like_count + 1 WHERE id = 'art-3'");
        try {
            InvariantResult likes = consistencyChecker.check().invariant("likes-match");

            assertThat(likes.violations()).containsExactly("article art-3: like_count 1, like rows 1, likes minus unlikes 0");
        } finally {
            bankA.execute("UPDATE article SET like_count = like_count - 1 WHERE id = 'art-3'");
            bankB.execute("DELETE FROM user_like WHERE user_id = 'ghost-user'");
        }
    }

    @Test
    void aLikeCountWithoutLikeRowsFails() {
        bankA.execute("UPDATE article SET like_count = like_count + 1 WHERE id = 'art-2'");
        try {
            InvariantResult likes = consistencyChecker.check().invariant("likes-match");

            assertThat(likes.passed()).isFalse();
            assertThat(likes.violations()).anyMatch(v -> v.contains("art-2") && v.contains("like_count 1") && v.contains("like rows 0"));
        } finally {
            bankA.execute("UPDATE article SET like_count = like_count - 1 WHERE id = 'art-2'");
        }
    }

    @Test
    void stockThatVanishedWithoutAnOrderFails() {
        bankA.execute("UPDATE product SET stock = stock - 1 WHERE sku = 'SKU-MUG'");
        try {
            InvariantResult stock = consistencyChecker.check().invariant("stock-conserved");

            assertThat(stock.passed()).isFalse();
            assertThat(stock.violations()).anyMatch(v -> v.contains("SKU-MUG") && v.contains("initial stock 100"));
        } finally {
            bankA.execute("UPDATE product SET stock = stock + 1 WHERE sku = 'SKU-MUG'");
        }
    }

    @Test
    void anEventConsumedTwiceOrForNothingAndAnEventLostBothFail() {
        String eventId = bankA.queryString("SELECT event_id FROM transfer ORDER BY created_at LIMIT 1");
        String payload = bankA.queryString("SELECT payload FROM inbox_event WHERE event_id = '" + eventId + "'");
        bankA.execute("DELETE FROM inbox_event WHERE event_id = '" + eventId + "'");
        bankA.execute("INSERT INTO inbox_event (event_id, event_type, schema_name, business_key, payload)"
                + " VALUES ('phantom-1', 'transfer', 'twophase.transfer.v1', 'no-such-transfer', '{}')");
        try {
            InvariantResult events = consistencyChecker.check().invariant("events-exactly-once");

            assertThat(events.passed()).isFalse();
            assertThat(events.violations())
                    .anyMatch(v -> v.contains(eventId) && v.contains("committed but not consumed"))
                    .anyMatch(v -> v.contains("phantom-1") && v.contains("no committed transfer"));
        } finally {
            bankA.execute("DELETE FROM inbox_event WHERE event_id = 'phantom-1'");
            bankA.execute("INSERT INTO inbox_event (event_id, event_type, schema_name, business_key, payload) VALUES ('"
                    + eventId + "', 'transfer', 'twophase.transfer.v1', 'restored', '" + payload.replace("'", "''") + "')");
        }
    }

    @Test
    void aPreparedBranchLeftOnMariadbFails() throws Exception {
        // Named like this coordinator's own branches, so the server-wide XA RECOVER list attributes it to us.
        String bqual = "it-" + ProcessHandle.current().pid() + ".orphan";
        String xid = "'it-orphan-" + UUID.randomUUID().toString().substring(0, 8) + "','" + bqual + "'";
        try (Connection c = bankB.connect(); Statement st = c.createStatement()) {
            st.execute("XA START " + xid);
            st.execute("UPDATE article SET title = title WHERE id = 'art-4'");
            st.execute("XA END " + xid);
            st.execute("XA PREPARE " + xid);
        }
        try {
            InvariantResult prepared = consistencyChecker.check().invariant("nothing-prepared");

            assertThat(bankB.preparedBranches()).singleElement().asString().contains(bqual);
            assertThat(prepared.passed()).isFalse();
            assertThat(prepared.figures()).containsEntry("bank-a", 0).containsEntry("bank-b", 1).containsEntry("broker", 0);
            assertThat(prepared.violations()).anyMatch(v -> v.startsWith("bank-b holds prepared branch") && v.contains(bqual));
        } finally {
            try (Connection c = bankB.connect(); Statement st = c.createStatement()) {
                st.execute("XA ROLLBACK " + xid);
            } catch (java.sql.SQLException e) {
                // MariaDB answers 1402 (XA_RBROLLBACK) for a branch prepared on another connection, yet rolls it back.
                assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1402);
            }
            assertThat(bankB.preparedBranches()).isEmpty();
        }
    }

    @Test
    void aPreparedBranchLeftOnPostgresqlFails() throws Exception {
        String gid = "it-orphan-" + UUID.randomUUID();
        try (Connection c = bankA.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("UPDATE article SET title = title WHERE id = 'art-5'");
            st.execute("PREPARE TRANSACTION '" + gid + "'");
        }
        try {
            InvariantResult prepared = consistencyChecker.check().invariant("nothing-prepared");

            assertThat(prepared.passed()).isFalse();
            assertThat(prepared.figures()).containsEntry("bank-a", 1).containsEntry("bank-b", 0).containsEntry("broker", 0);
            assertThat(prepared.violations()).anyMatch(v -> v.contains(gid));
        } finally {
            bankA.execute("ROLLBACK PREPARED '" + gid + "'");
        }
    }
}
