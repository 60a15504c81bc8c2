"""Whole-table reads and writes: the lossless JSON format (`transfer`), `merge`, and the
review histories `optimize` fits to (`optimizer`)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from tpmdrill.clock import from_text
from tpmdrill.store.reviews import ReviewStore
from tpmdrill.store.rows import LIVE, CardHistory, Memory, TimedRating

# The order whole tables are exported in, so two exports of the same data are equal.
EXPORT_ORDER = {
    "decks": "id", "cards": "id", "memory": "card", "reviews": "reviewed_at, id",
    "verdicts": "review, point", "settings": "key", "assessments": "id",
    "assessment_ratings": "assessment, skill",
    "mock_sheets": "id", "mock_questions": "sheet, position",  # issue 15
    "voids": "review",  # issue 16
}
# Columns the store derives from other tables (m012: a verdict's copy of its review's card
# and, while the review is live, its time). Triggers set them, so they are neither
# exported nor taken from imported rows.
DERIVED_COLUMNS = {"verdicts": frozenset({"card", "live_reviewed_at"})}


class TableStore(ReviewStore):
    """Tables read and written whole, and review histories replayed whole."""

    def table_rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of one of the user's tables, column name -> stored value, in a stable order."""
        cursor = self._rows(
            f"SELECT * FROM [{table}] ORDER BY {EXPORT_ORDER[table]}"  # noqa: S608 (names from a fixed table)
        )
        derived = DERIVED_COLUMNS.get(table, frozenset())
        return [{key: value for key, value in dict(row).items() if key not in derived} for row in cursor]

    def insert_rows(self, table: str, rows: Sequence[dict[str, Any]]) -> int:
        """Insert rows whose key is not taken yet (existing rows win); return how many went in.

        Keys that are not columns of `table` in this database are left out, so a file
        written by a newer tpmdrill still loads what this one understands; so are the
        derived columns, which triggers fill in.
        """
        if not rows:
            return 0
        known = {row[1] for row in self.conn.execute("SELECT * FROM pragma_table_info(?)", [table])}
        known -= DERIVED_COLUMNS.get(table, frozenset())
        columns = [name for name in rows[0] if name in known]
        names = ", ".join(f"[{name}]" for name in columns)
        before = self.conn.total_changes
        self.conn.executemany(
            f"INSERT OR IGNORE INTO [{table}] ({names}) VALUES ({', '.join('?' for _ in columns)})",  # noqa: S608
            [[row.get(name) for name in columns] for row in rows],
        )
        return self.conn.total_changes - before

    def review_ids_by_card(self) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = {}
        for card, review in self.conn.execute("SELECT card, id FROM reviews"):
            grouped.setdefault(card, set()).add(review)
        return grouped

    def free_assessment_id(self) -> int:
        return int(self._value("SELECT coalesce(max(id), 0) + 1 FROM assessments"))

    def scheduling_history(self, card_id: str) -> list[tuple[datetime, int]]:
        """(time, rating) of a card's reviews that moved its schedule, oldest first; cram left out."""
        return [
            (from_text(row[0]), int(row[1]))
            for row in self.conn.execute(
                "SELECT reviewed_at, rating FROM reviews r WHERE card = ? AND rescheduled = 1"  # noqa: S608
                f" AND {LIVE} ORDER BY reviewed_at, id",
                [card_id],
            )
        ]

    def scheduling_histories(self) -> Iterator[CardHistory]:
        """Every card with scheduled reviews, with those reviews oldest first."""
        rows = self.conn.execute(
            "SELECT r.card, c.kind, r.reviewed_at, r.rating FROM reviews r JOIN cards c ON c.id = r.card"  # noqa: S608
            f" WHERE r.rescheduled = 1 AND {LIVE} ORDER BY r.card, r.reviewed_at, r.id"
        )
        card, kind = "", ""
        reviews: list[TimedRating] = []
        for row in rows:
            if row[0] != card and reviews:
                yield CardHistory(card, kind, reviews)
                reviews = []
            card, kind = row[0], row[1]
            reviews.append(TimedRating(row[2], int(row[3])))
        if reviews:
            yield CardHistory(card, kind, reviews)

    def put_setting_and_memories(
        self, key: str, value: Any, memories: Sequence[tuple[str, Memory]], *, in_transaction: bool = False
    ) -> None:
        """A new setting and the memory states computed under it, together or not at all
        (`in_transaction`: inside the caller's `writing()`, which read what they came from)."""
        if not in_transaction:
            with self.writing():
                self.put_setting_and_memories(key, value, memories, in_transaction=True)
            return
        self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(value)])
        for card_id, memory in memories:
            self.put_memory(card_id, memory)

    def mean_review_seconds(self) -> float | None:
        """How long a review takes this user, on average; None before any timed review."""
        seconds = self._value(f"SELECT avg(seconds) FROM reviews r WHERE seconds > 0 AND {LIVE}")  # noqa: S608
        return None if seconds is None else float(seconds)
