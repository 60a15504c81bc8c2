"""Time hostile queries in `tpmdrill sql`'s session, in-process.

Run: python benchmarks/bench_sql_repl.py
For each hostile query (ATTACH, PRAGMA writes, recursive bombs, huge output, padding
and blob bombs) it prints the median seconds of five runs until the session's one-line
reply, and that reply. The issue's target: every one ends in under 3 s (the sandbox's
limit is 2 s). Also the time to describe a fixture's tables (schema and sample rows)
uncached, which every sql card pays once per process.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tpmdrill.decks import load_deck
from tpmdrill.sqlrepl import SqlSession
from tpmdrill.sqlschema import fixture_schema

DECK = Path(__file__).resolve().parent.parent / "decks" / "data.toml"
HOSTILE = {
    "attach": "ATTACH DATABASE '/tmp/tpmdrill-bench.db' AS x;",
    "pragma-write": "PRAGMA query_only = OFF;",
    "recursive-rows": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;",
    "recursive-cpu": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c;",
    "cross-join-cpu": "SELECT count(*) FROM orders a, orders b, orders c, orders d, orders e, orders f, orders g;",
    "huge-output": ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 9999) "
                    "SELECT x, printf('%.5000c', 'w') FROM c;"),
    "padding-bomb": "SELECT printf('%.2000000000c', 'x');",
    "blob-bomb": "SELECT zeroblob(2000000000);",
    "sort-bomb": ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) "
                  "SELECT randomblob(90000) FROM c ORDER BY 1 LIMIT 1;"),
}


def main() -> None:
    card = next(c for c in load_deck(DECK).cards if c.id == "sql-orders-per-month")
    session = SqlSession.start(card)
    for name, query in HOSTILE.items():
        times, reply = [], None
        for _ in range(5):
            started = time.perf_counter()
            reply = session.feed(query)
            times.append(time.perf_counter() - started)
        lines = reply.lines if reply else ()
        print(f"{name:16} median {statistics.median(times):6.3f} s  max {max(times):6.3f} s  "
              f"{len(lines)} line(s): {lines[-1][:70] if lines else ''}")
    assert card.fixture is not None
    times = []
    for _ in range(5):
        fixture_schema.cache_clear()
        started = time.perf_counter()
        fixture_schema(card.fixture)
        times.append(time.perf_counter() - started)
    print(f"{'describe fixture':16} median {statistics.median(times) * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
