"""What `decks list`, `cards` and `card` show: views of the catalogue and of one card,
each with the `to_json` the commands print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tpmdrill.decks import Card
from tpmdrill.enums import CardKind, MemoryState, Rating
from tpmdrill.errors import UnknownDeck
from tpmdrill.scheduler import SchedulerConfig, honest_percent, recall_now, state_name
from tpmdrill.sqlschema import Schema, schema_of
from tpmdrill.store import Memory, Store


@dataclass(frozen=True)
class DeckEntry:
    id: str
    title: str
    category: str
    cards: int  # active

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "category": self.category, "cards": self.cards}


def deck_list(store: Store) -> list[DeckEntry]:
    """Every deck, by category then id, with its active cards counted."""
    return [DeckEntry(row["id"], row["title"], row["category"], row["cards"]) for row in store.decks()]


@dataclass(frozen=True)
class CardEntry:
    card: Card
    category: str

    def to_json(self) -> dict[str, Any]:
        card = self.card
        return {
            "id": card.full_id, "deck": card.deck, "category": self.category, "kind": card.kind,
            "prompt": card.prompt, "minutes": card.minutes, "tags": list(card.tags),
            "skills": list(card.skills), "difficulty": card.difficulty,
        }


def card_list(
    store: Store,
    *,
    deck: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    difficulty: int | None = None,
) -> list[CardEntry]:
    """Active cards matching the filters; an unknown deck is an error, not an empty list."""
    categories = {entry.id: entry.category for entry in deck_list(store)}
    if deck is not None and deck not in categories:
        raise UnknownDeck(f"no deck {deck!r}; 'tpmdrill decks list' lists decks")
    selected = store.cards(deck=deck, category=category, kind=kind, difficulty=difficulty)
    return [CardEntry(c, categories[c.deck]) for c in selected]


@dataclass(frozen=True)
class CardDetail:
    """A card with its rubric and answer, its memory state, predicted recall and history."""

    entry: CardEntry
    retired: bool
    memory: Memory | None
    recall: float
    reviews: list[dict[str, Any]]
    schema: Schema | None = None  # a sql card's tables, sample rows and dialect line

    @property
    def learning_agains(self) -> int:
        """Agains before the card graduated (or while relearning): struggles that FSRS
        does not count as lapses."""
        return sum(1 for r in self.reviews if r["rating"] == Rating.AGAIN and r["state_before"] != MemoryState.REVIEW)

    def to_json(self) -> dict[str, Any]:
        card, memory = self.entry.card, self.memory
        view = self.entry.to_json() | {
            "answer": card.answer,
            "rubric": [p.to_json() for p in card.rubric],
            "retired": self.retired,
            "state": state_name(memory),
            "due": memory.due.isoformat() if memory else None,
            "last_review": memory.last_review.isoformat() if memory and memory.last_review else None,
            "stability": memory.stability if memory else None,
            "difficulty": memory.difficulty if memory else None,
            "retrievability": round(self.recall, 4),
            "recall_now": honest_percent(self.recall) if memory else None,
            "reps": memory.reps if memory else 0,
            "lapses": memory.lapses if memory else 0,
            "learning_agains": self.learning_agains,
            "reviews": self.reviews,
            # "difficulty" above is the memory's (FSRS); the card's level is card_difficulty.
            "card_difficulty": card.difficulty,
            "prompts": list(card.prompts),
            "follow_ups": [f.to_json() for f in card.follow_ups],
            "estimate": card.estimate.to_json() if card.estimate else None,
        }
        view["tables"] = self.schema.to_json() if self.schema else None
        if card.kind == CardKind.SQL:
            view["solution"] = card.solution
            view["ordered"] = card.ordered
        if self.schema is not None:
            view["dialect"] = self.schema.dialect
        return view


def card_detail(store: Store, card_id: str, now: datetime) -> CardDetail:
    card = store.card(card_id)
    memory = store.memory_of(card_id)
    config = SchedulerConfig.from_settings(store.settings())
    return CardDetail(
        CardEntry(card, store.category_of(card.deck)), store.is_retired(card_id), memory,
        recall_now(memory, now, config), store.history(card_id), schema_of(card),
    )
