"""Review histories generated from known FSRS parameters, for `optimize` tests and benchmarks.

Each card is scheduled by the default parameters (what the user saw), reviewed on or
a few days after its due date, and recalled with the probability that the *true*
parameters give; a failed recall is rated Again, a successful one Hard, Good or Easy.
A fit of such a history should move from the defaults towards the true parameters.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tpmdrill.clock import to_text
from tpmdrill.decks import Card, Deck
from tpmdrill.scheduler import SchedulerConfig, next_memory, retrievability
from tpmdrill.store import Memory, Review, Store
from tpmdrill.store.rows import CardHistory, TimedRating

# Differ from the defaults where a history shows it most: first-review stabilities and
# how fast stability grows after a success.
TRUE_PARAMETERS = (
    1.2, 3.5, 9.0, 25.0, 6.4133, 0.8334, 3.0194, 0.001, 1.2, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)
KIND = "design"  # no learning steps: every interval is whole days
START = datetime(2024, 1, 1, 9, tzinfo=UTC)

History = CardHistory


def card_history(card_id: str, reviews: int, rng: random.Random) -> History:
    truth = SchedulerConfig(fuzz=False, parameters=TRUE_PARAMETERS)
    shown = SchedulerConfig(fuzz=False)
    at = START + timedelta(hours=rng.randint(0, 24 * 60))
    true_memory: Memory | None = None
    shown_memory: Memory | None = None
    steps = []
    for _ in range(reviews):
        if true_memory is None:
            rating = rng.choices((1, 2, 3, 4), (0.2, 0.1, 0.5, 0.2))[0]
        elif rng.random() < retrievability(KIND, true_memory, at, truth):
            rating = rng.choices((2, 3, 4), (0.15, 0.7, 0.15))[0]
        else:
            rating = 1
        steps.append(TimedRating(to_text(at), rating))
        true_memory = next_memory(KIND, true_memory, rating, at, truth)
        shown_memory = next_memory(KIND, shown_memory, rating, at, shown)
        at = shown_memory.due + timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 6))
    return CardHistory(card_id, KIND, steps)


def histories(cards: int, reviews_per_card: int, seed: int) -> list[History]:
    rng = random.Random(seed)
    return [card_history(f"synthetic/card-{n:05d}", reviews_per_card, rng) for n in range(cards)]


def deck_for(cards: int) -> Deck:
    return Deck(
        id="synthetic", title="Synthetic", category="system-design", description="Generated.",
        cards=tuple(
            Card(deck="synthetic", id=f"card-{n:05d}", kind=KIND, prompt=f"Question {n}", minutes=10,
                 tags=(), skills=(), answer="An answer.")
            for n in range(cards)
        ),
    )


def fill(store: Store, generated: list[History]) -> None:
    """Load the deck and every generated review, with the memory state the defaults give."""
    store.sync_deck(deck_for(len(generated)), START)
    config = SchedulerConfig(fuzz=False)
    with store.writing():
        for history in generated:
            memory: Memory | None = None
            for step in history.reviews:
                at = datetime.fromisoformat(step.at)
                memory = next_memory(history.kind, memory, step.rating, at, config)
                store.save_review(Review(card=history.card, reviewed_at=at, rating=step.rating, mode="review"), None)
            if memory is not None:
                store.put_memory(history.card, memory)
