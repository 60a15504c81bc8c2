"""Counts in words for people: "1 review", "2 reviews", "1 story", "3 stories".

Every human-readable count the CLI prints goes through `plural`, so no line says
"1 reviews". Irregular plurals are given by the caller (`plural(n, "story", "stories")`)
rather than guessed.
"""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None, *, digits: str = "") -> str:
    """`count` and `word`, the word in its plural form unless the count is exactly 1.

    `many` is the plural when adding "s" is wrong ("stories"); `digits` formats the
    number (`","` for "12,000 reviews").
    """
    return f"{count:{digits}} {noun(count, word, many)}"


def noun(count: int | float, word: str, many: str | None = None) -> str:
    """Only the word, singular or plural to agree with `count` (for "3 of 5 cards")."""
    return word if count == 1 else (many if many is not None else word + "s")
