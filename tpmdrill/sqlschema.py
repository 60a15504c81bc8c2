"""What a sql card's data looks like: its tables, their declared column types, a few
sample rows, and the dialect line, all read from the card's fixture in the sandbox.

Everything here is derived from the fixture in a fresh in-memory database (see
`sqlcheck.fixture_sandbox`); the user's database is never opened. The same view is
shown wherever a sql card is: the drill, `card`, `grade`, `tpmdrill sql`, mock sheets,
the report and the Anki export, so a candidate never has to guess a column name.

A fixture states its dialect line in a leading comment, `-- dialect: ...`; without one
the default below applies, which is what the bundled fixtures' timestamps look like.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from tpmdrill.enums import CardKind
from tpmdrill.sqlcheck import TIME_LIMIT_S, BrokenCard, fixture_sandbox
from tpmdrill.sqlcompare import Row, Rows
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.decks import Card, Deck

DEFAULT_DIALECT = "SQLite; timestamps are TEXT 'YYYY-MM-DD HH:MM:SS' in UTC"
SAMPLE_ROWS = 4
CELL_CHARS = 40  # longer values are cut for display, never for grading
_DIALECT_LINE = re.compile(r"^--\s*dialect:\s*(\S.*?)\s*$", re.IGNORECASE)
# Anything that could move a terminal's cursor or change its colours.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # as declared; "" when the fixture declares none

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    sample: Rows  # the first SAMPLE_ROWS rows, in rowid order
    rows: int  # how many rows the table holds

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "columns": [c.to_json() for c in self.columns],
                "sample": [list(row) for row in self.sample]}

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def sample_cells(self) -> tuple[tuple[str, ...], ...]:
        """The sample rows as display text, one string per cell."""
        return tuple(tuple(cell_text(v) for v in row) for row in self.sample)

    @property
    def more_rows(self) -> int:
        return max(0, self.rows - len(self.sample))

    @property
    def signature(self) -> str:
        """'orders(order_id INTEGER, user_id INTEGER, ...)', the one-line schema."""
        columns = ", ".join(f"{c.name} {c.type}".strip() for c in self.columns)
        return f"{self.name}({columns})"


@dataclass(frozen=True)
class Schema:
    """The tables a sql card's query runs against, and how to read their values."""

    dialect: str
    tables: tuple[Table, ...]
    problem: str | None = None  # why the fixture could not be described (a broken deck)

    def to_json(self) -> list[dict[str, object]]:
        return [t.to_json() for t in self.tables]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name.lower() == name.lower()), None)

    def text_lines(self, *, samples: bool = True) -> list[str]:
        """The schema for a terminal: per table its columns, then its sample rows aligned."""
        lines = [f"Dialect: {self.dialect}"]
        if self.problem is not None:
            lines.append(f"The tables cannot be shown: {self.problem}")
        for table in self.tables:
            lines.append("")
            lines.append(f"{table.signature} · {plural(table.rows, 'row')}")
            if samples and table.sample:
                lines.extend("  " + line for line in aligned(table.column_names, table.sample_cells))
                if table.more_rows:
                    lines.append(f"  … {table.more_rows} more")
        return lines


def schema_of(card: Card) -> Schema | None:
    """The schema shown with a sql card; None for other kinds. A fixture that does not
    load gives a schema without tables that says why, so showing a card never fails."""
    if card.kind != CardKind.SQL or card.fixture is None:
        return None
    try:
        return fixture_schema(card.fixture)
    except BrokenCard as broken:
        return Schema(dialect_of(card.fixture), (), plain(str(broken)))


@lru_cache(maxsize=64)
def fixture_schema(fixture: str) -> Schema:
    """The tables (in the order the fixture creates them) of a fixture, read in a sandbox."""
    with fixture_sandbox(fixture) as conn:
        deadline = time.monotonic() + TIME_LIMIT_S
        conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        try:
            tables = tuple(_table(conn, name) for name in _table_names(conn))
        except sqlite3.Error as exc:
            raise BrokenCard(f"the card's fixture cannot be described: {' '.join(str(exc).split())}") from None
    return Schema(dialect_of(fixture), tables)


def dialect_of(fixture: str) -> str:
    """The fixture's `-- dialect:` line among its leading comments, or the default."""
    for line in fixture.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            break
        found = _DIALECT_LINE.match(stripped)
        if found:
            return plain(found.group(1))
    return DEFAULT_DIALECT


def _table_names(conn: sqlite3.Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY rowid"
    )]


def _table(conn: sqlite3.Connection, name: str) -> Table:
    columns = tuple(Column(str(r[0]), str(r[1] or "")) for r in conn.execute(
        "SELECT name, type FROM pragma_table_info(?) ORDER BY cid", [name]
    ))
    quoted = '"' + name.replace('"', '""') + '"'
    sample: tuple[Row, ...] = tuple(tuple(r) for r in conn.execute(
        f"SELECT * FROM {quoted} LIMIT {SAMPLE_ROWS}"  # noqa: S608 (a name the fixture created, quoted)
    ))
    count = int(conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])  # noqa: S608
    return Table(name, columns, sample, count)


# ---- showing values -------------------------------------------------------------------


def plain(text: str) -> str:
    """Text safe for a terminal: control characters (escape sequences) removed."""
    return _CONTROL.sub("", text)


def cell_text(value: object) -> str:
    """One value as a short line of text: NULL for None, long text cut with '…'."""
    if value is None:
        text = "NULL"
    elif isinstance(value, bytes):
        text = "x'" + value[:CELL_CHARS // 2].hex() + "'"
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    text = plain(" ".join(text.split()) if "\n" in text or "\t" in text else text)
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - 1] + "…"


def aligned(header: tuple[str, ...], cells: tuple[tuple[str, ...], ...]) -> list[str]:
    """A small text table: a header, a rule and one line per row, columns aligned."""
    names = tuple(cell_text(h) for h in header)
    widths = [max([len(names[i])] + [len(row[i]) for row in cells if i < len(row)]) for i in range(len(names))]
    def line(values: tuple[str, ...]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=False)).rstrip(" ")
    return [line(names), "  ".join("-" * w for w in widths)] + [line(row) for row in cells]


def result_lines(columns: tuple[str, ...], rows: Rows, *, limit: int) -> list[str]:
    """A query's result for a terminal: the first `limit` rows aligned, then a count."""
    shown = tuple(tuple(cell_text(v) for v in row) for row in rows[:limit])
    lines = aligned(columns, shown) if columns else []
    count = plural(len(rows), "row")
    lines.append(f"({count}; showing the first {limit})" if len(rows) > limit else f"({count})")
    return lines


# ---- checking a deck's sql cards ----------------------------------------------------------


def sql_problems(deck: Deck) -> list[str]:
    """What `decks validate` reports about a deck's sql cards beyond the file format:
    a fixture that does not load, or a solution that fails or returns no rows. Each
    problem names the file, the card and the key, as deck errors do."""
    from tpmdrill.sqlcheck import SqlRejected, run_query

    problems: list[str] = []
    for card in deck.cards:
        if card.kind != CardKind.SQL or card.fixture is None or card.solution is None:
            continue
        where = f"{deck.source}: card {card.id!r}"
        schema = schema_of(card)
        if schema is not None and schema.problem is not None:
            problems.append(f"{where}: key 'fixture': {schema.problem}")
            continue
        try:
            rows = run_query(card.fixture, card.solution)
        except SqlRejected as rejected:
            problems.append(f"{where}: key 'solution': the solution query fails: {plain(str(rejected))}")
            continue
        if not rows:
            problems.append(f"{where}: key 'solution': the solution returns no rows, so any empty answer passes")
    return problems
