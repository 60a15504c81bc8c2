"""Reading the fields of a deck file: problems collected with where they were found,
and the readers for a text, a list of strings and a list of kebab-case words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Problems:
    """Collects problems, each prefixed with where it was found."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, message: str, card: str | None = None, key: str | None = None, point: str | None = None) -> None:
        where = [str(self.path)]
        if card is not None:
            where.append(f"card {card!r}")
        if point is not None:
            where.append(f"point {point!r}")
        if key is not None:
            where.append(f"key {key!r}")
        self.items.append(f"{': '.join(where)}: {message}")


def text_field(
    table: dict[str, Any],
    key: str,
    problems: Problems,
    card: str | None,
    *,
    required: bool,
    prefix: str | None = None,
) -> str | None:
    name = f"{prefix}.{key}" if prefix else key
    value = table.get(key)
    if value is None:
        if required:
            problems.add("missing required key", card=card, key=name)
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add("must be a non-empty string", card=card, key=name)
        return None
    return value.strip()


def strings_field(
    table: dict[str, Any], key: str, problems: Problems, card: str, *, prefix: str | None = None
) -> tuple[str, ...]:
    """An optional list of non-empty strings (stripped)."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add("must be a list of non-empty strings", card=card, key=f"{prefix}.{key}" if prefix else key)
        return ()
    return tuple(v.strip() for v in value)


def words_field(table: dict[str, Any], key: str, problems: Problems, card: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add("must be a list of strings", card=card, key=key)
        return ()
    for word in value:
        if not KEBAB.match(word):
            problems.add(f"{word!r} is not kebab-case", card=card, key=key)
    if len(set(value)) != len(value):
        problems.add("repeats an entry", card=card, key=key)
    return tuple(value)
