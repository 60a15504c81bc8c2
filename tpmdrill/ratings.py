"""The four ratings of a review, by name and by the number FSRS and the store use."""

from __future__ import annotations

from tpmdrill.errors import BadValue

RATINGS = ("again", "hard", "good", "easy")


def rating_value(name: str) -> int:
    try:
        return RATINGS.index(name.lower()) + 1
    except ValueError:
        raise BadValue(f"rating {name!r} is not one of {', '.join(RATINGS)}") from None


def rating_name(value: int) -> str:
    if not 1 <= value <= len(RATINGS):
        raise BadValue(f"rating {value} is not between 1 and {len(RATINGS)}")
    return RATINGS[value - 1]
