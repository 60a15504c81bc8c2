"""Build a realistic large tpmdrill database through the project's own store code.

    python benchmarks/synth.py --cards 50000 --reviews 1000000 --db /tmp/large.db

Cards are spread over decks in the four categories; each card's history follows the
FSRS schedule (reviews land on or a little after the due date, with a realistic mix
of ratings), ending in the weeks before `--now`. About a third of the reviews carry
rubric-point verdicts, as drill reviews do. Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tpmdrill.decks import CATEGORIES, Card, Deck, RubricPoint
from tpmdrill.scheduler import SchedulerConfig, next_memory
from tpmdrill.store import Memory, PointVerdictRow, Review, Store

DEFAULT_NOW = "2026-11-25T08:00:00+00:00"
KINDS = ("concept", "design", "trade-off", "sql")
WORDS = [
    "cache", "queue", "shard", "replica", "index", "latency", "throughput", "quota", "token", "webhook",
    "retry", "cohort", "funnel", "metric", "rollout", "schema", "partition", "consensus", "gateway",
]
RATING_WEIGHTS = (0.10, 0.15, 0.65, 0.10)


HISTORY_SPAN = timedelta(days=3650)


def make_decks(cards: int, rng: random.Random) -> list[Deck]:
    per_deck = 1000
    decks = []
    for number in range(max(1, (cards + per_deck - 1) // per_deck)):
        count = min(per_deck, cards - number * per_deck)
        deck_id = f"synth-{number:03d}"
        decks.append(Deck(
            id=deck_id, title=f"Synthetic deck {number}", category=CATEGORIES[number % 4],
            description="Generated for benchmarks.",
            cards=tuple(make_card(deck_id, n, rng) for n in range(count)),
            source="benchmarks/synth.py", digest=f"synth-{number}",
        ))
    return decks


def make_card(deck_id: str, number: int, rng: random.Random) -> Card:
    words = rng.sample(WORDS, 6)
    rubric = tuple(
        RubricPoint(f"point-{p}", f"Mentions {words[p]}", (words[p], f"{words[p + 1]}|{words[p]}s"))
        for p in range(4)
    )
    kind = KINDS[number % 4] if number % 4 != 3 else "design"
    return Card(
        deck=deck_id, id=f"card-{number:05d}", kind=kind,
        prompt=f"How would you use a {words[0]} with a {words[1]}?", minutes=3 if kind == "concept" else 12,
        tags=(words[4], words[5]), skills=("scalability",), answer=f"Use {' and '.join(words)}.", rubric=rubric,
    )


def history(card: Card, count: int, now: datetime, rng: random.Random) -> list[tuple[Review, Memory]]:
    """A card's reviews, each taken at (or after) its due date, ending shortly before now."""
    config = SchedulerConfig(fuzz=False)
    at = datetime(2020, 1, 1, 9, tzinfo=UTC)
    memory: Memory | None = None
    steps = []
    # However many reviews a card gets, its timeline spans at most HISTORY_SPAN, so no
    # date leaves the calendar (long easy streaks would otherwise pass year 9999).
    longest_gap = HISTORY_SPAN / count if count else HISTORY_SPAN
    for _ in range(count):
        rating = rng.choices((1, 2, 3, 4), RATING_WEIGHTS)[0]
        memory = next_memory(card.kind, memory, rating, at, config)
        steps.append((at, rating, memory))
        gap = memory.due - at + timedelta(hours=rng.randint(0, 72))
        at += min(gap, longest_gap)
    # Shift the whole timeline so its last review falls in the 30 days before now.
    shift = (now - timedelta(days=rng.uniform(0, 30))) - steps[-1][0]
    return [
        (_review(card, when + shift, rating, rng), _shifted(memory, shift))
        for when, rating, memory in steps
    ]


def _review(card: Card, at: datetime, rating: int, rng: random.Random) -> Review:
    graded = rng.random() < 0.33
    verdicts = tuple(
        PointVerdictRow(p.id, hit, hit if rng.random() > 0.1 else not hit)
        for p in card.rubric
        for hit in [rng.random() < 0.25 * rating]
    ) if graded else ()
    return Review(card=card.full_id, reviewed_at=at, rating=rating, mode="drill" if graded else "review",
                  suggested=rating if graded else None, seconds=rng.uniform(30, 900), verdicts=verdicts)


def _shifted(memory: Memory, shift: timedelta) -> Memory:
    return Memory(memory.state, memory.step, memory.stability, memory.difficulty, memory.due + shift,
                  memory.last_review + shift if memory.last_review else None, memory.reps, memory.lapses)


def build(db: Path, cards: int, reviews: int, now: datetime, seed: int) -> None:
    rng = random.Random(seed)
    store = Store.open(db)
    store.conn.execute("PRAGMA synchronous = OFF")  # a benchmark fixture, rebuilt on failure
    decks = make_decks(cards, rng)
    for deck in decks:
        store.sync_deck(deck, now)
    all_cards = [card for deck in decks for card in deck.cards]
    per_card = [reviews // len(all_cards)] * len(all_cards)
    for index in range(reviews - sum(per_card)):
        per_card[index] += 1
    started = time.perf_counter()
    done = 0
    batch = 2000
    for start in range(0, len(all_cards), batch):
        with store.writing():
            for card, count in zip(all_cards[start:start + batch], per_card[start:start + batch], strict=True):
                # The store's own write path: each review lands with the memory state it
                # produced, so reviews carry their state before, as real ones do.
                for review, memory in history(card, count, now, rng) if count else []:
                    store.save_review(review, memory)
                done += count
        rate = done / (time.perf_counter() - started)
        print(f"\r{done:,}/{reviews:,} reviews ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=50_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--now", default=DEFAULT_NOW, help="the moment histories end before (ISO 8601)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; give a new path")
    now = datetime.fromisoformat(args.now).astimezone(UTC)
    started = time.perf_counter()
    build(args.db, args.cards, args.reviews, now, args.seed)
    print(f"built {args.db}: {args.cards:,} cards, {args.reviews:,} reviews in "
          f"{time.perf_counter() - started:.1f} s, {args.db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
