"""What is due, new or troubled: the reads behind `due`, `drill` and `drill --cram`
(`session`, `drill`, `interview`).

Counts are taken over the memory table alone, less the memory of retired cards (found
from the few retired cards), so they cost index scans, not a look-up per card. CROSS
JOIN pins memory as the outer loop where cards are listed: the due-range scan on
memory_due_card is small, while SQLite would otherwise walk every active card and
probe memory.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from tpmdrill.clock import to_text
from tpmdrill.store.catalog import card_filter
from tpmdrill.store.connection import StoreBase
from tpmdrill.store.rows import (
    CARD_COLUMNS,
    LIVE,
    MEMORY_COLUMNS,
    DueCard,
    DueNow,
    MissedPoint,
    NewCard,
    Trouble,
    card_from_row,
    memory_from_row,
)

# Memory rows of retired cards, driven from cards_retired_id: few, however large the history.
RETIRED_MEMORY_SQL = "FROM cards c JOIN memory m ON m.card = c.id WHERE c.retired = 1"

# `rating = 1`: Rating.AGAIN.
_TROUBLE_SQL = (
    "JOIN (SELECT card, sum(missed) AS missed, sum(judged) AS judged, sum(rating = 1) AS failed"  # noqa: S608
    " FROM (SELECT r.card, r.rating,"
    " (SELECT count(*) FROM verdicts v WHERE v.review = r.id AND v.hit = 0) AS missed,"
    " (SELECT count(*) FROM verdicts v WHERE v.review = r.id) AS judged,"
    " row_number() OVER (PARTITION BY r.card ORDER BY r.reviewed_at DESC, r.rowid DESC) AS n"
    f" FROM reviews r WHERE {LIVE}) WHERE n <= ? GROUP BY card) t ON t.card = c.id"
    " LEFT JOIN memory m ON m.card = c.id"
)


class QueueStore(StoreBase):
    """Due and new cards, counts of them, and each card's recent trouble."""

    def cards_with_memory(
        self, join: str, where: list[str], params: list[Any], order: str, extra: str = ""
    ) -> list[sqlite3.Row]:
        """Active cards' rows: card columns, memory columns, `position`, then `extra`."""
        # Only constant fragments are joined here; values are bound parameters.
        sql = (
            f"SELECT {CARD_COLUMNS}, {MEMORY_COLUMNS}, c.position{extra} FROM cards c"  # noqa: S608
            f" JOIN decks d ON d.id = c.deck {join} WHERE c.retired = 0"
            f"{''.join(' AND ' + w for w in where)} ORDER BY {order}"
        )
        return self._rows(sql, params).fetchall()

    def due_cards(
        self, now: datetime, *, deck: str | None = None, category: str | None = None, kind: str | None = None,
        difficulty: int | None = None,
    ) -> list[DueCard]:
        """Active cards due at `now`, with their memory states, earliest due first."""
        where, params = card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        rows = self.cards_with_memory(
            "JOIN memory m ON m.card = c.id", [*where, "m.due <= ?"], [*params, to_text(now)], "m.due, c.id"
        )
        pairs = [(card_from_row(r), memory_from_row(r)) for r in rows]
        return [DueCard(card, memory) for card, memory in pairs if memory is not None]

    def new_cards(
        self, *, deck: str | None = None, category: str | None = None, kind: str | None = None,
        difficulty: int | None = None,
    ) -> list[NewCard]:
        """Active cards never reviewed, with their position in their deck."""
        where, params = card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        rows = self.cards_with_memory(
            "LEFT JOIN memory m ON m.card = c.id", [*where, "m.card IS NULL"], params,
            "c.position, d.category, c.deck",
        )
        return [NewCard(card_from_row(r), int(r["position"])) for r in rows]

    def recent_trouble(
        self, *, recent: int = 3, deck: str | None = None, category: str | None = None, kind: str | None = None,
        difficulty: int | None = None,
    ) -> list[Trouble]:
        """Reviewed active cards with the rubric points missed, the points judged and the
        Agains given over their last `recent` reviews, and their memory (for lapses)."""
        where, params = card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        rows = self.cards_with_memory(
            _TROUBLE_SQL, where, [recent, *params], "c.id", extra=", t.missed, t.judged, t.failed",
        )
        return [
            Trouble(card_from_row(r), memory_from_row(r), int(r["missed"]), int(r["judged"]), int(r["failed"]))
            for r in rows
        ]

    def cards_started_since(self, since: datetime) -> int:
        """How many cards had their first scheduled review at or after `since`."""
        return int(self._value(
            "SELECT count(DISTINCT card) FROM reviews r"  # noqa: S608
            f" WHERE reviewed_at >= ? AND rescheduled = 1 AND state_before IS NULL AND {LIVE}",
            [to_text(since)],
        ))

    def missed_points_since(self, since: datetime, limit: int = 3) -> list[MissedPoint]:
        """Rubric points missed since `since`, most missed first."""
        return [
            MissedPoint(row["card"], row["point"], int(row["misses"]))
            for row in self._rows(
                "SELECT r.card AS card, v.point AS point, count(*) AS misses FROM verdicts v"  # noqa: S608
                " JOIN reviews r ON r.id = v.review"
                f" WHERE r.reviewed_at >= ? AND v.hit = 0 AND {LIVE}"
                " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?",
                [to_text(since), limit],
            )
        ]

    def due_now(self, now: datetime, *, limit: int | None = None) -> DueNow:
        """Active cards whose due time has come, earliest first, and how many there are."""
        moment = to_text(now)
        total = self._value(
            "SELECT (SELECT count(*) FROM memory WHERE due <= :moment)"  # noqa: S608
            f" - (SELECT count(*) {RETIRED_MEMORY_SQL} AND m.due <= :moment)",
            {"moment": moment},
        )
        sql = (
            "SELECT c.id AS card, c.deck, d.category, c.kind, c.prompt, c.minutes, m.due, m.state,"
            " m.stability, m.last_review FROM memory m CROSS JOIN cards c ON c.id = m.card"
            " JOIN decks d ON d.id = c.deck WHERE m.due <= ? AND c.retired = 0 ORDER BY m.due"
        )
        params: list[Any] = [moment]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return DueNow([dict(r) for r in self._rows(sql, params)], int(total))

    def due_count_between(self, start: datetime, end: datetime) -> int:
        """How many active cards fall due in [start, end)."""
        return int(self._value(
            "SELECT (SELECT count(*) FROM memory WHERE due >= :start AND due < :end)"  # noqa: S608
            f" - (SELECT count(*) {RETIRED_MEMORY_SQL} AND m.due >= :start AND m.due < :end)",
            {"start": to_text(start), "end": to_text(end)},
        ))

    def due_per_day(self, start: datetime, end: datetime) -> dict[str, int]:
        """How many active cards fall due on each UTC date in [start, end)."""
        params = {"start": to_text(start), "end": to_text(end)}
        counts = dict(self.conn.execute(
            "SELECT substr(due, 1, 10), count(*) FROM memory WHERE due >= :start AND due < :end GROUP BY 1", params
        ).fetchall())
        for day, retired in self.conn.execute(
            f"SELECT substr(m.due, 1, 10), count(*) {RETIRED_MEMORY_SQL}"
            " AND m.due >= :start AND m.due < :end GROUP BY 1", params,
        ):
            counts[day] -= retired
        return {day: count for day, count in counts.items() if count}

    def next_due(self, after: datetime) -> str | None:
        due = self._value(
            "SELECT min(m.due) FROM memory m CROSS JOIN cards c ON c.id = m.card"
            " WHERE m.due > ? AND c.retired = 0",
            [to_text(after)],
        )
        return None if due is None else str(due)

    def new_card_count(self) -> int:
        """Active cards never reviewed. Whole-table counts (SQLite counts a table page by
        page) less the few retired cards, rather than a count of every active one."""
        return int(self._value(
            "SELECT (SELECT count(*) FROM cards) - (SELECT count(*) FROM cards WHERE retired = 1)"  # noqa: S608
            f" - (SELECT count(*) FROM memory) + (SELECT count(*) {RETIRED_MEMORY_SQL})"
        ))
