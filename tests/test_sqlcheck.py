"""The SQL sandbox: comparison rules, hostile answers, and the properties of the
multiset comparison."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tpmdrill.errors import TpmdrillError
from tpmdrill.sqlcheck import (
    BrokenCard,
    SqlRejected,
    SqlVerdict,
    check,
    run_query,
    same_result,
)

FIXTURE = """
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount REAL, note TEXT);
INSERT INTO orders VALUES
  (1, 'ann', 10.5, NULL),
  (2, 'bob', 3.0, 'gift'),
  (3, 'ann', 0.1, NULL),
  (4, 'cy', 0.2, NULL);
"""
TOTALS = "SELECT customer, SUM(amount) FROM orders GROUP BY customer"


# --- comparison rules -----------------------------------------------------------------


def test_unordered_results_compare_as_multisets() -> None:
    assert same_result([(1,), (2,), (2,)], [(2,), (1,), (2,)], ordered=False)
    assert not same_result([(1,), (1,), (2,)], [(1,), (2,), (2,)], ordered=False)


def test_ordered_results_compare_in_order() -> None:
    assert same_result([(1,), (2,)], [(1,), (2,)], ordered=True)
    assert not same_result([(1,), (2,)], [(2,), (1,)], ordered=True)


def test_numbers_compare_within_tolerance() -> None:
    assert same_result([(0.3,)], [(0.1 + 0.2,)], ordered=True)
    assert same_result([(1e15,)], [(1e15 * (1 + 1e-12),)], ordered=True)
    assert same_result([(2,)], [(2.0,)], ordered=True)
    assert not same_result([(1.0,)], [(1.000001,)], ordered=True)


def test_large_integers_compare_exactly() -> None:
    assert not same_result([(2**62,)], [(2**62 + 1,)], ordered=True)


def test_null_equals_null_and_nothing_else() -> None:
    assert same_result([(None, 1)], [(None, 1)], ordered=True)
    assert not same_result([(None,)], [(0,)], ordered=True)
    assert not same_result([(None,)], [("",)], ordered=True)


def test_types_other_than_numbers_compare_exactly() -> None:
    assert not same_result([("1",)], [(1,)], ordered=True)
    assert not same_result([(b"a",)], [("a",)], ordered=True)
    assert not same_result([("Ann",)], [("ann",)], ordered=True)


def test_row_count_and_width_matter() -> None:
    assert not same_result([(1,)], [(1,), (1,)], ordered=False)
    assert not same_result([(1, 2)], [(1,)], ordered=False)


def test_near_equal_floats_pair_up_whatever_the_other_columns_hold() -> None:
    # Sorting on exact values would put these rows in different orders on each side.
    expected = [(0.3, 2), (0.1 + 0.2, 1)]
    got = [(0.1 + 0.2, 2), (0.3, 1)]
    assert same_result(expected, got, ordered=False)


def test_column_names_are_ignored() -> None:
    verdict = check(FIXTURE, TOTALS, "SELECT customer AS who, TOTAL(amount) AS t FROM orders GROUP BY 1")
    assert verdict.correct
    assert verdict.error is None
    assert verdict.rows == 3


def test_row_order_is_ignored_unless_ordered() -> None:
    answer = "SELECT customer, SUM(amount) FROM orders GROUP BY customer ORDER BY customer DESC"
    assert check(FIXTURE, TOTALS, answer).correct
    solution = TOTALS + " ORDER BY customer"
    assert not check(FIXTURE, solution, answer, ordered=True).correct
    assert check(FIXTURE, solution, solution, ordered=True).correct


def test_a_wrong_answer_shows_its_differences() -> None:
    verdict = check(FIXTURE, TOTALS, "SELECT customer, MAX(amount) FROM orders GROUP BY customer")
    assert not verdict.correct
    assert verdict.error is None
    assert verdict.first_differences() == [(("ann", 10.6), ("ann", 10.5))]
    assert verdict.to_json() == {"correct": False, "error": None, "rows": 3}


def test_ordered_differences_are_positional() -> None:
    verdict = SqlVerdict(False, None, 1, ((1,), (2,)), ((2,),), ordered=True)
    assert verdict.first_differences() == [((1,), (2,)), ((2,), None)]


def test_first_differences_respects_the_limit() -> None:
    verdict = check(FIXTURE, "SELECT id FROM orders", "SELECT id + 10 FROM orders")
    assert len(verdict.first_differences(limit=2)) == 2


def test_answers_may_end_with_semicolons_and_comments() -> None:
    assert check(FIXTURE, TOTALS, f"-- totals\n{TOTALS};; -- done\n").correct


def test_semicolons_inside_strings_and_identifiers_do_not_split_the_query() -> None:
    query = """SELECT ';' AS "a;b", [c;d].x FROM (SELECT 1 AS x) AS [c;d] /* ; */;"""
    assert run_query(FIXTURE, query) == ((";", 1),)


def test_a_second_statement_after_a_quoted_semicolon_is_refused() -> None:
    with pytest.raises(SqlRejected, match="only one statement is allowed"):
        run_query(FIXTURE, "SELECT ';'; DROP TABLE orders")


def test_answers_may_be_utf8_bytes() -> None:
    assert check(FIXTURE, "SELECT 'café'", "SELECT 'café';".encode()).correct


def test_text_that_is_not_utf8_inside_the_database_is_still_readable() -> None:
    assert run_query(FIXTURE, "SELECT CAST(x'ff41' AS TEXT)") == (("\ufffdA",),)


def test_recursive_ctes_and_functions_are_allowed() -> None:
    query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 3) SELECT abs(-i) FROM n"
    assert run_query(FIXTURE, query) == ((1,), (2,), (3,))


def test_run_query_raises_sql_rejected() -> None:
    with pytest.raises(SqlRejected, match="no such table: reviews"):
        run_query(FIXTURE, "SELECT * FROM reviews")
    assert issubclass(SqlRejected, TpmdrillError)


def test_a_failing_solution_is_a_deck_bug() -> None:
    with pytest.raises(BrokenCard, match="solution"):
        check(FIXTURE, "SELECT nope FROM orders", TOTALS)


def test_a_failing_fixture_is_a_deck_bug() -> None:
    with pytest.raises(BrokenCard, match="fixture"):
        check("CREATE TABLE broken (", "SELECT 1", "SELECT 1")


# --- hostile answers ------------------------------------------------------------------

RECURSE_FOREVER = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)"

HOSTILE: list[tuple[str, str | bytes, str]] = [
    ("drop", "DROP TABLE orders", "not allowed in an answer: DROP"),
    ("delete", "DELETE FROM orders", "not allowed in an answer: DELETE"),
    ("cte-delete", "WITH x AS (SELECT 1) DELETE FROM orders", "not allowed in an answer: DELETE"),
    ("update", "UPDATE orders SET amount = 0", "not allowed in an answer: UPDATE"),
    ("create", "CREATE TABLE t (x)", "not allowed in an answer: CREATE"),
    ("attach-new", "ATTACH DATABASE '{tmp}/new.db' AS x", "not allowed in an answer: ATTACH"),
    ("attach-uri", "ATTACH 'file:{tmp}/uri.db?mode=rwc' AS x", "not allowed in an answer: ATTACH"),
    ("attach-user", "ATTACH '{user_db}' AS u", "not allowed in an answer: ATTACH"),
    ("vacuum-into", "VACUUM INTO '{tmp}/copy.db'", "not allowed in an answer: VACUUM"),
    ("load-extension", "SELECT load_extension('{tmp}/evil')", "load_extension()"),
    ("pragma", "PRAGMA writable_schema = ON", "not allowed in an answer: PRAGMA"),
    ("pragma-function", "SELECT * FROM pragma_writable_schema", "not allowed in an answer"),
    ("two-statements", "SELECT 1; DROP TABLE orders", "only one statement is allowed"),
    ("endless-recursion", RECURSE_FOREVER + " SELECT count(*) FROM r", "longer than 2 s"),
    ("ten-million-rows", RECURSE_FOREVER + " SELECT n FROM r LIMIT 10000000", "more than 10,000"),
    ("huge-blob", "SELECT randomblob(2000000000)", "100,000 bytes"),
    ("huge-result", "SELECT zeroblob(90000) FROM orders a, orders b, orders c, orders d", "16 MB"),
    # Stopped by SQLite's heap cap (or, on a slow machine, by the clock).
    ("memory-hog", RECURSE_FOREVER + " SELECT randomblob(90000) FROM r ORDER BY random()", "the query "),
    ("user-tables", "SELECT * FROM reviews JOIN cards USING (card_id)", "no such table"),
    ("not-utf8", b"SELECT '\xff\xfe' FROM orders", "not valid UTF-8"),
    ("nul", "SELECT 1\x00; DROP TABLE orders", "NUL character"),
    ("empty", "  -- nothing here\n", "the query is empty"),
]


def _make_user_database(path: Path) -> None:
    """A real on-disk database with the user's own tables, as the store keeps them."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE cards (card_id TEXT PRIMARY KEY, prompt TEXT)")
        conn.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY, card_id TEXT, rating TEXT)")
        conn.execute("INSERT INTO cards VALUES ('api-design/ride-sharing', 'Design an API')")
        conn.execute("INSERT INTO reviews VALUES (1, 'api-design/ride-sharing', 'good')")
    conn.close()


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [pytest.param(query, message, id=name) for name, query, message in HOSTILE],
)
def test_hostile_answer_is_refused_cleanly(
    query: str | bytes, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    user_db = tmp_path / "user.db"
    _make_user_database(user_db)
    before = _snapshot(tmp_path)
    if isinstance(query, str):
        query = query.format(tmp=tmp_path, user_db=user_db)

    started = time.monotonic()
    verdict = check(FIXTURE, TOTALS, query)
    elapsed = time.monotonic() - started

    assert elapsed < 2.5
    assert not verdict.correct
    assert verdict.rows == 0
    assert verdict.error
    assert message in verdict.error
    assert "\n" not in verdict.error
    assert _snapshot(tmp_path) == before  # no file created, user database byte-identical


@pytest.mark.parametrize(
    "fixture",
    [
        "ATTACH DATABASE '{tmp}/fixture.db' AS x; CREATE TABLE x.t (a);",
        "CREATE TABLE t (a); VACUUM INTO '{tmp}/fixture-copy.db';",
        "PRAGMA writable_schema = ON; CREATE TABLE t (a);",
        "CREATE TABLE t (a); SELECT load_extension('{tmp}/evil');",
    ],
)
def test_a_hostile_fixture_is_refused(fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Decks can come from strangers through `decks add`, so the fixture is sandboxed too.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BrokenCard, match="fixture"):
        check(fixture.format(tmp=tmp_path), "SELECT 1", "SELECT 1")
    assert list(tmp_path.iterdir()) == []


# --- properties -----------------------------------------------------------------------

sqlite_values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.binary(max_size=8),
)


@st.composite
def results(draw: st.DrawFn) -> list[tuple[object, ...]]:
    width = draw(st.integers(min_value=1, max_value=4))
    row = st.tuples(*[sqlite_values] * width)
    return draw(st.lists(row, max_size=30))


@given(st.data())
def test_a_permutation_of_a_result_is_always_equal(data: st.DataObject) -> None:
    rows = data.draw(results())
    shuffled = data.draw(st.permutations(rows))
    assert same_result(rows, shuffled, ordered=False)


@given(st.data())
def test_a_result_with_one_value_changed_is_never_equal(data: st.DataObject) -> None:
    rows = data.draw(results().filter(bool))
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    column = data.draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
    new_value = data.draw(sqlite_values)
    # "Changed" means unlike every value present; otherwise swapping in a value from
    # elsewhere could, with tolerance, still leave an equal multiset.
    assume(all(not same_result([(new_value,)], [(v,)], ordered=True) for row in rows for v in row))
    changed = list(rows)
    changed[index] = (*rows[index][:column], new_value, *rows[index][column + 1 :])
    shuffled = data.draw(st.permutations(changed))
    assert not same_result(rows, shuffled, ordered=False)
    assert not same_result(rows, changed, ordered=True)


close_floats = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.3, 0.1 + 0.2, 1.0, 0.0]))


@given(st.data())
def test_a_permutation_with_rounding_noise_is_equal(data: st.DataObject) -> None:
    width = data.draw(st.integers(min_value=1, max_value=3))
    rows = data.draw(st.lists(st.tuples(*[close_floats] * width), max_size=20))
    noise = st.floats(min_value=-1e-13, max_value=1e-13)
    noisy = [tuple(v * (1 + data.draw(noise)) for v in row) for row in rows]
    assert same_result(rows, data.draw(st.permutations(noisy)), ordered=False)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT printf('%.*c', 2000000000, 'x')",
        "SELECT format('%.2000000000c', 'x')",
        "SELECT printf('%.*c', '2000000000abc', customer) FROM orders",
        "SELECT printf('%2000000000d', id) FROM orders",
    ],
)
def test_printf_padding_cannot_outrun_the_time_limit(query: str) -> None:
    # SQLite pads inside one call, where the progress handler never runs.
    started = time.monotonic()
    assert all(value is None for (value,) in run_query(FIXTURE, query))
    assert time.monotonic() - started < 1


def test_printf_still_formats() -> None:
    query = "SELECT printf('%5.2f|%-4d|%s|%%|%*d|%.*c', amount, id, customer, 3, id, 2, 'z') FROM orders WHERE id = 2"
    assert run_query(FIXTURE, query) == ((" 3.00|2   |bob|%|  2|zz",),)


def test_json_each_and_json_tree_are_allowed_in_an_answer() -> None:
    from tpmdrill.sqlcheck import run_query

    fixture = "CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('[1,2]');"
    assert run_query(fixture, "SELECT value FROM t, json_each(t.x)") == ((1,), (2,))
    assert len(run_query(fixture, "SELECT key FROM json_tree('{\"a\":1}')")) == 2


def test_a_byte_order_mark_before_an_answer_is_ignored() -> None:
    from tpmdrill.sqlcheck import run_query

    fixture = "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
    assert run_query(fixture, "\ufeffSELECT x FROM t") == ((1,),)
    assert run_query(fixture, b"\xef\xbb\xbfSELECT x FROM t") == ((1,),)


def test_a_fixture_over_the_size_limit_is_a_broken_card_at_once() -> None:
    from tpmdrill.sqlcheck import MAX_FIXTURE_BYTES, BrokenCard, check

    fixture = "CREATE TABLE t (x);\n" + "INSERT INTO t VALUES (1);\n" * (MAX_FIXTURE_BYTES // 20)
    with pytest.raises(BrokenCard, match="larger than"):
        check(fixture, "SELECT 1", "SELECT 1")
