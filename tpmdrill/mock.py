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
    weakness: float  # 0 (strong) .. 1 (weak): misses and low recall; 0.5 unknown

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


def choose(store: Store, now: datetime, *, minutes: int, seed: int, focus: str = "weak") -> MockSet:
    """A mock-interview set of at most `minutes`, deterministic for `seed` and the data."""
    if focus not in FOCUSES:
        raise BadValue(f"focus {focus!r} is not one of {', '.join(FOCUSES)}")
    pools = _pools(store)
    if not pools:
        raise BadValue("there are no cards to choose from; add decks with 'tpmdrill decks add'")
    weakness = card_weakness(store, now) if focus == "weak" else {}
    weights = {card.full_id: 1 + WEAKNESS_BOOST * weakness.get(card.full_id, 0.0)
               for cards in pools.values() for card in cards}
    rng = random.Random(seed)
    orders = {category: _weighted_order(cards, weights, rng) for category, cards in pools.items()}
    chosen = _fill(orders, _quotas(pools, weights, minutes, focus), minutes)
    if not any(chosen.values()):
        shortest = min(card.minutes for cards in pools.values() for card in cards)
        raise BadValue(f"no question fits in {minutes} minutes; the shortest takes {shortest}")
    sections = tuple(
        MockSection(category, CATEGORY_TITLES.get(category, category),
                    tuple(MockQuestion(c, category, weakness.get(c.full_id, 0.0)) for c in chosen[category]))
        for category in orders if chosen.get(category)
    )
    return MockSet(minutes, seed, focus, sections)


def card_weakness(store: Store, now: datetime) -> dict[str, float]:
    """0..1 per active card: recent miss rate and forgetting, equally; unknown for new cards."""
    misses = card_miss_rates(store, now)
    recall = store.recall_by_card(now, curve_of(store))
    weakness = {card_id: 0.5 * misses.get(card_id, 0.0) + 0.5 * (1 - r) for card_id, r in recall.items()}
    for card_id, rate in misses.items():
        weakness.setdefault(card_id, rate)
    return weakness | {
        card.full_id: UNSTUDIED_WEAKNESS for card in store.cards()
        if card.full_id not in weakness
    }


def _pools(store: Store) -> dict[str, list[Card]]:
    """Active cards per category, in interview order, each pool sorted by id."""
    category_of = {deck["id"]: deck["category"] for deck in store.decks()}
    pools: dict[str, list[Card]] = {}
    for card in sorted(store.cards(), key=lambda c: c.full_id):
        pools.setdefault(category_of[card.deck], []).append(card)
    rank = {category: index for index, category in enumerate(CATEGORIES)}
    return dict(sorted(pools.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def _weighted_order(cards: list[Card], weights: Mapping[str, float], rng: random.Random) -> list[Card]:
    """Weighted sampling without replacement (Efraimidis–Spirakis): sort by u ** (1 / w)."""
    keys = [(rng.random() ** (1 / weights[card.full_id]), card) for card in cards]
    return [card for _, card in sorted(keys, key=lambda pair: -pair[0])]


def _quotas(pools: dict[str, list[Card]], weights: Mapping[str, float], minutes: int, focus: str) -> dict[str, float]:
    if focus == "even":
        shares = dict.fromkeys(pools, 1.0)
    else:
        shares = {c: sum(weights[card.full_id] for card in cards) / len(cards) for c, cards in pools.items()}
    total = sum(shares.values())
    return {category: minutes * share / total for category, share in shares.items()}


def _fill(orders: dict[str, list[Card]], quotas: dict[str, float], minutes: int) -> dict[str, list[Card]]:
    """Each category takes its cards in order while they fit its quota (its first card
    may overrun it, so long questions are not shut out); then leftover time goes to
    the remaining cards, round-robin across categories by their rank."""
    chosen: dict[str, list[Card]] = {category: [] for category in orders}
    used = 0
    for category, cards in orders.items():
        spent = 0
        for card in cards:
            fits_quota = spent + card.minutes <= quotas[category] or spent == 0
            if fits_quota and used + card.minutes <= minutes:
                chosen[category].append(card)
                spent += card.minutes
                used += card.minutes
    leftovers = sorted(
        ((rank, index, category, card) for index, category in enumerate(orders)
         for rank, card in enumerate(orders[category]) if card not in chosen[category]),
        key=lambda item: (item[0], item[1]),
    )
    for _rank, _index, category, card in leftovers:
        if used + card.minutes <= minutes:
            chosen[category].append(card)
            used += card.minutes
    return chosen
