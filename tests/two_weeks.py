"""A two-week history on the bundled decks, as a new user two weeks out would have:
about 280 reviews, rubric verdicts on each, some Agains while learning, an interview
date and two self-assessments. Deterministic."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tpmdrill.assess import record_assessment
from tpmdrill.enums import Rating
from tpmdrill.interview import set_interview
from tpmdrill.library import ensure_bundled_decks
from tpmdrill.scheduler import record_review
from tpmdrill.skills import SKILLS
from tpmdrill.store import PointVerdictRow, Store

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)


def build(path: Path, *, seed: int = 18) -> None:
    rng = random.Random(seed)
    store = Store.open(path)
    try:
        start = NOW - timedelta(days=14)
        ensure_bundled_decks(store, start)
        cards = [card for card in store.cards() if card.rubric][:60]
        record_assessment(store, {s: rng.randint(1, 4) for s in SKILLS}, start)
        for day in range(14):
            for number in range(20):
                card = cards[(day * 7 + number) % len(cards)]
                at = start + timedelta(days=day, minutes=number * 9)
                rating = Rating(rng.choices((1, 2, 3, 4), (0.25, 0.2, 0.45, 0.1))[0])
                verdicts = tuple(PointVerdictRow(p.id, None, rng.random() > (0.7 if rating == 1 else 0.2))
                                 for p in card.rubric)
                record_review(store, card.full_id, rating, at, seconds=rng.uniform(60, 700), verdicts=verdicts)
        record_assessment(store, {s: min(5, rng.randint(2, 5)) for s in SKILLS}, NOW - timedelta(days=2))
        set_interview(store, (NOW + timedelta(days=14)).date(), NOW)
    finally:
        store.close()
