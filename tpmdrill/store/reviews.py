"""Recording reviews and reading a card's record: what `scheduler.record_review`, `card`
and the drill's "last seen" line use. Reviews are append-only."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tpmdrill.clock import from_text, to_text
from tpmdrill.enums import Rating
from tpmdrill.store.connection import StoreBase
from tpmdrill.store.rows import (
    LIVE,
    MEMORY_COLUMNS,
    MEMORY_KEYS,
    LastSeen,
    Memory,
    Review,
    ReviewToUndo,
    memory_from_json,
    memory_from_row,
)


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
            " difficulty_after, attempts, memory_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " (SELECT state FROM memory WHERE card = ?), ?, ?, ?, ?, ?)",
            [review.id, review.card, to_text(review.reviewed_at), review.rating,
             review.suggested, review.score, review.answer, review.seconds, review.mode,
             int(review.rescheduled), review.card,
             to_text(memory.due) if memory else None,
             memory.stability if memory else None, memory.difficulty if memory else None,
             review.attempts, self._memory_row_json(review.card)],
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
            dict(row) | {"rescheduled": bool(row["rescheduled"]), "voided": bool(row["voided"])}
            for row in self._rows(
                "SELECT id, reviewed_at, rating, suggested, score, seconds, mode, rescheduled,"
                " answer, due_after, attempts, state_before, id IN (SELECT review FROM voids) AS voided"
                " FROM reviews WHERE card = ? ORDER BY reviewed_at, rowid",
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
            f"SELECT reviewed_at, rating FROM reviews r WHERE card = ? AND {LIVE}"  # noqa: S608
            " ORDER BY reviewed_at DESC, rowid DESC LIMIT 1",
            [card_id],
        ).fetchone()
        return None if row is None else LastSeen(from_text(row["reviewed_at"]), int(row["rating"]))

    def review_count(self) -> int:
        """Reviews recorded and not voided."""
        return int(self._value(f"SELECT count(*) FROM reviews r WHERE {LIVE}"))  # noqa: S608

    # ---- undo ----------------------------------------------------------------------

    def _memory_row_json(self, card_id: str) -> str | None:
        """The card's memory row as JSON (Python's float text round-trips exactly)."""
        row = self._rows(f"SELECT {', '.join(MEMORY_KEYS)} FROM memory WHERE card = ?", [card_id]).fetchone()  # noqa: S608
        return None if row is None else json.dumps(dict(row))

    def latest_live_review(self) -> ReviewToUndo | None:
        """The latest review not voided, with what is needed to restore the state before it."""
        row = self._rows(
            "SELECT r.id, r.card, r.reviewed_at, r.rating, r.mode, r.rescheduled, r.state_before,"  # noqa: S608
            f" r.memory_before, r.rowid AS n FROM reviews r WHERE {LIVE}"
            " ORDER BY r.reviewed_at DESC, r.rowid DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        count, last = self.conn.execute(
            "SELECT count(*), max(reviewed_at) FROM reviews r WHERE card = ? AND rescheduled = 1"  # noqa: S608
            f" AND {LIVE} AND (reviewed_at < ? OR (reviewed_at = ? AND rowid < ?))",
            [row["card"], row["reviewed_at"], row["reviewed_at"], row["n"]],
        ).fetchone()
        return ReviewToUndo(
            id=row["id"], card=row["card"], reviewed_at=from_text(row["reviewed_at"]), rating=Rating(row["rating"]),
            mode=row["mode"], rescheduled=bool(row["rescheduled"]), was_new=row["state_before"] is None,
            memory_before=memory_from_json(row["memory_before"]),
            prior_scheduled=int(count), prior_last=from_text(last) if last is not None else None,
        )

    def void_review(self, review_id: str, at: datetime) -> None:
        """Record the voiding entry of a review; call inside `writing()`."""
        self.conn.execute("INSERT INTO voids (review, voided_at) VALUES (?, ?)", [review_id, to_text(at)])

    def voided_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT review FROM voids")}

    # --- issue 14: rotating prompts and follow-ups ---

    def reviews_of(self, card_id: str) -> int:
        """How many reviews the card has had, in any mode: the drill rotates prompts and
        follow-ups by it."""
        return int(self._value(f"SELECT count(*) FROM reviews r WHERE card = ? AND {LIVE}", [card_id]))  # noqa: S608
