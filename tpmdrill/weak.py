"""Weak areas: what was missed, in plain counts, ranked by what most improves readiness.

Finding them: each review counts with weight 0.5 ** (age in days / HALF_LIFE_DAYS):
with a 30-day half-life, last week's misses count about 85 %, last quarter's about
12 %. A month is the scale on which FSRS spaces a card that is being learnt, so a
point missed before the last few reviews fades, while one bad day is not forgotten
after a week. Reviews older than WINDOW_DAYS (six half-lives, weight under 2 %) are
not read at all, and the window starts no earlier than the first review, so it is
stated as the days that really hold history. An area needs MIN_EVIDENCE reviews (or
point verdicts) before it is ranked, so one unlucky answer does not top the list.

Ranking them: a weak point, card, tag or category is worth fixing first when

    priority = round weight × miss rate × recency × (1 + closeness) / 2

- round weight: the share of a technical round its category takes. A mock round
  gives the four interview categories equal time (`mock`), so each weighs 1; other
  categories (estimation, behavioural, program execution) weigh ROUND_WEIGHT_OTHER.
- recency: 0.5 ** (days since the latest miss / RECENCY_HALF_LIFE_DAYS); a miss
  today is twice as pressing as one a week ago.
- closeness: how near the card is to being learnt, its stability over the mastered
  threshold (21 days), capped at 1; a new card is 0. A nearly-learnt card is one
  session from holding until the interview, so it counts up to twice a fresh one.
Tags and categories have no single card, so their closeness is taken as 1.

Timing them: a focused session answers each suggested card once, at the user's pace:
the median recorded answer time for the card's kind among the latest 2,000 timed
answers in the window, when at least PACE_MIN_REVIEWS of that kind were timed, else
the card's own minutes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tpmdrill.clock import from_text
from tpmdrill.decks import CATEGORIES
from tpmdrill.skills import SKILLS
from tpmdrill.store import Store
from tpmdrill.store.rows import CardFacts, WeightedMisses
from tpmdrill.wording import plural

HALF_LIFE_DAYS = 30.0
WINDOW_DAYS = 180
MIN_EVIDENCE = {"point": 3, "card": 3, "tag": 5, "category": 5}
MASTERED_STABILITY_DAYS = 21.0
RECENCY_HALF_LIFE_DAYS = 7.0
ROUND_WEIGHT_OTHER = 0.5
PACE_MIN_REVIEWS = 3
NEXT_CARDS = 5
WEAK_COMMAND = "tpmdrill drill --weak"


def card_command(card_id: str) -> str:
    return f"tpmdrill drill --card {card_id}"


@dataclass(frozen=True)
class Weakness:
    """One weak area: a rubric point, card, tag, category or self-assessment skill."""

    kind: str  # point | card | tag | category | skill
    key: str
    label: str
    miss_rate: float  # recency-weighted share of misses, 0..1
    evidence: int  # attempts: reviews (point verdicts, for points) in the window
    card: str | None = None  # the card a point or card belongs to
    misses: int = 0  # plain count of those attempts that missed
    last_missed: datetime | None = None
    priority: float = 0.0  # what fixing it is worth (see the module docstring)
    rating: int | None = None  # for a skill: its latest self-assessed rating (1-5)

    @property
    def command(self) -> str | None:
        return card_command(self.card) if self.card is not None else None


@dataclass(frozen=True)
class Pace:
    """Seconds an answer takes, by card kind, and the timed answers behind each figure."""

    seconds: Mapping[str, float]
    reviews: Mapping[str, int]

    def minutes_for(self, facts: CardFacts) -> float:
        if self.reviews.get(facts.kind, 0) >= PACE_MIN_REVIEWS:
            return self.seconds[facts.kind] / 60
        return float(facts.minutes)


def pace(store: Store, since: datetime) -> Pace:
    """The user's pace: median recorded seconds per kind since `since` (one SQL query).
    Branch i16 brings a pace module; this is the one function it replaces."""
    rows = store.median_seconds_by_kind(since)
    return Pace({kind: s for kind, (s, _) in rows.items()}, {kind: n for kind, (_, n) in rows.items()})


@dataclass(frozen=True)
class WeakAreas:
    since: datetime
    half_life_days: float
    points: tuple[Weakness, ...]
    cards: tuple[Weakness, ...]
    tags: tuple[Weakness, ...]
    categories: tuple[Weakness, ...]
    next_cards: tuple[str, ...]  # what to drill next, most useful first
    now: datetime
    skills: tuple[Weakness, ...] = ()
    minutes: int = 0  # a focused session on next_cards, at the user's pace
    pace: Pace = field(default_factory=lambda: Pace({}, {}))

    @property
    def window_days(self) -> int:
        """Whole days the window spans, today included."""
        return max(1, math.ceil((self.now - self.since).total_seconds() / 86400))

    @property
    def command(self) -> str:
        return WEAK_COMMAND

    def to_json(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat(), "half_life_days": self.half_life_days,
            "window_days": self.window_days,
            "points": [_weakness_json(w) for w in self.points],
            "cards": [_weakness_json(w) for w in self.cards],
            "tags": [_weakness_json(w) for w in self.tags],
            "categories": [_weakness_json(w) for w in self.categories],
            "skills": [_weakness_json(w) for w in self.skills],
            "next": list(self.next_cards),
            "minutes": self.minutes, "command": self.command,
            "next_commands": [card_command(card) for card in self.next_cards],
            "pace": {kind: {"seconds": round(s, 1), "reviews": self.pace.reviews[kind]}
                     for kind, s in sorted(self.pace.seconds.items())},
        }


def _weakness_json(weakness: Weakness) -> dict[str, object]:
    body: dict[str, object] = {
        "id": weakness.key, "label": weakness.label, "miss_rate": round(weakness.miss_rate, 4),
        "evidence": weakness.evidence, "attempts": weakness.evidence, "misses": weakness.misses,
        "last_missed": None if weakness.last_missed is None else weakness.last_missed.isoformat(),
        "priority": round(weakness.priority, 4),
    }
    if weakness.kind == "point":
        body["card"] = weakness.card
    if weakness.command is not None:
        body["command"] = weakness.command
    if weakness.kind == "skill":
        body["rating"] = weakness.rating
    return body


def window_start(store: Store, now: datetime) -> datetime:
    """WINDOW_DAYS back, but no earlier than the first review (now, with none)."""
    first = store.first_review_at()
    start = now - timedelta(days=WINDOW_DAYS)
    return now if first is None else max(start, from_text(first))


def weak_areas(
    store: Store, now: datetime, *, since: datetime | None = None, limit: int = 10,
    skills: Mapping[str, int | None] | None = None,
) -> WeakAreas:
    """The weakest rubric points, cards, tags, categories (and, given the latest
    self-assessment ratings, skills), most worth fixing first."""
    start = since if since is not None else window_start(store, now)
    rows = store.weighted_point_misses(start, now, HALF_LIFE_DAYS, MIN_EVIDENCE["point"], limit * 3)
    grouped = _weak_groups(store, start, now, cards=limit * 3)
    candidates = [r for r in grouped["card"] if r.count >= MIN_EVIDENCE["card"]]
    facts = {f.card: f for f in store.card_facts(sorted({r.key for r in rows} | {r.key for r in candidates}))}
    points = _ranked_points(store, rows, facts, now)[:limit]
    cards = _ranked([_card_weakness(r, facts[r.key], now) for r in candidates if r.key in facts])[:limit]
    tags = _ranked([_group_weakness(r, "tag", 1.0, now) for r in grouped["tag"]])[:limit]
    categories = _ranked([_group_weakness(r, "category", round_weight(r.key), now) for r in grouped["category"]])
    next_cards = _next_cards(points, cards)
    user_pace = pace(store, start)
    minutes = math.ceil(sum(user_pace.minutes_for(facts[card]) for card in next_cards))
    return WeakAreas(start, HALF_LIFE_DAYS, tuple(points), tuple(cards), tuple(tags), tuple(categories), next_cards,
                     now=now,
                     skills=_weak_skills(store, start, now, skills or {})[:limit], minutes=minutes, pace=user_pace)


def card_miss_rates(store: Store, now: datetime) -> dict[str, float]:
    """Recency-weighted miss rate of every card reviewed in the window (any evidence)."""
    grouped = _weak_groups(store, now - timedelta(days=WINDOW_DAYS), now)
    return {row.key: row.missed / row.weight for row in grouped["card"] if row.weight > 0}


def round_weight(category: str) -> float:
    return 1.0 if category in CATEGORIES else ROUND_WEIGHT_OTHER


def closeness(stability: float | None) -> float:
    return 0.0 if stability is None else min(1.0, stability / MASTERED_STABILITY_DAYS)


def recency(last_missed: datetime | None, now: datetime) -> float:
    if last_missed is None:
        return 0.0
    age = max(0.0, (now - last_missed).total_seconds() / 86400)
    return float(0.5 ** (age / RECENCY_HALF_LIFE_DAYS))


def priority(weight: float, miss_rate: float, last_missed: datetime | None, near: float, now: datetime) -> float:
    return weight * miss_rate * recency(last_missed, now) * (1 + near) / 2


def _weak_groups(
    store: Store, start: datetime, now: datetime, *, cards: int | None = None
) -> dict[str, list[WeightedMisses]]:
    """Cards (all, or the `cards` most missed with enough evidence), tags and categories."""
    grouped: dict[str, list[WeightedMisses]] = defaultdict(list)
    rows = store.weighted_review_misses(start, now, HALF_LIFE_DAYS, MIN_EVIDENCE["tag"],
                                        cards=cards, min_card_evidence=MIN_EVIDENCE["card"])
    for row in rows:
        grouped[row.group].append(row)
    return grouped


def _last(row: WeightedMisses) -> datetime | None:
    return None if row.last_missed is None else from_text(row.last_missed)


def _ranked_points(
    store: Store, rows: list[WeightedMisses], facts: Mapping[str, CardFacts], now: datetime
) -> list[Weakness]:
    texts = {(card, p.id): p.point for card in {r.key for r in rows} for p in store.card(card).rubric}
    areas = []
    for row in rows:
        if row.misses == 0 or row.key not in facts:
            continue
        card = facts[row.key]
        rate = row.missed / row.weight
        areas.append(Weakness(
            "point", row.point, texts.get((row.key, row.point), row.point), rate, row.count, row.key,
            row.misses, _last(row),
            priority(round_weight(card.category), rate, _last(row), closeness(card.stability), now),
        ))
    return _ranked(areas)


def _card_weakness(row: WeightedMisses, card: CardFacts, now: datetime) -> Weakness:
    rate = row.missed / row.weight if row.weight > 0 else 0.0
    return Weakness("card", row.key, card.prompt, rate, row.count, row.key, row.misses, _last(row),
                    priority(round_weight(card.category), rate, _last(row), closeness(card.stability), now))


def _group_weakness(row: WeightedMisses, kind: str, weight: float, now: datetime) -> Weakness:
    rate = row.missed / row.weight if row.weight > 0 else 0.0
    return Weakness(kind, row.key, row.key, rate, row.count, None, row.misses, _last(row),
                    priority(weight, rate, _last(row), 1.0, now))


def _ranked(areas: list[Weakness]) -> list[Weakness]:
    """Missed at least once, most worth fixing first; ties by miss rate, evidence, key."""
    kept = [a for a in areas if a.misses > 0]
    return sorted(kept, key=lambda w: (-w.priority, -w.miss_rate, -w.evidence, w.card or "", w.key))


def _weak_skills(
    store: Store, start: datetime, now: datetime, ratings: Mapping[str, int | None]
) -> tuple[Weakness, ...]:
    """Skills rated below 4, lowest first, with the reviews of the cards that train them."""
    from tpmdrill.assess import gap_skills

    low = gap_skills(ratings)
    counts = {row.key: row for row in store.skill_misses(start, now, low)}
    areas = []
    for skill in low:
        row = counts.get(skill)
        areas.append(Weakness(
            "skill", skill, SKILLS[skill].name, row.misses / row.count if row else 0.0,
            row.count if row else 0, None, row.misses if row else 0,
            _last(row) if row else None, rating=ratings[skill],
        ))
    return tuple(areas)


def _next_cards(points: list[Weakness], cards: list[Weakness]) -> tuple[str, ...]:
    """The cards behind the weak points and cards, most worth fixing first."""
    best: dict[str, float] = {}
    for area in points + cards:
        if area.card is not None:
            best[area.card] = max(best.get(area.card, 0.0), area.priority)
    return tuple(sorted(best, key=lambda card: (-best[card], card))[:NEXT_CARDS])


# ---- plain words --------------------------------------------------------------


def when_text(moment: datetime, now: datetime) -> str:
    """"today", "yesterday", a weekday within the last week, else the date."""
    days = (now.astimezone(UTC).date() - moment.astimezone(UTC).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {moment.astimezone(UTC).strftime('%A')}"
    return f"on {moment.astimezone(UTC).date().isoformat()}"


def counts_text(weakness: Weakness, now: datetime) -> str:
    """"missed 5 of your last 6 attempts, last on Tuesday" (reviews, for tags and categories)."""
    word = "attempt" if weakness.kind in ("point", "card") else "review"
    text = f"missed {weakness.misses:,} of your last {plural(weakness.evidence, word, digits=',')}"
    if weakness.kind == "skill":
        text = f"rated {weakness.rating} of 5; its cards {text}"
        if weakness.evidence == 0:
            return f"rated {weakness.rating} of 5; no reviews of its cards yet"
    if weakness.last_missed is not None:
        text += f", last {when_text(weakness.last_missed, now)}"
    return text
