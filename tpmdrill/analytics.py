"""Retention, forecasts, mastery, self-assessment history and the review report.

Every figure comes from an aggregate query in the store; Python only shapes the few
rows that come back (days, weeks, decks). Weak areas live in `tpmdrill.weak` and are
re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from tpmdrill.decks import CATEGORIES
from tpmdrill.enums import CardKind
from tpmdrill.errors import BadValue
from tpmdrill.scheduler import SchedulerConfig, interview_deadline
from tpmdrill.skills import SKILLS
from tpmdrill.store import Store
from tpmdrill.store.rows import DayReviews
from tpmdrill.weak import MASTERED_STABILITY_DAYS, WeakAreas, weak_areas

if TYPE_CHECKING:
    from tpmdrill.mocksheets import MockResult
    from tpmdrill.sqlschema import Schema

FORECAST_DAYS = 30
HEATMAP_DAYS = 364  # 52 whole weeks: the longest span the report covers by default
MIN_SPAN_DAYS = 56  # 8 weeks: the shortest, so a new user's weeks sit in context


def forgetting_curve(config: SchedulerConfig) -> tuple[float, float]:
    """(decay, factor) of FSRS's forgetting curve R = (1 + factor * t / S) ** decay."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    parameters = config.parameters or DEFAULT_PARAMETERS
    decay = -float(parameters[20])
    return decay, 0.9 ** (1 / decay) - 1


def curve_of(store: Store) -> tuple[float, float]:
    return forgetting_curve(SchedulerConfig.from_settings(store.settings()))


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


# ---- history and forecast ---------------------------------------------------


@dataclass(frozen=True)
class DayActivity:
    day: date
    reviews: int


@dataclass(frozen=True)
class WeekRetention:
    week: date  # the Monday
    reviews: int
    mature: int  # reviews of cards in review state
    passed: int  # of which not rated Again
    learning_agains: int = 0  # Agains of cards still learning or relearning

    @property
    def retention(self) -> float | None:
        return self.passed / self.mature if self.mature else None


def daily_rows(store: Store, start: date, end: date) -> list[DayReviews]:
    return store.reviews_by_day(start_of_day(start), start_of_day(end + timedelta(1)))


def activity(rows: list[DayReviews], start: date, end: date) -> list[DayActivity]:
    """Reviews on every UTC day from `start` to `end` inclusive, zeros included."""
    counts = {row.day: row.reviews for row in rows}
    days = (end - start).days + 1
    return [DayActivity(d, counts.get(d.isoformat(), 0)) for d in (start + timedelta(n) for n in range(days))]


def retention_by_week(rows: list[DayReviews]) -> list[WeekRetention]:
    """Reviews and true retention per week (Monday to Sunday, UTC), from daily rows."""
    weeks: dict[date, list[int]] = {}
    for row in rows:
        day = date.fromisoformat(row.day)
        totals = weeks.setdefault(day - timedelta(days=day.weekday()), [0, 0, 0, 0])
        for index, value in enumerate((row.reviews, row.graduated, row.passed, row.learning_agains)):
            totals[index] += value
    return [WeekRetention(week, *totals) for week, totals in sorted(weeks.items())]


def due_forecast(store: Store, now: datetime, days: int = FORECAST_DAYS) -> list[tuple[date, int]]:
    """Cards due on each of the next `days` UTC days; today includes overdue cards."""
    counts = {row.day: row.due for row in store.forecast_per_day(now, days)}
    today = now.astimezone(UTC).date()
    return [(d, counts.get(d.isoformat(), 0)) for d in (today + timedelta(n) for n in range(days))]


# ---- mastery ----------------------------------------------------------------


@dataclass(frozen=True)
class Mastery:
    """How well a deck or category is held: mean recall of studied cards and the share
    of all its cards whose stability exceeds three weeks."""

    name: str
    category: str
    cards: int
    studied: int
    recall_sum: float
    mastered: int

    @property
    def mean_recall(self) -> float | None:
        return self.recall_sum / self.studied if self.studied else None

    @property
    def mastered_share(self) -> float:
        return self.mastered / self.cards if self.cards else 0.0


def mastery_by_deck(store: Store, at: datetime) -> list[Mastery]:
    return masteries(store, [at])[0]


def masteries(store: Store, moments: Sequence[datetime]) -> list[list[Mastery]]:
    """Each deck's mastery at each of `moments`, read in one pass over the cards."""
    rows = store.memory_by_deck(moments, curve_of(store), MASTERED_STABILITY_DAYS)
    return [[Mastery(row.title, row.category, row.cards, row.studied, row.recall_sums[index], row.mastered)
             for row in rows] for index in range(len(moments))]


def by_category(decks: list[Mastery]) -> list[Mastery]:
    """Deck figures summed per category, in interview order."""
    totals = {c: Mastery(c, c, 0, 0, 0.0, 0) for c in CATEGORIES}
    for deck in decks:
        old = totals.setdefault(deck.category, Mastery(deck.category, deck.category, 0, 0, 0.0, 0))
        totals[deck.category] = Mastery(old.name, old.category, old.cards + deck.cards, old.studied + deck.studied,
                                        old.recall_sum + deck.recall_sum, old.mastered + deck.mastered)
    return [m for m in totals.values() if m.cards]


# ---- self-assessment --------------------------------------------------------


@dataclass(frozen=True)
class AssessmentTotal:
    taken_at: datetime
    total: int
    rated: int
    skipped: int


def assessment_history(store: Store) -> list[AssessmentTotal]:
    return [AssessmentTotal(datetime.fromisoformat(row.taken_at), row.total, row.rated, row.skipped)
            for row in store.assessment_totals()]


@dataclass(frozen=True)
class DimensionHistory:
    """One self-assessment dimension's total (7 skills rated 1-5) at each assessment."""

    dimension: str
    points: tuple[tuple[date, int], ...]
    most: int  # the highest total the dimension allows


def dimension_history(store: Store) -> list[DimensionHistory]:
    """Each dimension's total over time, in the catalogue's dimension order."""
    dimension_of = {skill.id: skill.dimension for skill in SKILLS.values()}
    series: dict[str, list[tuple[date, int]]] = {d: [] for d in dict.fromkeys(dimension_of.values())}
    for taken_at, dimension, total in store.assessment_dimension_totals(dimension_of):
        series[dimension].append((datetime.fromisoformat(taken_at).date(), total))
    sizes = {d: list(dimension_of.values()).count(d) for d in series}
    return [DimensionHistory(d, tuple(points), 5 * sizes[d]) for d, points in series.items() if points]


# ---- readiness for the interview date ---------------------------------------

LEAD_DAYS = 3  # meet every new card this many days before the interview


@dataclass(frozen=True)
class Readiness:
    day: date
    days_left: int
    target: float
    predicted_recall: float | None  # mean over studied cards; None before any study
    categories: dict[str, float | None]
    studied: int
    new_cards: int
    new_per_day: int  # new cards a day needed to meet every card in time

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(), "days_left": self.days_left,
            "predicted_recall": _rounded(self.predicted_recall),
            "categories": {c: _rounded(r) for c, r in self.categories.items()},
            "target": self.target, "studied": self.studied, "new_cards": self.new_cards,
            "new_per_day_needed": self.new_per_day,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def readiness(store: Store, now: datetime) -> Readiness | None:
    """Predicted recall on the interview day if nothing more were studied, per category."""
    deadline = interview_deadline(store.settings())
    if deadline is None:
        return None
    return readiness_of(deadline, mastery_by_deck(store, deadline[0]), now)


def readiness_of(deadline: tuple[datetime, float], decks: list[Mastery], now: datetime) -> Readiness:
    """Readiness for the interview `deadline` (its moment and target recall), from the
    decks' mastery at that moment."""
    interview, target = deadline
    day = interview.date()
    categories = by_category(decks)
    studied = sum(c.studied for c in categories)
    recall = sum(c.recall_sum for c in categories) / studied if studied else None
    new = sum(c.cards - c.studied for c in categories)
    return Readiness(
        day=day, days_left=days_left(day, now),
        target=target,
        predicted_recall=recall, categories={c.name: c.mean_recall for c in categories},
        studied=studied, new_cards=new, new_per_day=pace_new_cards(new, day, now),
    )


def days_left(day: date, now: datetime) -> int:
    return (day - now.astimezone(UTC).date()).days


def pace_new_cards(new_cards: int, day: date, now: datetime) -> int:
    if new_cards == 0 or days_left(day, now) <= 0:
        return 0
    # Today counts as a study day; with no day left before the lead, meet them all now.
    study_days = days_left(day, now) - LEAD_DAYS + 1
    return new_cards if study_days <= 0 else math.ceil(new_cards / study_days)


# ---- the review report ------------------------------------------------------


@dataclass(frozen=True)
class Report:
    generated: datetime
    since: date
    until: date
    activity: list[DayActivity]
    weeks: list[WeekRetention]
    forecast: list[tuple[date, int]]
    decks: list[Mastery]
    categories: list[Mastery]
    weak: WeakAreas
    assessments: list[AssessmentTotal]
    readiness: Readiness | None
    dimensions: list[DimensionHistory] = field(default_factory=list)
    has_history: bool = True  # any review or self-assessment at all

    @property
    def learning_agains(self) -> int:
        """Agains while learning or relearning: struggles that lapses do not count."""
        return sum(week.learning_agains for week in self.weeks)

    mocks: tuple[MockResult, ...] = ()  # issue 15: recorded mock interviews, oldest first
    card_tables: dict[str, Schema] = field(default_factory=dict)  # sql cards among the weakest: their tables

    @property
    def reviews(self) -> int:
        return sum(day.reviews for day in self.activity)

    @property
    def forecast_days(self) -> int:
        return len(self.forecast)

    @property
    def mastered_days(self) -> int:
        """The stability, in days, above which a card counts as mastered."""
        return round(MASTERED_STABILITY_DAYS)

    @property
    def skill_count(self) -> int:
        """How many skills the self-assessment rates."""
        return len(SKILLS)

    @property
    def due_today(self) -> int:
        """Cards due today, overdue ones included (the forecast's first day)."""
        return self.forecast[0][1] if self.forecast else 0

    @property
    def retention(self) -> float | None:
        mature = sum(week.mature for week in self.weeks)
        return sum(week.passed for week in self.weeks) / mature if mature else None


MAX_REPORT_DAYS = 20 * 365  # a report spans at most 20 years: each day is a heatmap cell


def build_report(store: Store, now: datetime, *, since: date | None = None) -> Report:
    """Everything the review report shows, from `since` (default: the period with data,
    at least 8 weeks and at most 52) to today."""
    until = now.astimezone(UTC).date()
    start = since if since is not None else report_start(store, until)
    if start > until:
        raise BadValue(f"--since {start.isoformat()} is after today ({until.isoformat()})")
    if (until - start).days > MAX_REPORT_DAYS:
        raise BadValue(
            f"--since {start.isoformat()} is more than {MAX_REPORT_DAYS // 365} years ago; give a later one")
    deadline = interview_deadline(store.settings())
    held = masteries(store, [now] if deadline is None else [now, deadline[0]])  # one pass for both
    decks, ready = held[0], None if deadline is None else readiness_of(deadline, held[-1], now)
    rows = daily_rows(store, start, until)
    weak = weak_areas(store, now, since=start_of_day(start) if since is not None else None)
    assessments = assessment_history(store)
    return Report(
        generated=now, since=start, until=until,
        activity=activity(rows, start, until), weeks=retention_by_week(rows),
        forecast=due_forecast(store, now), decks=decks, categories=by_category(decks),
        weak=weak, assessments=assessments, readiness=ready, dimensions=dimension_history(store),
        has_history=bool(assessments) or store.first_review_at() is not None, mocks=_mocks(store, start),
        card_tables=_card_tables(store, weak),
    )


def report_start(store: Store, until: date) -> date:
    """The Monday of the first review's week, within 8 to 52 weeks back from `until`."""
    first = store.first_review_at()
    earliest = until - timedelta(days=HEATMAP_DAYS - 1)
    latest = until - timedelta(days=MIN_SPAN_DAYS - 1)
    if first is None:
        return latest
    day = datetime.fromisoformat(first).astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday())
    return min(latest, max(earliest, monday))


def _mocks(store: Store, start: date) -> tuple[MockResult, ...]:
    from tpmdrill.mocksheets import mock_history  # mocksheets builds on mock, which reads analytics

    return tuple(mock_history(store, start_of_day(start)))


def _card_tables(store: Store, weak: WeakAreas) -> dict[str, Schema]:
    """The tables of the sql cards among the weakest, shown beside their prompts."""
    cards = [store.card(c.key) for c in weak.cards]
    if not any(card.kind == CardKind.SQL for card in cards):
        return {}
    from tpmdrill.sqlschema import schema_of  # the sql sandbox, only when a sql card is shown

    schemas = {c.key: schema_of(card) for c, card in zip(weak.cards, cards, strict=True)}
    return {key: schema for key, schema in schemas.items() if schema is not None}
