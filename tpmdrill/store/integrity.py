"""Whether the database file is intact, checked before tpmdrill reads or writes it.

SQLite finds a damaged page only when a query reaches it, so a command that misses the
damage would go on (and `review` would write into a damaged file). Opening the store
therefore runs `PRAGMA quick_check` (every page's structure, about half a second per
200 MB) whenever the file changed since tpmdrill last saw it intact; a damaged file is
refused in one line before anything is read or written.

"Last seen intact" is a seal: the file's (and its -wal's) identity, size and change
times, kept in the user cache folder under a name derived from the database's path.
It is renewed when a store that found the file intact closes, so tpmdrill's own writes
do not cost a check on the next command, while any change from outside (a copy over
it, a sync tool, a disk error that rewrote it) does. A missing or unreadable seal only
means one more check.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

from tpmdrill.errors import DatabaseProblem

Stamp = list[list[int] | None]


def stamp_of(path: Path) -> Stamp:
    """What changes whenever the database or its -wal is written, replaced or touched."""
    return [_file_stamp(path), _file_stamp(Path(f"{path}-wal"))]


def _file_stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


class Seal:
    """The record that one database file was seen intact."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = _seal_file(path)

    def matches(self, stamp: Stamp) -> bool:
        if self.file is None:
            return False
        try:
            return bool(json.loads(self.file.read_text(encoding="utf-8")) == stamp)
        except (OSError, ValueError):
            return False

    def renew(self) -> None:
        """Record the file as it is now as intact; failing to is harmless (one more check)."""
        if self.file is None:
            return
        stamp = stamp_of(self.path)
        if stamp[0] is None or self.matches(stamp):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(stamp), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass


def _seal_file(path: Path) -> Path | None:
    try:
        from platformdirs import user_cache_dir

        name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return Path(user_cache_dir("tpmdrill", appauthor=False)) / "intact" / name
    except (OSError, RuntimeError, ValueError):
        return None


def verify(conn: sqlite3.Connection, path: Path) -> Seal:
    """Raise DatabaseProblem if the file is damaged (checked unless its seal still holds);
    return the seal, to renew when the store closes."""
    seal = Seal(path)
    stamp = stamp_of(path)
    if stamp[0] is None or stamp[0][2] == 0 or seal.matches(stamp):  # new, empty, or unchanged since seen intact
        return seal
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as ex:
        if "malformed" in str(ex) or "corrupt" in str(ex):
            raise DatabaseProblem(damaged(path, str(ex))) from None
        raise  # not SQLite at all, locked, unreadable: the store explains those
    if rows != ["ok"]:
        raise DatabaseProblem(damaged(path, _first_problem(rows)))
    return seal


def damaged(path: Path, detail: str) -> str:
    return (f"{path} is damaged ({detail}); it was left as it is. "
            "'tpmdrill restore FILE' brings back a backup")


def _first_problem(rows: list[str]) -> str:
    """quick_check's first finding as a short line of plain text."""
    lines = [line.strip() for row in rows for line in row.splitlines()]
    first = next((line for line in lines if line and not line.startswith("***")), "damaged pages")
    plain = "".join(c if c.isprintable() else "?" for c in first)
    return plain if len(plain) <= 120 else plain[:119] + "…"
