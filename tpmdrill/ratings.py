"""The four ratings of a review, by name and by the number FSRS and the store use
(see `tpmdrill.enums.Rating`)."""

from __future__ import annotations

from tpmdrill.enums import LABELS, Rating
from tpmdrill.errors import BadValue

RATINGS = LABELS  # "again", "hard", "good", "easy"


def rating_value(name: str) -> Rating:
    """The rating named (or numbered 1-4) by `name`; BadValue otherwise."""
    return Rating.parse(name)


def rating_name(value: int) -> str:
    return Rating.of(value).label


def rating_choice(text: str) -> str | None:
    """The rating's name for what a person typed at a prompt ("3", "Good"); None when
    it is not a rating (a command key, a typo)."""
    try:
        return Rating.parse(text).label
    except BadValue:
        return None
