package dev.twophase.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.participants.mysql.MySqlTechnology;
import dev.twophase.participants.postgresql.PostgresTechnology;
import dev.twophase.testing.ArtemisBrokerProcess;
import dev.twophase.testing.BrokerProbe;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

/**
 * The sample application, configured by its application.yml plus the servers' addresses, against the real
 * PostgreSQL (orders), MariaDB (billing) and an Artemis broker in its own JVM (events): a commit lands in all three,
 * an exception rolls back all three, and after a crash (the application halted by the fault injector before or after
 * the commit decision) the restarted application's recovery leaves nothing prepared in {@code pg_prepared_xacts},
 * {@code XA RECOVER} or the broker, with the outcome the decision implies.
 */
class OrdersAppIT {

    /** Coordinator names of this test: {@code os-<pid>-<scenario>}; a branch qualifier starts with its coordinator's name. */
    private static final Pattern OUR_COORDINATOR = Pattern.compile("^os-(\\d+)-[a-z]+\\.");
    private static final String PID = Long.toString(ProcessHandle.current().pid());

    private static final SampleServers ORDERS = SampleServers.postgres();
    private static final SampleServers BILLING = SampleServers.mysql();
    private static final Path WORK = Path.of("target", "orders-it-" + PID).toAbsolutePath();

    private static ArtemisBrokerProcess broker;
    private static BrokerProbe events;

    @BeforeAll
    static void startTheBrokerAndClearWhatEarlierRunsLeftPrepared() throws SQLException {
        broker = ArtemisBrokerProcess.start(WORK.resolve("broker"));
        events = new BrokerProbe(broker.url());
        try (Connection c = connect(ORDERS); Statement st = c.createStatement()) {
            // twophase_sample_a belongs to this test alone.
            for (String gid : new PostgresTechnology().preparedBranches(c)) {
                st.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
            }
        }
        try (Connection c = connect(BILLING); Statement st = c.createStatement()) {
            // XA RECOVER is server-wide: only branches of this test's coordinators whose JVM is gone.
            for (PlainXid xid : MySqlTechnology.recoveredXids(c)) {
                Matcher m = OUR_COORDINATOR.matcher(new String(xid.bqual(), StandardCharsets.ISO_8859_1));
                if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    st.execute("XA ROLLBACK " + MySqlTechnology.xaSql(xid));
                }
            }
        }
    }

    @AfterAll
    static void stopTheBroker() {
        if (events != null) {
            events.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aCommitLandsInBothDatabasesAndOnTheQueue() throws Exception {
        String id = orderId("commit");
        try (ConfigurableApplicationContext app = inProcess("inproc")) {
            HttpResponse<String> response = post(app, "/orders?id=" + id + "&customer=ada&amountCents=1250");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }

        assertThat(rows(ORDERS, "orders", "id", id)).isEqualTo(1);
        assertThat(rows(BILLING, "charges", "order_id", id)).isEqualTo(1);
        assertThat(messagesAbout(id)).isEqualTo(1);
    }

    @Test
    void anExceptionAfterTheWritesRollsBackAllThree() throws Exception {
        String id = orderId("rollback");
        try (ConfigurableApplicationContext app = inProcess("inproc")) {
            HttpResponse<String> response = post(app, "/orders?id=" + id + "&customer=ada&amountCents=1250&failAfterWrites=true");
            assertThat(response.statusCode()).isEqualTo(422);
            assertThat(response.body()).contains("order " + id + " was rejected after its writes");
        }

        assertThat(rows(ORDERS, "orders", "id", id)).isZero();
        assertThat(rows(BILLING, "charges", "order_id", id)).isZero();
        assertThat(messagesAbout(id)).isZero();
    }

    @Test
    void aCrashAfterTheCommitDecisionIsCommittedEverywhereByRecovery() throws Exception {
        String tm = "os-" + PID + "-commit";
        String id = orderId("after-decision");

        // Every BEFORE_COMMIT comes after Atomikos logged the commit decision; orders commits first, so all three are prepared.
        crash(tm, id, "orders:BEFORE_COMMIT:HALT");
        assertInDoubtEverywhere(tm);

        try (OrdersAppProcess restarted = OrdersAppProcess.start(WORK.resolve(tm), arguments(tm))) {
            awaitNothingPrepared(tm, restarted);
        }
        assertThat(rows(ORDERS, "orders", "id", id)).isEqualTo(1);
        assertThat(rows(BILLING, "charges", "order_id", id)).isEqualTo(1);
        assertThat(messagesAbout(id)).isEqualTo(1);
    }

    @Test
    void aCrashBeforeTheCommitDecisionIsRolledBackEverywhereByRecovery() throws Exception {
        String tm = "os-" + PID + "-abort";
        String id = orderId("before-decision");

        // The broker prepares last; the decision is not logged yet: presumed abort.
        crash(tm, id, "events:AFTER_PREPARE:HALT");
        assertInDoubtEverywhere(tm);

        try (OrdersAppProcess restarted = OrdersAppProcess.start(WORK.resolve(tm), arguments(tm))) {
            awaitNothingPrepared(tm, restarted);
        }
        assertThat(rows(ORDERS, "orders", "id", id)).isZero();
        assertThat(rows(BILLING, "charges", "order_id", id)).isZero();
        assertThat(messagesAbout(id)).isZero();
    }

    /** Starts the application with the fault armed, places the order, and waits for the halt. */
    private static void crash(String tm, String id, String rule) throws IOException, InterruptedException {
        List<String> withFault = new ArrayList<>(arguments(tm));
        withFault.add("--twophase.faults.enabled=true");
        withFault.add("--twophase.faults.arm=" + rule);
        try (OrdersAppProcess app = OrdersAppProcess.start(WORK.resolve(tm), withFault)) {
            assertThat(app.placeOrder(id)).as("no answer: the application halted in the commit").isEqualTo(-1);
            assertThat(app.awaitExit(Duration.ofSeconds(30))).as("exit status of a HALT fault").isEqualTo(99);
            assertThat(app.logText()).contains("TWOPHASE FAULT HALT at " + rule.split(":")[1] + " of " + rule.split(":")[0]);
        }
    }

    /** The crash left one prepared branch at each participant: recovery has work at all three. */
    private static void assertInDoubtEverywhere(String tm) throws SQLException {
        assertThat(preparedOnOrders()).as("pg_prepared_xacts after the crash").hasSize(1);
        assertThat(preparedOnBilling(TmName.of(tm))).as("XA RECOVER after the crash").hasSize(1);
        assertThat(events.preparedTransactions()).as("the broker's prepared transactions after the crash").hasSize(1);
    }

    private static void awaitNothingPrepared(String tm, OrdersAppProcess app) {
        TmName coordinator = TmName.of(tm);
        await("recovery by " + tm).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(app.awaitExit(Duration.ZERO)).as("the restarted application died:\n" + app.tail(40)).isEqualTo(-1);
            assertThat(preparedOnOrders()).as("pg_prepared_xacts").isEmpty();
            assertThat(preparedOnBilling(coordinator)).as("XA RECOVER").isEmpty();
            assertThat(events.preparedTransactions()).as("the broker's prepared transactions").isEmpty();
        });
    }

    /** The sample in this JVM; Atomikos is one per JVM, so one at a time, closed by the caller. */
    private static ConfigurableApplicationContext inProcess(String scenario) {
        String tm = "os-" + PID + "-" + scenario;
        List<String> args = new ArrayList<>(arguments(tm));
        args.add("--server.port=0");
        return new SpringApplicationBuilder(OrdersApplication.class).run(args.toArray(String[]::new));
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext app, String pathAndQuery)
            throws IOException, InterruptedException {
        String port = app.getEnvironment().getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Everything application.yml leaves to the environment: the servers of this test and a coordinator per scenario. */
    private static List<String> arguments(String tm) {
        return List.of(
                "--twophase.coordinator.tm-name=" + tm,
                "--twophase.coordinator.log-dir=" + WORK.resolve(tm).resolve("tx-log"),
                "--twophase.participants.jdbc.orders.url=" + ORDERS.url(),
                "--twophase.participants.jdbc.orders.username=" + ORDERS.username(),
                "--twophase.participants.jdbc.orders.password=" + ORDERS.password(),
                "--twophase.participants.jdbc.billing.url=" + BILLING.url(),
                "--twophase.participants.jdbc.billing.username=" + BILLING.username(),
                "--twophase.participants.jdbc.billing.password=" + BILLING.password(),
                "--twophase.participants.jms.events.url=" + broker.url());
    }

    private static String orderId(String scenario) {
        return scenario + "-" + UUID.randomUUID();
    }

    private static long rows(SampleServers server, String table, String column, String id) {
        try (Connection c = connect(server); var ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + column + " = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count " + table + " in " + server.url(), e);
        }
    }

    private static long messagesAbout(String id) {
        List<Message> messages = events.browse(OrderService.ORDERS_PLACED);
        return messages.stream().filter(m -> text(m).equals("order " + id)).count();
    }

    private static String text(Message message) {
        try {
            return message instanceof TextMessage t ? t.getText() : "";
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> preparedOnOrders() throws SQLException {
        try (Connection c = connect(ORDERS)) {
            return new PostgresTechnology().preparedBranches(c);
        }
    }

    private static List<String> preparedOnBilling(TmName coordinator) throws SQLException {
        try (Connection c = connect(BILLING)) {
            return MySqlTechnology.recoveredXids(c).stream().filter(x -> coordinator.owns(x.bqual())).map(PlainXid::toString).toList();
        }
    }

    private static Connection connect(SampleServers server) throws SQLException {
        return DriverManager.getConnection(server.url(), server.username(), server.password());
    }

}
