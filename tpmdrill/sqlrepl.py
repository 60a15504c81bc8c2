"""`tpmdrill sql`'s logic without its terminal: one exploration session over a sql
card's fixture, fed a line at a time.

Every query runs in the same sandbox as grading (`sqlcheck.run_result`: a fresh
in-memory database from the fixture, the authorizer, the time limit and the row cap),
so nothing typed here can reach the user's database or a file. A refused or failing
query is one line; the session goes on.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tpmdrill.sqlcheck import QUERY_BYTES_CAP, SqlRejected, run_result
from tpmdrill.sqlschema import Schema, plain, result_lines, schema_of
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.judging import CardVerdict
    from tpmdrill.store import Review, Store

RESULT_ROWS = 30  # rows shown per result; the count says how many there were
HELP = (
    "Type a query and end it with ';' (it may span several lines). Only reads are allowed.",
    "  .tables            the tables and their row counts",
    "  .schema [TABLE]    columns and declared types (all tables, or one)",
    "  .sample [TABLE]    the first rows of each table (or one)",
    "  .history           the queries run in this session",
    "  submit             grade the last query, then optionally record it as a review",
    "  .help              this help · .quit (or Ctrl-D) leaves",
)


@dataclass(frozen=True)
class Reply:
    """What one line of input produced."""

    lines: tuple[str, ...] = ()
    error: bool = False
    submit: bool = False  # the caller grades `SqlSession.last_query`
    quit: bool = False


@dataclass
class SqlSession:
    card: Card
    schema: Schema
    history: list[str] = field(default_factory=list)
    last_query: str | None = None
    submits: int = 0
    pending: list[str] = field(default_factory=list)  # a query not yet ended with ';'

    @classmethod
    def start(cls, card: Card) -> SqlSession:
        from tpmdrill.errors import BadValue

        schema = schema_of(card)
        if schema is None:
            raise BadValue(f"card {card.full_id!r} is a {card.kind} card; 'tpmdrill sql' opens sql cards")
        if schema.problem is not None:
            raise BadValue(f"card {card.full_id!r} cannot be explored: {schema.problem}; fix its deck file")
        return cls(card, schema)

    @property
    def continuing(self) -> bool:
        """Whether a multi-line query is open (the prompt shows it)."""
        return bool(self.pending)

    def feed(self, line: str) -> Reply | None:
        """Handle one line of input; None while a multi-line query is still open."""
        command = line.strip()
        if not self.pending:
            if not command:
                return Reply()
            if command.startswith("."):
                return self._dot(command)
            if command.rstrip(";").strip().lower() in {"submit", "quit", "exit"}:
                word = command.rstrip(";").strip().lower()
                return self._submit() if word == "submit" else Reply(quit=True)
        self.pending.append(line)
        text = "\n".join(self.pending)
        if len(text.encode("utf-8", "replace")) > QUERY_BYTES_CAP:
            self.pending = []
            return Reply((f"Error: the query is longer than {QUERY_BYTES_CAP:,} bytes",), error=True)
        if _complete(text):
            self.pending = []
            return self.run(text)
        return None

    def cancel(self) -> None:
        """Drop a half-typed query (Ctrl-C)."""
        self.pending = []

    def run(self, query: str) -> Reply:
        self.history.append(query.strip())
        self.last_query = query.strip()
        assert self.card.fixture is not None
        try:
            result = run_result(self.card.fixture, query)
        except SqlRejected as rejected:
            return Reply((f"Error: {plain(str(rejected))}",), error=True)
        return Reply(tuple(result_lines(result.columns, result.rows, limit=RESULT_ROWS)))

    def _submit(self) -> Reply:
        if self.last_query is None:
            return Reply(("Error: run a query first; submit grades the last query you ran",), error=True)
        self.submits += 1
        return Reply(submit=True)

    def _dot(self, command: str) -> Reply:
        word, _, rest = command.partition(" ")
        word, name = word.lower(), rest.strip().rstrip(";").strip()
        if word in {".quit", ".exit", ".q"}:
            return Reply(quit=True)
        if word == ".help":
            return Reply(HELP)
        if word == ".history":
            return Reply(tuple(f"{n}: {q}" for n, q in enumerate(self.history, 1)) or ("No queries yet.",))
        if word == ".tables":
            return Reply(tuple(f"{t.name}  ({plural(t.rows, 'row')})" for t in self.schema.tables))
        if word in {".schema", ".sample"}:
            return self._tables(name, samples=word == ".sample")
        return Reply((f"Error: unknown command {plain(word)!r}; .help lists the commands",), error=True)

    def _tables(self, name: str, *, samples: bool) -> Reply:
        if not name:
            return Reply(tuple(self.schema.text_lines(samples=samples)))
        table = self.schema.table(name)
        if table is None:
            names = ", ".join(t.name for t in self.schema.tables)
            return Reply((f"Error: no table {plain(name)!r}; the tables are {names}",), error=True)
        return Reply(tuple(Schema(self.schema.dialect, (table,)).text_lines(samples=samples)[2:]))

    def opening_lines(self) -> list[str]:
        return [*self.schema.text_lines(), "", "Type .help for the commands; end a query with ';'."]


def _complete(text: str) -> bool:
    """Whether the text ends a statement with ';'. Text SQLite cannot take at all (a NUL,
    a lone surrogate) counts as complete, so the sandbox refuses it in one line now."""
    try:
        return sqlite3.complete_statement(text)
    except (ValueError, UnicodeError):
        return True


def record(store: Store, session: SqlSession, verdict: CardVerdict, rating: str, at: datetime,
           seconds: float) -> tuple[Review, datetime | None]:
    """Record the submitted query as a review, like `tpmdrill review`; return it and the new due date."""
    from tpmdrill.enums import ReviewMode
    from tpmdrill.scheduler import rating_value, record_review

    suggested = verdict.auto_suggested
    saved, memory = record_review(
        store, session.card.full_id, rating_value(rating), at, mode=ReviewMode.REVIEW,
        suggested=rating_value(suggested) if suggested else None,
        score=verdict.judgement.score if verdict.judgement else None,
        answer=verdict.answer, seconds=round(seconds, 1), verdicts=verdict.verdict_rows(),
        attempts=session.submits,
    )
    return saved, memory.due if memory is not None else None
