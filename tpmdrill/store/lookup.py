"""Card and deck ids for shell completion: read straight from the database file, opened
read-only, never created, migrated or waited on, so pressing Tab costs milliseconds and
a database that does not exist yet (or cannot be read) simply offers nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

LIMIT = 200  # more than a shell shows usefully
_WAIT_MS = 200  # a writer holding the file longer than this: offer nothing rather than hang
_TOP = "\U0010ffff"  # sorts after every character, so [prefix, prefix + _TOP) is "starts with prefix"


class Name(NamedTuple):
    """An id to offer, and a few words saying what it is."""

    value: str
    help: str


def card_names(path: Path, prefix: str) -> list[Name]:
    """Active cards whose full id starts with `prefix`; with no '/' typed yet, also
    those whose own id (after the deck's) does, for the short ids."""
    sql = ("SELECT id, prompt FROM cards WHERE retired = 0 AND {column} >= ? AND {column} < ?"
           " ORDER BY id LIMIT ?")
    found = _names(path, sql.format(column="id"), [prefix, prefix + _TOP, LIMIT])
    if "/" not in prefix and len(found) < LIMIT:
        seen = {name.value for name in found}
        found += [name for name in _names(path, sql.format(column="key"), [prefix, prefix + _TOP, LIMIT])
                  if name.value not in seen]
    return found[:LIMIT]


def deck_names(path: Path, prefix: str) -> list[Name]:
    """Decks whose id starts with `prefix`, with their titles."""
    return _names(path, "SELECT id, title FROM decks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                  [prefix, prefix + _TOP, LIMIT])


def _names(path: Path, sql: str, params: list[object]) -> list[Name]:
    conn = _open(path)
    if conn is None:
        return []
    try:
        return [Name(str(value), " ".join(str(text or "").split())) for value, text in conn.execute(sql, params)]
    except sqlite3.Error:  # not a tpmdrill database, damaged, or busy
        return []
    finally:
        conn.close()


def _open(path: Path) -> sqlite3.Connection | None:
    """A read-only connection that leaves no file behind: with no -wal beside the database
    (no other tpmdrill running) it is opened immutable, which creates no -wal or -shm;
    otherwise read-only through the -wal and -shm that are already there."""
    try:
        if not path.is_file():
            return None
        target = path.resolve()
        mode = "ro" if Path(f"{target}-wal").exists() else "ro&immutable=1"
        return sqlite3.connect(f"file:{quote(str(target))}?mode={mode}", uri=True, timeout=_WAIT_MS / 1000)
    except (OSError, ValueError, sqlite3.Error):
        return None
