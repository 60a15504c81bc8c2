"""Decks, cards and self-assessments: what `decks add`, `cards`, `card` and `assess` read and write."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from tpmdrill.clock import from_text, to_text
from tpmdrill.decks import Card, Deck
from tpmdrill.errors import UnknownCard
from tpmdrill.store.connection import StoreBase
from tpmdrill.store.rows import CARD_COLUMNS, Assessment, CardName, DeckSync, card_from_row

# What a deck file sets on a card (and whether it is retired): a card whose stored
# values differ from its file's counts as updated when the deck is loaded again.
_SYNCED_COLUMNS = (
    "position", "kind", "prompt", "minutes", "tags", "skills", "answer", "rubric",
    "fixture", "solution", "ordered", "retired", "difficulty", "prompts", "follow_ups", "estimate",
)


class CatalogStore(StoreBase):
    """Decks and their cards, kept in step with the deck files, and self-assessments."""

    def deck_digests(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.conn.execute("SELECT id, digest FROM decks")}

    def sync_deck(self, deck: Deck, loaded_at: datetime) -> DeckSync:
        """Insert or update a deck's cards by id; retire (never delete) cards that left it."""
        with self.writing():
            self.db.table("decks").upsert(
                {"id": deck.id, "title": deck.title, "category": deck.category,
                 "description": deck.description, "source": deck.source,
                 "digest": deck.digest, "loaded_at": to_text(loaded_at)},
                pk="id",
            )
            existing = {
                row["id"]: tuple(row[c] for c in _SYNCED_COLUMNS)
                for row in self._rows(
                    f"SELECT id, {', '.join(_SYNCED_COLUMNS)} FROM cards WHERE deck = ?",  # noqa: S608
                    [deck.id],
                )
            }
            rows = [_card_row(card, position) for position, card in enumerate(deck.cards)]
            added = sum(1 for row in rows if row["id"] not in existing)
            updated = sum(
                1 for row in rows
                if row["id"] in existing and existing[row["id"]] != tuple(row[c] for c in _SYNCED_COLUMNS)
            )
            self.db.table("cards").upsert_all(rows, pk="id")
            current = {row["id"] for row in rows}
            gone = [
                card_id for card_id, old in existing.items()
                if card_id not in current and not old[_SYNCED_COLUMNS.index("retired")]
            ]
            self.conn.executemany("UPDATE cards SET retired = 1 WHERE id = ?", [[c] for c in gone])
        return DeckSync(deck.id, added, updated, len(gone), len(rows) - added - updated)

    def decks(self) -> list[dict[str, Any]]:
        """Every deck with its active cards counted: id, title, category, cards."""
        return [dict(row) for row in self._rows(
            "SELECT d.id, d.title, d.category,"
            " (SELECT count(*) FROM cards c WHERE c.deck = d.id AND c.retired = 0) AS cards"
            " FROM decks d ORDER BY d.category, d.id"
        )]

    def cards(
        self,
        *,
        deck: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        include_retired: bool = False,
        difficulty: int | None = None,
    ) -> list[Card]:
        where, params = card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        if not include_retired:
            where.append("c.retired = 0")
        # Only constant fragments are joined here; values are bound parameters.
        sql = (
            f"SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck"  # noqa: S608
            f" WHERE {' AND '.join(where) or '1'} ORDER BY d.category, c.deck, c.position"
        )
        return [card_from_row(row) for row in self._rows(sql, params)]

    def card(self, card_id: str) -> Card:
        row = self._rows(
            f"SELECT {CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck WHERE c.id = ?",  # noqa: S608
            [card_id],
        ).fetchone()
        if row is None:
            raise UnknownCard(
                f"no card {card_id!r}; 'tpmdrill cards' lists card ids (deck/card)"
            )
        return card_from_row(row)

    def has_card(self, card_id: str) -> bool:
        """Whether a card has exactly this full id (retired cards too)."""
        return self._value("SELECT 1 FROM cards WHERE id = ?", [card_id]) is not None

    def card_names(
        self, *, key_prefix: str = "", deck_prefix: str = "", id_prefix: str | None = None
    ) -> list[CardName]:
        """Active cards whose deck id and own id start with these prefixes, or whose full
        id starts with `id_prefix`: what a short card id may name (`tpmdrill.lookup`)."""
        rows = self._rows(
            "SELECT id, deck, key FROM cards WHERE retired = 0 AND ("
            " (substr(deck, 1, :deck_len) = :deck AND substr(key, 1, :key_len) = :key)"
            " OR (:full IS NOT NULL AND substr(id, 1, :full_len) = :full)) ORDER BY id",
            {"deck": deck_prefix, "deck_len": len(deck_prefix), "key": key_prefix, "key_len": len(key_prefix),
             "full": id_prefix, "full_len": len(id_prefix or "")},
        )
        return [CardName(row["id"], row["deck"], row["key"]) for row in rows]

    def category_of(self, deck_id: str) -> str:
        category = self._value("SELECT category FROM decks WHERE id = ?", [deck_id])
        return "" if category is None else str(category)

    def is_retired(self, card_id: str) -> bool:
        return bool(self._value("SELECT retired FROM cards WHERE id = ?", [card_id]))

    # ---- self-assessments ------------------------------------------------

    def save_assessment(
        self, taken_at: datetime, ratings: dict[str, int | None], carried: Collection[str] = ()
    ) -> int:
        """Store a self-assessment (None = skipped) and return its id; the skills in
        `carried` kept an earlier assessment's rating instead of being rated anew."""
        with self.writing():
            cursor = self.conn.execute("INSERT INTO assessments (taken_at) VALUES (?)", [to_text(taken_at)])
            assessment = int(cursor.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO assessment_ratings (assessment, skill, rating, carried) VALUES (?, ?, ?, ?)",
                [[assessment, skill, rating, int(skill in carried)] for skill, rating in ratings.items()],
            )
        return assessment

    def carried_skills(self, assessment: int) -> set[str]:
        """The skills whose rating in this assessment was carried over from an earlier one."""
        return {row[0] for row in self.conn.execute(
            "SELECT skill FROM assessment_ratings WHERE assessment = ? AND carried = 1", [assessment])}

    def assessments(self, limit: int | None = None) -> list[Assessment]:
        """Self-assessments, latest first, each with its ratings by skill (None = skipped)."""
        heads = self._rows(
            "SELECT id, taken_at FROM assessments ORDER BY taken_at DESC, id DESC LIMIT ?",
            [-1 if limit is None else limit],
        ).fetchall()
        return [
            Assessment(int(head["id"]), from_text(head["taken_at"]), dict(self.conn.execute(
                "SELECT skill, rating FROM assessment_ratings WHERE assessment = ? ORDER BY rowid", [head["id"]]
            ).fetchall()))
            for head in heads
        ]


def card_filter(
    *, deck: str | None, category: str | None, kind: str | None, difficulty: int | None = None
) -> tuple[list[str], list[Any]]:
    """WHERE terms and their parameters for the usual card filters (cards `c`, decks `d`)."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("c.deck", deck), ("d.category", category), ("c.kind", kind), ("c.difficulty", difficulty)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params


def _card_row(card: Card, position: int) -> dict[str, Any]:
    return {
        "id": card.full_id, "deck": card.deck, "key": card.id, "position": position,
        "kind": card.kind, "prompt": card.prompt, "minutes": card.minutes,
        "tags": json.dumps(list(card.tags)), "skills": json.dumps(list(card.skills)),
        "answer": card.answer,
        "rubric": json.dumps([p.to_json() for p in card.rubric]),
        "fixture": card.fixture, "solution": card.solution, "ordered": int(card.ordered),
        "retired": 0,
        # issue 14
        "difficulty": card.difficulty, "prompts": json.dumps(list(card.prompts)),
        "follow_ups": json.dumps([f.to_json() for f in card.follow_ups]),
        "estimate": json.dumps(card.estimate.to_json()) if card.estimate else None,
    }
