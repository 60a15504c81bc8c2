"""Several processes share one database; none loses a review, a killed one corrupts nothing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from tpmdrill.decks import load_deck
from tpmdrill.store import Store

WORKER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from pathlib import Path
    from tpmdrill.scheduler import record_review
    from tpmdrill.store import Store

    db, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = Store.open(Path(db))
    card = f"load/card-{worker}"  # one card per worker, so each card's review times only grow
    for n in range(count):
        at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n)
        review, _ = record_review(store, card, 1 + n % 4, at, mode="review", answer=f"w{worker} n{n}")
        print(review.id, flush=True)  # printed only after the commit: an acknowledgement
    """
)


def prepare(tmp_path: Path) -> Path:
    deck = tmp_path / "load.toml"
    deck.write_text('[deck]\nid = "load"\ntitle = "Load"\ncategory = "data"\n' + "".join(
        f'[[card]]\nid = "card-{n}"\nkind = "concept"\nprompt = "Q{n}"\nanswer = "A{n}"\n' for n in range(4)
    ))
    db = tmp_path / "shared.db"
    store = Store.open(db)
    store.sync_deck(load_deck(deck), datetime(2024, 1, 1, tzinfo=UTC))
    store.close()
    return db


def start(db: Path, worker: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db), str(worker), str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_four_processes_lose_no_review(tmp_path: Path) -> None:
    db = prepare(tmp_path)
    workers = [start(db, w, 25) for w in range(4)]
    acknowledged = set()
    for proc in workers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        acknowledged |= set(out.split())
    assert len(acknowledged) == 100
    conn = sqlite3.connect(db)
    stored = {row[0] for row in conn.execute("SELECT id FROM reviews")}
    reps = conn.execute("SELECT sum(reps) FROM memory").fetchone()[0]
    conn.close()
    assert stored == acknowledged
    assert reps == 100, "every review moved its card's memory state exactly once"
    assert integrity(db) == "ok"


def test_sigkill_mid_stream_keeps_every_acknowledged_review(tmp_path: Path) -> None:
    db = prepare(tmp_path)
    proc = start(db, 0, 100_000)
    assert proc.stdout is not None
    acknowledged = [proc.stdout.readline().strip() for _ in range(40)]
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    stored = {row[0] for row in conn.execute("SELECT id FROM reviews")}
    orphans = conn.execute(
        "SELECT count(*) FROM verdicts v LEFT JOIN reviews r ON r.id = v.review WHERE r.id IS NULL"
    ).fetchone()[0]
    conn.close()
    assert set(acknowledged) <= stored
    assert orphans == 0
    store = Store.open(db)
    assert store.review_count() == len(stored)
    store.close()
