"""The commands scripts rely on: JSON shapes, exit codes, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tpmdrill.decks import CATEGORIES

from .conftest import MINI_DECKS, Invoke


def test_decks_list_json_shape(mini: Invoke) -> None:
    rows = json.loads(mini("decks", "list", "--json").stdout)
    assert {"id": "mini", "title": "Mini deck", "category": "api-design", "cards": 2} in rows
    assert all(set(row) == {"id", "title", "category", "cards"} for row in rows)


def test_bundled_decks_load_on_first_use(run: Invoke) -> None:
    rows = json.loads(run("decks", "list", "--json").stdout)
    categories = {row["category"] for row in rows}
    assert set(categories) == set(CATEGORIES)


def test_cards_json_shape_and_filters(mini: Invoke) -> None:
    rows = json.loads(mini("cards", "--deck", "mini", "--json").stdout)
    assert rows[0] == {
        "id": "mini/idempotency", "deck": "mini", "category": "api-design", "kind": "concept",
        "prompt": "Explain idempotency to an engineer.", "minutes": 3, "tags": ["reliability"],
        "skills": ["api-design"], "difficulty": 2,
    }
    kinds = {row["kind"] for row in json.loads(mini("cards", "--kind", "design", "--json").stdout)}
    assert kinds == {"design"}


def test_card_json_has_memory_and_history(mini: Invoke) -> None:
    new = json.loads(mini("card", "mini/idempotency", "--json").stdout)
    assert (new["state"], new["due"], new["reviews"]) == ("new", None, [])
    mini("review", "mini/idempotency", "--rating", "good", "--at", "2024-01-01T10:00:00+01:00")
    seen = json.loads(mini("card", "mini/idempotency", "--json").stdout)
    assert seen["state"] == "learning"
    assert seen["due"] == "2024-01-01T09:10:00+00:00"
    assert seen["stability"] > 0 and seen["difficulty"] > 0
    assert [r["rating"] for r in seen["reviews"]] == [3]


def test_due_lists_due_cards_and_coming_days(mini: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    mini("config", "set", "fuzz", "false")
    mini("review", "mini/ride-sharing", "--rating", "good", "--at", "2024-01-01T09:00:00+00:00")
    monkeypatch.setenv("TPMDRILL_NOW", "2024-01-01T12:00:00+00:00")
    body = json.loads(mini("due", "--json").stdout)
    assert body["total_due"] == 0
    assert sum(day["count"] for day in body["upcoming"]) == 1
    monkeypatch.setenv("TPMDRILL_NOW", "2024-02-01T12:00:00+00:00")
    body = json.loads(mini("due", "--json").stdout)
    assert [row["card"] for row in body["due"]] == ["mini/ride-sharing"]


def test_config_round_trip(run: Invoke) -> None:
    assert run("config", "set", "desired_retention", "0.85").stdout == "desired_retention = 0.85\n"
    assert run("config", "get", "desired_retention").stdout == "0.85\n"
    assert json.loads(run("config", "get", "--json").stdout)["fuzz"] is True


def test_db_option_before_or_after_the_command(run: Invoke, tmp_path: Path) -> None:
    for args in (["--db", str(tmp_path / "a.db"), "decks", "list"], ["decks", "list", "--db", str(tmp_path / "b.db")]):
        assert run(*args).exit_code == 0
    assert (tmp_path / "a.db").exists() and (tmp_path / "b.db").exists()


def test_version_and_module_entry_point() -> None:
    out = subprocess.run(["python", "-m", "tpmdrill", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("tpmdrill, version ")


# ---- bad input: one clear line, the right exit code, nothing changed ---------

def snapshot(db: Path) -> bytes:
    """The database content, checkpointed, to compare before and after."""
    import sqlite3

    if not db.exists():
        return b""
    conn = sqlite3.connect(db)
    dump = "\n".join(conn.iterdump()).encode()
    conn.close()
    return dump


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["card", "mini/nope"], 1, "Error: no card 'mini/nope'; 'tpmdrill cards' lists card ids (deck/card)\n"),
        (["review", "mini/nope", "--rating", "good"], 1,
         "Error: no card 'mini/nope'; 'tpmdrill cards' lists card ids (deck/card)\n"),
        (["review", "mini/idempotency", "--rating", "great"], 2, None),
        (["review", "mini/idempotency", "--rating", "good", "--at", "2024-01-01T25:00"], 1,
         "Error: --at '2024-01-01T25:00' is not a date or time; give one like 2026-12-06, 2026-12-06T09:30"
         " (your local time) or 2026-12-06T09:30+01:00\n"),
        (["review", "mini/idempotency", "--rating", "good", "--at", "yesterday"], 1,
         "Error: --at 'yesterday' is not a date or time; give one like 2026-12-06, 2026-12-06T09:30"
         " (your local time) or 2026-12-06T09:30+01:00\n"),
        (["config", "set", "desired_retention", "2"], 1,
         "Error: desired_retention: must be between 0.70 and 0.99\n"),
        (["config", "set", "colour", "blue"], 1,
         "Error: unknown setting 'colour'; settings: desired_retention, fuzz, new_per_day, interview_retention,"
         " daily_minutes\n"),
        (["cards", "--deck", "nope"], 1, "Error: no deck 'nope'; 'tpmdrill decks list' lists decks\n"),
        (["config", "set", "fsrs_parameters", "0.4 1.2"], 1,
         "Error: fsrs_parameters is set by 'tpmdrill optimize', not by 'tpmdrill config set'\n"),
        (["config", "set", "interview_date", "2030-01-01"], 1,
         "Error: interview_date is set by 'tpmdrill interview set', not by 'tpmdrill config set'\n"),
        (["config", "get", "colour"], 1,
         "Error: unknown setting 'colour'; settings: desired_retention, fuzz, new_per_day, interview_retention,"
         " daily_minutes\n"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    mini: Invoke, db_path: Path, args: list[str], code: int, stderr: str | None
) -> None:
    before = snapshot(db_path)
    result = mini(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    if stderr is not None:
        assert result.stderr == stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert snapshot(db_path) == before


def test_malformed_deck_is_reported_and_nothing_loaded(run: Invoke, tmp_path: Path, db_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text((MINI_DECKS / "mini.toml").read_text())
    bad = tmp_path / "bad.toml"
    bad.write_text('[deck]\nid = "x"\ntitle = ')
    run("decks", "list")
    before = snapshot(db_path)
    result = run("decks", "add", str(good), str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: malformed TOML")
    assert snapshot(db_path) == before
    validate = run("decks", "validate", str(bad))
    assert validate.exit_code == 1 and "malformed TOML" in validate.stderr
    assert run("decks", "validate", str(good)).stdout == f"{good}: ok, deck 'mini' with 2 cards\n"


def test_not_a_database(run: Invoke, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"definitely not sqlite " * 200)
    before = junk.read_bytes()
    result = run("--db", str(junk), "due")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {junk} is not a tpmdrill database (not a SQLite file, or damaged)\n"
    assert junk.read_bytes() == before


def test_missing_directory(run: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "t.db"
    result = run("--db", str(target), "due")
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot create database {target}: folder {target.parent} does not exist\n"
    assert not target.parent.exists()


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write to: a read-only tmpfs for root, chmod for anyone else."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_read_only_directory(run: Invoke, read_only_dir: Path) -> None:
    target = read_only_dir / "t.db"
    result = run("--db", str(target), "due")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot open database {target} for writing")
    assert result.stderr.count("\n") == 1
    assert not target.exists()


def test_review_with_an_answer_keeps_the_answer_and_automatic_verdicts(mini: Invoke, tmp_path: Path) -> None:
    answer = tmp_path / "a.md"
    answer.write_text("Clients send an idempotency key.", encoding="utf-8")
    result = mini("review", "mini/idempotency", "--rating", "hard", "--answer-file", str(answer))
    assert result.exit_code == 0, result.output
    [review] = json.loads(mini("card", "mini/idempotency", "--json").stdout)["reviews"]
    assert review["answer"] == "Clients send an idempotency key."
    assert (review["rating"], review["suggested"]) == (2, 2)
    assert review["points"] == [
        {"point": "definition", "auto_hit": False, "hit": False, "matched": []},
        {"point": "key", "auto_hit": True, "hit": True, "matched": ["idempotency key"]},
    ]


def test_a_user_deck_cannot_take_a_bundled_deck_id(run: Invoke, tmp_path: Path, db_path: Path) -> None:
    mine = tmp_path / "data.toml"
    mine.write_text((MINI_DECKS / "mini.toml").read_text().replace('id = "mini"', 'id = "data"', 1))
    run("decks", "list")
    before = snapshot(db_path)
    result = run("decks", "add", str(mine))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {mine}: key 'id': deck id 'data' belongs to a bundled deck; choose another id\n"
    assert snapshot(db_path) == before


def test_grading_a_card_without_rubric_is_a_clear_error(run: Invoke, tmp_path: Path) -> None:
    deck = tmp_path / "bare.toml"
    deck.write_text('[deck]\nid = "bare"\ntitle = "Bare"\ncategory = "data"\n'
                    '[[card]]\nid = "q"\nkind = "concept"\nprompt = "Why?"\nanswer = "Because."\n')
    assert run("decks", "add", str(deck)).exit_code == 0
    result = run("grade", "bare/q", "--answer-file", "-", input="Because.")
    assert result.exit_code == 1
    assert result.stderr == "Error: card 'bare/q' has no rubric to grade against; rate it yourself\n"


def test_damaged_database_pages_are_one_line_not_a_traceback(run: Invoke, db_path: Path) -> None:
    import sqlite3

    assert run("decks", "list").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size, pages = conn.execute("PRAGMA page_size").fetchone()[0], conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with db_path.open("r+b") as file:  # page 1 (the header and schema) stays intact
        for page in range(pages // 2, pages):
            file.seek(page * page_size)
            file.write(b"\x0d\x00\x00\x00\x09" * (page_size // 5))
    result = run("cards")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {db_path} is damaged (")
    assert result.stderr.endswith("); it was left as it is. 'tpmdrill restore FILE' brings back a backup\n")
    assert result.stderr.count("\n") == 1


def test_due_imports_none_of_the_heavy_libraries(run: Invoke, db_path: Path) -> None:
    """`due` runs many times a day: no FSRS, grading, rendering or sqlite-utils (which
    pulls in numpy) once the database exists and is migrated."""
    assert run("due").exit_code == 0
    script = (
        "import sys\n"
        "from tpmdrill.cli import cli\n"
        "try:\n"
        "    cli(['due'], prog_name='tpmdrill')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('fsrs', 'rapidfuzz', 'jinja2', 'rich', 'sqlite_utils', 'numpy', 'tokenizers', 'safetensors',\n"
        "         'wordllama', 'Stemmer', 'pint')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    out = subprocess.run(["python", "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "TPMDRILL_DB": str(db_path)})
    assert out.stderr == "[]\n"


def test_card_json_has_tables_for_sql_cards_and_null_for_others(run: Invoke) -> None:
    sql = json.loads(run("card", "data/sql-seven-day-retention", "--json").stdout)
    assert [t["name"] for t in sql["tables"]] == ["users", "activity"]
    users = sql["tables"][0]
    assert users["columns"] == [{"name": "user_id", "type": "INTEGER"}, {"name": "signup_date", "type": "TEXT"}]
    assert users["sample"][0] == [1, "2024-06-01"]
    assert 3 <= len(users["sample"]) <= 5
    assert sql["dialect"] == "SQLite; dates are TEXT 'YYYY-MM-DD' (no time of day)"
    other = json.loads(run("card", "data/p-value-explained", "--json").stdout)
    assert other["tables"] is None
    assert "dialect" not in other


def test_card_text_shows_the_tables_of_a_sql_card(run: Invoke) -> None:
    out = run("card", "data/sql-monthly-churn").stdout
    assert "Dialect: SQLite; dates are TEXT 'YYYY-MM-DD' (no time of day)" in out
    assert ("subscriptions(subscription_id INTEGER, customer_id INTEGER, plan TEXT, started_at TEXT, "
            "ended_at TEXT)") in out
    assert "  1                1            basic  2023-11-05  NULL" in out


SQL_DECK = '''
[deck]
id = "sql-checks"
title = "SQL checks"
category = "data"

[[card]]
id = "fine"
kind = "sql"
prompt = "Count t."
answer = "COUNT."
fixture = "{good}"
solution = "SELECT count(*) FROM t"

[[card]]
id = "bad-fixture"
kind = "sql"
prompt = "Count t."
answer = "COUNT."
fixture = "{bad}"
solution = "SELECT count(*) FROM t"

[[card]]
id = "bad-solution"
kind = "sql"
prompt = "Count t."
answer = "COUNT."
fixture = "{good}"
solution = "SELECT count(*) FROM nowhere"

[[card]]
id = "no-rows"
kind = "sql"
prompt = "Nothing."
answer = "Nothing."
fixture = "{good}"
solution = "SELECT x FROM t WHERE x > 99"
'''


def test_validate_runs_each_sql_cards_fixture_and_solution(run: Invoke, tmp_path: Path) -> None:
    (tmp_path / "good.sql").write_text("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
    (tmp_path / "bad.sql").write_text("CREATE TABLE t (x INTEGER); INSERT INTO u VALUES (1);")
    deck = tmp_path / "sql.toml"
    deck.write_text(SQL_DECK.format(good="good.sql", bad="bad.sql"))
    result = run("decks", "validate", str(deck))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {deck}: card 'bad-fixture': key 'fixture': the card's fixture does not load: no such table: u\n"
        f"{deck}: card 'bad-solution': key 'solution': the solution query fails: SQL error: no such table: nowhere\n"
        f"{deck}: card 'no-rows': key 'solution': the solution returns no rows, so any empty answer passes\n")
    bundled = run("decks", "validate", str(Path(__file__).resolve().parent.parent / "decks"))
    assert bundled.exit_code == 0, bundled.output


def test_card_recall_now_counts_the_hours_since_an_again(mini: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """FSRS schedules on whole days, so its retrievability is 1.0 for a day after any
    review; `card` shows recall on the exact elapsed time, never a 100% it is not."""
    for at in ("2026-11-24T08:00:00+00:00", "2026-11-24T08:05:00+00:00", "2026-11-24T08:20:00+00:00"):
        assert mini("review", "mini/idempotency", "--rating", "again", "--at", at).exit_code == 0
    monkeypatch.setenv("TPMDRILL_NOW", "2026-11-24T11:20:00+00:00")  # three hours after the last Again
    view = json.loads(mini("card", "mini/idempotency", "--json").stdout)
    decay = -0.1542  # FSRS-6 default w[20]
    factor = 0.9 ** (1 / decay) - 1
    expected = (1 + factor * 0.125 / view["stability"]) ** decay
    assert view["retrievability"] == pytest.approx(expected, abs=1e-4)
    assert view["retrievability"] < 0.995
    assert view["recall_now"] == f"{round(expected * 100)}%"
    assert (view["lapses"], view["learning_agains"]) == (0, 3)
    human = mini("card", "mini/idempotency").stdout
    assert f"recall now {round(expected * 100)}%" in human
    assert "0 lapses, 3 Agains while learning." in human


def test_honest_percent_never_rounds_up_to_certainty() -> None:
    from tpmdrill.scheduler import honest_percent

    shown = [honest_percent(v) for v in (1.0, 0.999, 0.994, 0.5, 0.003, 0.0)]
    assert shown == ["100%", "99%", "99%", "50%", "1%", "0%"]
