"""Hostile input, data-driven: every malformed shape issue 17 lists and more of the
same kinds. Each is refused with one line on stderr, the right exit code, no
traceback, and the database exactly as it was (its logical content hashed)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI_DECKS, Invoke

HEADER = '[deck]\nid = "h"\ntitle = "H"\ncategory = "data"\n\n'
CARD = '[[card]]\nid = "c"\nkind = "concept"\nprompt = "P"\nanswer = "A"\n'
SQL_CARD = '[[card]]\nid = "q"\nkind = "sql"\nprompt = "P"\nanswer = "A"\nsolution = "SELECT 1"\nfixture = "{}"\n'
POINT = '  [[card.rubric]]\n  id = "p"\n  point = "P"\n  keywords = ["k"]\n  weight = {}\n'


def doc(**changes: Any) -> str:
    """A valid empty export document with `changes` applied."""
    base: dict[str, Any] = {"format": "tpmdrill-export", "version": 1, "decks": [], "cards": [], "memory": [],
                            "reviews": [], "settings": {}, "assessments": []}
    return json.dumps(base | changes)


REVIEW = {"id": "r1", "card": "mini/idempotency", "reviewed_at": "2026-01-01T00:00:00+00:00", "rating": 3,
          "mode": "review", "rescheduled": True, "verdicts": []}
MEMORY = {"card": "mini/idempotency", "state": 2, "step": None, "stability": 3.0, "difficulty": 5.0,
          "due": "2026-01-05T00:00:00+00:00", "last_review": "2026-01-01T00:00:00+00:00", "reps": 1, "lapses": 0}

# name: (arguments, files to create {name: text | bytes | "FIFO" | "->target"}, extra env, exit code)
Case = tuple[list[str], dict[str, Any], dict[str, str], int]
CASES: dict[str, Case] = {
    # -o naming the live database or its side files, directly or through a link
    "report -o db": (["report", "--format", "md", "-o", "{db}"], {}, {}, 1),
    "report -o db-wal": (["report", "-o", "{db}-wal"], {}, {}, 1),
    "report -o db-shm": (["report", "-o", "{db}-shm"], {}, {}, 1),
    "mock -o db": (["mock", "-o", "{db}"], {}, {}, 1),
    "export json -o db": (["export", "--format", "json", "-o", "{db}"], {}, {}, 1),
    "export apkg -o db": (["export", "--format", "apkg", "-o", "{db}"], {}, {}, 1),
    "export -o symlink to db": (["export", "--format", "json", "-o", "{tmp}/link"], {"link": "->{db}"}, {}, 1),
    "report -o symlink to db": (["report", "-o", "{tmp}/link"], {"link": "->{db}"}, {}, 1),
    "backup to db": (["backup", "{db}"], {}, {}, 1),
    "report -o folder": (["report", "-o", "{tmp}"], {}, {}, 2),
    "report -o missing folder": (["report", "-o", "{tmp}/no/such/r.html"], {}, {}, 1),
    "report -o NUL": (["report", "-o", "{tmp}/a\0b.html"], {}, {}, 2),
    # times
    "review --at far future": (["review", "mini/idempotency", "--rating", "good",
                                "--at", "2062-01-01T00:00:00+00:00"], {}, {}, 1),
    "review --at a future date": (["review", "mini/idempotency", "--rating", "good",
                                   "--at", "2062-01-01"], {}, {}, 1),  # a date alone is a local midnight
    "review --at year 1": (["review", "mini/idempotency", "--rating", "good",
                            "--at", "0001-01-01T00:00:00+01:00"], {}, {}, 1),
    "review --at garbage": (["review", "mini/idempotency", "--rating", "good", "--at", "soon"], {}, {}, 1),
    "TPMDRILL_NOW max": (["due"], {}, {"TPMDRILL_NOW": "9999-12-31T23:59:59+00:00"}, 1),
    "TPMDRILL_NOW min": (["due"], {}, {"TPMDRILL_NOW": "0001-01-01T00:00:00+00:00"}, 1),
    "TPMDRILL_NOW garbage": (["due"], {}, {"TPMDRILL_NOW": "yesterday"}, 1),
    "report --since 0001": (["report", "--since", "0001-01-01", "-o", "{tmp}/r.html"], {}, {}, 1),
    "report --since future": (["report", "--since", "2999-01-01", "-o", "{tmp}/r.html"], {}, {}, 1),
    # numbers and choices
    "due --limit huge": (["due", "--limit", "99999999999999999999"], {}, {}, 2),
    "due --limit negative": (["due", "--limit", "-1"], {}, {}, 2),
    "review rating 99": (["review", "mini/idempotency", "--rating", "99"], {}, {}, 2),
    "review rating abc": (["review", "mini/idempotency", "--rating", "abc"], {}, {}, 2),
    "review unknown card": (["review", "no/such", "--rating", "good"], {}, {}, 1),
    # hostile decks
    "deck nested TOML": (["decks", "add", "{tmp}/deep.toml"], {"deep.toml": "a = " + "[" * 5000 + "]" * 5000}, {}, 1),
    "deck weight inf": (["decks", "add", "{tmp}/d.toml"], {"d.toml": HEADER + CARD + POINT.format("inf")}, {}, 1),
    "deck weight 400 digits": (["decks", "add", "{tmp}/d.toml"],
                               {"d.toml": HEADER + CARD + POINT.format("9" * 400)}, {}, 1),
    "deck weight nan": (["decks", "add", "{tmp}/d.toml"], {"d.toml": HEADER + CARD + POINT.format("nan")}, {}, 1),
    "deck huge rubric": (["decks", "add", "{tmp}/d.toml"],
                         {"d.toml": HEADER + CARD + POINT.format(1).replace('"k"', '"' + "cache " * 5000 + '"')},
                         {}, 1),
    "fixture ../": (["decks", "add", "{tmp}/d/d.toml"],
                    {"d/d.toml": HEADER + SQL_CARD.format("../f.sql"), "f.sql": "CREATE TABLE t (x);"}, {}, 1),
    "fixture absolute": (["decks", "add", "{tmp}/d.toml"], {"d.toml": HEADER + SQL_CARD.format("/etc/passwd")}, {}, 1),
    "fixture symlink out": (["decks", "add", "{tmp}/d/d.toml"],
                            {"d/d.toml": HEADER + SQL_CARD.format("f.sql"), "d/f.sql": "->/etc/passwd"}, {}, 1),
    "fixture NUL": (["decks", "add", "{tmp}/d.toml"], {"d.toml": HEADER + SQL_CARD.format("a\\u0000b")}, {}, 1),
    "fixture /dev/zero": (["decks", "add", "{tmp}/d.toml"],
                          {"d.toml": HEADER + SQL_CARD.format("z"), "z": "->/dev/zero"}, {}, 1),
    "fixture FIFO": (["decks", "add", "{tmp}/d.toml"], {"d.toml": HEADER + SQL_CARD.format("p"), "p": "FIFO"}, {}, 1),
    "fixture folder": (["decks", "add", "{tmp}/d/d.toml"], {"d/d.toml": HEADER + SQL_CARD.format("."), }, {}, 1),
    "validate failing solution": (["decks", "validate", "{tmp}/d.toml"], {
        "d.toml": HEADER + SQL_CARD.format("f.sql").replace("SELECT 1", "SELECT nope FROM t"),
        "f.sql": "CREATE TABLE t (x);"}, {}, 1),
    "validate failing fixture": (["decks", "validate", "{tmp}/d.toml"],
                                 {"d.toml": HEADER + SQL_CARD.format("f.sql"), "f.sql": "CREATE TABLE"}, {}, 1),
    "deck FIFO in folder": (["decks", "add", "{tmp}/d"], {"d/x.toml": "FIFO"}, {}, 1),
    "deck /dev/zero": (["decks", "add", "{tmp}/z.toml"], {"z.toml": "->/dev/zero"}, {}, 1),
    "deck not UTF-8": (["decks", "add", "{tmp}/d.toml"], {"d.toml": b"\xff\xfe" + HEADER.encode()}, {}, 1),
    "deck NUL path": (["decks", "add", "{tmp}/a\0b.toml"], {}, {}, 2),
    # malformed imports (refused whole, naming the first bad row)
    "import nested JSON": (["import", "{tmp}/i.json"], {"i.json": "[" * 100000 + "]" * 100000}, {}, 1),
    "import not JSON": (["import", "{tmp}/i.json"], {"i.json": "{"}, {}, 1),
    "import not UTF-8": (["import", "{tmp}/i.json"], {"i.json": b"\xff\xff"}, {}, 1),
    "import a list": (["import", "{tmp}/i.json"], {"i.json": "[]"}, {}, 1),
    "import null": (["import", "{tmp}/i.json"], {"i.json": "null"}, {}, 1),
    "import a string": (["import", "{tmp}/i.json"], {"i.json": '"tpmdrill"'}, {}, 1),
    "import version 0": (["import", "{tmp}/i.json"], {"i.json": doc(version=0)}, {}, 1),
    "import version true": (["import", "{tmp}/i.json"], {"i.json": doc(version=True)}, {}, 1),
    "import version 99": (["import", "{tmp}/i.json"], {"i.json": doc(version=99)}, {}, 1),
    "import reviews not a list": (["import", "{tmp}/i.json"], {"i.json": doc(reviews={})}, {}, 1),
    "import settings a list": (["import", "{tmp}/i.json"], {"i.json": doc(settings=[])}, {}, 1),
    "import review not an object": (["import", "{tmp}/i.json"], {"i.json": doc(reviews=[3])}, {}, 1),
    "import rating 99": (["import", "{tmp}/i.json"], {"i.json": doc(reviews=[REVIEW | {"rating": 99}])}, {}, 1),
    "import rating abc": (["import", "{tmp}/i.json"], {"i.json": doc(reviews=[REVIEW | {"rating": "abc"}])}, {}, 1),
    "import rating true": (["import", "{tmp}/i.json"], {"i.json": doc(reviews=[REVIEW | {"rating": True}])}, {}, 1),
    "import time no offset": (["import", "{tmp}/i.json"],
                              {"i.json": doc(reviews=[REVIEW | {"reviewed_at": "2026-01-01T00:00:00"}])}, {}, 1),
    "import mode bogus": (["import", "{tmp}/i.json"], {"i.json": doc(reviews=[REVIEW | {"mode": "x"}])}, {}, 1),
    "import memory state 9": (["import", "{tmp}/i.json"], {"i.json": doc(memory=[MEMORY | {"state": 9}])}, {}, 1),
    "import memory stability text": (["import", "{tmp}/i.json"],
                                     {"i.json": doc(memory=[MEMORY | {"stability": "high"}])}, {}, 1),
    "import fsrs_parameters text": (["import", "{tmp}/i.json"],
                                    {"i.json": doc(settings={"fsrs_parameters": ["a", "b"]})}, {}, 1),
    "import fsrs_parameters a number": (["import", "{tmp}/i.json"],
                                        {"i.json": doc(settings={"fsrs_parameters": 3})}, {}, 1),
    "import deck null title": (["import", "{tmp}/i.json"],
                               {"i.json": doc(decks=[{"id": "x", "title": None, "category": "data"}])}, {}, 1),
    "import card rubric not a list": (["import", "{tmp}/i.json"], {"i.json": doc(cards=[{
        "id": "x/y", "deck": "x", "key": "y", "kind": "concept", "prompt": "P", "minutes": 3, "tags": [],
        "skills": [], "rubric": "all of it"}])}, {}, 1),
    "import card minutes many": (["import", "{tmp}/i.json"], {"i.json": doc(cards=[{
        "id": "x/y", "deck": "x", "key": "y", "kind": "concept", "prompt": "P", "minutes": "many", "tags": [],
        "skills": [], "rubric": []}])}, {}, 1),
    "import missing file": (["import", "{tmp}/none.json"], {}, {}, 2),
    # databases
    "restore not SQLite": (["restore", "{tmp}/b.db"], {"b.db": "not a database"}, {}, 1),
    "restore empty SQLite": (["restore", "{tmp}/b.db"], {"b.db": "SQLITE:"}, {}, 1),
    "merge not SQLite": (["merge", "{tmp}/b.db"], {"b.db": "not a database"}, {}, 1),
    "merge itself": (["merge", "{db}"], {}, {}, 1),
    "merge rating 99": (["merge", "{tmp}/o.db"], {"o.db": "POISON:UPDATE reviews SET rating = 99"}, {}, 1),
    "merge rating abc": (["merge", "{tmp}/o.db"], {"o.db": "POISON:UPDATE reviews SET rating = 'abc'"}, {}, 1),
    "merge time no offset": (["merge", "{tmp}/o.db"],
                             {"o.db": "POISON:UPDATE reviews SET reviewed_at = '2026-01-01T00:00:00'"}, {}, 1),
    "merge deck null title": (["merge", "{tmp}/o.db"], {"o.db": "POISON:UPDATE decks SET title = NULL"}, {}, 1),
    "merge minutes many": (["merge", "{tmp}/o.db"], {"o.db": "POISON:UPDATE cards SET minutes = 'many'"}, {}, 1),
    "merge rubric not JSON": (["merge", "{tmp}/o.db"], {"o.db": "POISON:UPDATE cards SET rubric = 'oops'"}, {}, 1),
    "merge memory state 9": (["merge", "{tmp}/o.db"], {"o.db": "POISON:INSERT INTO memory (card, state, due, reps,"
                             " lapses) VALUES ('mini/idempotency', 9, '2026-01-02T00:00:00+00:00', 1, 0)"}, {}, 1),
    "merge fsrs_parameters text": (["merge", "{tmp}/o.db"], {"o.db": "POISON:INSERT INTO settings (key, value)"
                                   " VALUES ('fsrs_parameters', '[\"a\"]')"}, {}, 1),
    "restore right table names only": (["restore", "{tmp}/b.db"], {"b.db": "TABLES:"}, {}, 1),
    "--db /dev/null": (["--db", "/dev/null", "due"], {}, {}, 1),
    "--db FIFO": (["--db", "{tmp}/p", "due"], {"p": "FIFO"}, {}, 1),
    "--db folder": (["--db", "{tmp}", "due"], {}, {}, 2),
}


def _make(tmp: Path, db: Path, files: dict[str, Any]) -> None:
    for name, content in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "FIFO":
            os.mkfifo(path)
        elif isinstance(content, str) and content.startswith("->"):
            path.symlink_to(content[2:].replace("{db}", str(db)))
        elif isinstance(content, str) and content.startswith("POISON:"):
            _poisoned_copy(db, path, content.removeprefix("POISON:"))
        elif content in ("SQLITE:", "TABLES:"):
            conn = sqlite3.connect(path)
            names = ["reviews"] if content == "SQLITE:" else ["_sqlite_migrations", "decks", "cards", "memory",
                                                                "reviews", "verdicts"]
            for table in names:
                conn.execute(f"CREATE TABLE {table} (x)")
            conn.commit()
            conn.close()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _poisoned_copy(db: Path, path: Path, sql: str) -> None:
    """A copy of the live database with one bad row, written past the row checks (as an
    older tpmdrill or another tool could have)."""
    source = sqlite3.connect(db)
    copy = sqlite3.connect(path)
    source.backup(copy)
    source.close()
    for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        copy.execute(f"DROP TRIGGER {name}")
    copy.execute("INSERT INTO reviews (id, card, reviewed_at, rating, mode, rescheduled) VALUES"
                 " ('good1', 'mini/idempotency', '2026-01-01T00:00:00.000000+00:00', 3, 'review', 1)")
    copy.execute(sql)
    copy.commit()
    copy.close()


def content_hash(db: Path) -> str:
    """The database's logical content (schema and rows, WAL included), hashed."""
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_one_line_and_changes_nothing(
    name: str, mini: Invoke, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, files, env, code = CASES[name]
    work = tmp_path / "work"
    work.mkdir()
    _make(work, db_path, files)
    before = content_hash(db_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    argv = [a.replace("{db}", str(db_path)).replace("{tmp}", str(work)) for a in args]
    result = mini(*argv)
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr + result.stdout
    assert len(lines) == 1 if code == 1 else lines, result.stderr
    assert lines[-1].startswith("Error:"), result.stderr
    assert "\x1b" not in result.stderr
    monkeypatch.delenv("TPMDRILL_NOW", raising=False)
    assert content_hash(db_path) == before


def test_a_byte_order_mark_is_accepted_in_a_deck_and_an_import(mini: Invoke, tmp_path: Path) -> None:
    deck = tmp_path / "bom.toml"
    deck.write_bytes(b"\xef\xbb\xbf" + (HEADER + CARD).encode())
    assert mini("decks", "validate", str(deck)).exit_code == 0
    exported = tmp_path / "e.json"
    assert mini("export", "--format", "json", "-o", str(exported)).exit_code == 0
    exported.write_bytes(b"\xef\xbb\xbf" + exported.read_bytes())
    result = mini("import", str(exported))
    assert result.exit_code == 0, result.stderr


def test_escape_sequences_in_deck_text_are_shown_not_sent(mini: Invoke, tmp_path: Path) -> None:
    deck = tmp_path / "esc.toml"
    deck.write_text(HEADER.replace('"H"', '"H\\u001b]0;pwned\\u0007"')
                    + CARD.replace('"P"', '"P \\u001b]52;c;Y2xpcA==\\u0007 \\u001b[2J"'), encoding="utf-8")
    assert mini("decks", "add", str(deck)).exit_code == 0
    for args in (["cards", "--deck", "h"], ["card", "h/c"], ["decks", "list"]):
        result = mini(*args)
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b]52;c;" in mini("card", "h/c").stdout


def test_a_database_from_a_newer_tpmdrill_is_refused_unchanged(mini: Invoke, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('tpmdrill', 'm999_x', '')")
    conn.commit()
    conn.close()
    before = content_hash(db_path)
    result = mini("due")
    assert result.exit_code == 1
    assert "newer tpmdrill" in result.stderr and "restore" not in result.stderr
    assert content_hash(db_path) == before


def test_the_store_refuses_invalid_rows_whoever_writes_them(mini: Invoke, db_path: Path) -> None:
    mini("review", "mini/idempotency", "--rating", "good")
    conn = sqlite3.connect(db_path)
    for sql in ("UPDATE reviews SET rating = 99", "UPDATE reviews SET reviewed_at = '2026-01-01T00:00:00'",
                "UPDATE memory SET state = 9", "UPDATE cards SET minutes = 'many'",
                "UPDATE decks SET title = NULL", "UPDATE cards SET rubric = '\"x\"'"):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql)
    conn.close()


def test_the_row_checks_migrate_the_first_release_database_keeping_every_row(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import FIXTURES
    from tpmdrill.store import Store

    copy = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "v1.db", copy)
    tables = ("decks", "cards", "memory", "reviews", "verdicts")
    conn = sqlite3.connect(copy)
    before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    conn.close()
    store = Store.open(copy)
    after = {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    assert {t: len(rows) for t, rows in after.items()} == {t: len(rows) for t, rows in before.items()}
    width = len(before["reviews"][0])  # later migrations add columns (attempts, memory_before) after these
    assert [row[:width] for row in after["reviews"]] == before["reviews"]
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE reviews SET rating = 0")
    store.close()


def test_the_mini_deck_still_loads(mini: Invoke) -> None:
    assert mini("decks", "validate", str(MINI_DECKS)).exit_code == 0


def test_an_empty_tpmdrill_db_means_the_default_location_on_a_fresh_install(
    run: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TPMDRILL_DB", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "fresh"))
    result = run("due")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "fresh" / "tpmdrill" / "tpmdrill.db").is_file()
