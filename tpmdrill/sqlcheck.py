"""SQL cards: run an answer query in a sandbox against the card's fixture and judge it
by its result.

This is the one place where tpmdrill executes text the user typed, so the sandbox
stacks independent defences; each one alone stops the hostile queries it is aimed at:

- a fresh in-memory database per query, built from the card's fixture: the user's
  database is never opened, and nothing an answer does can outlive the check;
- the answer must start with SELECT, WITH or VALUES and be one statement;
- an authorizer that allows reading and calling ordinary functions, nothing else
  (no ATTACH, schema or data changes, PRAGMA, load_extension);
- SQLite limits: no attached databases at all (VACUUM INTO attaches internally, so it
  fails too), bounded string/blob size, statement length and column count;
  ``query_only`` and in-memory temporary storage, so no file is ever written;
- a wall-clock limit through the progress handler, a row cap and a result-size cap;
  printf/format are wrapped, as their padding runs where the handler cannot stop it.

Results compare as multisets (or in order when the card says ``ordered``), ignoring
column names, with numbers equal within 1e-9 and NULL equal to NULL.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import zip_longest

from tpmdrill.errors import TpmdrillError
from tpmdrill.sqlcompare import Row, Rows, rows_equal, unmatched
from tpmdrill.sqlcompare import same_result as same_result  # part of this module's interface

TIME_LIMIT_S = 2.0
MAX_FIXTURE_BYTES = 1_000_000  # as decks.MAX_FIXTURE_BYTES
ROW_CAP = 10_000
VALUE_BYTES_CAP = 100_000  # any string or blob, including intermediate ones
RESULT_BYTES_CAP = 16_000_000  # what the answer's rows may occupy in Python
QUERY_BYTES_CAP = 100_000
COLUMN_CAP = 100
# SQLite's hard heap limit is process-wide and can only be lowered, never restored;
# this cap is far above what tpmdrill's own database needs, and it stops a query that
# sorts ever more large blobs before it exhausts the machine's memory.
HEAP_CAP_BYTES = 256 * 1024 * 1024
# How often (in SQLite VM instructions) the clock is checked: often enough to stop
# within milliseconds of the limit, rarely enough to cost little.
PROGRESS_EVERY = 10_000

Difference = tuple[Row | None, Row | None]


class SqlRejected(TpmdrillError):
    """The answer query did not run: the message says why, in one line."""


class BrokenCard(TpmdrillError):
    """The card's own fixture or solution fails: a bug in the deck, not in the answer."""


@dataclass(frozen=True)
class SqlVerdict:
    correct: bool
    error: str | None
    rows: int
    expected: Rows
    got: Rows
    ordered: bool = False
    columns: tuple[str, ...] = ()  # the answer's column names, for showing its rows

    def to_json(self) -> dict[str, object]:
        return {"correct": self.correct, "error": self.error, "rows": self.rows}

    def first_differences(self, limit: int = 5) -> list[Difference]:
        """Pairs of (expected row, answer row) that differ, for display; None pads
        the shorter side."""
        if self.ordered:
            pairs = zip_longest(self.expected, self.got)
            differing = [(e, g) for e, g in pairs if e is None or g is None or not rows_equal(e, g)]
        else:
            missing, extra = unmatched(self.expected, self.got)
            differing = list(zip_longest(missing, extra))
        return differing[:limit]


def check(fixture: str, solution: str, answer: str | bytes, *, ordered: bool = False) -> SqlVerdict:
    """Run the solution and the answer, each in a fresh sandbox, and compare results."""
    expected = _solution_rows(fixture, solution)
    try:
        result = run_result(fixture, answer)
    except SqlRejected as rejected:
        return SqlVerdict(False, str(rejected), 0, expected, (), ordered)
    got = result.rows
    correct = same_result(expected, got, ordered=ordered)
    return SqlVerdict(correct, None, len(got), expected, got, ordered, result.columns)


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: Rows


def run_query(fixture: str, query: str | bytes) -> Rows:
    """The rows `query` returns against a fresh database built from `fixture`.

    Raises SqlRejected when the query is refused or fails, BrokenCard when the fixture
    itself does not load.
    """
    return run_result(fixture, query).rows


def run_result(fixture: str, query: str | bytes) -> QueryResult:
    """Like `run_query`, with the result's column names (for showing it)."""
    sql = _answer_text(query)
    with fixture_sandbox(fixture) as conn:
        return _run_guarded(conn, sql)


@contextmanager
def fixture_sandbox(fixture: str) -> Iterator[sqlite3.Connection]:
    """A fresh, locked-down in-memory database built from `fixture`, closed afterwards."""
    conn = _open_sandbox(fixture)
    try:
        yield conn
    finally:
        conn.close()


# --- checking the answer's text before SQLite sees it -------------------------------

_ALLOWED_FIRST_WORDS = frozenset({"SELECT", "WITH", "VALUES"})
# One SQL token per match, in a single left-to-right pass (no backtracking across
# tokens): quoted strings and identifiers (possibly unterminated), comments,
# semicolons, whitespace, runs of other characters, and any single leftover character.
_TOKEN = re.compile(
    r"""'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?"""
    r"""|--[^\n]*|/\*.*?(?:\*/|\Z)|;|\s+|[^'"`\[\-/;\s]+|.""",
    re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z_]+")
SQL_TOKEN = _TOKEN  # judging uses it to cut the prose after an answer's query


def _answer_text(query: str | bytes) -> str:
    text = _decoded(query)
    if "\x00" in text:
        raise SqlRejected("the query contains a NUL character")
    if len(text.encode("utf-8")) > QUERY_BYTES_CAP:
        raise SqlRejected(f"the query is longer than {QUERY_BYTES_CAP:,} bytes")
    statement = _only_statement(text)
    _require_select(statement)
    return statement


def _decoded(query: str | bytes) -> str:
    try:
        text = query.decode("utf-8-sig") if isinstance(query, bytes) else query.removeprefix("\ufeff")
        text.encode("utf-8")  # lone surrogates cannot reach SQLite
    except UnicodeError:
        raise SqlRejected("the query is not valid UTF-8 text") from None
    return text


def _is_noise(token: str) -> bool:
    return token.isspace() or token.startswith(("--", "/*"))


def _only_statement(text: str) -> str:
    """The text up to its first top-level semicolon; what follows may only be more
    semicolons, whitespace and comments.

    sqlite3 also refuses a second statement, but it counts the ";" of "SELECT 1;;"
    as one; cutting here lets trailing punctuation through and refuses the rest.
    """
    end: int | None = None
    for token in _TOKEN.finditer(text):
        if end is None:
            end = token.start() if token.group() == ";" else None
        elif token.group() != ";" and not _is_noise(token.group()):
            raise SqlRejected("only one statement is allowed")
    return text if end is None else text[:end]


def _require_select(statement: str) -> None:
    # Why look at the words when the authorizer is there: VACUUM (and so VACUUM INTO
    # a file) has no authorizer action code in SQLite, so it is stopped here by name.
    first = next((t.group() for t in _TOKEN.finditer(statement) if not _is_noise(t.group())), None)
    if first is None:
        raise SqlRejected("the query is empty")
    word = _WORD.match(first)
    if word is None:
        raise SqlRejected("an answer must start with SELECT, WITH or VALUES")
    if word.group().upper() not in _ALLOWED_FIRST_WORDS:
        raise SqlRejected(f"not allowed in an answer: {word.group().upper()}")


# --- the sandbox database ------------------------------------------------------------

_FORBIDDEN_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})
_FIXTURE_PRAGMAS = frozenset({"foreign_keys"})
_ANSWER_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_ACTION_NAMES: dict[int, str] = {
    getattr(sqlite3, "SQLITE_" + name): name.replace("_", " ")
    for name in (
        "CREATE_INDEX",
        "CREATE_TABLE",
        "CREATE_TEMP_INDEX",
        "CREATE_TEMP_TABLE",
        "CREATE_TEMP_TRIGGER",
        "CREATE_TEMP_VIEW",
        "CREATE_TRIGGER",
        "CREATE_VIEW",
        "DELETE",
        "DROP_INDEX",
        "DROP_TABLE",
        "DROP_TEMP_INDEX",
        "DROP_TEMP_TABLE",
        "DROP_TEMP_TRIGGER",
        "DROP_TEMP_VIEW",
        "DROP_TRIGGER",
        "DROP_VIEW",
        "INSERT",
        "PRAGMA",
        "READ",
        "SELECT",
        "TRANSACTION",
        "UPDATE",
        "ATTACH",
        "DETACH",
        "ALTER_TABLE",
        "REINDEX",
        "ANALYZE",
        "CREATE_VTABLE",
        "DROP_VTABLE",
        "FUNCTION",
        "SAVEPOINT",
        "RECURSIVE",
    )
}
_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master"})


def _open_sandbox(fixture: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        _harden(conn)
        _load_fixture(conn, fixture)
        _lock_down(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _harden(conn: sqlite3.Connection) -> None:
    """Settings that hold for the fixture too: a deck from a stranger is untrusted."""
    if hasattr(conn, "enable_load_extension"):
        conn.enable_load_extension(False)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.text_factory = _decode_text
    conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temp tables spill to RAM, not disk
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_CAP_BYTES}")
    for name in ("printf", "format"):
        conn.create_function(name, -1, _bounded_printf, deterministic=True)


# One conversion of printf: flags, then width and precision as digits or '*'.
_PRINTF_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?(.)", re.DOTALL)
_printf_engine: sqlite3.Connection | None = None


def _bounded_printf(*args: object) -> str | None:
    """SQLite's printf, refusing widths and precisions no value may reach.

    SQLite pads '%.2000000000c' one character at a time inside a single call, where
    the progress handler cannot stop it (10 s, then NULL as the result is too big).
    Too wide a conversion gives that same NULL at once; the rest runs in SQLite's
    own printf on a bare connection with the same length limit.
    """
    global _printf_engine
    if args and isinstance(args[0], str) and _printf_too_wide(args[0], args[1:]):
        return None
    if _printf_engine is None:
        _printf_engine = sqlite3.connect(":memory:", isolation_level=None)
        _printf_engine.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_BYTES_CAP)
        _printf_engine.text_factory = _decode_text
    placeholders = ", ".join("?" * len(args))
    formatted: str | None = _printf_engine.execute(f"SELECT printf({placeholders})", args).fetchone()[0]
    return formatted


def _printf_too_wide(template: str, args: Sequence[object]) -> bool:
    taken = iter(args)
    for spec in _PRINTF_SPEC.finditer(template):
        width, precision, conversion = spec.groups()
        if conversion == "%" and width is None and precision is None:
            continue
        for size in (width, precision):
            value = next(taken, 0) if size == "*" else size
            if size is not None and abs(_as_int(value)) > VALUE_BYTES_CAP:
                return True
        next(taken, None)
    return False


_NUMERIC_PREFIX = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


def _as_int(value: object) -> int:
    """At least the size SQLite's printf would read from a '*' argument: text and
    blobs count by their numeric prefix ('2000000000abc'), as SQLite reads them."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        prefix = _NUMERIC_PREFIX.match(value)
        value = float(prefix.group(1)) if prefix else 0
    if not isinstance(value, int | float) or math.isnan(value):
        return 0
    return 2**63 if math.isinf(value) else int(value)


def _decode_text(raw: bytes) -> str:
    # CAST(x'ff' AS TEXT) is legal SQL; without this sqlite3 raises on reading it.
    return raw.decode("utf-8", "replace")


def _load_fixture(conn: sqlite3.Connection, fixture: str) -> None:
    conn.set_authorizer(_fixture_authorizer)
    deadline = time.monotonic() + TIME_LIMIT_S
    conn.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_EVERY)
    # The progress handler stops one long statement; a script of millions of short ones
    # never reaches it (and sqlite3_interrupt is lost between statements), so the script
    # itself is bounded: a fixture within the deck parser's size limit loads in about 1 s.
    if len(fixture.encode("utf-8", "replace")) > MAX_FIXTURE_BYTES:
        raise BrokenCard(f"the card's fixture does not load: it is larger than {MAX_FIXTURE_BYTES:,} bytes")
    try:
        conn.executescript(fixture)
    except (sqlite3.Error, sqlite3.Warning, MemoryError, ValueError) as exc:
        raise BrokenCard(f"the card's fixture does not load: {_one_line(exc)}") from None
    finally:
        conn.set_authorizer(None)
        conn.set_progress_handler(None, 0)


def _fixture_authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None) -> int:
    """A fixture may create and fill tables, but not touch files or the connection."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH, sqlite3.SQLITE_CREATE_VTABLE):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg1 not in _FIXTURE_PRAGMAS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _FORBIDDEN_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _lock_down(conn: sqlite3.Connection) -> None:
    """From here on the connection runs user text."""
    conn.execute("PRAGMA query_only = ON")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_BYTES_CAP)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, QUERY_BYTES_CAP)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, COLUMN_CAP)


class _AnswerGate:
    """The answer authorizer; remembers what it refused so the message can name it."""

    def __init__(self) -> None:
        self.refused: str | None = None

    def __call__(self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _src: str | None) -> int:
        if action == sqlite3.SQLITE_UPDATE and arg1 in _SCHEMA_TABLES and _src is None:
            # SQLite preparing a table-valued function (json_each, json_tree) checks an
            # update of the schema table it never makes; PRAGMA query_only forbids it anyway.
            return sqlite3.SQLITE_OK
        refusal = _refusal(action, arg1, arg2)
        if refusal is None:
            return sqlite3.SQLITE_OK
        self.refused = self.refused or refusal
        return sqlite3.SQLITE_DENY


def _refusal(action: int, arg1: str | None, arg2: str | None) -> str | None:
    """What to call a refused action in the message, or None when it is allowed."""
    if action == sqlite3.SQLITE_FUNCTION:
        name = (arg2 or "").lower()
        return f"{name}()" if name in _FORBIDDEN_FUNCTIONS else None
    if action in _ANSWER_ACTIONS:
        return None
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {arg1}"
    if arg1 in _SCHEMA_TABLES:  # e.g. pragma_table_info() touches the schema table
        return "changing the schema"
    return _ACTION_NAMES.get(action, f"SQLite action {action}")


# --- running the answer ---------------------------------------------------------------


def _run_guarded(conn: sqlite3.Connection, sql: str) -> QueryResult:
    gate = _AnswerGate()
    conn.set_authorizer(gate)
    deadline = time.monotonic() + TIME_LIMIT_S
    conn.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_EVERY)
    try:
        cursor = conn.execute(sql)
        columns = tuple(str(d[0]) for d in cursor.description or ())
        return QueryResult(columns, _fetch_capped(cursor))
    except (sqlite3.Error, sqlite3.Warning, MemoryError) as exc:
        timed_out = time.monotonic() > deadline
        raise SqlRejected(_explain(exc, gate, timed_out=timed_out)) from None


def _fetch_capped(cursor: sqlite3.Cursor) -> Rows:
    rows: list[Row] = []
    size = 0
    for row in cursor:
        if len(rows) == ROW_CAP:
            raise SqlRejected(f"more than {ROW_CAP:,} rows")
        size += _row_size(row)
        if size > RESULT_BYTES_CAP:
            raise SqlRejected(f"the result is larger than {RESULT_BYTES_CAP // 1_000_000} MB")
        rows.append(tuple(row))
    return tuple(rows)


def _row_size(row: Row) -> int:
    return sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)


def _explain(exc: BaseException, gate: _AnswerGate, *, timed_out: bool) -> str:
    message = _one_line(exc)
    if isinstance(exc, MemoryError):
        return f"the query needed more than {HEAP_CAP_BYTES // 2**20} MB of memory"
    if gate.refused is not None:
        return f"not allowed in an answer: {gate.refused}"
    if timed_out and "interrupted" in message:
        return f"the query ran longer than {TIME_LIMIT_S:g} s"
    if "one statement at a time" in message:
        return "only one statement is allowed"
    if "too big" in message:
        return f"a string or blob in the query grew past {VALUE_BYTES_CAP:,} bytes"
    if "attached databases" in message:
        return "not allowed in an answer: ATTACH"
    return f"SQL error: {message}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _solution_rows(fixture: str, solution: str) -> Rows:
    try:
        return run_query(fixture, solution)
    except SqlRejected as rejected:
        raise BrokenCard(f"the card's solution query fails: {rejected}") from None
