package dev.twophase.demo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * A hostile or careless client against every endpoint of the demo on the real participants:
 * malformed JSON, wrong JSON types, coerced scalars, values out of range, unknown and duplicate
 * fields, oversize bodies and headers, wrong content types, Accept headers and methods, path tricks
 * (encoded slashes, '..', broken %-escapes) and missing, wrong or too weak credentials for
 * /admin/**. Each answer must have the expected status and problem type, be
 * application/problem+json, tell nothing about the implementation (no package, class or exception
 * name, no SQL, no stack frame, no HTML) and leave every participant as it was: balances, transfers,
 * likes, stock, orders, consumed events and armed faults.
 *
 * <p>Requests go over a plain socket: java.net.http refuses to send most of the path tricks.
 */
@TestPropertySource(properties = {"twophase.faults.enabled=true",
        "twophase.console.remote.users.ops.password=ops-secret-1",
        "twophase.console.remote.users.ops.role=operator",
        "twophase.console.remote.users.watch.password=watch-secret-1",
        "twophase.console.remote.users.watch.role=monitor"})
class BadInputIT extends RealParticipantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPS = "ops:ops-secret-1";
    private static final String WATCH = "watch:watch-secret-1";

    /** What an answer must never contain: implementation names, exception text, SQL, stack frames, HTML. */
    private static final Pattern INTERNALS = Pattern.compile(
            "dev\\.twophase|java\\.|javax\\.|jakarta\\.|org\\.springframework|org\\.apache|com\\.fasterxml|com\\.atomikos"
                    + "|Exception|Caused by|\\bat [a-zA-Z_$][\\w$]*(\\.[\\w$]+)+\\(|SELECT|INSERT|UPDATE |DELETE FROM|\\bSQL"
                    + "|<html|<!doctype|Tomcat|Jackson|CoercionConfig|\\[Source|about:blank",
            Pattern.CASE_INSENSITIVE);

    private static final String TRANSFER = "{\"from\":{\"bank\":\"A\",\"account\":\"A-0001\"},\"to\":{\"bank\":\"B\",\"account\":\"B-0001\"},"
            + "\"amountCents\":%s,\"idempotencyKey\":\"bad-input-1\"}";
    private static final String ORDER = "{\"sku\":%s,\"quantity\":%s,\"userId\":\"buyer-1\",\"strategy\":%s}";

    @LocalServerPort
    int port;

    @Autowired
    FaultInjector injector;

    /** One bad request and the answer it must get. */
    record Case(String method, String path, Map<String, String> headers, byte[] body, boolean chunked, int status, String type) {

        static Case request(String method, String path) {
            return new Case(method, path, Map.of(), null, false, 0, null);
        }

        static Case json(String method, String path, String body) {
            return request(method, path).header("Content-Type", "application/json").body(body);
        }

        Case header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Case(method, path, more, body, chunked, status, type);
        }

        Case body(String text) {
            return new Case(method, path, headers, text.getBytes(StandardCharsets.UTF_8), chunked, status, type);
        }

        Case body(byte[] bytes) {
            return new Case(method, path, headers, bytes, chunked, status, type);
        }

        Case inChunks() {
            return new Case(method, path, headers, body, true, status, type);
        }

        Case as(String credentials) {
            return header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }

        Case answers(int expectedStatus, String slug) {
            return new Case(method, path, headers, body, chunked, expectedStatus, "/problems/" + slug);
        }

        @Override
        public String toString() {
            return method + " " + (path.length() > 60 ? path.substring(0, 60) + "..." : path);
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return Stream.of(
                // ---- POST /api/transfers: not JSON, not an object
                c("no body", Case.json("POST", "/api/transfers", "").answers(400, "malformed-request")),
                c("not JSON", Case.json("POST", "/api/transfers", "{\"from\":").answers(400, "malformed-request")),
                c("a JSON array", Case.json("POST", "/api/transfers", "[]").answers(400, "malformed-request")),
                c("a JSON string", Case.json("POST", "/api/transfers", "\"transfer\"").answers(400, "malformed-request")),
                c("JSON null", Case.json("POST", "/api/transfers", "null").answers(400, "malformed-request")),
                c("two objects", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10") + " {}").answers(400, "malformed-request")),
                c("a field twice", Case.json("POST", "/api/transfers",
                        String.format(TRANSFER, "10").replace("\"amountCents\"", "\"amountCents\":1,\"amountCents\"")).answers(400, "malformed-request")),
                c("unknown field", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("{\"from\"", "{\"memo\":\"x\",\"from\""))
                        .answers(400, "malformed-request")),
                c("unknown nested field", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"account\":\"A-0001\"",
                        "\"account\":\"A-0001\",\"iban\":\"x\"")).answers(400, "malformed-request")),
                c("invalid UTF-8", Case.json("POST", "/api/transfers", "").body(new byte[] { '{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}' })
                        .answers(400, "malformed-request")),
                // ---- amountCents: types and bounds
                c("amount 10.5", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10.5")).answers(400, "malformed-request")),
                c("amount 10.0", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10.0")).answers(400, "malformed-request")),
                c("amount \"10\"", Case.json("POST", "/api/transfers", String.format(TRANSFER, "\"10\"")).answers(400, "malformed-request")),
                c("amount true", Case.json("POST", "/api/transfers", String.format(TRANSFER, "true")).answers(400, "malformed-request")),
                c("amount an object", Case.json("POST", "/api/transfers", String.format(TRANSFER, "{\"cents\":10}")).answers(400, "malformed-request")),
                c("amount beyond a long", Case.json("POST", "/api/transfers", String.format(TRANSFER, "99999999999999999999999"))
                        .answers(400, "malformed-request")),
                c("amount 0", Case.json("POST", "/api/transfers", String.format(TRANSFER, "0")).answers(400, "invalid-request")),
                c("amount -5", Case.json("POST", "/api/transfers", String.format(TRANSFER, "-5")).answers(400, "invalid-request")),
                c("amount over 10^12", Case.json("POST", "/api/transfers", String.format(TRANSFER, "1000000000001")).answers(400, "invalid-request")),
                c("amount missing", Case.json("POST", "/api/transfers", String.format(TRANSFER, "null")).answers(400, "invalid-request")),
                // ---- accounts and banks
                c("account a number", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"A-0001\"", "1"))
                        .answers(400, "malformed-request")),
                c("account a boolean", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"A-0001\"", "true"))
                        .answers(400, "malformed-request")),
                c("account with a space", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("A-0001", "A 0001"))
                        .answers(400, "invalid-request")),
                c("account of 33 characters", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("A-0001", "A".repeat(33)))
                        .answers(400, "invalid-request")),
                c("account with SQL", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("A-0001", "A-0001' OR '1'='1"))
                        .answers(400, "invalid-request")),
                c("bank C", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"bank\":\"A\"", "\"bank\":\"C\""))
                        .answers(400, "malformed-request")),
                c("bank 0 (an enum index)", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"bank\":\"A\"", "\"bank\":0"))
                        .answers(400, "malformed-request")),
                c("bank lower case", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"bank\":\"A\"", "\"bank\":\"a\""))
                        .answers(400, "malformed-request")),
                c("from a string", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10")
                        .replace("{\"bank\":\"A\",\"account\":\"A-0001\"}", "\"A-0001\"")).answers(400, "malformed-request")),
                c("from null", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10")
                        .replace("{\"bank\":\"A\",\"account\":\"A-0001\"}", "null")).answers(400, "invalid-request")),
                c("every field missing", Case.json("POST", "/api/transfers", "{}").answers(400, "invalid-request")),
                // ---- the mode
                c("mode 2pc", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("{\"from\"", "{\"mode\":\"2pc\",\"from\""))
                        .answers(400, "invalid-mode")),
                c("mode empty", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("{\"from\"", "{\"mode\":\"\",\"from\""))
                        .answers(400, "invalid-mode")),
                c("mode a number", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("{\"from\"", "{\"mode\":1,\"from\""))
                        .answers(400, "malformed-request")),
                c("saga without a key", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10")
                        .replace(",\"idempotencyKey\":\"bad-input-1\"", ",\"mode\":\"saga\"")).answers(400, "invalid-idempotency-key")),
                c("tcc to the same account", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10")
                        .replace("\"B-0001\"", "\"A-0001\"").replace("\"bank\":\"B\"", "\"bank\":\"A\"").replace("{\"from\"", "{\"mode\":\"tcc\",\"from\""))
                        .answers(422, "same-account")),
                // ---- the idempotency key
                c("key a number", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"bad-input-1\"", "7"))
                        .answers(400, "malformed-request")),
                c("key a boolean", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("\"bad-input-1\"", "false"))
                        .answers(400, "malformed-request")),
                c("key with a space", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("bad-input-1", "bad input"))
                        .answers(400, "invalid-idempotency-key")),
                c("key of 101 characters", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace("bad-input-1", "k".repeat(101)))
                        .answers(400, "invalid-idempotency-key")),
                c("no key", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace(",\"idempotencyKey\":\"bad-input-1\"", ""))
                        .answers(400, "invalid-idempotency-key")),
                c("header and body keys differ", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10"))
                        .header("Idempotency-Key", "another-key").answers(400, "invalid-idempotency-key")),
                c("header key not ASCII", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10").replace(",\"idempotencyKey\":\"bad-input-1\"", ""))
                        .header("Idempotency-Key", "cl\u00e9").answers(400, "invalid-idempotency-key")),
                // ---- content types, Accept, methods
                c("text/plain body", Case.request("POST", "/api/transfers").header("Content-Type", "text/plain")
                        .body(String.format(TRANSFER, "10")).answers(415, "unsupported-media-type")),
                c("no Content-Type", Case.request("POST", "/api/transfers").body(String.format(TRANSFER, "10")).answers(415, "unsupported-media-type")),
                c("XML body", Case.request("POST", "/api/transfers").header("Content-Type", "application/xml").body("<transfer/>")
                        .answers(415, "unsupported-media-type")),
                c("form body", Case.request("POST", "/api/transfers").header("Content-Type", "application/x-www-form-urlencoded")
                        .body("amountCents=10").answers(415, "unsupported-media-type")),
                c("a valid transfer that accepts only XML", Case.json("POST", "/api/transfers", String.format(TRANSFER, "10"))
                        .header("Accept", "application/xml").answers(406, "not-acceptable")),
                c("accounts as HTML only", Case.request("GET", "/api/accounts").header("Accept", "text/html").answers(406, "not-acceptable")),
                c("PUT a transfer", Case.json("PUT", "/api/transfers", String.format(TRANSFER, "10")).answers(405, "method-not-allowed")),
                c("GET the transfer collection", Case.request("GET", "/api/transfers").answers(405, "method-not-allowed")),
                c("DELETE the accounts", Case.request("DELETE", "/api/accounts").answers(405, "method-not-allowed")),
                c("POST the accounts", Case.json("POST", "/api/accounts", "{}").answers(405, "method-not-allowed")),
                c("PATCH an order", Case.json("PATCH", "/api/orders", "{}").answers(405, "method-not-allowed")),
                c("TRACE", Case.request("TRACE", "/api/accounts").answers(405, "method-not-allowed")),
                c("a made-up method", Case.request("BREW", "/api/accounts").answers(405, "method-not-allowed")),
                // ---- paths
                c("unknown API path", Case.request("GET", "/api/balances").answers(404, "not-found")),
                c("unknown path", Case.request("GET", "/wp-login.php").answers(404, "not-found")),
                c("unknown transfer", Case.request("GET", "/api/transfers/no-such-transfer").answers(404, "not-found")),
                c("the error page itself", Case.request("GET", "/error").answers(404, "not-found")),
                c("encoded slash", Case.request("GET", "/api/transfers/a%2Fb").answers(400, "invalid-path")),
                c("broken %-escape", Case.request("GET", "/api/transfers/%zz").answers(400, "invalid-path")),
                c("'..' above the root", Case.request("GET", "/api/../../etc/passwd").answers(400, "invalid-path")),
                c("'..' to the admin", Case.request("GET", "/api/../admin/faults").answers(400, "invalid-path")),
                c("encoded '..'", Case.request("GET", "/api/%2e%2e/admin/faults").answers(400, "invalid-path")),
                c("encoded backslash", Case.request("GET", "/api/transfers/a%5Cb").answers(400, "invalid-path")),
                c("encoded NUL", Case.request("GET", "/api/transfers/a%00b").answers(400, "invalid-path")),
                c("path parameter", Case.request("GET", "/api/accounts;jsessionid=1").answers(400, "invalid-path")),
                c("double slash", Case.request("GET", "//api/accounts").answers(400, "invalid-path")),
                c("'..' in an article id", Case.json("POST", "/api/articles/..%2f..%2fadmin/likes", "{\"userId\":\"u-1\"}").answers(400, "invalid-path")),
                c("admin in upper case", Case.json("POST", "/ADMIN/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}").answers(404, "not-found")),
                c("admin with a trailing slash", Case.json("POST", "/admin/faults/", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}")
                        .answers(401, "admin-login-required")),
                c("admin with an encoded slash", Case.json("POST", "/admin%2ffaults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}")
                        .answers(400, "invalid-path")),
                // ---- likes
                c("userId 123", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":123}").answers(400, "malformed-request")),
                c("userId true", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":true}").answers(400, "malformed-request")),
                c("userId 12.5", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":12.5}").answers(400, "malformed-request")),
                c("userId an array", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":[\"u-1\"]}").answers(400, "malformed-request")),
                c("userId an object", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":{\"id\":\"u-1\"}}").answers(400, "malformed-request")),
                c("userId missing", Case.json("POST", "/api/articles/art-1/likes", "{}").answers(400, "invalid-request")),
                c("userId empty", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":\"\"}").answers(400, "invalid-request")),
                c("userId with a space", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":\"u 1\"}").answers(400, "invalid-request")),
                c("userId of 65 characters", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":\"" + "u".repeat(65) + "\"}")
                        .answers(400, "invalid-request")),
                c("like with an unknown field", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":\"u-1\",\"weight\":10}")
                        .answers(400, "malformed-request")),
                c("like a field twice", Case.json("POST", "/api/articles/art-1/likes", "{\"userId\":\"u-1\",\"userId\":\"u-2\"}")
                        .answers(400, "malformed-request")),
                c("like an unknown article", Case.json("POST", "/api/articles/art-404/likes", "{\"userId\":\"u-1\"}").answers(404, "unknown-article")),
                c("like an article id of 33 characters", Case.json("POST", "/api/articles/" + "a".repeat(33) + "/likes", "{\"userId\":\"u-1\"}")
                        .answers(404, "unknown-article")),
                c("unlike with a bad userId in the path", Case.request("DELETE", "/api/articles/art-1/likes/u%201").answers(400, "invalid-request")),
                c("like as text/plain", Case.request("POST", "/api/articles/art-1/likes").header("Content-Type", "text/plain")
                        .body("{\"userId\":\"u-1\"}").answers(415, "unsupported-media-type")),
                c("PUT a like", Case.json("PUT", "/api/articles/art-1/likes", "{\"userId\":\"u-1\"}").answers(405, "method-not-allowed")),
                // ---- orders
                c("sku a number", Case.json("POST", "/api/orders", String.format(ORDER, "5", "1", "\"PESSIMISTIC\"")).answers(400, "malformed-request")),
                c("sku a boolean", Case.json("POST", "/api/orders", String.format(ORDER, "true", "1", "\"PESSIMISTIC\"")).answers(400, "malformed-request")),
                c("sku empty", Case.json("POST", "/api/orders", String.format(ORDER, "\"\"", "1", "\"PESSIMISTIC\"")).answers(400, "invalid-request")),
                c("sku of 33 characters", Case.json("POST", "/api/orders", String.format(ORDER, "\"" + "S".repeat(33) + "\"", "1", "\"PESSIMISTIC\""))
                        .answers(400, "invalid-request")),
                c("quantity 1.5", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1.5", "\"PESSIMISTIC\"")).answers(400, "malformed-request")),
                c("quantity \"2\"", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "\"2\"", "\"PESSIMISTIC\"")).answers(400, "malformed-request")),
                c("quantity beyond an int", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "99999999999", "\"PESSIMISTIC\""))
                        .answers(400, "malformed-request")),
                c("quantity 0", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "0", "\"PESSIMISTIC\"")).answers(400, "invalid-request")),
                c("quantity 1001", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1001", "\"PESSIMISTIC\"")).answers(400, "invalid-request")),
                c("strategy FAST", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1", "\"FAST\"")).answers(400, "malformed-request")),
                c("strategy 0 (an enum index)", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1", "0")).answers(400, "malformed-request")),
                c("strategy lower case", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1", "\"pessimistic\""))
                        .answers(400, "malformed-request")),
                c("strategy missing", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1", "null")).answers(400, "invalid-request")),
                c("order userId a number", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1", "\"PESSIMISTIC\"")
                        .replace("\"buyer-1\"", "42")).answers(400, "malformed-request")),
                c("unknown product", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-NONE\"", "1", "\"PESSIMISTIC\"")).answers(422, "unknown-product")),
                c("order mode 2pc", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1", "\"PESSIMISTIC\"")
                        .replace("{\"sku\"", "{\"mode\":\"2pc\",\"sku\"")).answers(400, "invalid-mode")),
                c("order mode a number", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-MUG\"", "1", "\"PESSIMISTIC\"")
                        .replace("{\"sku\"", "{\"mode\":2,\"sku\"")).answers(400, "malformed-request")),
                c("outbox order of an unknown product", Case.json("POST", "/api/orders", String.format(ORDER, "\"SKU-NONE\"", "1", "\"PESSIMISTIC\"")
                        .replace("{\"sku\"", "{\"mode\":\"outbox\",\"sku\"")).answers(422, "unknown-product")),
                c("unknown order", Case.request("GET", "/api/orders/no-such-order").answers(404, "not-found")),
                // ---- the events feed
                c("limit abc", Case.request("GET", "/api/events?limit=abc").answers(400, "invalid-request")),
                c("limit 0", Case.request("GET", "/api/events?limit=0").answers(400, "invalid-request")),
                c("limit 201", Case.request("GET", "/api/events?limit=201").answers(400, "invalid-request")),
                c("limit -1", Case.request("GET", "/api/events?limit=-1").answers(400, "invalid-request")),
                c("limit 1.5", Case.request("GET", "/api/events?limit=1.5").answers(400, "invalid-request")),
                c("limit beyond an int", Case.request("GET", "/api/events?limit=99999999999").answers(400, "invalid-request")),
                // ---- /admin/** credentials and bodies
                c("branches without login", Case.request("GET", "/admin/branches").answers(401, "admin-login-required")),
                c("branches with a wrong password", Case.request("GET", "/admin/branches").as("ops:wrong").answers(401, "admin-login-required")),
                c("branches as an unknown user", Case.request("GET", "/admin/branches").as("root:root").answers(401, "admin-login-required")),
                c("branches with a broken Basic header", Case.request("GET", "/admin/branches").header("Authorization", "Basic !!!")
                        .answers(401, "admin-login-required")),
                c("commit without login", Case.json("POST", "/admin/branches/commit", "{\"xid\":\"a:b\"}").answers(401, "admin-login-required")),
                c("commit as monitor", Case.json("POST", "/admin/branches/commit", "{\"xid\":\"a:b\"}").as(WATCH).answers(403, "admin-role-required")),
                c("commit with xid a number", Case.json("POST", "/admin/branches/commit", "{\"xid\":1}").as(OPS).answers(400, "malformed-request")),
                c("rollback with force \"yes\"", Case.json("POST", "/admin/branches/rollback", "{\"xid\":\"a:b\",\"force\":\"yes\"}").as(OPS)
                        .answers(400, "malformed-request")),
                c("rollback with force 1", Case.json("POST", "/admin/branches/rollback", "{\"xid\":\"a:b\",\"force\":1}").as(OPS)
                        .answers(400, "malformed-request")),
                c("rollback without xid", Case.json("POST", "/admin/branches/rollback", "{}").as(OPS).answers(400, "invalid-request")),
                c("commit with an unknown field", Case.json("POST", "/admin/branches/commit", "{\"xid\":\"a:b\",\"all\":true}").as(OPS)
                        .answers(400, "malformed-request")),
                c("arm a fault without login", Case.json("POST", "/admin/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}")
                        .answers(401, "admin-login-required")),
                c("arm a fault as monitor", Case.json("POST", "/admin/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}").as(WATCH)
                        .answers(403, "admin-role-required")),
                c("disarm as monitor", Case.request("DELETE", "/admin/faults").as(WATCH).answers(403, "admin-role-required")),
                c("list faults without login", Case.request("GET", "/admin/faults").answers(401, "admin-login-required")),
                c("rule a number", Case.json("POST", "/admin/faults", "{\"rule\":5}").as(OPS).answers(400, "malformed-request")),
                c("rule not a rule", Case.json("POST", "/admin/faults", "{\"rule\":\"bank-a:WHENEVER:HALT\"}").as(OPS).answers(400, "invalid-fault-rule")),
                c("fault body not JSON", Case.json("POST", "/admin/faults", "rule=halt").as(OPS).answers(400, "malformed-request")),
                c("unknown admin path without login", Case.request("GET", "/admin/users").answers(401, "admin-login-required")),
                c("health with a wrong password", Case.request("GET", "/actuator/health").as("ops:wrong").answers(401, "admin-login-required")),
                c("unknown actuator endpoint", Case.request("GET", "/actuator/env").answers(404, "not-found")),
                // ---- sizes
                c("body over 16 KiB", Case.json("POST", "/api/transfers", "{\"memo\":\"" + "x".repeat(20_000) + "\"}").answers(413, "request-too-large")),
                c("chunked body over 16 KiB", Case.json("POST", "/api/orders", "{\"memo\":\"" + "x".repeat(40_000) + "\"}").inChunks()
                        .answers(413, "request-too-large")),
                c("admin body over 16 KiB", Case.json("POST", "/admin/faults", "{\"rule\":\"" + "x".repeat(20_000) + "\"}").as(OPS)
                        .answers(413, "request-too-large")),
                c("header over 16 KiB", Case.request("GET", "/api/accounts").header("X-Padding", "p".repeat(20_000)).answers(400, "bad-request")),
                c("URL over 10 KB", Case.request("GET", "/api/transfers/" + "t".repeat(10_000)).answers(400, "bad-request")));
    }

    private static org.junit.jupiter.params.provider.Arguments c(String name, Case request) {
        return org.junit.jupiter.params.provider.Arguments.of(name, request);
    }

    /**
     * A refused request starts nothing that could still be on its way, and each case compares every table
     * before and after: one check of every invariant after a case is enough, without the base's half second
     * of quiet (142 cases: over a minute of the build).
     */
    @Override
    @org.junit.jupiter.api.AfterEach
    protected void consistencyCheckerPassesAfterTheTest() {
        dev.twophase.demo.consistency.ConsistencyReport report = consistencyChecker.check();
        assertThat(report.consistent()).as("consistency after the case: %s", report).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("cases")
    void isRefusedWithATypedProblemThatTellsNothingAndChangesNothing(String name, Case request) throws Exception {
        Map<String, String> before = state();

        Raw answer = send(request);

        assertThat(answer.status()).as(name + " -> " + answer.body()).isEqualTo(request.status());
        assertThat(answer.header("content-type")).as(name).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("type").asText()).as(name + " -> " + answer.body()).isEqualTo(request.type());
        assertThat(problem.path("status").asInt()).isEqualTo(request.status());
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).as(name).isNotBlank();
        assertThat(answer.body()).as(name + ": no internals").doesNotContainPattern(INTERNALS);
        if (request.status() == 405 && !request.method().equals("TRACE") && !request.method().equals("BREW")) {
            assertThat(answer.header("allow")).as("405 says what is allowed").isNotBlank();
        }
        assertThat(state()).as(name + ": nothing changed").isEqualTo(before);
    }

    /** The snapshot must see a change, or the test above could not fail. */
    @Test
    void theSnapshotSeesAnAcceptedTransferLikeAndOrder() throws Exception {
        Map<String, String> before = state();
        Api api = new Api(port);
        assertThat(api.transfer("A", "A-0009", "B", "B-0009", 1, "bad-input-control").status()).isEqualTo(201);
        assertThat(api.post("/api/articles/art-3/likes", "{\"userId\":\"bad-input-control\"}").status()).isEqualTo(201);
        assertThat(api.post("/api/orders", String.format(ORDER, "\"SKU-STICKER\"", "1", "\"OPTIMISTIC\"")).status()).isEqualTo(201);
        awaitConsistent();
        Map<String, String> after = state();
        assertThat(after).isNotEqualTo(before);
        assertThat(after.get("api /api/accounts")).isNotEqualTo(before.get("api /api/accounts"));
        assertThat(after.get("api /api/articles")).isNotEqualTo(before.get("api /api/articles"));
        assertThat(after.get("api /api/products")).isNotEqualTo(before.get("api /api/products"));
        assertThat(after.get("bank-a inbox_event")).isNotEqualTo(before.get("bank-a inbox_event"));
    }

    @Test
    void healthShowsItsDetailsOnlyToALoggedInConsoleUser() throws Exception {
        Raw open = send(Case.request("GET", "/actuator/health"));
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body()).doesNotContain("components").doesNotContain("diskSpace").doesNotContain("path")
                .doesNotContain("target");
        Raw monitor = send(Case.request("GET", "/actuator/health").as(WATCH));
        assertThat(monitor.status()).isEqualTo(200);
        assertThat(JSON.readTree(monitor.body()).path("components").has("participants")).isTrue();
    }

    /**
     * Everything a refused request could have changed: per bank the rows of every table and the
     * sum of balances, what the API shows (balances, like counts, stock), and the fault injector.
     */
    private Map<String, String> state() throws Exception {
        Map<String, String> state = new TreeMap<>();
        for (String table : new String[] { "account", "ledger_entry", "transfer", "user_like", "like_action",
                "purchase_order", "inbox_event", "pattern_tx", "outbox_event", "branch_barrier", "product" }) {
            state.put("bank-a " + table, String.valueOf(rows(bankA, table)));
            state.put("bank-b " + table, String.valueOf(rows(bankB, table)));
        }
        // A like opens the user's row for the day (used = 0) in its own transaction before it looks
        // at the article (LikeService, DailyQuota.open): a refused like may leave that empty row.
        // What counts is that no quota was used.
        state.put("bank-b like_quota used", String.valueOf(bankB.queryLong("SELECT COALESCE(SUM(used), 0) FROM like_quota")));
        state.put("bank-b like_quota rows in use", String.valueOf(bankB.queryLong("SELECT COUNT(*) FROM like_quota WHERE used > 0")));
        state.put("bank-a total", String.valueOf(total(bankA)));
        state.put("bank-b total", String.valueOf(total(bankB)));
        for (String path : new String[] { "/api/accounts", "/api/articles", "/api/products" }) {
            state.put("api " + path, new Api(port).get(path).raw().body());
        }
        state.put("faults armed", injector.armed().toString());
        state.put("faults fired", String.valueOf(injector.fired().size()));
        state.put("transfers queue", String.valueOf(queued()));
        return state;
    }

    /** Status, lower-cased headers and body of one answer. */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    /** Sends the request as written, byte for byte, over HTTP/1.1 with Connection: close. */
    private Raw send(Case request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.path()).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            request.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            byte[] body = request.body();
            if (body != null) {
                head.append(request.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                // ISO-8859-1: a header value such as "clé" goes out as the single bytes a careless client sends.
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (body != null && request.chunked()) {
                    for (int at = 0; at < body.length; at += 4096) {
                        int n = Math.min(4096, body.length - at);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, at, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException refusedEarly) {
                // The server may answer (413) and close before reading the whole body: read its answer.
            }
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    private static Raw parse(byte[] response) throws IOException {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            throw new IOException("no complete HTTP answer: " + text);
        }
        String[] lines = text.substring(0, split).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] body = java.util.Arrays.copyOfRange(response, split + 4, response.length);
        if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
            body = dechunk(body);
        }
        return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        InputStream in = new java.io.ByteArrayInputStream(chunked);
        while (true) {
            StringBuilder size = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return body.toByteArray();
                }
                if (b != '\r') {
                    size.append((char) b);
                }
            }
            int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (n == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            in.skipNBytes(2);
        }
    }
}
