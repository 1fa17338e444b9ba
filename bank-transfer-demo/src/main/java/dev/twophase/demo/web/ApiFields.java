package dev.twophase.demo.web;

import java.util.Map;

/**
 * The API's own words for its fields and bodies: what each field allows with an example, and an
 * example body per endpoint. Every refusal of a field (bean validation, a wrong JSON type, an
 * unknown field) is written from this table, so that a client reads the same rule whichever check
 * caught the value, and never a library's text or a regular expression.
 */
public final class ApiFields {

    private static final Map<String, String> RULES = Map.ofEntries(
            Map.entry("from", "an account object, e.g. {\"bank\":\"A\",\"account\":\"A-0001\"}"),
            Map.entry("to", "an account object, e.g. {\"bank\":\"B\",\"account\":\"B-0001\"}"),
            Map.entry("bank", "the string \"A\" or \"B\""),
            Map.entry("account", "a string of 1 to 32 letters, digits or '-', e.g. \"A-0001\""),
            Map.entry("amountCents", "a whole number of cents from 1 to 1000000000000, e.g. 1250 (not 12.5 and not \"1250\")"),
            Map.entry("idempotencyKey", "a string of 1 to 100 printable ASCII characters without spaces, e.g. \"order-7f3a\""),
            Map.entry("userId", "a string of 1 to 64 letters, digits, '.', '_' or '-', e.g. \"u-1\""),
            Map.entry("sku", "a string of 1 to 32 characters naming a product, e.g. \"SKU-MUG\""),
            Map.entry("quantity", "a whole number from 1 to 1000, e.g. 2 (not 1.5 and not \"2\")"),
            Map.entry("strategy", "the string \"PESSIMISTIC\" or \"OPTIMISTIC\""),
            Map.entry("rule", "a string \"<participant>:<crash point>:<action>\", e.g. \"bank-a:BEFORE_COMMIT:HALT\""),
            Map.entry("xid", "a string with the branch's XID as the list shows it, e.g. \"demo-1.1:demo-1.1\""),
            Map.entry("force", "true or false"),
            Map.entry("reason", "a string saying why, e.g. \"checked with bank B\""),
            Map.entry("limit", "a whole number from 1 to 200, e.g. limit=20"));

    private ApiFields() {
    }

    /** What a field allows, with an example; for a field not in the table, a neutral phrase. */
    public static String rule(String path) {
        String leaf = path.substring(path.lastIndexOf('.') + 1);
        int bracket = leaf.indexOf('[');
        if (bracket >= 0) {
            leaf = leaf.substring(0, bracket);
        }
        return RULES.getOrDefault(leaf, "a value of the type and range docs/api.md gives for it");
    }

    /** "{@code path} must be <rule>." */
    public static String mustBe(String path) {
        return path + " must be " + rule(path) + ".";
    }

    /** "{@code path} is required: <rule>." */
    public static String required(String path) {
        return path + " is required: " + rule(path) + ".";
    }

    /** An example of a valid body for the endpoint at {@code requestPath}, or null when it takes none. */
    public static String exampleBody(String requestPath) {
        if (requestPath == null) {
            return null;
        }
        if (requestPath.startsWith("/api/transfers")) {
            return "{\"from\":{\"bank\":\"A\",\"account\":\"A-0001\"},\"to\":{\"bank\":\"B\",\"account\":\"B-0001\"},"
                    + "\"amountCents\":1250,\"idempotencyKey\":\"order-7f3a\"}";
        }
        if (requestPath.startsWith("/api/articles/")) {
            return "{\"userId\":\"u-1\"}";
        }
        if (requestPath.startsWith("/api/orders")) {
            return "{\"sku\":\"SKU-MUG\",\"quantity\":2,\"userId\":\"u-1\",\"strategy\":\"PESSIMISTIC\"}";
        }
        if (requestPath.startsWith("/admin/faults")) {
            return "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}";
        }
        if (requestPath.startsWith("/admin/branches/")) {
            return "{\"xid\":\"demo-1.1:demo-1.1\",\"force\":false,\"reason\":\"checked with bank B\"}";
        }
        return null;
    }

    /** " Send a JSON object, e.g. {...}." for the endpoint, or "" when there is no example. */
    static String sendExample(String requestPath) {
        String example = exampleBody(requestPath);
        return example == null ? "" : " Send a JSON object, e.g. " + example + ".";
    }
}
