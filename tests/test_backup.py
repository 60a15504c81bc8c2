"""`backup` is consistent while reviews are being written; `restore` checks before it replaces."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import Invoke

# Another process recording reviews as fast as it can, as a drill would, until killed.
WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from tpmdrill.scheduler import record_review
from tpmdrill.store import Store
store = Store.open(__import__("pathlib").Path(sys.argv[1]))
at = datetime(2025, 1, 1, tzinfo=UTC)
print("ready", flush=True)
while True:
    at += timedelta(minutes=1)
    record_review(store, "mini/idempotency", 3, at, mode="cram", reschedule=False, answer="x" * 2000)
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _review_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def test_backup_taken_while_another_process_records_reviews_is_intact(
    mini: Invoke, db_path: Path, tmp_path: Path
) -> None:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        time.sleep(0.3)
        copies = []
        for number in range(3):
            target = tmp_path / f"backup-{number}.db"
            result = mini("backup", str(target))
            assert result.exit_code == 0, result.output
            copies.append(_review_count(target))
    finally:
        writer.kill()
        writer.wait()
        if writer.stdout is not None:
            writer.stdout.close()
    assert copies[0] > 0
    assert copies == sorted(copies)
    assert _review_count(db_path) >= copies[-1]


def test_backup_refuses_to_overwrite_without_force_and_never_copies_onto_itself(
    mini: Invoke, db_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    target.write_text("old")
    result = mini("backup", str(target))
    assert (result.exit_code, result.stderr) == (1, f"Error: {target} exists; pass --force to replace it\n")
    assert mini("backup", str(target), "--force").exit_code == 0
    assert _review_count(target) == 0
    result = mini("backup", str(db_path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {db_path} is the live database; give a different file for the backup\n"


def test_restore_refuses_damaged_files_and_leaves_the_database_untouched(
    mini: Invoke, db_path: Path, tmp_path: Path
) -> None:
    mini("review", "mini/idempotency", "--rating", "good")
    good = tmp_path / "good.db"
    assert mini("backup", str(good)).exit_code == 0
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = tmp_path / "notes.db"
    text.write_text("not a database at all")
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    before = _digest(db_path)
    expected = {
        truncated: f"Error: {truncated} is damaged",
        text: f"Error: {text} is not a SQLite database",
        foreign: f"Error: {foreign} is not a tpmdrill database (no _sqlite_migrations, cards, decks, memory, "
                 "reviews table)",
    }
    for path, message in expected.items():
        result = mini("restore", str(path))
        assert result.exit_code == 1, path
        assert result.stderr.startswith(message), result.stderr
    assert _digest(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if "before-restore" in p.name or "restoring" in p.name) == []


def test_restore_puts_the_backup_in_place_and_keeps_the_previous_database(
    mini: Invoke, db_path: Path, tmp_path: Path
) -> None:
    mini("review", "mini/idempotency", "--rating", "good", "--at", "2025-01-01T09:00:00+00:00")
    saved = tmp_path / "saved.db"
    assert mini("backup", str(saved)).exit_code == 0
    mini("review", "mini/ride-sharing", "--rating", "easy", "--at", "2025-01-02T09:00:00+00:00")

    result = mini("restore", str(saved), env={"TPMDRILL_NOW": "2025-01-03T10:00:00+00:00"})
    assert result.exit_code == 0, result.output
    aside = Path(f"{db_path}.before-restore-20250103T100000Z")
    assert result.stderr == f"Restored {saved}; the previous database is at {aside}.\n"
    assert _review_count(db_path) == 1
    assert _review_count(aside) == 2
    assert json.loads(mini("card", "mini/idempotency", "--json").stdout)["state"] != "new"
    assert json.loads(mini("card", "mini/ride-sharing", "--json").stdout)["state"] == "new"
