"""The drill loop's logic without its terminal: a card's verdicts as the user confirms
or overrides them, saving one confirmed review, and the end-of-session summary.

The CLI (tpmdrill.cli.drill) reads keys and prints. What it shows comes from here
(verdicts, saving, `time_is_up`, the summary) and from `session` (the queue, and
`extra_new_cards` when nothing is due).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tpmdrill.decks import Card, FollowUp, RubricPoint
from tpmdrill.enums import ReviewMode
from tpmdrill.errors import BadValue
from tpmdrill.judging import Judgement, NothingToGrade, judge, with_query_result
from tpmdrill.scheduler import RATINGS, interval_text, rating_name, rating_value, record_review
from tpmdrill.session import day_start, due_tomorrow
from tpmdrill.store import Memory, PointVerdictRow, Store


@dataclass(frozen=True)
class PointCall:
    """One rubric point: what the grader said, what the user confirms."""

    number: int
    id: str
    text: str
    required: bool
    auto_hit: bool
    hit: bool
    matched: tuple[str, ...]


@dataclass
class CardVerdict:
    """A graded answer under confirmation: points can be toggled, the rating chosen."""

    card: Card
    answer: str
    judgement: Judgement | None  # None when the card has nothing to grade against
    points: list[PointCall]
    follow_up: FollowUp | None = None  # issue 14: the follow-up asked after the main answer
    follow_up_answer: str = ""

    @property
    def rubric(self) -> tuple[RubricPoint, ...]:
        """The points the rating is judged on: the main rubric's (when graded) and the follow-up's."""
        main = self.card.rubric if self.judgement is not None and self.judgement.grade is not None else ()
        return main + (self.follow_up.rubric if self.follow_up else ())

    @property
    def auto_suggested(self) -> str | None:
        if self.follow_up is not None:
            return self._suggestion({p.id: p.auto_hit for p in self.points})
        return self.judgement.suggested_rating if self.judgement else None

    @property
    def suggested(self) -> str | None:
        """The suggestion for the points as they stand now, toggles included."""
        return self._suggestion({p.id: p.hit for p in self.points})

    def _suggestion(self, hits: dict[str, bool]) -> str | None:
        if self.judgement is None:
            return None
        from tpmdrill.grading import score_points, suggest_rating

        rating = self.judgement.suggested_rating
        if self.rubric:
            required_missed = any(p.required and not hits.get(p.id, False) for p in self.rubric)
            stuffing = self.judgement.grade is not None and self.judgement.grade.stuffing
            rating = suggest_rating(score_points(self.rubric, hits), required_missed=required_missed,
                                    stuffing=stuffing)
        if self.judgement.sql is not None:
            rating = with_query_result(rating, self.judgement.sql)
        if self.judgement.estimate is not None:
            from tpmdrill.estimates import with_estimate_result

            rating = with_estimate_result(rating, self.judgement.estimate)
        return rating

    @property
    def score(self) -> float | None:
        if self.judgement is None:
            return None
        if not self.rubric:
            return self.judgement.score
        from tpmdrill.grading import score_points

        return score_points(self.rubric, {p.id: p.hit for p in self.points})

    @property
    def auto_score(self) -> float | None:
        if self.judgement is None or self.follow_up is None or not self.rubric:
            return self.judgement.score if self.judgement else None
        from tpmdrill.grading import score_points

        return score_points(self.rubric, {p.id: p.auto_hit for p in self.points})

    @property
    def recorded_answer(self) -> str:
        """The answer as the review keeps it: the follow-up's question and answer below the main one."""
        if self.follow_up is None:
            return self.answer
        return f"{self.answer}\n\n---\nFollow-up: {self.follow_up.prompt}\n\n{self.follow_up_answer}"

    def toggle(self, number: int) -> None:
        if not 1 <= number <= len(self.points):
            raise BadValue(f"there is no point {number}; points are 1-{len(self.points)}")
        point = self.points[number - 1]
        self.points[number - 1] = PointCall(**{**point.__dict__, "hit": not point.hit})

    def verdict_rows(self) -> tuple[PointVerdictRow, ...]:
        return tuple(PointVerdictRow(p.id, p.auto_hit, p.hit, p.matched) for p in self.points)


def verdict_for(card: Card, answer: str) -> CardVerdict:
    """Grade the answer (and run it, for a sql card); a card without rubric is self-rated."""
    try:
        judgement: Judgement | None = judge(card, answer)
    except NothingToGrade:
        judgement = None
    return under_confirmation(card, answer, judgement)


def under_confirmation(card: Card, answer: str, judgement: Judgement | None) -> CardVerdict:
    """A judgement turned into point calls the user may toggle before confirming."""
    verdicts = judgement.points if judgement else ()
    points = [
        PointCall(n, p.id, p.point, p.required, v.hit, v.hit, v.matched)
        for n, (p, v) in enumerate(zip(card.rubric, verdicts, strict=True), start=1)
    ]
    return CardVerdict(card, answer, judgement, points)


@dataclass(frozen=True)
class Reviewed:
    card: str
    rating: str
    seconds: float
    due: datetime | None  # None when cramming left the schedule alone
    missed: tuple[str, ...]  # confirmed missed point ids


def save(
    store: Store, verdict: CardVerdict, rating: str, at: datetime, seconds: float,
    *, cram: bool, reschedule: bool,
) -> Reviewed:
    """Record one confirmed review, its verdicts and (unless cramming) its new schedule."""
    suggested = verdict.auto_suggested
    _, memory = record_review(
        store, verdict.card.full_id, rating_value(rating), at,
        mode=ReviewMode.CRAM if cram else ReviewMode.DRILL, reschedule=reschedule,
        suggested=rating_value(suggested) if suggested else None, score=_auto_score(verdict),
        answer=verdict.recorded_answer, seconds=round(seconds, 1), verdicts=verdict.verdict_rows(),
    )
    due = memory.due if reschedule and memory is not None else None
    missed = tuple(p.id for p in verdict.points if not p.hit)
    return Reviewed(verdict.card.full_id, rating, seconds, due, missed)


def _auto_score(verdict: CardVerdict) -> float | None:
    return verdict.auto_score


def comes_back(reviewed: Reviewed, now: datetime, memory: Memory | None) -> str:
    """'Next review in 4 days (2025-03-05)', or what cramming did to the schedule."""
    if reviewed.due is None:
        due = f"; still due {memory.due.date().isoformat()}" if memory else ""
        return f"Cram review recorded; schedule unchanged{due}."
    return f"Next review {interval_text(reviewed.due - now)} ({reviewed.due.isoformat(timespec='minutes')})."


@dataclass
class SessionLog:
    """What happened in one session, for the summary."""

    reviewed: list[Reviewed] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class SessionSummary:
    """What the end of a drill shows: the session's counts and what comes next."""

    cards: int
    skipped: int
    seconds: float
    ratings: dict[str, int]
    most_missed: list[tuple[str, str, int]]  # (card, point text, times missed today)
    due_tomorrow: int
    due_now: int


def summarize_session(store: Store, log: SessionLog, now: datetime) -> SessionSummary:
    counts = Counter(r.rating for r in log.reviewed)
    missed = [
        (miss.card, _point_text(store, miss.card, miss.point), miss.misses)
        for miss in store.missed_points_since(day_start(now), limit=3)
    ]
    return SessionSummary(
        cards=len(log.reviewed), skipped=len(log.skipped), seconds=log.seconds,
        ratings={name: counts[name] for name in RATINGS if counts[name]},
        most_missed=missed, due_tomorrow=due_tomorrow(store, now),
        due_now=store.due_now(now, limit=0).total,
    )


def _point_text(store: Store, card_id: str, point_id: str) -> str:
    card = store.card(card_id)
    return next((p.point for p in card.all_points if p.id == point_id), point_id)


def clock_text(seconds: float) -> str:
    """'2:05' for 125 seconds."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def since_text(then: datetime, now: datetime) -> str:
    """'today', 'yesterday', '5 days ago'."""
    days = (day_start(now) - day_start(then)).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


def last_seen_text(store: Store, card_id: str, now: datetime) -> str:
    seen = store.last_seen(card_id)
    if seen is None:
        return "new card"
    return f"last seen {since_text(seen.at, now)} ({rating_name(seen.rating)})"


def budget_left(minutes: int | None, spent: float) -> timedelta | None:
    return None if minutes is None else timedelta(minutes=minutes) - timedelta(seconds=spent)


def time_is_up(minutes: int | None, spent: float, position: int) -> bool:
    """Whether a session with a budget of `minutes` stops before card `position` (from 1),
    `spent` seconds in; the first card is always shown."""
    return minutes is not None and position > 1 and spent >= minutes * 60


def banner_lines(store: Store, now: datetime) -> list[str]:
    """Extra lines for the top of every card's header: the interview countdown, when
    an interview date is set."""
    from tpmdrill.interview import countdown_line

    line = countdown_line(store, now)
    return [line] if line else []
