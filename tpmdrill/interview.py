"""Interview-date mode: the date, readiness for it, and pacing of new cards.

The interview happens on a UTC day D; its instant is the start of that day. Reviews
before D never leave a card's recall on D under `interview_retention`
(scheduler.interview_cap); setting the date also brings forward cards already
scheduled past it. New cards are paced so each is first met LEAD_DAYS before D,
leaving time to see it again before the interview.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tpmdrill.analytics import Readiness, curve_of, pace_new_cards, readiness
from tpmdrill.errors import BadValue
from tpmdrill.scheduler import interview_deadline
from tpmdrill.settings import value_of
from tpmdrill.store import Store

SETTING = "interview_date"  # registered in tpmdrill.settings


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadValue(f"interview date {text!r} is not a date like 2026-12-07") from None


def interview_day(store: Store) -> date | None:
    value = value_of(store.settings(), SETTING)
    return date.fromisoformat(value) if value else None


def set_interview(store: Store, day: date, now: datetime) -> int:
    """Set the interview date and bring forward studied cards that would otherwise
    come back too late; return how many moved."""
    today = now.astimezone(UTC).date()
    if day <= today:
        raise BadValue(f"interview date {day.isoformat()} is not after today ({today.isoformat()})")
    store.put_setting(SETTING, day.isoformat())
    deadline = interview_deadline(store.settings())
    assert deadline is not None
    interview, target = deadline
    cap = max(now, interview - timedelta(days=1))
    return store.bring_forward(interview, cap, curve_of(store), target)


def clear_interview(store: Store) -> None:
    store.put_setting(SETTING, None)


def new_cards_per_day_needed(store: Store, now: datetime) -> int:
    """New cards to introduce today so every card is met LEAD_DAYS before the interview;
    0 with no interview date or once it has passed. A drill queue should take
    max(new_per_day, this)."""
    day = interview_day(store)
    if day is None:
        return 0
    return pace_new_cards(store.new_card_count(), day, now)


def countdown_line(store: Store, now: datetime) -> str | None:
    """A one-line countdown for the headers of `due` and `drill`, or None without a date."""
    ready = readiness(store, now)
    if ready is None:
        return None
    return countdown_text(ready)


def countdown_text(ready: Readiness) -> str:
    left = ready.days_left
    when = "today" if left == 0 else ("tomorrow" if left == 1 else f"in {left} days")
    if left < 0:
        when = f"was {-left} day{'s' if left != -1 else ''} ago"
    recall = "no cards studied yet" if ready.predicted_recall is None else (
        f"predicted recall {ready.predicted_recall:.0%}")
    return f"Interview {when} ({ready.day.isoformat()}) — {recall}"
