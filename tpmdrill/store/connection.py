"""The connection every part of the store shares: opening, migrating, transactions,
and the settings table that every part of tpmdrill reads."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from tpmdrill.errors import DatabaseProblem
from tpmdrill.paths import protect_database
from tpmdrill.store.integrity import Seal, verify
from tpmdrill.store.migrations import migration_set, migrations_pending, unknown_migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_SECONDS = 30
CACHE_KIB = 8192  # SQLite's page cache per connection


class StoreBase:
    """One SQLite connection, migrated to the latest schema on construction."""

    def __init__(self, db: Database | sqlite3.Connection) -> None:
        if isinstance(db, sqlite3.Connection):
            self.conn, self._db = db, None
        else:
            self.conn, self._db = db.conn, db
        self._seal: Seal | None = None  # set by `open`: the file was found intact
        self._migrate()

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection, for migrations and upserts."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False, recursive_triggers=False)
        return self._db

    @classmethod
    def open(cls, path: Path) -> Self:
        """Open (creating if needed) the database at `path`, migrated to the latest schema."""
        if not path.parent.is_dir():
            raise DatabaseProblem(f"cannot create database {path}: folder {path.parent} does not exist")
        if path.is_dir():
            raise DatabaseProblem(f"database path {path} is a folder")
        if path.exists() and not path.is_file():  # /dev/null, a FIFO: SQLite would add files beside it
            raise DatabaseProblem(f"database path {path} is not a regular file")
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
            protect_database(path)
        except sqlite3.DatabaseError as ex:
            raise DatabaseProblem(_explain(path, ex)) from None
        try:
            seal = verify(conn, path)  # a damaged file is refused before anything reads or writes it
            conn.execute("PRAGMA foreign_keys = ON")
            # Room for the index pages one command reads more than once (SQLite's default
            # is 2 MB): `due` on a large history reads a third fewer pages.
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            # Setting WAL reads the file, so one that is not SQLite fails here.
            conn.execute("PRAGMA journal_mode = WAL")
            store = cls(conn)
        except sqlite3.DatabaseError as ex:
            conn.close()
            raise DatabaseProblem(_explain(path, ex)) from None
        except DatabaseProblem:
            conn.close()
            raise
        store._seal = seal
        return store

    @classmethod
    def in_memory(cls) -> Self:
        """A throw-away store in an in-memory database, for tests and sandboxes (not to be
        confused with a card's FSRS memory state, `Memory`)."""
        conn = sqlite3.connect(":memory:")
        conn.execute("PRAGMA foreign_keys = ON")
        return cls(conn)

    @classmethod
    def memory(cls) -> Self:
        """The older name of `in_memory`, which tests written before the rename still use."""
        return cls.in_memory()

    def close(self) -> None:
        self.conn.close()
        if self._seal is not None:  # still as intact as it was found, with this store's writes
            self._seal.renew()
            self._seal = None

    def _migrate(self) -> None:
        newer = unknown_migrations(self.conn)
        if newer:
            raise DatabaseProblem(
                f"this database was upgraded by a newer tpmdrill (it has {newer[0]}, unknown here);"
                " upgrade tpmdrill to use it (it was left unchanged)"
            )
        if not migrations_pending(self.conn):
            return
        # IMMEDIATE takes the write lock first, so two processes opening a fresh
        # database at once cannot both decide to create the same tables.
        with self.writing():
            migration_set().apply(self.db)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction that holds the write lock from its start; inside another
        `writing()` it is part of that one (all of it commits or none)."""
        if getattr(self, "_writing", False):
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as ex:
            raise DatabaseProblem(f"cannot write to the database: {ex}") from None
        try:
            self._writing = True
            try:
                yield
            finally:
                self._writing = False
            self.conn.execute("COMMIT")
        except BaseException:
            # Some errors (a full disk, an I/O error) have already ended the transaction;
            # a second ROLLBACK would then hide the real error behind "no transaction".
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """A cursor whose rows are read by column name (`sqlite3.Row`)."""
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params)

    def _value(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        """The first column of the first row of a query (None when there is no row)."""
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # ---- settings ----------------------------------------------------------

    def setting(self, key: str) -> Any:
        value = self._value("SELECT value FROM settings WHERE key = ?", [key])
        return None if value is None else json.loads(value)

    def settings(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM settings")}

    def put_setting(self, key: str, value: Any) -> None:
        with self.writing():
            self._put_setting(key, value)

    def _put_setting(self, key: str, value: Any) -> None:
        if value is None:
            self.conn.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(value)])


def _explain(path: Path, ex: sqlite3.DatabaseError) -> str:
    message = str(ex)
    if "not a database" in message or "malformed" in message:
        return f"{path} is not a tpmdrill database (not a SQLite file, or damaged)"
    if "readonly" in message or "unable to open" in message:
        return f"cannot open database {path} for writing: {message}"
    return f"database {path}: {message}"
