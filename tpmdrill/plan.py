"""The plan to the interview day within a daily budget.

Every UTC day from today to the day before the interview D holds at most the daily
budget, in minutes at the user's pace (`pace`). The plan is filled in three passes:

1. the reviews the interview rule requires: every studied card due before D, on its
   due day (overdue ones today); a day that is full pushes a review to the next day
   with room, then to earlier ones;
2. the reviews those will need in turn before D, projected with FSRS's stability
   growth for a Good answer and the rule's cap (recall on D at least the target),
   where they fit;
3. new cards (only when every required review fits), by value: skills the self-assessment rated below 4, the weakest
   categories and tags (lapses per review), the categories of the round the user
   prepares for, and difficulty suited to the time left. A new card goes in only
   when its first session and every review it then needs before D fit.

Cards that cannot fit are listed in `not_fitting`, never dropped: the promise is that
every card the plan can fit is met in time, and the rest are named. The plan is made
afresh from the store each time, so it follows what was really done.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from typing import Any, NamedTuple

from tpmdrill.pace import Pace

SENIOR_DAYS = 21  # with fewer days left, senior (difficulty 3) cards are worth less
MAX_PROJECTED = 8  # reviews projected per card before the interview


class PlanCard(NamedTuple):
    """One card as the planner sees it (a tuple: tens of thousands are built per plan)."""

    id: str
    kind: str
    minutes: float  # at the user's pace
    category: str
    due: date | None  # None: never studied
    stability: float | None = None
    difficulty: float | None = None  # FSRS difficulty (1-10)
    last_review: date | None = None
    value: float = 1.0  # for new cards: how much meeting it now is worth
    position: int = 0


@dataclass(frozen=True)
class Curve:
    """FSRS's forgetting curve and stability growth for a Good answer."""

    parameters: Sequence[float]
    desired_retention: float = 0.9
    target: float = 0.95  # recall to keep on the interview day

    @property
    def decay(self) -> float:
        return -float(self.parameters[20])

    @property
    def factor(self) -> float:
        return float(0.9 ** (1 / self.decay) - 1)

    def recall(self, days: float, stability: float) -> float:
        return float((1 + self.factor * max(0.0, days) / stability) ** self.decay)

    def interval(self, stability: float) -> int:
        days: float = stability / self.factor * (self.desired_retention ** (1 / self.decay) - 1)
        return max(1, round(days))

    def grown(self, stability: float, difficulty: float, elapsed: float) -> float:
        w = self.parameters
        recall = self.recall(elapsed, stability)
        growth: float = math.exp(w[8]) * (11 - difficulty) * stability ** -w[9] * (math.exp(w[10] * (1 - recall)) - 1)
        return stability * (1 + growth)

    def first_stability(self) -> float:
        return float(self.parameters[2])

    def first_difficulty(self) -> float:
        w = self.parameters
        return float(min(10.0, max(1.0, w[4] - math.exp(w[5] * 2) + 1)))


@dataclass(frozen=True)
class PlanDay:
    day: date
    minutes: float
    cards: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"date": self.day.isoformat(), "minutes": round(self.minutes, 1), "cards": list(self.cards)}


@dataclass(frozen=True)
class StudyPlan:
    interview: date
    daily_minutes: int
    days: tuple[PlanDay, ...]
    not_fitting: tuple[str, ...]
    required: frozenset[str] = field(default_factory=frozenset)  # cards the rule needs reviewed
    new_cards: frozenset[str] = field(default_factory=frozenset)  # new cards the plan meets

    def to_json(self) -> dict[str, object]:
        return {"date": self.interview.isoformat(), "daily_minutes": self.daily_minutes,
                "days": [day.to_json() for day in self.days], "not_fitting": list(self.not_fitting)}

    def today(self) -> PlanDay | None:
        return self.days[0] if self.days else None


class _Calendar:
    """Minutes left on each day from `first` to `last`, and what each day holds."""

    def __init__(self, first: date, last: date, daily: float, spent_today: float) -> None:
        self.first = first
        count = max(0, (last - first).days + 1)
        self.room = [float(daily)] * count
        if count:
            self.room[0] = max(0.0, daily - spent_today)
        self.cards: list[list[str]] = [[] for _ in range(count)]
        self.used = [0.0] * count
        self.most = max(self.room, default=0.0)  # the most room any day has

    def index(self, day: date) -> int:
        return (day - self.first).days

    def place_near(self, card: PlanCard, target: int, after: int = -1) -> int | None:
        """Put a review on `target`, or the latest earlier day with room (after `after`):
        the rule wants it no later than its due day; failing that, the first later one."""
        days = len(self.room)
        if card.minutes > self.most:
            return None
        target = min(max(target, 0), days - 1)
        for index in chain(range(target, after, -1), range(target + 1, days)):
            if self.room[index] >= card.minutes:
                self.take(card, index)
                return index
        return None

    def take(self, card: PlanCard, index: int, minutes: float | None = None) -> None:
        spend = card.minutes if minutes is None else minutes
        self.room[index] -= spend
        self.used[index] += spend
        self.cards[index].append(card.id)
        self.most = max(self.room, default=0.0)

    def give_back(self, card: PlanCard, index: int, minutes: float) -> None:
        self.room[index] += minutes
        self.used[index] -= minutes
        self.cards[index].remove(card.id)
        self.most = max(self.room, default=0.0)


def first_day_minutes(card: PlanCard) -> float:
    """A concept card's first session has its learning step too: two looks."""
    return card.minutes * (2 if card.kind == "concept" else 1)


def follow_ups(card: PlanCard, reviewed: date, stability: float, difficulty: float,
               interview: date, curve: Curve) -> list[date]:
    """The days of the reviews a card needs before the interview after one on `reviewed`."""
    days: list[date] = []
    last = reviewed
    for _ in range(MAX_PROJECTED):
        step = curve.interval(stability)
        if curve.recall((interview - last).days, stability) < curve.target:
            step = min(step, (interview - last).days - 1)
        upcoming = last + timedelta(days=max(1, step))
        if upcoming >= interview:
            break
        days.append(upcoming)
        stability = curve.grown(stability, difficulty, (upcoming - last).days)
        last = upcoming
    return days


def make_plan(cards: Iterable[PlanCard], today: date, interview: date, daily_minutes: int,
              curve: Curve, spent_today: float = 0.0) -> StudyPlan:
    """The day-by-day plan (pure: everything comes in as arguments)."""
    calendar = _Calendar(today, interview - timedelta(days=1), daily_minutes, spent_today)
    studied = sorted((c for c in cards if c.due is not None and c.due < interview),
                     key=lambda c: (c.due, c.id))
    fresh = [c for c in cards if c.due is None]
    not_fitting: list[str] = []
    placed: list[tuple[PlanCard, int]] = []
    for card in studied:
        index = calendar.place_near(card, calendar.index(max(today, card.due or today)))
        if index is None:
            not_fitting.append(card.id)
        else:
            placed.append((card, index))
    for card, index in placed:
        _place_follow_ups(calendar, card, index, interview, curve)
    if not_fitting:  # even the reviews the rule requires do not all fit: start nothing new
        not_fitting.extend(c.id for c in sorted(fresh, key=lambda c: (-c.value, c.minutes, c.position, c.id)))
        fresh = []
    met = _place_new(calendar, fresh, interview, curve, not_fitting)
    days = tuple(PlanDay(today + timedelta(days=i), calendar.used[i], tuple(calendar.cards[i]))
                 for i in range(len(calendar.room)))
    return StudyPlan(interview, daily_minutes, days, tuple(not_fitting),
                     frozenset(c.id for c in studied), frozenset(met))


def _place_follow_ups(calendar: _Calendar, card: PlanCard, index: int, interview: date, curve: Curve) -> None:
    if card.stability is None:
        return
    day = calendar.first + timedelta(days=index)
    elapsed = (day - card.last_review).days if card.last_review else 0
    difficulty = card.difficulty or curve.first_difficulty()
    stability = curve.grown(card.stability, difficulty, elapsed)
    after = index
    for upcoming in follow_ups(card, day, stability, difficulty, interview, curve):
        placed = calendar.place_near(card, calendar.index(upcoming), after)
        if placed is None:
            return
        after = placed


def _place_new(calendar: _Calendar, fresh: list[PlanCard], interview: date, curve: Curve,
               not_fitting: list[str]) -> list[str]:
    """New cards by value; each only with its first session and all its reviews."""
    met: list[str] = []
    smallest = min((c.minutes for c in fresh), default=0.0)
    for card in sorted(fresh, key=lambda c: (-c.value, c.minutes, c.position, c.id)):
        if calendar.most < max(smallest, 1e-9) or not _try_new(calendar, card, interview, curve):
            not_fitting.append(card.id)
        else:
            met.append(card.id)
    return met


def _try_new(calendar: _Calendar, card: PlanCard, interview: date, curve: Curve) -> bool:
    first = first_day_minutes(card)
    if first > calendar.most:
        return False
    for index, room in enumerate(calendar.room):
        if room < first:
            continue
        day = calendar.first + timedelta(days=index)
        later = follow_ups(card, day, curve.first_stability(), curve.first_difficulty(), interview, curve)
        if not later:
            return False  # too late to meet it and see it again before the day
        calendar.take(card, index, first)
        placed = _reviews_fit(calendar, card, index, [calendar.index(d) for d in later])
        if placed is not None:
            return True
        calendar.give_back(card, index, first)
    return False


def _reviews_fit(calendar: _Calendar, card: PlanCard, first: int, targets: list[int]) -> list[int] | None:
    """Place each review on its day or the latest earlier one with room, after the one
    before it; all of them, or none (what was placed is given back)."""
    placed: list[int] = []
    after = first
    for target in targets:
        index = next((i for i in range(target, after, -1) if calendar.room[i] >= card.minutes), None)
        if index is None:
            for done in placed:
                calendar.give_back(card, done, card.minutes)
            return None
        calendar.take(card, index)
        placed.append(index)
        after = index
    return placed


# ---- input from rows --------------------------------------------------------------


def plan_cards(rows: Iterable[Sequence[Any]], pace: Pace, values: Mapping[str, float],
               interview: date | None = None) -> list[PlanCard]:
    """PlanCards from `Store.plan_rows` rows, minutes at the user's pace; studied cards
    due on or after `interview` need nothing before it and are left out."""
    factors: dict[str, float] = {}
    after = interview.isoformat() if interview is not None else None
    cards = []
    for row in rows:
        due_text = row[11]
        if after is not None and due_text is not None and due_text[:10] >= after:
            continue
        kind = row[1]
        factor = factors.get(kind)
        if factor is None:
            factor = factors[kind] = pace.factor(kind)
        studied = due_text is not None
        cards.append(PlanCard(
            row[0], kind, row[2] * factor, row[3], _day(due_text), row[9] if studied else None,
            row[10] if studied else None, _day(row[12]), values.get(row[0], 1.0), row[6],
        ))
    return cards


def _day(text: str | None) -> date | None:
    """The UTC date of a stored time (fixed-width UTC text: its first ten characters)."""
    return None if text is None else date.fromisoformat(text[:10])


def skills_of(row: Sequence[object]) -> list[str]:
    return list(json.loads(str(row[4])))


def tags_of(row: Sequence[object]) -> list[str]:
    return list(json.loads(str(row[5])))


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()
