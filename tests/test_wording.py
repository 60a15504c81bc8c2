"""Counts in words: one helper, so nothing says "1 reviews"."""

from __future__ import annotations

import pytest

from tpmdrill.wording import noun, plural


@pytest.mark.parametrize(
    ("count", "word", "many", "text"),
    [
        (0, "review", None, "0 reviews"),
        (1, "review", None, "1 review"),
        (2, "lapse", None, "2 lapses"),
        (1, "story", "stories", "1 story"),
        (3, "story", "stories", "3 stories"),
        (-1, "day", None, "-1 days"),
        (1, "Again", None, "1 Again"),
        (4, "Again", None, "4 Agains"),
        (2, "manual Anki entry", "manual Anki entries", "2 manual Anki entries"),
    ],
)
def test_plural(count: int, word: str, many: str | None, text: str) -> None:
    assert plural(count, word, many) == text


def test_digits_format_the_number_and_noun_gives_the_word_alone() -> None:
    assert plural(12000, "review", digits=",") == "12,000 reviews"
    assert plural(7, "card", digits=">4") == "   7 cards"
    assert noun(1, "card") == "card"
    assert noun(0.5, "minute") == "minutes"
