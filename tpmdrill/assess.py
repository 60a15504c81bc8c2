"""The self-assessment: 28 skills in four dimensions rated 1-5 (or skipped), the bands
their total falls in, and the gap analysis that turns low ratings into cards to drill.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from tpmdrill.errors import BadValue, TpmdrillError
from tpmdrill.skills import DIMENSIONS, SKILLS
from tpmdrill.store import Store

Ratings = dict[str, int | None]

LEVELS: dict[int, str] = {
    1: "don't understand it",
    2: "have heard of it, can't explain it yet",
    3: "can explain the basics",
    4: "can discuss its trade-offs with engineers",
    5: "could teach it",
}
GAP_BELOW = 4  # a skill rated under this is a gap


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    name: str
    meaning: str


BANDS = (
    Band(80, 140, "already a technical PM", "focus on advanced topics"),
    Band(50, 79, "solid foundations", "3-6 months of focused work"),
    Band(25, 49, "learning phase", "6-12 months of learning"),
    Band(0, 24, "start with fundamentals", "begin with the basics of each dimension"),
)


class NoAssessment(TpmdrillError):
    pass


def band_for(total: int) -> Band:
    """The band a total falls in (totals below 25 need skipped skills)."""
    return next(band for band in BANDS if total >= band.low)


@dataclass(frozen=True)
class AssessmentSummary:
    """A self-assessment's ratings summed: per dimension, in total, and the band."""

    ratings: Ratings
    subtotals: dict[str, int]
    total: int
    rated: int
    band: Band

    def to_json(self) -> dict[str, object]:
        return {
            "ratings": self.ratings, "subtotals": self.subtotals, "total": self.total,
            "rated": self.rated, "skipped": len(SKILLS) - self.rated,
            "band": {"name": self.band.name, "meaning": self.band.meaning,
                     "low": self.band.low, "high": self.band.high},
        }


def summarize_ratings(ratings: Mapping[str, int | None]) -> AssessmentSummary:
    """Subtotals per dimension, the total and its band; a skipped skill counts 0."""
    complete = {skill: ratings.get(skill) for skill in SKILLS}
    subtotals = {
        dimension: sum(complete[skill] or 0 for skill, _ in entries)
        for dimension, entries in DIMENSIONS.items()
    }
    total = sum(subtotals.values())
    rated = sum(1 for value in complete.values() if value is not None)
    return AssessmentSummary(complete, subtotals, total, rated, band_for(total))


def check_rating(skill: str, value: object) -> int | None:
    """A rating from a file or a prompt: 1-5, or None for 'skip'/0."""
    if not isinstance(value, bool) and value in ("skip", "", 0, None):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise BadValue(f"skill {skill!r}: rating {value!r} must be 1-5 or \"skip\"")
    return value


def parse_ratings(text: str, source: str = "ratings file") -> Ratings:
    """Ratings from TOML: `skill-id = 1..5` or `"skip"`, at top level or under [ratings].

    Only the skills the file names (a skip is None); `record_assessment(carry_over=True)`
    keeps the latest rating of the others. An unknown skill id is an error that lists the ids.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as ex:
        raise BadValue(f"{source}: malformed TOML: {ex}") from None
    table = data.get("ratings", data)
    if not isinstance(table, dict):
        raise BadValue(f"{source}: [ratings] must be a table of skill = rating")
    unknown = sorted(set(table) - set(SKILLS))
    if unknown:
        raise BadValue(f"{source}: unknown skill {unknown[0]!r}; skills: {', '.join(SKILLS)}")
    try:
        return {skill: check_rating(skill, table[skill]) for skill in SKILLS if skill in table}
    except BadValue as ex:
        raise BadValue(f"{source}: {ex}") from None


@dataclass(frozen=True)
class Change:
    previous_taken_at: datetime
    total: int
    subtotals: dict[str, int]
    moved: dict[str, tuple[int | None, int | None]]  # skill -> (before, now), where it changed

    def to_json(self) -> dict[str, object]:
        return {
            "previous_taken_at": self.previous_taken_at.isoformat(), "total": self.total,
            "subtotals": self.subtotals,
            "skills": {skill: {"before": b, "now": n} for skill, (b, n) in self.moved.items()},
        }


def change_between(before: AssessmentSummary, after: AssessmentSummary, previous_taken_at: datetime) -> Change:
    moved = {
        skill: (before.ratings[skill], after.ratings[skill])
        for skill in SKILLS
        if before.ratings[skill] != after.ratings[skill]
    }
    subtotals = {d: after.subtotals[d] - before.subtotals[d] for d in DIMENSIONS}
    return Change(previous_taken_at, after.total - before.total, subtotals, moved)


@dataclass(frozen=True)
class Outcome:
    id: int
    taken_at: datetime
    summary: AssessmentSummary
    change: Change | None
    carried: tuple[str, ...] = ()  # skills that kept the previous assessment's rating, in catalogue order

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "taken_at": self.taken_at.isoformat(), **self.summary.to_json(),
                "change": self.change.to_json() if self.change else None, "carried_over": list(self.carried)}


def record_assessment(
    store: Store, ratings: Mapping[str, int | None], at: datetime, *, carry_over: bool = False
) -> Outcome:
    """Store an assessment and compare it with the one before it.

    A skill `ratings` leaves out is skipped, or with `carry_over` (a file naming only
    some skills) keeps its rating from the previous assessment: it is stored in this
    one marked as carried over, so the totals do not drop and history still tells a
    rating given today from one kept.
    """
    previous = store.assessments(limit=1)
    kept: dict[str, int | None] = {}
    if carry_over and previous:
        kept = {skill: rating for skill, rating in previous[0].ratings.items()
                if skill in SKILLS and skill not in ratings and rating is not None}
    summary = summarize_ratings({**ratings, **kept})
    assessment = store.save_assessment(at, dict(summary.ratings), carried=set(kept))
    change = None
    if previous:
        change = change_between(summarize_ratings(previous[0].ratings), summary, previous[0].taken_at)
    return Outcome(assessment, at, summary, change, tuple(skill for skill in SKILLS if skill in kept))


def latest_ratings(store: Store) -> Ratings | None:
    latest = store.assessments(limit=1)
    return latest[0].ratings if latest else None


# ---- gap analysis --------------------------------------------------------------


@dataclass(frozen=True)
class TrainingCard:
    card: str
    deck: str
    kind: str
    prompt: str
    state: str
    reps: int
    lapses: int
    last_rating: int | None
    recall: float | None  # predicted recall now; None for a card never studied


@dataclass(frozen=True)
class Gap:
    skill: str
    name: str
    dimension: str
    rating: int
    cards: tuple[TrainingCard, ...]

    @property
    def decks(self) -> list[str]:
        return sorted({card.deck for card in self.cards})

    def progress(self) -> dict[str, object]:
        """How the skill's cards are going: met, lapses, and mean predicted recall."""
        studied = [card for card in self.cards if card.state != "new"]
        recalls = [card.recall for card in studied if card.recall is not None]
        return {
            "cards": len(self.cards), "studied": len(studied),
            "lapses": sum(card.lapses for card in studied),
            "recall": round(sum(recalls) / len(recalls), 3) if recalls else None,
        }

    def to_json(self) -> dict[str, object]:
        return {
            "skill": self.skill, "name": self.name, "dimension": self.dimension, "rating": self.rating,
            "decks": self.decks, "progress": self.progress(),
            "cards": [card.__dict__ for card in self.cards],
        }


def gap_skills(ratings: Mapping[str, int | None]) -> list[str]:
    """Skills rated below 4, lowest rating first, then in catalogue order."""
    order = list(SKILLS)
    low = [s for s in order if (r := ratings.get(s)) is not None and r < GAP_BELOW]
    return sorted(low, key=lambda s: (ratings[s], order.index(s)))


class GapReport(NamedTuple):
    """What `gaps` shows: the latest assessment's date and its gaps (the first ones, when
    limited), and how many skills are gaps in all."""

    assessed_at: datetime
    gaps: list[Gap]
    total: int

    def to_json(self) -> dict[str, object]:
        return {"assessed_at": self.assessed_at.isoformat(), "gaps": [gap.to_json() for gap in self.gaps],
                "total_gaps": self.total}


def find_gaps(store: Store, at: datetime, *, limit: int | None = None) -> GapReport:
    """The latest assessment's date and its gaps (the `limit` lowest-rated, or all), each
    with the cards that train it."""
    from tpmdrill.scheduler import SchedulerConfig, retrievability, state_name  # not needed by `weak`

    latest = store.assessments(limit=1)
    if not latest:
        raise NoAssessment("no self-assessment yet; run 'tpmdrill assess' first")
    taken_at, ratings = latest[0].taken_at, latest[0].ratings
    every = gap_skills(ratings)
    skills = every[:limit] if limit is not None else every
    config = SchedulerConfig.from_settings(store.settings())
    by_skill: dict[str, list[TrainingCard]] = {skill: [] for skill in skills}
    for row in store.skill_cards(skills):
        card, memory = row.card, row.memory
        by_skill[row.skill].append(TrainingCard(
            card.full_id, card.deck, card.kind, card.prompt, state_name(memory),
            memory.reps if memory else 0, memory.lapses if memory else 0, row.last_rating,
            round(retrievability(card.kind, memory, at, config), 3) if memory else None,
        ))
    gaps = [
        Gap(skill, SKILLS[skill].name, SKILLS[skill].dimension, int(ratings[skill] or 0),
            tuple(by_skill[skill]))
        for skill in skills
    ]
    return GapReport(taken_at, gaps, len(every))
