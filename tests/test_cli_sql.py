"""`tpmdrill sql`: the sandboxed prompt over a sql card's fixture, driven by scripted input."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tpmdrill.store import Store

CARD = "data/sql-orders-per-month"
NOW = "2025-03-01T09:00:00+00:00"
SOLUTION = """SELECT strftime('%Y-%m', order_ts) AS month, COUNT(*), SUM(amount)
FROM orders WHERE status = 'completed'
GROUP BY 1;"""


@pytest.fixture
def loaded(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    assert run("due").exit_code == 0  # loads the bundled decks
    return run


def fingerprint(db: Path) -> dict[str, str]:
    """The bytes of the database file and any WAL beside it."""
    files = [db, db.with_name(db.name + "-wal")]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}


def reviews(db: Path) -> list[dict[str, object]]:
    store = Store.open(db)
    try:
        return store.history(CARD)
    finally:
        store.close()


def test_opens_with_the_prompt_tables_and_sample_rows(loaded: Invoke) -> None:
    result = loaded("sql", CARD, input=".quit\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{CARD}\nFrom orders(order_id, order_ts, amount, status)")
    assert "Dialect: SQLite; timestamps are TEXT 'YYYY-MM-DD HH:MM:SS' in UTC" in out
    assert "orders(order_id INTEGER, user_id INTEGER, order_ts TEXT, amount REAL, status TEXT) · 20 rows" in out
    assert "  1         1        2024-01-02 10:00:00  40.0    completed" in out
    assert "Type .help for the commands; end a query with ';'." in out


def test_runs_queries_over_several_lines_and_shows_aligned_rows(loaded: Invoke) -> None:
    result = loaded("sql", CARD, input="SELECT status, COUNT(*) AS n\nFROM orders\nGROUP BY status\nORDER BY n DESC;\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "   ...> " in out
    assert "status     n\n---------  --\ncompleted  16\ncancelled  2 \n" not in out  # no trailing blanks
    assert "status     n \n" not in out
    assert "status     n\n---------  --\ncompleted  16\n" in out
    assert "(3 rows)" in out


def test_helpers_list_tables_schema_samples_and_history(loaded: Invoke) -> None:
    script = ".tables\n.schema orders\n.sample users\n.schema nope\n.help\nSELECT 1;\n.history\n.frobnicate\n"
    out = loaded("sql", CARD, input=script).stdout
    assert "users  (11 rows)\nproducts  (9 rows)\norders  (20 rows)\norder_items  (27 rows)\n" in out
    assert "sql> orders(order_id INTEGER, user_id INTEGER, order_ts TEXT, amount REAL, status TEXT) · 20 rows\n" in out
    assert "users(user_id INTEGER, signup_date TEXT, country TEXT) · 11 rows\n  user_id  signup_date  country\n" in out
    assert "Error: no table 'nope'; the tables are users, products, orders, order_items" in out
    assert "  .schema [TABLE]    columns and declared types (all tables, or one)" in out
    assert "1: SELECT 1;" in out
    assert "Error: unknown command '.frobnicate'; .help lists the commands" in out


def test_large_results_are_capped_for_display(loaded: Invoke) -> None:
    query = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 5000) "
             "SELECT x, printf('%.300c', 'w') FROM n;\n")
    out = loaded("sql", CARD, input=query).stdout
    assert "(5000 rows; showing the first 30)" in out
    assert "\n30  " + "w" * 39 + "…\n" in out  # long values are cut for display
    assert "\n31  " not in out


def test_submit_grades_the_last_query_and_records_it_with_the_suggestion(loaded: Invoke, db_path: Path) -> None:
    result = loaded("sql", CARD, input="SELECT 1;\nsubmit\nn\n" + SOLUTION + "\nsubmit\n\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "✘ Incorrect: 1 row, not the expected result." in out
    assert "Not recorded; keep exploring, submit again, or .quit." in out
    # the model answer and solution show once, after the rating, never after a try not recorded
    assert out.count("Model answer") == 1 and out.index("Model answer") > out.rindex("Record it as a review?")
    assert "✔ Correct: the query returns the expected 2 rows." in out
    assert "suggested rating: easy" in out
    assert f"Recorded easy for {CARD} after 2 attempts; next review in " in out
    [review] = reviews(db_path)
    assert review["answer"] == SOLUTION
    assert (review["mode"], review["rating"], review["attempts"]) == ("review", 4, 2)
    assert review["suggested"] == 4
    assert review["seconds"] is not None


def test_submit_can_record_another_rating_or_nothing(loaded: Invoke, db_path: Path) -> None:
    hard = loaded("sql", CARD, input=SOLUTION + "\nsubmit\nwhat\n2\n")
    assert "Not a choice: 'what'" in hard.stdout
    assert [(r["rating"], r["attempts"]) for r in reviews(db_path)] == [(2, 1)]
    nothing = loaded("sql", CARD, input=SOLUTION + "\nsubmit\nn\n.quit\n")
    assert nothing.exit_code == 0
    assert len(reviews(db_path)) == 1


def test_submit_before_any_query(loaded: Invoke) -> None:
    out = loaded("sql", CARD, input="submit\n").stdout
    assert "Error: run a query first; submit grades the last query you ran" in out


HOSTILE = {
    "attach": ("ATTACH DATABASE '{db}' AS mine;", "Error: not allowed in an answer: ATTACH"),
    "attach-function": ("SELECT * FROM pragma_database_list;", "Error: not allowed in an answer: "),
    "pragma-write": ("PRAGMA query_only = OFF;", "Error: not allowed in an answer: PRAGMA"),
    "pragma-journal": ("PRAGMA journal_mode = DELETE;", "Error: not allowed in an answer: PRAGMA"),
    "write": ("DELETE FROM orders;", "Error: not allowed in an answer: DELETE"),
    "two-statements": ("SELECT 1; DROP TABLE orders;", "Error: only one statement is allowed"),
    "recursive-bomb": ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;",
                       "Error: more than 10,000 rows"),
    "cpu-bomb": ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c;",
                 "Error: the query ran longer than 2 s"),
    "huge-value": ("SELECT zeroblob(2000000000);", "Error: a string or blob in the query grew past 100,000 bytes"),
    "file-write": ("VACUUM INTO '{db}.copy';", "Error: not allowed in an answer: VACUUM"),
    "extension": ("SELECT load_extension('/tmp/evil');", "Error: not allowed in an answer: load_extension()"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_queries_give_one_line_and_leave_the_database_untouched(
    loaded: Invoke, db_path: Path, name: str
) -> None:
    query, expected = HOSTILE[name]  # expected: how the one line starts
    before = fingerprint(db_path)
    result = loaded("sql", CARD, input=query.format(db=db_path) + "\nSELECT 'still here';\n")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    after_prompt = result.stdout.split("Type .help for the commands; end a query with ';'.\n", 1)[1]
    replies = after_prompt.split("sql> ")[1:]
    assert replies[0].count("\n") == 1, replies[0]  # one line for the hostile query
    assert replies[0].startswith(expected), replies[0]
    assert "still here" in replies[1]  # the session goes on
    assert fingerprint(db_path) == before
    assert not Path(f"{db_path}.copy").exists()


def test_padding_bombs_return_null_at_once_instead_of_gigabytes(loaded: Invoke) -> None:
    out = loaded("sql", CARD, input="SELECT printf('%.2000000000c', 'x') AS padded;\n").stdout
    assert "padded\n------\nNULL\n(1 row)\n" in out


def test_an_unterminated_giant_query_is_dropped_with_one_line(loaded: Invoke) -> None:
    giant = "SELECT '" + "x" * 60_000 + "\n" + "y" * 60_000 + "\n"
    out = loaded("sql", CARD, input=giant + "';\nSELECT 2;\n").stdout
    assert "Error: the query is longer than 100,000 bytes" in out


def test_only_sql_cards_and_known_cards(loaded: Invoke) -> None:
    other = loaded("sql", "data/p-value-explained")
    assert other.exit_code == 1
    assert other.stderr == "Error: card 'data/p-value-explained' is a concept card; 'tpmdrill sql' opens sql cards\n"
    unknown = loaded("sql", "data/nope")
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: no card 'data/nope'; 'tpmdrill cards' lists card ids (deck/card)\n"


class CtrlCOnce(io.BytesIO):
    """Standard input that raises KeyboardInterrupt once when its text runs out, then ends."""

    interrupted = False

    def read1(self, size: int = -1) -> bytes:
        return self._or_interrupt(super().read1(size), size)

    def read(self, size: int | None = -1) -> bytes:
        return self._or_interrupt(super().read(size), size)

    def _or_interrupt(self, data: bytes, size: int | None) -> bytes:
        if not data and size != 0 and not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt
        return data


def test_ctrl_c_drops_a_half_typed_query_and_carries_on(loaded: Invoke, db_path: Path) -> None:
    result = loaded("sql", CARD, input=CtrlCOnce(b"SELECT status\nFROM orders\n"))
    assert result.exit_code == 0, result.output
    assert "Interrupted; nothing recorded. .quit or Ctrl-D leaves." in result.stdout
    assert "(3 rows)" not in result.stdout
    assert reviews(db_path) == []


def test_ctrl_c_during_a_query_or_the_rating_records_nothing(
    loaded: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tpmdrill.sqlrepl

    real = tpmdrill.sqlrepl.run_result
    calls: list[str] = []

    def interrupted_once(fixture: str, query: str | bytes) -> object:
        calls.append(str(query))
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(fixture, query)

    monkeypatch.setattr(tpmdrill.sqlrepl, "run_result", interrupted_once)
    result = loaded("sql", CARD, input=CtrlCOnce((SOLUTION + "\n" + SOLUTION + "\nsubmit\n").encode()))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Interrupted; nothing recorded.") == 2  # the query, then the rating
    assert "(2 rows)" in result.stdout
    assert reviews(db_path) == []
