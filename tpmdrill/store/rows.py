"""What the store hands back: small frozen records, never positional tuples.

Every row the store reads becomes one of these, through the converters here (one per
kind of row), so a column's meaning is written down once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from tpmdrill.clock import from_text
from tpmdrill.decks import Card, EstimateTarget, FollowUp, RubricPoint
from tpmdrill.enums import CardKind, MemoryState, Rating, ReviewMode


@dataclass(frozen=True)
class Memory:
    """A card's FSRS memory state, as stored."""

    state: MemoryState
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int


def live(alias: str) -> str:
    """SQL true for a review (table alias `alias`) that no undo has voided: analytics,
    pacing and scheduling read only these. It tests the rowid, which every index of
    reviews carries, so index-only reads stay index-only; SQLite lists the few voided
    rowids once per statement, and with no voids at all (the usual case) it skips the
    test on each row (the EXISTS runs once)."""
    return (
        "(NOT EXISTS (SELECT 1 FROM voids) OR"  # noqa: S608
        f" {alias}.rowid NOT IN (SELECT vr.rowid FROM voids vo JOIN reviews vr ON vr.id = vo.review))"
    )


LIVE = live("r")

MEMORY_KEYS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


@dataclass(frozen=True)
class PointVerdictRow:
    point: str
    auto_hit: bool | None  # None when the review was recorded without grading
    hit: bool
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """One review as it is recorded; `id` is a UUID so merged histories never collide."""

    card: str
    reviewed_at: datetime
    rating: Rating
    mode: ReviewMode
    rescheduled: bool = True
    suggested: Rating | None = None
    score: float | None = None
    answer: str | None = None
    seconds: float | None = None
    verdicts: tuple[PointVerdictRow, ...] = ()
    id: str = ""
    attempts: int | None = None  # sql cards: how many queries the answer took

    def with_id(self) -> Review:
        if self.id:
            return self
        return Review(**{**self.__dict__, "id": uuid.uuid4().hex})


@dataclass(frozen=True)
class CardName:
    """How a card can be named: its full id, its deck and its id within the deck."""

    id: str
    deck: str
    key: str


@dataclass(frozen=True)
class DeckSync:
    deck: str
    added: int
    updated: int
    retired: int
    unchanged: int


# ---- the queue -------------------------------------------------------------------


@dataclass(frozen=True)
class DueCard:
    card: Card
    memory: Memory


@dataclass(frozen=True)
class NewCard:
    card: Card
    position: int  # in its deck


@dataclass(frozen=True)
class Trouble:
    """A reviewed card's trouble over its last few reviews."""

    card: Card
    memory: Memory | None
    missed: int  # rubric points missed
    judged: int  # rubric points judged
    failed: int  # Again ratings


class DueNow(NamedTuple):
    """The cards due now (at most the limit asked for) and how many are due in all."""

    cards: list[dict[str, Any]]
    total: int


@dataclass(frozen=True)
class LastSeen:
    at: datetime
    rating: int


@dataclass(frozen=True)
class MissedPoint:
    card: str
    point: str
    misses: int


# ---- aggregates ------------------------------------------------------------------


@dataclass(frozen=True)
class DayReviews:
    """One UTC day's reviews; `graduated` counts reviews of cards in review state."""

    day: str
    reviews: int
    graduated: int
    passed: int  # of the graduated ones
    learning_agains: int = 0  # Agains of cards not (or no longer) in review state


@dataclass(frozen=True)
class DayDue:
    day: str
    due: int


@dataclass(frozen=True)
class DeckMemory:
    deck: str
    title: str
    category: str
    cards: int  # active
    studied: int
    mastered: int  # cards with stability above the mastered threshold
    recall_sums: tuple[float, ...]  # studied cards' summed recall at each moment asked for

    @property
    def recall_sum(self) -> float:
        """Summed recall at the first moment asked for."""
        return self.recall_sums[0]


@dataclass(frozen=True)
class CardMinutes:
    card: str
    category: str
    minutes: int


@dataclass(frozen=True)
class CardFacts:
    """What `weak` needs to rank and time a card: its prompt, kind, minutes, category
    and FSRS stability in days (None for a card never studied)."""

    card: str
    prompt: str
    kind: str
    minutes: int
    category: str
    stability: float | None


@dataclass(frozen=True)
class WeightedMisses:
    """Recency-weighted misses of one group: `key` is a card, tag, category or (with
    `point`) a rubric point; `count` is the evidence (verdicts or reviews)."""

    group: str
    key: str
    count: int
    weight: float
    missed: float
    point: str = ""
    misses: int = 0  # plain count of misses (Again, or a point not hit) in the window
    last_missed: str | None = None  # when the latest of them happened (stored text)


@dataclass(frozen=True)
class AssessmentSum:
    taken_at: str
    total: int
    rated: int
    skipped: int


class Assessment(NamedTuple):
    id: int
    taken_at: datetime
    ratings: dict[str, int | None]  # None = skipped


@dataclass(frozen=True)
class SkillCard:
    skill: str
    card: Card
    memory: Memory | None
    last_rating: int | None


# ---- whole tables ----------------------------------------------------------------


class TimedRating(NamedTuple):
    at: str  # stored time text
    rating: int


@dataclass(frozen=True)
class CardHistory:
    """A card's scheduled reviews, oldest first."""

    card: str
    kind: str
    reviews: list[TimedRating]


# ---- converters ------------------------------------------------------------------


class RowLike(Protocol):
    """A row read by column name: a `sqlite3.Row`, or a dict from `table_rows`."""

    def __getitem__(self, key: str, /) -> Any: ...


CARD_COLUMNS = (
    "c.deck, c.key, c.kind, c.prompt, c.minutes, c.tags, c.skills, c.answer, c.rubric,"
    " c.fixture, c.solution, c.ordered,"
    # issue 14; aliased, as memory has a `difficulty` of its own (FSRS's)
    " c.difficulty AS card_difficulty, c.prompts, c.follow_ups, c.estimate"
)
MEMORY_COLUMNS = "m.state, m.step, m.stability, m.difficulty, m.due, m.last_review, m.reps, m.lapses"


def card_from_row(row: RowLike) -> Card:
    """A Card from a row holding the `CARD_COLUMNS`."""
    rubric = tuple(RubricPoint.from_json(p) for p in json.loads(row["rubric"]))
    return Card(
        deck=row["deck"], id=row["key"], kind=CardKind(row["kind"]), prompt=row["prompt"], minutes=row["minutes"],
        tags=tuple(json.loads(row["tags"])), skills=tuple(json.loads(row["skills"])), answer=row["answer"],
        rubric=rubric, fixture=row["fixture"], solution=row["solution"], ordered=bool(row["ordered"]),
        difficulty=row["card_difficulty"], prompts=tuple(json.loads(row["prompts"])),
        follow_ups=tuple(FollowUp.from_json(f) for f in json.loads(row["follow_ups"])),
        estimate=EstimateTarget.from_json(json.loads(row["estimate"])) if row["estimate"] is not None else None,
    )


def memory_from_row(row: RowLike | None) -> Memory | None:
    """A Memory from a row holding the memory table's columns; None for a new card
    (no row, or a LEFT JOIN that found none)."""
    if row is None or row["state"] is None:
        return None
    return Memory(
        state=MemoryState(row["state"]), step=row["step"], stability=row["stability"], difficulty=row["difficulty"],
        due=from_text(row["due"]), reps=row["reps"], lapses=row["lapses"],
        last_review=from_text(row["last_review"]) if row["last_review"] is not None else None,
    )


# ---- mock sheets (issue 15) ----------------------------------------------------------


@dataclass(frozen=True)
class MockCandidate:
    """An active card as a mock set weighs it."""

    card: str
    category: str
    kind: str
    minutes: int
    difficulty: int
    follow_ups: int


@dataclass(frozen=True)
class MockSheetRow:
    id: str
    created_at: datetime
    seed: int
    minutes: int
    round: str
    focus: str
    source: str  # sheet (printed, recorded with `mock record`) | live (`mock --live`)
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class MockOutcomeRow:
    """How a question went: its review, the confirmed score, time taken, notes."""

    review: str
    score: float | None
    seconds: float | None = None
    notes: str | None = None
    rating: int | None = None  # read back from the review


@dataclass(frozen=True)
class MockQuestionRow:
    position: int
    card: str
    category: str
    kind: str
    minutes: int
    role: str
    outcome: MockOutcomeRow | None = None


MOCK_SHEET_COLUMNS = "s.id, s.created_at, s.seed, s.minutes, s.round, s.focus, s.source, s.recorded_at"
MOCK_QUESTION_COLUMNS = (
    "q.position, q.card, q.category, q.kind, q.minutes, q.role, q.review, q.score, q.seconds, q.notes,"
    " (SELECT r.rating FROM reviews r WHERE r.id = q.review) AS rating"
)


def mock_sheet_from_row(row: RowLike) -> MockSheetRow:
    return MockSheetRow(
        row["id"], from_text(row["created_at"]), int(row["seed"]), int(row["minutes"]), row["round"], row["focus"],
        row["source"], from_text(row["recorded_at"]) if row["recorded_at"] is not None else None,
    )


def mock_question_from_row(row: RowLike) -> MockQuestionRow:
    outcome = None if row["review"] is None else MockOutcomeRow(
        row["review"], row["score"], row["seconds"], row["notes"], row["rating"])
    return MockQuestionRow(int(row["position"]), row["card"], row["category"], row["kind"], int(row["minutes"]),
                           row["role"], outcome)


@dataclass(frozen=True)
class ReviewToUndo:
    """The latest live review, with the memory row it replaced when that was recorded."""

    id: str
    card: str
    reviewed_at: datetime
    rating: Rating
    mode: str
    rescheduled: bool
    was_new: bool  # no memory state before it
    memory_before: Memory | None  # None for a new card, or for a review recorded before m007
    prior_scheduled: int  # live scheduled reviews of the card before this one
    prior_last: datetime | None  # the time of the latest of those


def memory_from_json(text: str | None) -> Memory | None:
    """A Memory from a review's `memory_before` JSON (the memory row's own columns)."""
    if text is None:
        return None
    row = json.loads(text)
    return memory_from_row(row)


class TimedReview(NamedTuple):
    kind: str
    seconds: float  # time really taken
    minutes: int  # the card's expected minutes


class DueLoad(NamedTuple):
    day: str  # UTC date
    kind: str
    cards: int
    minutes: int  # the cards' expected minutes, summed


class LapseRate(NamedTuple):
    group: str  # "category" or "tag"
    name: str
    lapses: int
    reviews: int
