"""Choosing a mock-interview set: timed questions shaped like the round they rehearse.

A set fills a time budget with questions whose time boxes add up to at most the
budget. The round decides the mix:

- `mixed` (the default): one design question as the anchor when the budget allows,
  then every category gets a share of the rest;
- `technical`: short questions spread across the technical categories;
- `system-design`: one main design question of 20-30 minutes (its follow-ups asked
  inside that box), then short probes, mostly from system design;
- `behavioural`: story prompts only.

With focus "even" every category gets an equal share; with focus "weak" the
categories `weak` ranks weakest get up to CATEGORY_BOOST times more, cards are drawn
by weighted sampling without replacement (weak cards likely, not certain), and the
top cards of `weak` that fit the round are always asked. Within each pool difficulty
levels alternate, so a set mixes foundation, core and senior questions when the decks
have them. The same seed and the same data give the same questions; the sheet id
(see `tpmdrill.mocksheets`) adds the time the sheet was made.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tpmdrill.analytics import curve_of
from tpmdrill.decks import CATEGORIES, Card, FollowUp, RubricPoint
from tpmdrill.errors import BadValue
from tpmdrill.store import Store
from tpmdrill.weak import card_miss_rates, weak_areas

FOCUSES = ("weak", "even")
ROUNDS = ("mixed", "technical", "system-design", "behavioural")
CATEGORY_TITLES = {
    "api-design": "API design", "system-design": "System design",
    "trade-offs": "Technical trade-offs", "data": "Data and analytics",
    "estimation": "Estimation", "behavioural": "Behavioural", "program-execution": "Program execution",
}
UNSTUDIED_WEAKNESS = 0.5  # a card never answered is as likely weak as not
WEAKNESS_BOOST = 4.0  # the weakest card is drawn five times as readily as a strong one
CATEGORY_BOOST = 2.0  # with focus weak, the weakest category's share is up to 3x an even one
PINNED_WEAK_CARDS = 3  # `weak`'s top cards a weak-focus set always asks, when they fit ...
PINNED_SHARE = 0.5  # ... in half the budget
MAIN_BOX = (20, 30)  # the system-design round's main question, follow-ups included
FOLLOW_UP_MINUTES = 4  # added to the main question's box per follow-up
PROBE_MAX_MINUTES = 8  # a probe in a system-design round
TECHNICAL_SHARE = 4  # a technical-round question takes at most a quarter of the budget
BEHAVIOURAL = "behavioural"
STORY = "story"


@dataclass(frozen=True)
class MockQuestion:
    card: Card
    category: str
    weakness: float  # 0 (strong) .. 1 (weak): misses and low recall; 0.5 unknown or not weighed (focus even)
    minutes: int = 0  # the time box; the card's own minutes unless the round stretches it
    role: str = "question"  # question | main | probe

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            object.__setattr__(self, "minutes", self.card.minutes)

    @property
    def follow_ups(self) -> tuple[FollowUp, ...]:
        """What the interviewer asks after the main answer, each with its own points."""
        return self.card.follow_ups

    @property
    def points(self) -> tuple[RubricPoint, ...]:
        """Every rubric point the interviewer can tick: the main rubric, then the follow-ups'."""
        return self.card.all_points

    @property
    def difficulty(self) -> int:
        return self.card.difficulty

    @property
    def max_points(self) -> float:
        return sum(point.weight for point in self.points)


@dataclass(frozen=True)
class MockSection:
    category: str
    title: str
    questions: tuple[MockQuestion, ...]

    @property
    def minutes(self) -> int:
        return sum(q.minutes for q in self.questions)


@dataclass(frozen=True)
class MockSet:
    minutes: int  # the budget
    seed: int
    focus: str
    questions: tuple[MockQuestion, ...]
    round: str = "mixed"
    sheet: str = ""  # the sheet id, once the sheet is stored

    @property
    def sections(self) -> tuple[MockSection, ...]:
        """Runs of consecutive questions of one category, in asking order."""
        runs: list[list[MockQuestion]] = []
        for question in self.questions:
            if runs and runs[-1][0].category == question.category:
                runs[-1].append(question)
            else:
                runs.append([question])
        return tuple(MockSection(run[0].category, category_title(run[0].category), tuple(run)) for run in runs)

    @property
    def total_minutes(self) -> int:
        return sum(q.minutes for q in self.questions)

    def to_json(self) -> dict[str, object]:
        return {
            "minutes": self.minutes, "seed": self.seed, "focus": self.focus, "round": self.round,
            "sheet": self.sheet,
            "questions": [
                {"card": q.card.full_id, "category": q.category, "kind": q.card.kind,
                 "minutes": q.minutes, "prompt": q.card.prompt}
                for q in self.questions
            ],
        }


def category_title(category: str) -> str:
    return CATEGORY_TITLES.get(category, category)


@dataclass(frozen=True)
class _Slot:
    card: str
    category: str
    kind: str
    minutes: int
    difficulty: int = 2
    follow_ups: int = 0


@dataclass(frozen=True)
class _Pick:
    slot: _Slot
    minutes: int = 0  # the time box: the card's minutes unless the round stretches it
    role: str = "question"

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            object.__setattr__(self, "minutes", self.slot.minutes)


@dataclass
class _Draw:
    """What a round builder draws with: weights, category shares, pinned cards, the rng."""

    weights: Mapping[str, float]
    shares: Mapping[str, float]
    pinned: Sequence[str]
    rng: random.Random
    budget: int
    orders: dict[str, list[_Slot]] = field(default_factory=dict)

    def order(self, slots: Sequence[_Slot], bias: Callable[[_Slot], float] = lambda _s: 1.0) -> list[_Slot]:
        """Weighted sampling without replacement (Efraimidis–Spirakis: sort by u ** (1 / w)),
        pinned cards first, then difficulty levels taking turns."""
        keys = [(self.rng.random() ** (1 / (self.weights[s.card] * bias(s))), s) for s in slots]
        drawn = [slot for _, slot in sorted(keys, key=lambda pair: -pair[0])]
        pinned = sorted((s for s in drawn if s.card in self.pinned), key=lambda s: self.pinned.index(s.card))
        return pinned + _alternate([s for s in drawn if s.card not in self.pinned], lambda s: s.difficulty)


def choose(store: Store, now: datetime, *, minutes: int, seed: int, focus: str = "weak",
           round: str = "mixed") -> MockSet:
    """A mock-interview set of at most `minutes`, deterministic for `seed` and the data."""
    if focus not in FOCUSES:
        raise BadValue(f"focus {focus!r} is not one of {', '.join(FOCUSES)}")
    if round not in ROUNDS:
        raise BadValue(f"round {round!r} is not one of {', '.join(ROUNDS)}")
    pools = _pools(store)
    if not pools:
        raise BadValue("there are no cards to choose from; add decks with 'tpmdrill decks add'")
    slots = [slot for pool in pools.values() for slot in pool]
    weakness, shares, pinned = _weighing(store, now, focus, slots, minutes)
    weights = {card: 1 + WEAKNESS_BOOST * value for card, value in weakness.items()}
    draw = _Draw(weights, shares, pinned, random.Random(seed), minutes)
    picks = _BUILDERS[round](pools, draw)
    if not picks:
        eligible = [s.minutes for s in slots if _eligible(round, s)]
        raise BadValue(f"no question fits in {minutes} minutes; the shortest takes {min(eligible or [0])}")
    questions = tuple(
        MockQuestion(store.card(p.slot.card), p.slot.category, weakness[p.slot.card], p.minutes, p.role)
        for p in picks
    )
    return MockSet(minutes, seed, focus, questions, round)


def card_weakness(store: Store, now: datetime) -> dict[str, float]:
    """0..1 per studied or recently reviewed card: recent miss rate and forgetting, equally.
    Cards missing from the result have never been studied (UNSTUDIED_WEAKNESS)."""
    misses = card_miss_rates(store, now)
    recall = store.recall_by_card(now, curve_of(store))
    weakness = {card_id: 0.5 * misses.get(card_id, 0.0) + 0.5 * (1 - r) for card_id, r in recall.items()}
    for card_id, rate in misses.items():
        weakness.setdefault(card_id, rate)
    return weakness


def _weighing(store: Store, now: datetime, focus: str, slots: Sequence[_Slot], budget: int
              ) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """Per card weakness, per category share, and the pinned cards, for the focus."""
    categories = {slot.category for slot in slots}
    if focus == "even":
        return {s.card: UNSTUDIED_WEAKNESS for s in slots}, dict.fromkeys(categories, 1.0), []
    known = card_weakness(store, now)
    areas = weak_areas(store, now, limit=PINNED_WEAK_CARDS)
    rates = {w.key: w.miss_rate for w in areas.categories}
    worst = max(rates.values(), default=0.0)
    shares = {c: 1 + (CATEGORY_BOOST * rates.get(c, 0.0) / worst if worst > 0 else 0.0) for c in categories}
    return ({s.card: known.get(s.card, UNSTUDIED_WEAKNESS) for s in slots}, shares,
            _pinned([w.key for w in areas.cards], slots, budget))


def _pinned(top: list[str], slots: Sequence[_Slot], budget: int) -> list[str]:
    """`weak`'s top cards, in order, while together they take at most half the budget."""
    minutes = {s.card: s.minutes for s in slots}
    chosen: list[str] = []
    for card in top:
        if card in minutes and sum(minutes[c] for c in chosen) + minutes[card] <= budget * PINNED_SHARE:
            chosen.append(card)
    return chosen


def _pools(store: Store) -> dict[str, list[_Slot]]:
    """Active cards per category, in interview order, each pool sorted by id."""
    pools: dict[str, list[_Slot]] = {}
    for row in store.mock_candidates():
        pools.setdefault(row.category, []).append(
            _Slot(row.card, row.category, row.kind, row.minutes, row.difficulty, row.follow_ups))
    return dict(sorted(pools.items(), key=lambda item: _rank(item[0])))


def _rank(category: str) -> tuple[int, str]:
    return (CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES), category)


def _alternate(slots: list[_Slot], key: Callable[[_Slot], object]) -> list[_Slot]:
    """Round-robin over the groups `key` makes (difficulty levels, kinds), each group
    keeping its drawn order; the first slot stays first, so pinned cards lead."""
    levels: dict[object, list[_Slot]] = {}
    for slot in slots:
        levels.setdefault(key(slot), []).append(slot)
    queues = list(levels.values())
    mixed: list[_Slot] = []
    while queues:
        mixed.extend(queue.pop(0) for queue in queues)
        queues = [queue for queue in queues if queue]
    return mixed


def _eligible(round: str, slot: _Slot) -> bool:
    if round == "behavioural":
        return slot.kind == STORY
    if round in ("technical", "system-design"):
        return slot.kind != STORY and slot.category != BEHAVIOURAL
    return True


# ---- the rounds ------------------------------------------------------------------


def _mixed(pools: dict[str, list[_Slot]], draw: _Draw) -> list[_Pick]:
    """An anchor design question when the budget has room, then every category's share."""
    quotas = _quotas(pools, draw.shares, draw.budget)
    anchor: list[_Pick] = []
    if draw.budget >= 30:
        designs = [s for pool in pools.values() for s in pool if s.kind == "design" and s.minutes <= draw.budget // 2]
        ordered = draw.order(designs, lambda s: draw.shares[s.category])
        if ordered:
            anchor = [_Pick(ordered[0])]
            quotas[ordered[0].category] -= ordered[0].minutes
    taken = {p.slot.card for p in anchor}
    long_set = draw.budget >= 90  # a long loop may hold more than one design question
    orders = {c: [s for s in draw.order(pool) if s.card not in taken and (long_set or s.kind != "design")]
              for c, pool in pools.items()}
    return _by_rank(anchor + _fill(orders, quotas, draw.budget - sum(p.minutes for p in anchor), draw.pinned))


def _technical(pools: dict[str, list[_Slot]], draw: _Draw) -> list[_Pick]:
    cap = max(10, draw.budget // TECHNICAL_SHARE)
    kept = {c: [s for s in pool if _eligible("technical", s) and s.minutes <= cap] for c, pool in pools.items()}
    kept = {c: pool for c, pool in kept.items() if pool}
    orders = {c: _alternate(_deep_first(draw.order(pool), draw.pinned), lambda s: s.difficulty)
              for c, pool in kept.items()}
    return _by_rank(_fill(orders, _quotas(kept, draw.shares, draw.budget), draw.budget, draw.pinned))


def _deep_first(slots: list[_Slot], pinned: Sequence[str]) -> list[_Slot]:
    """The first question that asks for reasoning (not a concept) leads, after pinned cards,
    so each category of a technical round mixes a deeper question with quick ones."""
    lead = next((s for s in slots if s.card not in pinned and s.kind != "concept"), None)
    if lead is None:
        return slots
    head = [s for s in slots if s.card in pinned]
    return head + [lead] + [s for s in slots if s.card not in pinned and s is not lead]


def _system_design(pools: dict[str, list[_Slot]], draw: _Draw) -> list[_Pick]:
    """One main design question (20-30 minutes with its follow-ups), then short probes."""
    designs = [s for s in pools.get("system-design", []) if s.kind == "design"]
    designs = designs or [s for pool in pools.values() for s in pool if s.kind == "design"]
    reserve = 10 if draw.budget >= MAIN_BOX[0] + 10 else 0
    main: list[_Pick] = []
    for slot in draw.order(designs):
        box = min(max(MAIN_BOX[0], slot.minutes + FOLLOW_UP_MINUTES * slot.follow_ups), MAIN_BOX[1])
        box = min(box, draw.budget - reserve)
        if box >= slot.minutes:
            main = [_Pick(slot, box, "main")]
            break
    left = draw.budget - sum(p.minutes for p in main)
    probes = [s for pool in pools.values() for s in pool
              if _eligible("system-design", s) and s.kind != "design" and s.kind != "sql"
              and s.minutes <= PROBE_MAX_MINUTES]
    ordered = draw.order(probes, lambda s: 2.0 * draw.shares[s.category] if s.category == "system-design"
                         else draw.shares[s.category])
    # The round rehearses system design: its first probe is one, whatever the levels' turns.
    first = next((s for s in ordered if s.category == "system-design"), None)
    if first is not None:
        ordered = [first, *(s for s in ordered if s is not first)]
    chosen: list[_Pick] = []
    for slot in ordered:
        if slot.minutes <= left:
            chosen.append(_Pick(slot, slot.minutes, "probe"))
            left -= slot.minutes
    return main + _by_rank(chosen)


def _behavioural(pools: dict[str, list[_Slot]], draw: _Draw) -> list[_Pick]:
    stories = [s for pool in pools.values() for s in pool if s.kind == STORY]
    if not stories:
        raise BadValue("a behavioural round needs story cards and none are loaded; add a deck of "
                       "stories with 'tpmdrill decks add PATH' (or choose --round mixed)")
    chosen: list[_Pick] = []
    left = draw.budget
    for slot in draw.order(stories):
        if slot.minutes <= left:
            chosen.append(_Pick(slot))
            left -= slot.minutes
    return chosen


_BUILDERS: dict[str, Callable[[dict[str, list[_Slot]], _Draw], list[_Pick]]] = {
    "mixed": _mixed, "technical": _technical, "system-design": _system_design, "behavioural": _behavioural,
}


def _by_rank(picks: list[_Pick]) -> list[_Pick]:
    return sorted(picks, key=lambda p: _rank(p.slot.category))


def _quotas(pools: Mapping[str, list[_Slot]], shares: Mapping[str, float], minutes: int) -> dict[str, float]:
    total = sum(shares[c] for c in pools)
    return {category: minutes * shares[category] / total for category in pools}


def _fill(orders: dict[str, list[_Slot]], quotas: dict[str, float], minutes: int,
          pinned: Sequence[str] = ()) -> list[_Pick]:
    """Pinned cards come first (they only have to fit the budget); then each category
    takes its cards in order while they fit its quota; a category
    that got nothing then takes its first card that fits the time left, so a long
    question is not shut out and no category is crowded out by another's; leftover
    time goes to the remaining cards, round-robin across categories by their rank."""
    chosen: dict[str, list[_Slot]] = {category: [] for category in orders}
    used = 0
    for slot in sorted((s for slots in orders.values() for s in slots if s.card in pinned),
                       key=lambda s: list(pinned).index(s.card)):
        if used + slot.minutes <= minutes:
            chosen[slot.category].append(slot)
            used += slot.minutes
    for category, slots in orders.items():
        spent = sum(slot.minutes for slot in chosen[category])
        for slot in slots:
            if slot in chosen[category]:
                continue
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
    for *_order, slot in leftovers:
        if used + slot.minutes <= minutes:
            chosen[slot.category].append(slot)
            used += slot.minutes
    return [_Pick(slot) for slots in chosen.values() for slot in slots]
