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
