"""A drill session's queue: what to study now, in what order, within a time budget.

Due cards come first, the ones most likely forgotten first; then new cards up to the
day's allowance, those training skills the self-assessment rated low first. Cram mode
(`--weak`) instead picks the cards with the most recent trouble, due or not.
Ordering and budgeting are pure functions; `plan_*` gather their input from the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tpmdrill.assess import GAP_BELOW, latest_ratings
from tpmdrill.decks import Card
from tpmdrill.scheduler import SchedulerConfig, retrievability
from tpmdrill.settings import effective
from tpmdrill.store import Memory, Store
from tpmdrill.store.rows import NewCard

WEAK_LIMIT = 10  # cards a cram session takes when no time budget is given
RECENT_REVIEWS = 3  # how far back "recent trouble" looks, per card


@dataclass(frozen=True)
class Filters:
    deck: str | None = None
    category: str | None = None
    kind: str | None = None
    difficulty: int | None = None  # 1 foundation, 2 core, 3 senior


@dataclass(frozen=True)
class QueueItem:
    card: Card
    reason: str  # "due", "new" or "weak"
    memory: Memory | None = None
    recall: float | None = None  # predicted recall now, for studied cards


@dataclass(frozen=True)
class Plan:
    items: tuple[QueueItem, ...]
    due: int  # due cards matching the filters, before the budget
    new_left: int  # new cards the day still allows
    new_available: int  # never-studied cards matching the filters
    minutes: int | None
    cram: bool = False

    @property
    def planned_minutes(self) -> int:
        return sum(item.card.minutes for item in self.items)


# ---- pure ordering ---------------------------------------------------------------


def day_start(now: datetime) -> datetime:
    """The start of `now`'s day, in UTC like `tpmdrill due`'s day buckets."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def order_due(items: Iterable[QueueItem]) -> list[QueueItem]:
    """Most likely forgotten first; ties by due time, then id, so the order is stable."""
    return sorted(items, key=lambda i: (i.recall or 0.0, i.memory.due.timestamp() if i.memory else 0.0, i.card.full_id))


def skill_priority(card: Card, ratings: Mapping[str, int | None] | None) -> int:
    """The lowest self-rating under 4 among the card's skills; 5 when none is a gap."""
    if not ratings:
        return 5
    low = [r for s in card.skills if (r := ratings.get(s)) is not None and r < GAP_BELOW]
    return min(low, default=5)


def order_new(cards: Iterable[NewCard], ratings: Mapping[str, int | None] | None) -> list[Card]:
    """Gap skills first (lowest rating first); then deck position, so decks interleave."""
    ranked = sorted(
        cards, key=lambda new: (skill_priority(new.card, ratings), new.position, new.card.deck, new.card.id)
    )
    return [new.card for new in ranked]


def fit_budget(items: Sequence[QueueItem], minutes: int | None) -> list[QueueItem]:
    """Take items in order while their minutes fit; skip ones too long for what is left.

    A budget shorter than every card still gets the first card: a session that
    shows nothing helps nobody.
    """
    if minutes is None:
        return list(items)
    chosen: list[QueueItem] = []
    left = minutes
    for item in items:
        if item.card.minutes <= left:
            chosen.append(item)
            left -= item.card.minutes
    if not chosen and items:
        chosen.append(items[0])
    return chosen


def trouble(missed: int, judged: int, failed: int, lapses: int) -> float:
    """How much a card has struggled lately: the share of rubric points missed, plus one
    for each Again (a forgotten card is as weak as one whose every point was missed),
    plus a half for each lapse in its history."""
    share = missed / judged if judged else 0.0
    return share + failed + 0.5 * lapses


# ---- plans from the store ----------------------------------------------------------


def plan_session(
    store: Store, now: datetime, *, filters: Filters = Filters(), minutes: int | None = None,
    new_limit: int | None = None,
) -> Plan:
    """Due cards, then new ones up to `new_limit` (default: what is left of today's)."""
    config = SchedulerConfig.from_settings(store.settings())
    due = order_due(
        QueueItem(due.card, "due", due.memory, retrievability(due.card.kind, due.memory, now, config))
        for due in store.due_cards(now, **filters.__dict__)
    )
    new_cards = store.new_cards(**filters.__dict__)
    left = new_left_today(store, now)
    ordered_new = order_new(new_cards, latest_ratings(store))
    take = left if new_limit is None else new_limit
    fresh = [QueueItem(card, "new") for card in ordered_new[:take]]
    items = fit_budget([*due, *fresh], minutes)
    return Plan(tuple(items), len(due), left, len(new_cards), minutes)


def new_left_today(store: Store, now: datetime) -> int:
    """Today's allowance of new cards: the setting, or more when an interview date
    needs every card met in time."""
    from tpmdrill.interview import new_cards_per_day_needed

    per_day = max(int(effective(store.settings())["new_per_day"]), new_cards_per_day_needed(store, now))
    return max(0, per_day - store.cards_started_since(day_start(now)))


def extra_new_cards(store: Store, plan: Plan) -> int:
    """New cards to offer beyond today's allowance when it is used up: one more day's worth."""
    return min(plan.new_available, int(effective(store.settings())["new_per_day"]))


def plan_cram(
    store: Store, now: datetime, *, filters: Filters = Filters(), minutes: int | None = None
) -> Plan:
    """The cards with the most recent trouble, due or not, weakest first."""
    config = SchedulerConfig.from_settings(store.settings())
    rows = store.recent_trouble(recent=RECENT_REVIEWS, **filters.__dict__)
    scored = []
    for row in rows:
        memory, card = row.memory, row.card
        score = trouble(row.missed, row.judged, row.failed, memory.lapses if memory else 0)
        if score > 0:
            recall = retrievability(card.kind, memory, now, config) if memory else None
            scored.append((-score, card.full_id, QueueItem(card, "weak", memory, recall)))
    ranked = [item for *_, item in sorted(scored, key=lambda s: (s[0], s[1]))]
    items = fit_budget(ranked, minutes) if minutes is not None else ranked[:WEAK_LIMIT]
    return Plan(tuple(items), 0, 0, 0, minutes, cram=True)


def due_tomorrow(store: Store, now: datetime) -> int:
    """Cards falling due during the next UTC day."""
    tomorrow = day_start(now) + timedelta(days=1)
    return store.due_count_between(tomorrow, tomorrow + timedelta(days=1))


def due_overview(store: Store, now: datetime, *, days: int, limit: int | None) -> dict[str, Any]:
    """What `tpmdrill due` shows: the cards due now (earliest first, at most `limit`),
    how many there are, new cards available, and counts per UTC day from today (cards
    due later today) through `days` days."""
    from tpmdrill.clock import from_text
    from tpmdrill.scheduler import STATE_NAMES

    due = store.due_now(now, limit=limit)
    today = day_start(now)
    dates = [(today + timedelta(days=offset)).date().isoformat() for offset in range(days)]
    counts = store.due_per_day(now, today + timedelta(days=days))
    return {
        "now": now.isoformat(),
        "total_due": due.total,
        "new_available": store.new_card_count(),
        "due": [
            {"card": r["card"], "deck": r["deck"], "category": r["category"], "kind": r["kind"],
             "minutes": r["minutes"], "due": from_text(r["due"]).isoformat(), "state": STATE_NAMES[r["state"]],
             "prompt": r["prompt"]}
            for r in due.cards
        ],
        "upcoming": [{"date": date, "count": counts.get(date, 0)} for date in dates],
    }
