package dev.twophase.faults;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.twophase.testing.DatabaseProbe;

/**
 * The three business flows as the suite drives them: one request each, and how to tell from the
 * participants' own state whether one transaction committed. A transaction is found by the event
 * it published (the application logs {@code Event <id> <type> <key> published in transaction <gtrid>}
 * before it commits), because every flow stores that event id, or the business key, in its rows.
 */
enum Flow {

    TRANSFER {
        @Override
        Request next(String runId, long n) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            boolean aToB = r.nextBoolean();
            String from = (aToB ? "A-" : "B-") + String.format("%04d", 1 + r.nextInt(10));
            String to = (aToB ? "B-" : "A-") + String.format("%04d", 1 + r.nextInt(10));
            String body = "{\"from\":{\"bank\":\"" + from.charAt(0) + "\",\"account\":\"" + from + "\"},\"to\":{\"bank\":\""
                    + to.charAt(0) + "\",\"account\":\"" + to + "\"},\"amountCents\":" + (1 + r.nextInt(500))
                    + ",\"idempotencyKey\":\"" + runId + "-" + n + "\"}";
            return new Request("POST", "/api/transfers", body);
        }

        @Override
        Presence presence(String eventId, String businessKey, DatabaseProbe bankA, DatabaseProbe bankB) {
            return new Presence(
                    bankA.queryLong("SELECT COUNT(*) FROM transfer WHERE event_id = ?", eventId)
                            + bankA.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ?", businessKey),
                    bankB.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ?", businessKey),
                    inbox(bankA, eventId));
        }
    },

    LIKE {
        private final AtomicLong users = new AtomicLong();

        @Override
        Request next(String runId, long n) {
            // A new user for every like: never a duplicate, never an exhausted quota.
            String user = "fi-" + Math.abs(runId.hashCode() % 100000) + "-" + users.incrementAndGet();
            String article = "art-" + (1 + ThreadLocalRandom.current().nextInt(5));
            return new Request("POST", "/api/articles/" + article + "/likes", "{\"userId\":\"" + user + "\"}");
        }

        @Override
        Presence presence(String eventId, String businessKey, DatabaseProbe bankA, DatabaseProbe bankB) {
            // Bank A's side of a like is the article's count: the consistency checker matches it to the rows.
            return new Presence(-1, bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE event_id = ?", eventId),
                    inbox(bankA, eventId));
        }
    },

    ORDER {
        @Override
        Request next(String runId, long n) {
            String strategy = n % 2 == 0 ? "PESSIMISTIC" : "OPTIMISTIC";
            return new Request("POST", "/api/orders",
                    "{\"sku\":\"SKU-STICKER\",\"quantity\":1,\"userId\":\"fi-buyer-" + (n % 7) + "\",\"strategy\":\"" + strategy + "\"}");
        }

        @Override
        Presence presence(String eventId, String businessKey, DatabaseProbe bankA, DatabaseProbe bankB) {
            // Bank A's side of an order is the stock: the consistency checker matches it to the orders.
            return new Presence(-1, bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE event_id = ?", eventId),
                    inbox(bankA, eventId));
        }
    },

    /** The transfer as a Saga, between existing accounts. */
    SAGA_TRANSFER("saga", false),
    /** Saga transfers to an account that does not exist: each one's credit is refused and its debit compensated. */
    SAGA_TRANSFER_REFUSED("saga", true),
    /** The transfer as a TCC, between existing accounts. */
    TCC_TRANSFER("tcc", false),
    /** TCC transfers to an account that does not exist: each one's second try is refused and its first one cancelled. */
    TCC_TRANSFER_REFUSED("tcc", true),
    /** The transfer through the outbox. */
    OUTBOX_TRANSFER("outbox", false),
    /** The order as a Saga. */
    SAGA_ORDER("saga", false, "order"),
    /** Saga orders of a product that does not exist: each one's take is refused and fenced by a null compensation. */
    SAGA_ORDER_REFUSED("saga", true, "order"),
    /** The order as a TCC. */
    TCC_ORDER("tcc", false, "order"),
    /** TCC orders of a product that does not exist: each one's try is refused and cancelled. */
    TCC_ORDER_REFUSED("tcc", true, "order"),
    /** The order through the outbox. */
    OUTBOX_ORDER("outbox", false, "order"),
    /** The like as a Saga. */
    SAGA_LIKE("saga", false, "like"),
    /** Saga likes of one user of one article: all but the first are refused at their record and compensate their count. */
    SAGA_LIKE_REFUSED("saga", true, "like"),
    /** The like as a TCC. */
    TCC_LIKE("tcc", false, "like"),
    /** TCC likes of one user of one article: all but the first have their record try refused and cancel. */
    TCC_LIKE_REFUSED("tcc", true, "like"),
    /** The like through the outbox. */
    OUTBOX_LIKE("outbox", false, "like");

    /** The pattern flows' {@code mode}, or {@code null} for the XA flows, which override {@link #next}. */
    private final String mode;
    /** Pattern flows: a request that a step refuses (an unknown account or product). */
    private final boolean unknownTarget;
    /** Pattern flows: {@code transfer}, {@code order} or {@code like}. */
    private final String business;

    Flow() {
        this(null, false);
    }

    Flow(String mode, boolean unknownTarget) {
        this(mode, unknownTarget, "transfer");
    }

    Flow(String mode, boolean unknownTarget, String business) {
        this.mode = mode;
        this.unknownTarget = unknownTarget;
        this.business = business;
    }

    /** The three flows under XA, as the crash matrix runs them. */
    static final java.util.List<Flow> XA_FLOWS = java.util.List.of(TRANSFER, LIKE, ORDER);

    /** One HTTP request of the flow. */
    record Request(String method, String path, String body) {
    }

    /**
     * Rows of one transaction on each participant: bank A (-1 when the flow writes no row of its own
     * there), bank B, and the consumed event in the inbox (the broker's part).
     */
    record Presence(long bankA, long bankB, long inbox) {

        /** All present: committed; none: rolled back; anything else: a transaction that is not atomic. */
        Outcome outcome() {
            boolean all = bankA != 0 && bankB > 0 && inbox > 0; // bankA -1 (no row of its own) counts as present
            boolean none = bankA <= 0 && bankB == 0 && inbox == 0; // ... and as absent
            return all ? Outcome.COMMITTED : none ? Outcome.ROLLED_BACK : Outcome.MIXED;
        }

        @Override
        public String toString() {
            return "bankA=" + (bankA < 0 ? "n/a" : bankA) + " bankB=" + bankB + " inbox=" + inbox;
        }
    }

    /** The next request of this flow; the XA flows override it, the pattern flows send a transfer or an order in their mode. */
    Request next(String runId, long n) {
        if (business.equals("like")) {
            // Refused: one user likes one article again and again. Otherwise a new user each time, on any article.
            String user = unknownTarget ? "fi-" + runId : "fi-" + runId + "-" + n;
            String article = unknownTarget ? "art-1" : "art-" + (1 + n % 5);
            return new Request("POST", "/api/articles/" + article + "/likes", "{\"userId\":\"" + user + "\",\"mode\":\"" + mode + "\"}");
        }
        if (business.equals("order")) {
            return new Request("POST", "/api/orders", "{\"sku\":\"" + (unknownTarget ? "SKU-NOPE" : "SKU-STICKER")
                    + "\",\"quantity\":1,\"userId\":\"fi-" + runId + "\",\"strategy\":\"PESSIMISTIC\",\"mode\":\"" + mode + "\"}");
        }
        return patternTransfer(mode, runId, n, unknownTarget);
    }

    /** The XA flows' rows of one transaction; the pattern flows are settled from their log instead ({@link PatternCrash}). */
    Presence presence(String eventId, String businessKey, DatabaseProbe bankA, DatabaseProbe bankB) {
        throw new UnsupportedOperationException(this + " is settled from its transfer log, not by its event");
    }

    private static Request patternTransfer(String mode, String runId, long n, boolean unknownTarget) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        boolean aToB = r.nextBoolean();
        String from = (aToB ? "A-" : "B-") + String.format("%04d", 1 + r.nextInt(10));
        String to = (aToB ? "B-" : "A-") + (unknownTarget ? "9999" : String.format("%04d", 1 + r.nextInt(10)));
        String body = "{\"from\":{\"bank\":\"" + from.charAt(0) + "\",\"account\":\"" + from + "\"},\"to\":{\"bank\":\""
                + to.charAt(0) + "\",\"account\":\"" + to + "\"},\"amountCents\":" + (1 + r.nextInt(500))
                + ",\"idempotencyKey\":\"" + runId + "-" + n + "\",\"mode\":\"" + mode + "\"}";
        return new Request("POST", "/api/transfers", body);
    }

    String eventType() {
        return switch (this) {
            case LIKE -> "like";
            case ORDER -> "order";
            default -> "transfer";
        };
    }

    private static long inbox(DatabaseProbe bankA, String eventId) {
        return bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE event_id = ?", eventId);
    }
}
