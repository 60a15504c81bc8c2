"""Recording reviews and reading a card's record: what `scheduler.record_review`, `card`
and the drill's "last seen" line use. Reviews are append-only."""

from __future__ import annotations

import json
from typing import Any

from tpmdrill.clock import from_text, to_text
from tpmdrill.store.connection import StoreBase
from tpmdrill.store.rows import MEMORY_COLUMNS, LastSeen, Memory, Review, memory_from_row


class ReviewStore(StoreBase):
    """Memory states and the reviews that move them."""

    def memory_of(self, card_id: str) -> Memory | None:
        row = self._rows(
            f"SELECT {MEMORY_COLUMNS} FROM memory m WHERE m.card = ?", [card_id]  # noqa: S608
        ).fetchone()
        return memory_from_row(row)

    def save_review(self, review: Review, memory: Memory | None) -> Review:
        """Append a review with its point verdicts and, if given, the new memory state.

        Call inside `writing()` together with the read of the old memory state, so the
        review, the verdicts and the state land together or not at all.
        """
        review = review.with_id()
        self.conn.execute(
            "INSERT INTO reviews (id, card, reviewed_at, rating, suggested, score, answer,"
            " seconds, mode, rescheduled, state_before, due_after, stability_after,"
            " difficulty_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " (SELECT state FROM memory WHERE card = ?), ?, ?, ?)",
            [review.id, review.card, to_text(review.reviewed_at), review.rating,
             review.suggested, review.score, review.answer, review.seconds, review.mode,
             int(review.rescheduled), review.card,
             to_text(memory.due) if memory else None,
             memory.stability if memory else None, memory.difficulty if memory else None],
        )
        self.conn.executemany(
            "INSERT INTO verdicts (review, point, auto_hit, hit, matched) VALUES (?, ?, ?, ?, ?)",
            [[review.id, v.point, None if v.auto_hit is None else int(v.auto_hit), int(v.hit),
              json.dumps(list(v.matched))] for v in review.verdicts],
        )
        if memory is not None:
            self.put_memory(review.card, memory)
        return review

    def put_memory(self, card_id: str, memory: Memory) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO memory (card, state, step, stability, difficulty, due,"
            " last_review, reps, lapses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [card_id, memory.state, memory.step, memory.stability, memory.difficulty,
             to_text(memory.due),
             to_text(memory.last_review) if memory.last_review is not None else None,
             memory.reps, memory.lapses],
        )

    def forget_memory(self, card_id: str) -> None:
        self.conn.execute("DELETE FROM memory WHERE card = ?", [card_id])

    def history(self, card_id: str) -> list[dict[str, Any]]:
        """A card's reviews, oldest first, each with its rubric-point verdicts (`points`)."""
        reviews = [
            dict(row) | {"rescheduled": bool(row["rescheduled"])}
            for row in self._rows(
                "SELECT id, reviewed_at, rating, suggested, score, seconds, mode, rescheduled,"
                " answer, due_after, state_before FROM reviews WHERE card = ? ORDER BY reviewed_at, rowid",
                [card_id],
            )
        ]
        verdicts: dict[str, list[dict[str, Any]]] = {}
        for row in self._rows(
            "SELECT v.review, v.point, v.auto_hit, v.hit, v.matched FROM verdicts v"
            " JOIN reviews r ON r.id = v.review WHERE r.card = ?",
            [card_id],
        ):
            verdicts.setdefault(row["review"], []).append(
                {"point": row["point"], "auto_hit": None if row["auto_hit"] is None else bool(row["auto_hit"]),
                 "hit": bool(row["hit"]), "matched": json.loads(row["matched"] or "[]")}
            )
        for review in reviews:
            review["points"] = verdicts.get(review["id"], [])
        return reviews

    def last_seen(self, card_id: str) -> LastSeen | None:
        """When the card was last reviewed, in any mode, and the rating given."""
        row = self._rows(
            "SELECT reviewed_at, rating FROM reviews WHERE card = ? ORDER BY reviewed_at DESC, rowid DESC LIMIT 1",
            [card_id],
        ).fetchone()
        return None if row is None else LastSeen(from_text(row["reviewed_at"]), int(row["rating"]))

    def review_count(self) -> int:
        return int(self._value("SELECT count(*) FROM reviews"))

    # --- issue 14: rotating prompts and follow-ups ---

    def reviews_of(self, card_id: str) -> int:
        """How many reviews the card has had, in any mode: the drill rotates prompts and
        follow-ups by it."""
        return int(self._value("SELECT count(*) FROM reviews WHERE card = ?", [card_id]))
