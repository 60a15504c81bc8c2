"""Where tpmdrill finds its bundled files and the user's database."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tpmdrill.errors import BadValue

PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # In a wheel the folder is copied inside the package; in a source checkout
    # (editable install, tests) it sits at the top of the repository.
    inside = PACKAGE / "_bundled" / name
    return inside if inside.is_dir() else PACKAGE.parent / name


def bundled_decks_dir() -> Path:
    return _bundled("decks")


def templates_dir() -> Path:
    return _bundled("templates")


def default_db_path() -> Path:
    """TPMDRILL_DB, else tpmdrill.db in the user data directory."""
    override = os.environ.get("TPMDRILL_DB")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("tpmdrill", appauthor=False)) / "tpmdrill.db"


def template_cache_dir() -> Path:
    """Where compiled report and sheet templates are kept between runs (the user cache
    directory): only ever rebuilt from the templates, so it can be deleted at any time."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tpmdrill", appauthor=False)) / "templates"


# Files no user-named output may replace: the live database and its side files (added
# when a store opens one) and a backup's temporary copy while it is being written.
_PROTECTED: set[Path] = set()
DATABASE_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def protect_database(path: Path) -> None:
    """Refuse, from now on, any output that resolves to this database or its side files."""
    try:
        base = path.resolve()
    except (OSError, ValueError):
        return
    _PROTECTED.update(Path(f"{base}{suffix}") for suffix in DATABASE_SIDE_FILES)


def _refuse_protected(path: Path, target: Path) -> None:
    for protected in _PROTECTED:
        same = target == protected
        if not same and target.exists() and protected.exists():
            same = os.path.samefile(target, protected)  # a hard link is the same file too
        if same:
            raise BadValue(f"{path} is the live database or one of its files; give a different file")


def output_target(path: Path) -> Path:
    """Where writing `path` really lands (through symlinks), refused when that is the live
    database, its -wal/-shm/-journal, a backup in progress or a folder."""
    try:
        target = path.resolve()
        _refuse_protected(path, target)
        if target.is_dir():
            raise BadValue(f"cannot write {path}: it is a folder")
        if not target.parent.is_dir():
            raise BadValue(f"cannot write {path}: folder {target.parent} does not exist")
    except ValueError:  # a NUL in the path
        raise BadValue("cannot write to a path with a NUL character in it") from None
    except OSError as ex:
        raise BadValue(f"cannot write {path}: {ex.strerror or ex}") from None
    return target


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary file beside `path` (uniquely named, never a file of the
    user's) to write; on success it is fsynced and renamed over `path`, on any failure
    it is removed and `path` keeps its previous content. A symlink is written through."""
    target = output_target(path)
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as ex:
        raise BadValue(f"cannot write {path}: {ex.strerror or ex}") from None
    os.close(handle)
    temporary = Path(name)
    _PROTECTED.add(temporary)
    try:
        yield temporary
        _sync(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
        _sync_folder(target.parent)
    except OSError as ex:
        raise BadValue(f"cannot write {path}: {ex.strerror or ex}; the previous file is unchanged") from None
    finally:
        _PROTECTED.discard(temporary)
        temporary.unlink(missing_ok=True)


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write `text` to `path` through `atomic_output`: all of it or, on failure, nothing."""
    with atomic_output(path) as temporary:
        if isinstance(text, bytes):
            temporary.write_bytes(text)
        else:
            temporary.write_text(text, encoding="utf-8")


def _sync(path: Path) -> None:
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is done either way
    finally:
        os.close(descriptor)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; ValueError saying why not.
    A FIFO, a device (/dev/zero) or a folder is refused before it is opened, so
    nothing hangs or fills memory."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > limit:
            raise ValueError(f"larger than the limit of {limit:,} bytes")
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as ex:
        raise ValueError(f"{ex.strerror or ex}") from None
    if len(data) > limit:
        raise ValueError(f"larger than the limit of {limit:,} bytes")
    return data
