"""A drill session's queue: what to study now, in what order, within a time budget.

Due cards come first, the ones most likely forgotten first; then new cards up to the
day's allowance, those training skills the self-assessment rated low first. Cram mode
(`--weak`) instead picks the cards with the most recent trouble, due or not.
Ordering and budgeting are pure functions; `plan_*` gather their input from the store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tpmdrill.assess import GAP_BELOW, latest_ratings
from tpmdrill.decks import Card
from tpmdrill.pace import Pace, measured
from tpmdrill.scheduler import SchedulerConfig, retrievability
from tpmdrill.settings import effective
from tpmdrill.store import Memory, Store
from tpmdrill.store.rows import DueLoad, NewCard

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
    reserve: tuple[QueueItem, ...] = ()  # cards beyond the budget's estimate, taken while time remains
    following: bool = False  # today's cards come from the interview plan

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
    """The user's own new stories first (they just wrote them); then gap skills (lowest
    rating first); then deck position, so decks interleave."""
    from tpmdrill.stories import STORY_DECK_ID

    ranked = sorted(cards, key=lambda new: (
        new.card.deck != STORY_DECK_ID, skill_priority(new.card, ratings), new.position, new.card.deck, new.card.id,
    ))
    return [new.card for new in ranked]


def fit_budget(items: Sequence[QueueItem], minutes: int | None, pace: Pace | None = None) -> list[QueueItem]:
    """Take items in order while their minutes (at the user's pace) fit; skip ones too
    long for what is left.

    A budget shorter than every card still gets the first card: a session that
    shows nothing helps nobody.
    """
    return split_budget(items, minutes, pace)[0]


def split_budget(
    items: Sequence[QueueItem], minutes: float | None, pace: Pace | None = None
) -> tuple[list[QueueItem], list[QueueItem]]:
    """(the items that fit the budget, the rest in order): see `fit_budget`."""
    if minutes is None:
        return list(items), []
    pace = pace or Pace()
    chosen: list[QueueItem] = []
    rest: list[QueueItem] = []
    left = minutes * 60.0
    for item in items:
        seconds = pace.seconds(item.card.kind, item.card.minutes)
        if seconds <= left:
            chosen.append(item)
            left -= seconds
        else:
            rest.append(item)
    if not chosen and rest:
        chosen.append(rest.pop(0))
    return chosen, rest


def trouble(missed: int, judged: int, failed: int, lapses: int) -> float:
    """How much a card has struggled lately: the share of rubric points missed, plus one
    for each Again (a forgotten card is as weak as one whose every point was missed),
    plus a half for each lapse in its history."""
    share = missed / judged if judged else 0.0
    return share + failed + 0.5 * lapses


# ---- plans from the store ----------------------------------------------------------


def plan_session(
    store: Store, now: datetime, *, filters: Filters = Filters(), minutes: float | None = None,
    new_limit: int | None = None, pace: Pace | None = None,
) -> Plan:
    """Due cards, then new ones up to `new_limit` (default: what is left of today's); with
    an interview plan (and no filter), today's cards of that plan instead."""
    config = SchedulerConfig.from_settings(store.settings())
    pace = pace if pace is not None else measured(store, now)
    due = order_due(
        QueueItem(due.card, "due", due.memory, retrievability(due.card.kind, due.memory, now, config))
        for due in store.due_cards(now, **filters.__dict__)
    )
    new_cards = store.new_cards(**filters.__dict__)
    if new_limit is None and filters == Filters():
        followed = _follow_plan(store, now, pace, due, new_cards, minutes)
        if followed is not None:
            return followed
    left = new_left_today(store, now)
    ordered_new = order_new(new_cards, latest_ratings(store))
    take = left if new_limit is None else new_limit
    fresh = [QueueItem(card, "new") for card in ordered_new[:take]]
    items, reserve = split_budget([*due, *fresh], minutes, pace)
    budget = None if minutes is None else math.ceil(minutes)
    return Plan(tuple(items), len(due), left, len(new_cards), budget, reserve=tuple(reserve))


def _follow_plan(store: Store, now: datetime, pace: Pace, due: list[QueueItem],
                 new_cards: list[NewCard], minutes: float | None) -> Plan | None:
    """Today's cards of the interview plan: its reviews, then its new cards."""
    from tpmdrill.interview import interview_plan

    study = interview_plan(store, now, pace)
    today = study.today() if study is not None else None
    if today is None:
        return None
    chosen = set(today.cards)
    order = {card_id: n for n, card_id in enumerate(today.cards)}
    fresh = sorted((QueueItem(n.card, "new") for n in new_cards if n.card.full_id in chosen),
                   key=lambda i: order[i.card.full_id])
    todays_due = [i for i in due if i.card.full_id in chosen]
    items, reserve = split_budget([*todays_due, *fresh], minutes, pace)
    reserve += [i for i in due if i.card.full_id not in chosen]
    budget = None if minutes is None else math.ceil(minutes)
    return Plan(tuple(items), len(due), len(fresh), len(new_cards), budget, reserve=tuple(reserve), following=True)


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
    pace = measured(store, now)
    upcoming = store.due_load(now, today + timedelta(days=days))
    counts: dict[str, int] = {}
    for row in upcoming:
        counts[row.day] = counts.get(row.day, 0) + row.cards
    loads = _minutes_by_day(upcoming, pace)
    due_minutes = sum(_minutes_by_day(store.due_load(None, now + timedelta(microseconds=1)), pace).values())
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
        "upcoming": [{"date": date, "count": counts.get(date, 0), "minutes": round(loads.get(date, 0.0), 1)}
                     for date in dates],
        "minutes_due": round(due_minutes, 1),  # what the cards due now need at the user's pace
        "pace": pace.to_json(),  # per kind: real time over expected time, where measured
    }


def _minutes_by_day(rows: Iterable[DueLoad], pace: Pace) -> dict[str, float]:
    """Minutes at the user's pace per UTC date, from `Store.due_load` rows."""
    minutes: dict[str, float] = {}
    for day, kind, _count, expected in rows:
        minutes[day] = minutes.get(day, 0.0) + pace.minutes(kind, expected)
    return minutes


# ---- one card, today's budget and resuming today's plan ------------------------------

TODAY_SETTING = "today_plan"
TODAY_LIMIT = 500  # cards kept for `drill --continue`: more than any day holds


def plan_card(store: Store, card_id: str, now: datetime) -> Plan:
    """A session of one named card, due or not; its review moves the schedule as usual."""
    card = store.card(card_id)
    memory = store.memory_of(card_id)
    config = SchedulerConfig.from_settings(store.settings())
    recall = retrievability(card.kind, memory, now, config) if memory else None
    item = QueueItem(card, "due" if memory else "new", memory, recall)
    return Plan((item,), int(memory is not None and memory.due <= now), 0, 0, None)


def todays_budget(store: Store, now: datetime) -> float | None:
    """Minutes left of today's `daily_minutes` (0 when used up); None without a daily budget."""
    daily = effective(store.settings())["daily_minutes"]
    if not daily:
        return None
    today = day_start(now)
    return max(0.0, float(daily) - store.studied_seconds(today, today + timedelta(days=1)) / 60)


def remember_today(store: Store, plan: Plan, now: datetime) -> None:
    """Keep the session's cards as today's plan, for `drill --continue`."""
    cards = [item.card.full_id for item in (*plan.items, *plan.reserve) if item.reason != "weak"][:TODAY_LIMIT]
    store.put_setting(TODAY_SETTING, {"date": day_start(now).date().isoformat(), "cards": cards})


def resume_today(store: Store, now: datetime, minutes: float | None) -> Plan | None:
    """What today's plan still holds: its cards not reviewed since the day began; None
    when there is no plan for today or nothing is left of it."""
    saved = store.setting(TODAY_SETTING)
    if not saved or saved.get("date") != day_start(now).date().isoformat():
        return None
    done = store.reviewed_since(day_start(now))
    left = [card_id for card_id in saved["cards"] if card_id not in done]
    items: list[QueueItem] = []
    for card_id in left:
        if store.is_retired(card_id):
            continue
        plan = plan_card(store, card_id, now)
        items.extend(plan.items)
    if not items:
        return None
    pace = measured(store, now)
    chosen, reserve = split_budget(items, minutes, pace)
    budget = None if minutes is None else math.ceil(minutes)
    return Plan(tuple(chosen), sum(i.reason == "due" for i in items), 0, 0, budget, reserve=tuple(reserve))
