"""The fixed vocabularies: ratings, memory states, card kinds and review modes.

Each member is stored as the value the database has always held (an int for `Rating`
and `MemoryState`, text for `CardKind` and `ReviewMode`), and compares equal to it, so
no migration was needed to introduce them. Names shown to people are `label`.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from tpmdrill.errors import BadValue


class Rating(IntEnum):
    """How well a card was recalled, as FSRS numbers it."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Rating:
        """The rating a person typed: its name ("good", any case) or its number (1-4),
        as the drill's keys and `review --rating` both accept."""
        key = text.strip()
        if key.isdecimal() and key.isascii() and 1 <= int(key) <= len(cls):
            return cls(int(key))
        try:
            return cls[key.upper()]
        except KeyError:
            raise BadValue(f"rating {text!r} is not one of {', '.join(LABELS)} (or 1-{len(cls)})") from None

    @classmethod
    def of(cls, value: int) -> Rating:
        """The rating stored as `value`."""
        try:
            return cls(value)
        except ValueError:
            raise BadValue(f"rating {value} is not between 1 and {len(cls)}") from None


LABELS = tuple(rating.label for rating in Rating)


class MemoryState(IntEnum):
    """Where a studied card is in FSRS's cycle (a card never studied has no state)."""

    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class CardKind(StrEnum):
    """What a card asks for; the long-answer kinds are scheduled in whole days."""

    CONCEPT = "concept"
    DESIGN = "design"
    TRADE_OFF = "trade-off"
    SQL = "sql"
    ESTIMATE = "estimate"  # issue 14: a number with a unit, judged within a tolerance
    STORY = "story"  # issue 14: a behavioural story


class ReviewMode(StrEnum):
    """How a review came about: `review` and `drill` move the schedule, `cram` never does."""

    REVIEW = "review"
    DRILL = "drill"
    CRAM = "cram"
    MOCK = "mock"  # a question of a mock interview, recorded by `mock record` or `mock --live`
    ANKI = "anki"  # issue 17: a review done in Anki, brought in by `tpmdrill import anki`
