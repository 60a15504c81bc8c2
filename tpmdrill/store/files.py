"""The database as a file: `backup`, `restore` and the copies `merge` reads (`backup`, `merge`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Self

from tpmdrill.errors import DatabaseProblem
from tpmdrill.store.connection import BUSY_TIMEOUT_SECONDS, StoreBase

_BACKUP_PAGES_PER_STEP = 4096
_SQLITE_HEADER = b"SQLite format 3\x00"
_REQUIRED_TABLES = frozenset({"_sqlite_migrations", "decks", "cards", "memory", "reviews"})


class FileStore(StoreBase):
    """Online backups of the live database and in-memory copies of a file."""

    def file_path(self) -> Path | None:
        """The file this store lives in; None for an in-memory store."""
        name = self.conn.execute("PRAGMA database_list").fetchone()[2]
        return Path(name) if name else None

    def page_count(self) -> int:
        return int(self._value("PRAGMA page_count"))

    def backup_to(self, target: Path, on_pages: Callable[[int, int], None] | None = None) -> None:
        """Copy the live database to `target` through SQLite's online backup API.

        The copy is one read transaction's snapshot: in WAL mode writers carry on, and
        their commits during the copy are simply not in it.
        """
        destination = sqlite3.connect(str(target))
        try:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            def report(_status: int, left: int, total: int) -> None:
                if on_pages is not None:
                    on_pages(total - left, total)

            self.conn.backup(destination, pages=_BACKUP_PAGES_PER_STEP, progress=report)
            self.conn.execute("COMMIT")
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            destination.close()

    @classmethod
    def copy_of(cls, path: Path) -> Self:
        """An in-memory copy of the database at `path`, migrated; the file is only read."""
        check_database_file(path)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn = sqlite3.connect(":memory:")
        try:
            source.backup(conn)
        finally:
            source.close()
        conn.execute("PRAGMA foreign_keys = ON")
        return cls(conn)


def check_database_file(path: Path) -> None:
    """Raise DatabaseProblem unless `path` is an intact SQLite file holding tpmdrill's tables."""
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as ex:
        raise DatabaseProblem(f"cannot read {path}: {ex.strerror or ex}") from None
    if header != _SQLITE_HEADER:
        raise DatabaseProblem(f"{path} is not a SQLite database")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as ex:
        raise DatabaseProblem(f"{path} is damaged: {ex}") from None
    if verdict != ["ok"]:
        raise DatabaseProblem(f"{path} is damaged: {verdict[0]}")
    missing = _REQUIRED_TABLES - tables
    if missing:
        raise DatabaseProblem(f"{path} is not a tpmdrill database (no {', '.join(sorted(missing))} table)")
    _check_schema(path)


# Columns every tpmdrill database has had since its first migration.
_REQUIRED_COLUMNS = {
    "decks": {"id", "title", "category"}, "cards": {"id", "deck", "kind", "prompt", "rubric"},
    "memory": {"card", "state", "due", "stability", "difficulty"},
    "reviews": {"id", "card", "reviewed_at", "rating", "mode"}, "verdicts": {"review", "point", "hit"},
}


def _check_schema(path: Path) -> None:
    """More than table names: the columns tpmdrill reads, and migrations it knows."""
    from tpmdrill.store.migrations import MIGRATIONS, unknown_migrations

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table, needed in _REQUIRED_COLUMNS.items():
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if not needed <= have:
                lacking = ", ".join(sorted(needed - have))
                raise DatabaseProblem(f"{path} is not a tpmdrill database (table {table} has no {lacking})")
        newer = unknown_migrations(conn)
        applied = conn.execute(
            "SELECT count(*) FROM _sqlite_migrations WHERE migration_set = 'tpmdrill' AND name = ?",
            [MIGRATIONS[0].__name__],
        ).fetchone()[0]
    except sqlite3.DatabaseError as ex:
        raise DatabaseProblem(f"{path} is not a tpmdrill database ({ex})") from None
    finally:
        conn.close()
    if newer:
        raise DatabaseProblem(f"{path} was written by a newer tpmdrill ({newer[0]}); upgrade tpmdrill to use it")
    if not applied:
        raise DatabaseProblem(f"{path} is not a tpmdrill database (no record of its schema)")


def copy_database_file(source: Path, target: Path) -> None:
    """Copy a database file (with anything still in its WAL) into a new self-contained file."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(str(target))
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode = DELETE")
    finally:
        reader.close()
        writer.close()


def checkpoint_database_file(path: Path) -> bool:
    """Fold a database's WAL into its main file, so the file alone holds everything.

    Returns False when that cannot be done (a damaged file, say): the caller then keeps
    the WAL files beside the main file instead.
    """
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True
