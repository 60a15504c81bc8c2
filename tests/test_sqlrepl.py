"""The `tpmdrill sql` session without its terminal: lines in, replies out."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpmdrill.decks import Card
from tpmdrill.errors import BadValue
from tpmdrill.sqlrepl import RESULT_ROWS, SqlSession

FIXTURE = """
CREATE TABLE orders (order_id INTEGER PRIMARY KEY, status TEXT NOT NULL, amount REAL);
INSERT INTO orders VALUES (1, 'completed', 10.0), (2, 'refunded', 5.0), (3, 'completed', 7.5);
"""


def session() -> SqlSession:
    card = Card("d", "orders", "sql", "Sum completed orders.", 5, (), ("sql",), "Filter, then sum.", (),
                FIXTURE, "SELECT SUM(amount) FROM orders WHERE status = 'completed'", False)
    return SqlSession.start(card)


def test_a_query_runs_once_it_ends_with_a_semicolon() -> None:
    repl = session()
    assert repl.feed("SELECT status, COUNT(*) AS n") is None
    assert repl.continuing
    assert repl.feed("FROM orders GROUP BY status") is None
    reply = repl.feed("ORDER BY status;")
    assert reply is not None and not reply.error
    assert reply.lines == ("status     n", "---------  -", "completed  2", "refunded   1", "(2 rows)")
    assert not repl.continuing
    assert repl.history == ["SELECT status, COUNT(*) AS n\nFROM orders GROUP BY status\nORDER BY status;"]


def test_a_semicolon_inside_a_string_or_comment_does_not_end_the_query() -> None:
    repl = session()
    assert repl.feed("SELECT ';' AS s -- not the end;") is None
    reply = repl.feed(";")
    assert reply is not None and reply.lines[-1] == "(1 row)"


def test_submit_needs_a_query_and_counts_attempts() -> None:
    repl = session()
    first = repl.feed("submit")
    assert first is not None and first.error and not first.submit
    repl.feed("SELECT 1;")
    reply = repl.feed("SUBMIT;")
    assert reply is not None and reply.submit
    assert (repl.submits, repl.last_query) == (1, "SELECT 1;")


def test_quit_words_and_dot_commands() -> None:
    repl = session()
    for word in ("quit", ".quit", ".exit", "exit;"):
        reply = repl.feed(word)
        assert reply is not None and reply.quit, word
    tables = repl.feed(".tables")
    assert tables is not None and tables.lines == ("orders  (3 rows)",)
    schema = repl.feed(".schema ORDERS")
    assert schema is not None and schema.lines == ("orders(order_id INTEGER, status TEXT, amount REAL) · 3 rows",)


def test_results_are_capped_for_display() -> None:
    reply = session().feed("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 100) SELECT x FROM n;")
    assert reply is not None
    assert len(reply.lines) == 2 + RESULT_ROWS + 1
    assert reply.lines[-1] == f"(100 rows; showing the first {RESULT_ROWS})"


def test_only_sql_cards_open() -> None:
    with pytest.raises(BadValue, match="is a concept card"):
        SqlSession.start(Card("d", "c", "concept", "Explain.", 3, (), (), "Answer."))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=80), max_size=6))
def test_any_input_gets_a_reply_and_never_raises(lines: list[str]) -> None:
    """Whatever is typed, each reply is one error line or a result; nothing escapes."""
    repl = session()
    for line in [*lines, ";"]:
        reply = repl.feed(line.replace("\n", " "))
        if reply is not None and reply.error:
            assert len(reply.lines) == 1
            assert reply.lines[0].startswith("Error: ")
            assert not any(ch in reply.lines[0] for ch in "\x1b\x07\r\n")


@pytest.mark.parametrize(("line", "message"), [
    ("\x00", "Error: the query contains a NUL character"),
    ("SELECT '\ud800';", "Error: the query is not valid UTF-8 text"),
])
def test_text_sqlite_cannot_take_is_refused_in_one_line(line: str, message: str) -> None:
    repl = session()
    reply = repl.feed(line)
    assert reply is not None and reply.lines == (message,)
    assert not repl.continuing
