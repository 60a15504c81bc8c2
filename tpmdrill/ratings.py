"""The four ratings of a review, by name and by the number FSRS and the store use
(see `tpmdrill.enums.Rating`)."""

from __future__ import annotations

from tpmdrill.enums import LABELS, Rating

RATINGS = LABELS  # "again", "hard", "good", "easy"


def rating_value(name: str) -> Rating:
    return Rating.parse(name)


def rating_name(value: int) -> str:
    return Rating.of(value).label
