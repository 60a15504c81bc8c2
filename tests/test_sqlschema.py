"""A sql card's schema view: tables, declared types, sample rows and the dialect line,
read from the fixture in the sandbox."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.decks import Card
from tpmdrill.sqlschema import (
    CELL_CHARS,
    DEFAULT_DIALECT,
    SAMPLE_ROWS,
    aligned,
    cell_text,
    dialect_of,
    fixture_schema,
    result_lines,
    schema_of,
)

FIXTURE = """
-- A tiny shop.
CREATE TABLE orders (order_id INTEGER PRIMARY KEY, placed_at TEXT NOT NULL, amount REAL, note);
CREATE TABLE users (user_id INTEGER, country TEXT);
CREATE INDEX orders_placed ON orders (placed_at);
CREATE VIEW big AS SELECT * FROM orders WHERE amount > 10;
INSERT INTO orders VALUES (1, '2024-01-01 10:00:00', 5.5, NULL), (2, '2024-01-02 11:00:00', 12.0, 'gift'),
    (3, '2024-01-03 12:00:00', 7.0, NULL), (4, '2024-01-04 13:00:00', 1.0, NULL),
    (5, '2024-01-05 14:00:00', 2.0, NULL), (6, '2024-01-06 15:00:00', 3.0, NULL);
INSERT INTO users VALUES (1, 'US');
"""


def sql_card(fixture: str = FIXTURE) -> Card:
    return Card("d", "c", "sql", "Count the orders.", 5, (), ("sql",), "Count them.", (), fixture,
                "SELECT COUNT(*) FROM orders", False)


def test_tables_in_creation_order_with_declared_types_and_a_few_rows() -> None:
    schema = fixture_schema(FIXTURE)
    assert [t.name for t in schema.tables] == ["orders", "users"]  # no views, indexes or sqlite_ tables
    orders = schema.tables[0]
    assert [(c.name, c.type) for c in orders.columns] == [
        ("order_id", "INTEGER"), ("placed_at", "TEXT"), ("amount", "REAL"), ("note", "")]
    assert len(orders.sample) == SAMPLE_ROWS
    assert orders.sample[0] == (1, "2024-01-01 10:00:00", 5.5, None)
    assert (orders.rows, orders.more_rows) == (6, 6 - SAMPLE_ROWS)
    assert orders.signature == "orders(order_id INTEGER, placed_at TEXT, amount REAL, note)"
    assert schema.tables[1].sample == ((1, "US"),)


def test_json_shape_matches_the_contract() -> None:
    [_, users] = fixture_schema(FIXTURE).to_json()
    assert users == {"name": "users", "columns": [{"name": "user_id", "type": "INTEGER"},
                                                  {"name": "country", "type": "TEXT"}],
                     "sample": [[1, "US"]]}


def test_only_sql_cards_have_a_schema() -> None:
    assert schema_of(sql_card()) is not None
    concept = Card("d", "c", "concept", "Explain.", 3, (), (), "Answer.")
    assert schema_of(concept) is None


def test_dialect_line_comes_from_the_fixture_or_the_default() -> None:
    assert dialect_of(FIXTURE) == DEFAULT_DIALECT
    assert dialect_of("-- Shop data.\n-- dialect: SQLite; dates are TEXT 'YYYY-MM-DD'\nCREATE TABLE t (x);") == (
        "SQLite; dates are TEXT 'YYYY-MM-DD'")
    # only the leading comments count: a comment after the first statement is data documentation
    assert dialect_of("CREATE TABLE t (x);\n-- dialect: Postgres") == DEFAULT_DIALECT
    assert dialect_of("-- dialect: SQLite\x1b[31m red") == "SQLite[31m red"


def test_text_lines_show_dialect_signature_and_aligned_samples() -> None:
    lines = fixture_schema(FIXTURE).text_lines()
    assert lines[0] == f"Dialect: {DEFAULT_DIALECT}"
    assert "orders(order_id INTEGER, placed_at TEXT, amount REAL, note) · 6 rows" in lines
    header = next(line for line in lines if line.strip().startswith("order_id"))
    assert header == "  order_id  placed_at            amount  note"
    assert "  1         2024-01-01 10:00:00  5.5     NULL" in lines
    assert f"  … {6 - SAMPLE_ROWS} more" in lines
    assert not any(line.strip().startswith("order_id") for line in fixture_schema(FIXTURE).text_lines(samples=False))


def test_hostile_fixture_values_cannot_reach_the_terminal_raw() -> None:
    fixture = ("CREATE TABLE t (x TEXT); "
               "INSERT INTO t VALUES ('\x1b[2J' || 'cleared'), (x'00ff'), ('" + "a" * 500 + "');")
    schema = fixture_schema(fixture)
    text = "\n".join(schema.text_lines())
    assert "\x1b" not in text
    assert "[2Jcleared" in text
    assert "x'00ff'" in text
    assert max(len(line) for line in text.splitlines()) < 2 * CELL_CHARS + 20


def test_cell_text() -> None:
    assert cell_text(None) == "NULL"
    assert cell_text(2.0) == "2.0"
    assert cell_text("two\nlines") == "two lines"
    long = cell_text("x" * 100)
    assert len(long) == CELL_CHARS and long.endswith("…")


def test_result_lines_cap_the_rows_and_say_how_many_there_were() -> None:
    rows = tuple((n, f"v{n}") for n in range(12))
    lines = result_lines(("n", "value"), rows, limit=5)
    assert lines[0] == "n  value"  # widths follow the rows shown
    assert len(lines) == 2 + 5 + 1
    assert lines[-1] == "(12 rows; showing the first 5)"
    assert result_lines(("n",), ((1,),), limit=5)[-1] == "(1 row)"


@given(st.lists(st.lists(st.text(min_size=0, max_size=12), min_size=3, max_size=3), max_size=6))
def test_aligned_columns_start_where_the_header_says(rows: list[list[str]]) -> None:
    cells = tuple(tuple(cell_text(v) for v in row) for row in rows)
    lines = aligned(("alpha", "b", "gamma"), cells)
    rule = lines[1]
    starts = [i for i in range(len(rule)) if rule[i] == "-" and (i == 0 or rule[i - 1] == " ")]
    assert len(starts) == 3
    width = len(rule)
    for row, line in zip(cells, lines[2:], strict=True):
        padded = line.ljust(width)  # lines are right-stripped
        for start, value in zip(starts, row, strict=True):
            assert padded[start:start + len(value)] == value
