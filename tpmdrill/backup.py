"""`tpmdrill backup` and `tpmdrill restore`: whole-database copies that are safe to take and to put back.

A backup is one read transaction's snapshot taken through SQLite's online backup API,
so a drill recording reviews in another process neither blocks it nor tears it. A
restore first checks the file (SQLite header, integrity check, tpmdrill's tables),
copies it next to the database, moves the current database and its -wal/-shm files
aside to `<db>.before-restore-<time>`, and only then puts the copy in place; if any
step fails, the current database is put back as it was.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from tpmdrill.errors import BadValue, DatabaseProblem
from tpmdrill.paths import atomic_output
from tpmdrill.progress import Progress, quiet
from tpmdrill.store import Store, check_database_file, checkpoint_database_file, copy_database_file

SIDE_FILES = ("", "-wal", "-shm")


def backup(store: Store, target: Path, *, overwrite: bool = False, progress: Progress = quiet) -> None:
    """Write a consistent, self-contained copy of the live database to `target`."""
    here = store.file_path()
    if here is not None and target.resolve() == here.resolve():
        raise BadValue(f"{target} is the live database; give a different file for the backup")
    if target.exists() and not overwrite:
        raise BadValue(f"{target} exists; pass --force to replace it")
    if not target.parent.is_dir():
        raise BadValue(f"cannot write {target}: folder {target.parent} does not exist")
    # A uniquely named temporary copy: a user's own FILE.partial is never touched.
    with atomic_output(target) as partial:
        with progress("Copying the database", store.page_count()) as advance:
            done = [0]

            def on_pages(copied: int, _total: int) -> None:
                advance(copied - done[0])
                done[0] = copied

            partial.unlink()  # SQLite's backup writes a fresh file
            store.backup_to(partial, on_pages)
        check_database_file(partial)


def restore(database: Path, source: Path, now: datetime) -> Path | None:
    """Replace `database` with the checked backup `source`; return where the old one was put."""
    check_database_file(source)
    incoming = database.with_name(database.name + ".restoring")
    incoming.unlink(missing_ok=True)
    try:
        copy_database_file(source, incoming)
        check_database_file(incoming)
        aside = _move_aside(database, now)
        try:
            os.replace(incoming, database)
        except OSError:
            _move_back(aside, database)
            raise
    except OSError as ex:
        raise DatabaseProblem(f"cannot restore {source} over {database}: {ex.strerror or ex}; "
                              "the current database is unchanged") from None
    finally:
        incoming.unlink(missing_ok=True)
    return aside


def aside_path(database: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = database.with_name(f"{database.name}.before-restore-{stamp}")
    number = 1
    while any(Path(f"{candidate}{suffix}").exists() for suffix in SIDE_FILES):
        number += 1
        candidate = database.with_name(f"{database.name}.before-restore-{stamp}-{number}")
    return candidate


def _move_aside(database: Path, now: datetime) -> Path | None:
    """Move the database and its WAL files to one new name; None when there is no database yet."""
    if not database.exists():
        return None
    checkpoint_database_file(database)
    aside = aside_path(database, now)
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in SIDE_FILES:
            current = Path(f"{database}{suffix}")
            if current.exists():
                os.replace(current, f"{aside}{suffix}")
                moved.append((current, Path(f"{aside}{suffix}")))
    except OSError:
        for original, new in reversed(moved):
            os.replace(new, original)
        raise
    return aside


def _move_back(aside: Path | None, database: Path) -> None:
    if aside is None:
        return
    for suffix in SIDE_FILES:
        moved = Path(f"{aside}{suffix}")
        if moved.exists():
            os.replace(moved, f"{database}{suffix}")
