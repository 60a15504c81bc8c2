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

from tpmdrill.budget import Backlog
from tpmdrill.clock import human_time
from tpmdrill.decks import Card
from tpmdrill.enums import ReviewMode
from tpmdrill.judging import CardVerdict, Judgement, NothingToGrade, judge, under_confirmation
from tpmdrill.pace import Pace
from tpmdrill.scheduler import RATINGS, interval_text, rating_name, rating_value, record_review
from tpmdrill.session import day_start, due_tomorrow
from tpmdrill.store import Memory, Store


def verdict_for(card: Card, answer: str) -> CardVerdict:
    """Grade the answer (and run it, for a sql card); a card without rubric is self-rated."""
    try:
        judgement: Judgement | None = judge(card, answer)
    except NothingToGrade:
        judgement = None
    return under_confirmation(card, answer, judgement)


@dataclass(frozen=True)
class Reviewed:
    card: str
    rating: str
    seconds: float
    due: datetime | None  # None when cramming left the schedule alone
    missed: tuple[str, ...]  # confirmed missed point ids
    review_id: str = ""
    memory: Memory | None = None  # the card's memory state after the review


def save(
    store: Store, verdict: CardVerdict, rating: str, at: datetime, seconds: float,
    *, cram: bool, reschedule: bool, attempts: int | None = None,
) -> Reviewed:
    """Record one confirmed review, its verdicts and (unless cramming) its new schedule;
    for a sql card `attempts` is how many queries the final one took."""
    suggested = verdict.auto_suggested
    saved, memory = record_review(
        store, verdict.card.full_id, rating_value(rating), at,
        mode=ReviewMode.CRAM if cram else ReviewMode.DRILL, reschedule=reschedule,
        suggested=rating_value(suggested) if suggested else None, score=_auto_score(verdict),
        answer=verdict.recorded_answer, seconds=round(seconds, 1), verdicts=verdict.verdict_rows(),
        attempts=attempts,
    )
    due = memory.due if reschedule and memory is not None else None
    missed = tuple(p.id for p in verdict.points if not p.hit)
    return Reviewed(verdict.card.full_id, rating, seconds, due, missed, saved.id, memory)


def _auto_score(verdict: CardVerdict) -> float | None:
    return verdict.auto_score


def comes_back(reviewed: Reviewed, now: datetime, memory: Memory | None) -> str:
    """'Next review in 4 days (2025-03-05)', or what cramming did to the schedule."""
    if reviewed.due is None:
        due = f"; still due {memory.due.date().isoformat()}" if memory else ""
        return f"Cram review recorded; schedule unchanged{due}."
    return f"Next review {interval_text(reviewed.due - now)} ({human_time(reviewed.due)})."


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
    backlog: Backlog | None = None  # what is due now and the time it needs at the user's pace


def summarize_session(store: Store, log: SessionLog, now: datetime, pace: Pace | None = None) -> SessionSummary:
    from tpmdrill.budget import backlog

    counts = Counter(r.rating for r in log.reviewed)
    left = backlog(store, now, pace or Pace())
    missed = [
        (miss.card, _point_text(store, miss.card, miss.point), miss.misses)
        for miss in store.missed_points_since(day_start(now), limit=3)
    ]
    return SessionSummary(
        cards=len(log.reviewed), skipped=len(log.skipped), seconds=log.seconds,
        ratings={name: counts[name] for name in RATINGS if counts[name]},
        most_missed=missed, due_tomorrow=due_tomorrow(store, now),
        due_now=left.cards, backlog=left,
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


def budget_left(minutes: float | None, spent: float) -> timedelta | None:
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


def undo_last(store: Store, log: SessionLog, now: datetime) -> Reviewed | None:
    """Undo the session's last confirmed review (`u` at the next prompt); None when the
    session has none left to undo."""
    from tpmdrill.undo import undo_latest

    if not log.reviewed:
        return None
    last = log.reviewed[-1]
    undo_latest(store, now, expected=last.review_id)
    log.reviewed.pop()
    return last
