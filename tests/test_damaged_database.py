"""A database file with a damaged page (bytes overwritten in the middle of the file):
every main command says so in one line, exits 1 and writes nothing into it; the check
that finds it runs again only when the file changed outside tpmdrill (tpmdrill.store.integrity)."""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tpmdrill.errors import DatabaseProblem
from tpmdrill.store import Store
from tpmdrill.store.integrity import Seal, stamp_of

NOW = {"TPMDRILL_NOW": "2026-03-01T09:00:00+00:00"}
CARD = "api-design/idempotency-keys"


def page_geometry(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return conn.execute("PRAGMA page_size").fetchone()[0], conn.execute("PRAGMA page_count").fetchone()[0]
    finally:
        conn.close()


def random_page(db: Path) -> None:
    """One page in the middle of the file overwritten with random bytes."""
    size, pages = page_geometry(db)
    with db.open("r+b") as file:
        file.seek((pages // 2) * size)
        file.write(random.Random(17).randbytes(size))


def zeroed_run(db: Path) -> None:
    """A few hundred bytes zeroed inside a page, as a torn write leaves them."""
    size, pages = page_geometry(db)
    with db.open("r+b") as file:
        file.seek((pages // 2 + 1) * size + 100)
        file.write(b"\x00" * 300)


def second_half(db: Path) -> None:
    """Every page from the middle on overwritten with a plausible page header pattern."""
    size, pages = page_geometry(db)
    with db.open("r+b") as file:
        for page in range(pages // 2, pages):
            file.seek(page * size)
            file.write(b"\x0d\x00\x00\x00\x09" * (size // 5))


DAMAGE: dict[str, Callable[[Path], None]] = {"random page": random_page, "zeroed run": zeroed_run,
                                             "second half": second_half}
COMMANDS = {
    "due": ["due"],
    "card": ["card", CARD],
    "review": ["review", CARD, "--rating", "good"],
    "report": ["report", "-o", "REPORT"],
    "drill start": ["drill", "--minutes", "5"],
    "cards": ["cards"],
    "weak": ["weak"],
    "mock": ["mock", "--format", "json"],
    "export": ["export", "-o", "EXPORT"],
}


@pytest.fixture
def damaged_db(run: Invoke, db_path: Path, request: pytest.FixtureRequest) -> Path:
    """A real database (bundled decks, a few reviews, an assessment) closed by tpmdrill,
    then damaged from outside."""
    for card, rating in ((CARD, "good"), ("data/sql-orders-per-month", "hard"), (CARD, "easy")):
        assert run("review", card, "--rating", rating, env=NOW).exit_code == 0
    assert run("due", env=NOW).exit_code == 0
    DAMAGE[request.param](db_path)
    return db_path


@pytest.mark.parametrize("damaged_db", list(DAMAGE), indirect=True)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_main_command_is_one_line_exit_1_and_writes_nothing(
    run: Invoke, damaged_db: Path, tmp_path: Path, command: str
) -> None:
    before = damaged_db.read_bytes()
    args = [str(tmp_path / "r.html") if a == "REPORT" else str(tmp_path / "x.json") if a == "EXPORT" else a
            for a in COMMANDS[command]]
    result = run(*args, input="q\n", env=NOW)
    assert result.exit_code == 1, result.output
    assert result.stderr == (f"Error: {damaged_db} is damaged ({_detail(result.stderr)}); it was left as it is. "
                             "'tpmdrill restore FILE' brings back a backup\n")
    assert result.stderr.count("\n") == 1 and result.stderr[:-1].isprintable()  # one line, no raw bytes
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert damaged_db.read_bytes() == before
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "x.json").exists()


def _detail(stderr: str) -> str:
    return stderr.split(" is damaged (", 1)[1].rsplit("); it was left as it is.", 1)[0]


def test_the_detail_is_sqlites_finding_and_stays_short(run: Invoke, db_path: Path) -> None:
    """Which finding SQLite reports depends on the page hit (a page number from
    quick_check, or "malformed" when reading the schema already fails), and the page
    in the middle of the file moves whenever a migration adds an index: either is fine,
    as long as it is one short line of plain text."""
    assert run("due", env=NOW).exit_code == 0
    random_page(db_path)
    detail = _detail(run("due", env=NOW).stderr)
    assert 0 < len(detail) <= 120 and detail.isprintable()
    assert "page" in detail.lower() or "malformed" in detail.lower()


def test_a_damaged_database_opened_by_the_store_is_refused(db_path: Path, run: Invoke) -> None:
    assert run("due", env=NOW).exit_code == 0
    second_half(db_path)
    with pytest.raises(DatabaseProblem) as raised:
        Store.open(db_path)
    assert str(raised.value).startswith(f"{db_path} is damaged (")


def test_the_seal_holds_across_tpmdrill_writes_and_breaks_on_outside_ones(run: Invoke, db_path: Path) -> None:
    assert not Seal(db_path).matches(stamp_of(db_path))  # no database yet
    assert run("review", CARD, "--rating", "good", env=NOW).exit_code == 0
    assert Seal(db_path).matches(stamp_of(db_path))  # found intact, written, closed: sealed as it is now
    assert run("review", CARD, "--rating", "easy", env={"TPMDRILL_NOW": "2026-03-05T09:00:00+00:00"}).exit_code == 0
    assert Seal(db_path).matches(stamp_of(db_path))
    conn = sqlite3.connect(db_path)  # another program writes: the next open checks again
    conn.execute("UPDATE settings SET value = value")
    conn.execute("INSERT INTO settings (key, value) VALUES ('note', '1')")
    conn.commit()
    conn.close()
    assert not Seal(db_path).matches(stamp_of(db_path))
    assert run("due", env=NOW).exit_code == 0  # intact: checked, then sealed again
    assert Seal(db_path).matches(stamp_of(db_path))


def test_a_file_damaged_after_it_was_sealed_is_still_caught(run: Invoke, db_path: Path) -> None:
    assert run("due", env=NOW).exit_code == 0
    assert Seal(db_path).matches(stamp_of(db_path))
    stat = db_path.stat()
    random_page(db_path)
    os.utime(db_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with its old mtime put back
    assert run("card", CARD, env=NOW).exit_code == 1


def test_a_seal_that_cannot_be_written_only_costs_a_check(
    run: Invoke, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    for _ in range(2):
        result = run("due", env=NOW)
        assert result.exit_code == 0 and result.stderr == ""
    assert not Seal(db_path).matches(stamp_of(db_path))
