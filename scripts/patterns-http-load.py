#!/usr/bin/env python3
"""Drives a running demo over HTTP with the transfer (or, with --flow order or like, the order or the like) in each mode
(xa, saga, tcc, outbox) at several client counts, in one run, and prints per cell: transactions/s, p50/p99 latency, the ratio to XA at
the same client count, and the time from the end of the load until GET /api/consistency passes
(events consumed, outbox credits applied, nothing unfinished). At the end it prints the checker's
intermediate-states figures: per mode, how many transfers let a reader see money debited and not
yet credited, and for how long.

    python3 scripts/patterns-http-load.py --url http://localhost:8080 --seconds 15 --clients 1,8,32

Use the real profile (PostgreSQL, MariaDB, Artemis) for figures worth quoting; the embedded default
works too. It moves small random amounts between the seeded accounts A-0001..A-0010, B-0001..B-0010.

--flow like likes a random seeded article as a new user per request (so no like is refused).
--flow order orders one item of a random seeded product (PESSIMISTIC) per request. The seeded stock
(1,160 items) runs out within seconds, so give the products stock first, keeping stock-conserved
true by raising the initial stock with it:

    psql -h 127.0.0.1 -U twophase twophase_a -c \
      "UPDATE product SET stock = stock + 1000000, initial_stock = initial_stock + 1000000"
"""
import argparse
import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid


SKUS = ["SKU-MUG", "SKU-SHIRT", "SKU-STICKER", "SKU-LIMITED"]


def post(url, path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def consistency(url):
    with urllib.request.urlopen(url + "/api/consistency", timeout=30) as r:
        return json.load(r)


def cell(url, flow, mode, clients, seconds):
    latencies, statuses = [], {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        rnd = random.Random()
        while time.monotonic() < stop_at:
            if flow == "like":
                path = "/api/articles/art-%d/likes" % rnd.randint(1, 5)
                body = {"userId": "load-" + str(uuid.uuid4())[:18]}
            elif flow == "order":
                path = "/api/orders"
                body = {"sku": rnd.choice(SKUS), "quantity": 1, "userId": "load-%d" % rnd.randint(1, 50), "strategy": "PESSIMISTIC"}
            else:
                path = "/api/transfers"
                a_to_b = rnd.random() < 0.5
                frm = ("A" if a_to_b else "B"), "%s-%04d" % ("A" if a_to_b else "B", rnd.randint(1, 10))
                to = ("B" if a_to_b else "A"), "%s-%04d" % ("B" if a_to_b else "A", rnd.randint(1, 10))
                body = {"from": {"bank": frm[0], "account": frm[1]}, "to": {"bank": to[0], "account": to[1]},
                        "amountCents": rnd.randint(1, 300), "idempotencyKey": "load-" + str(uuid.uuid4())}
            if mode != "xa":
                body["mode"] = mode
            t0 = time.monotonic()
            status = post(url, path, body)
            dt = time.monotonic() - t0
            with lock:
                latencies.append(dt)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    load_end = time.monotonic()
    while True:
        report = consistency(url)
        if report.get("consistent"):
            break
        if time.monotonic() - load_end > 120:
            raise SystemExit("not consistent 120 s after the %s load at %d clients: %s" % (mode, clients, json.dumps(report)[:2000]))
        time.sleep(0.1)
    to_consistency = time.monotonic() - load_end
    latencies.sort()
    ok = sum(n for s, n in statuses.items() if s in (200, 201, 202))
    return {"mode": mode, "clients": clients, "tps": ok / elapsed,
            "p50": 1000 * statistics.median(latencies), "p99": 1000 * latencies[max(0, int(0.99 * len(latencies)) - 1)],
            "consistent_after": to_consistency, "statuses": statuses}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://localhost:8080")
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--clients", default="1,8,32")
    p.add_argument("--modes", default="xa,saga,tcc,outbox")
    p.add_argument("--flow", default="transfer", choices=["transfer", "order", "like"])
    args = p.parse_args()
    rows = []
    for clients in [int(c) for c in args.clients.split(",")]:
        for mode in args.modes.split(","):
            rows.append(cell(args.url, args.flow, mode, clients, args.seconds))
            r = rows[-1]
            print("  %-7s %3d clients: %7.1f tx/s  p50 %6.1f ms  p99 %7.1f ms  consistent %.1f s after  %s"
                  % (r["mode"], clients, r["tps"], r["p50"], r["p99"], r["consistent_after"], r["statuses"]), flush=True)
    print("\n| mode | clients | tx/s | vs XA | p50 ms | p99 ms | consistent after (s) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        xa = next((x for x in rows if x["mode"] == "xa" and x["clients"] == r["clients"]), None)
        ratio = "%.2f" % (r["tps"] / xa["tps"]) if xa and xa["tps"] > 0 else "-"
        print("| %s | %d | %.1f | %s | %.1f | %.1f | %.1f |" % (r["mode"], r["clients"], r["tps"], ratio, r["p50"], r["p99"],
                                                            r["consistent_after"]))
    states = next(i for i in consistency(args.url)["invariants"] if i["name"] == "intermediate-states")
    print("\nintermediate states (whole run):", json.dumps(states["figures"]))


if __name__ == "__main__":
    main()
