"""Where tpmdrill finds its bundled files and the user's database."""

from __future__ import annotations

import os
from pathlib import Path

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


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename,
    so a reader never sees half a file and a failed write leaves the old one."""
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
