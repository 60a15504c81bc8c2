"""Choosing a mock-interview set: timed questions by category, in interview order.

A set fills a time budget with questions whose minutes add up to at most the
budget. Each category gets a share of the budget (equal with focus "even";
proportional to how weak its cards look with focus "weak"), and within a category
cards are drawn by weighted sampling without replacement, so weak cards are likely
but not certain. The same seed and the same data give the same set.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tpmdrill.analytics import card_miss_rates, curve_of
from tpmdrill.decks import CATEGORIES, Card
from tpmdrill.errors import BadValue
from tpmdrill.store import Store

FOCUSES = ("weak", "even")
CATEGORY_TITLES = {
    "api-design": "API design", "system-design": "System design",
    "trade-offs": "Technical trade-offs", "data": "Data and analytics",
}
UNSTUDIED_WEAKNESS = 0.5  # a card never answered is as likely weak as not
WEAKNESS_BOOST = 4.0  # the weakest card is drawn five times as readily as a strong one


@dataclass(frozen=True)
class MockQuestion:
    card: Card
    category: str
    weakness: float  # 0 (strong) .. 1 (weak): misses and low recall; 0.5 unknown or not weighed (focus even)

    @property
    def max_points(self) -> float:
        return sum(point.weight for point in self.card.rubric)


@dataclass(frozen=True)
class MockSection:
    category: str
    title: str
    questions: tuple[MockQuestion, ...]

    @property
    def minutes(self) -> int:
        return sum(q.card.minutes for q in self.questions)


@dataclass(frozen=True)
class MockSet:
    minutes: int  # the budget
    seed: int
    focus: str
    sections: tuple[MockSection, ...]

    @property
    def questions(self) -> tuple[MockQuestion, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    @property
    def total_minutes(self) -> int:
        return sum(section.minutes for section in self.sections)

    def to_json(self) -> dict[str, object]:
        return {
            "minutes": self.minutes, "seed": self.seed, "focus": self.focus,
            "questions": [
                {"card": q.card.full_id, "category": q.category, "kind": q.card.kind,
                 "minutes": q.card.minutes, "prompt": q.card.prompt}
                for q in self.questions
            ],
        }


@dataclass(frozen=True)
class _Slot:
    card: str
    category: str
    minutes: int


def choose(store: Store, now: datetime, *, minutes: int, seed: int, focus: str = "weak") -> MockSet:
    """A mock-interview set of at most `minutes`, deterministic for `seed` and the data."""
    if focus not in FOCUSES:
        raise BadValue(f"focus {focus!r} is not one of {', '.join(FOCUSES)}")
    pools = _pools(store)
    if not pools:
        raise BadValue("there are no cards to choose from; add decks with 'tpmdrill decks add'")
    known = card_weakness(store, now) if focus == "weak" else {}
    weakness = {slot.card: known.get(slot.card, UNSTUDIED_WEAKNESS) for slots in pools.values() for slot in slots}
    weights = {card: 1 + WEAKNESS_BOOST * value for card, value in weakness.items()}
    rng = random.Random(seed)
    orders = {category: _weighted_order(slots, weights, rng) for category, slots in pools.items()}
    chosen = _fill(orders, _quotas(pools, weights, minutes, focus), minutes)
    if not any(chosen.values()):
        shortest = min(slot.minutes for slots in pools.values() for slot in slots)
        raise BadValue(f"no question fits in {minutes} minutes; the shortest takes {shortest}")
    sections = tuple(
        MockSection(category, CATEGORY_TITLES.get(category, category), tuple(
            MockQuestion(store.card(s.card), category, weakness[s.card]) for s in chosen[category]))
        for category in orders if chosen[category]
    )
    return MockSet(minutes, seed, focus, sections)


def card_weakness(store: Store, now: datetime) -> dict[str, float]:
    """0..1 per studied or recently reviewed card: recent miss rate and forgetting, equally.
    Cards missing from the result have never been studied (UNSTUDIED_WEAKNESS)."""
    misses = card_miss_rates(store, now)
    recall = store.recall_by_card(now, curve_of(store))
    weakness = {card_id: 0.5 * misses.get(card_id, 0.0) + 0.5 * (1 - r) for card_id, r in recall.items()}
    for card_id, rate in misses.items():
        weakness.setdefault(card_id, rate)
    return weakness


def _pools(store: Store) -> dict[str, list[_Slot]]:
    """Active cards per category, in interview order, each pool sorted by id."""
    pools: dict[str, list[_Slot]] = {}
    for row in store.card_minutes():
        pools.setdefault(row.category, []).append(_Slot(row.card, row.category, row.minutes))
    rank = {category: index for index, category in enumerate(CATEGORIES)}
    return dict(sorted(pools.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def _weighted_order(slots: list[_Slot], weights: Mapping[str, float], rng: random.Random) -> list[_Slot]:
    """Weighted sampling without replacement (Efraimidis–Spirakis): sort by u ** (1 / w)."""
    keys = [(rng.random() ** (1 / weights[slot.card]), slot) for slot in slots]
    return [slot for _, slot in sorted(keys, key=lambda pair: -pair[0])]


def _quotas(pools: dict[str, list[_Slot]], weights: Mapping[str, float], minutes: int, focus: str) -> dict[str, float]:
    if focus == "even":
        shares = dict.fromkeys(pools, 1.0)
    else:
        shares = {c: sum(weights[slot.card] for slot in slots) / len(slots) for c, slots in pools.items()}
    total = sum(shares.values())
    return {category: minutes * share / total for category, share in shares.items()}


def _fill(orders: dict[str, list[_Slot]], quotas: dict[str, float], minutes: int) -> dict[str, list[_Slot]]:
    """Each category takes its cards in order while they fit its quota; a category
    that got nothing then takes its first card that fits the time left, so a long
    question is not shut out and no category is crowded out by another's; leftover
    time goes to the remaining cards, round-robin across categories by their rank."""
    chosen: dict[str, list[_Slot]] = {category: [] for category in orders}
    used = 0
    for category, slots in orders.items():
        spent = 0
        for slot in slots:
            if spent + slot.minutes <= quotas[category] and used + slot.minutes <= minutes:
                chosen[category].append(slot)
                spent += slot.minutes
                used += slot.minutes
    for category, slots in orders.items():
        first = next((slot for slot in slots if used + slot.minutes <= minutes), None)
        if not chosen[category] and first is not None:
            chosen[category].append(first)
            used += first.minutes
    taken = {slot.card for slots in chosen.values() for slot in slots}
    leftovers = sorted(
        ((rank, index, slot) for index, slots in enumerate(orders.values())
         for rank, slot in enumerate(slots) if slot.card not in taken),
        key=lambda item: (item[0], item[1]),
    )
    for _rank, _index, slot in leftovers:
        if used + slot.minutes <= minutes:
            chosen[slot.category].append(slot)
            used += slot.minutes
    return chosen
