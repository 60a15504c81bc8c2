"""Reads behind real-time budgets, the user's pace and the interview plan
(`pace`, `budget`, `plan`, `interview`): timed reviews, time studied, the load due,
and every card as the planner needs it. Voided reviews are left out throughout."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tpmdrill.clock import to_text
from tpmdrill.store.connection import StoreBase
from tpmdrill.store.rows import LIVE, DueLoad, LapseRate, TimedReview, live


class PlanningStore(StoreBase):
    """What time study takes and what the days ahead hold."""

    def timed_reviews(self, since: datetime, limit: int) -> list[TimedReview]:
        """The latest `limit` timed live reviews since `since`, latest first: index-only
        (reviews_time_seconds_card, then each card's kind and minutes from cards_due_load),
        so the cost does not grow with history or with the cards' text."""
        return [TimedReview(r[0], float(r[1]), int(r[2])) for r in self.conn.execute(
            "SELECT c.kind, r.seconds, c.minutes FROM (SELECT x.card, x.seconds FROM reviews x"  # noqa: S608
            f" WHERE x.seconds > 0 AND x.reviewed_at >= ? AND {live('x')}"
            " ORDER BY x.reviewed_at DESC LIMIT ?) r JOIN cards c INDEXED BY cards_due_load ON c.id = r.card",
            [to_text(since), limit],
        )]

    def studied_seconds(self, start: datetime, end: datetime) -> float:
        """Time spent on live reviews in [start, end): recorded seconds, else the card's minutes."""
        return float(self._value(
            "SELECT total(coalesce(nullif(r.seconds, 0), c.minutes * 60.0)) FROM reviews r"  # noqa: S608
            f" JOIN cards c ON c.id = r.card WHERE r.reviewed_at >= ? AND r.reviewed_at < ? AND {LIVE}",
            [to_text(start), to_text(end)],
        ))

    def reviewed_since(self, since: datetime) -> set[str]:
        """Cards with a live review at or after `since`."""
        return {row[0] for row in self.conn.execute(
            f"SELECT DISTINCT card FROM reviews r WHERE reviewed_at >= ? AND {LIVE}",  # noqa: S608
            [to_text(since)],
        )}

    def due_load(self, start: datetime | None, end: datetime) -> list[DueLoad]:
        """Active cards due in [start, end) per UTC date and kind, with their expected
        minutes; with no start, everything due before `end`, dated by `end`'s day."""
        # With no start there is one date, so the cards are grouped by kind alone.
        day, groups = ("substr(m.due, 1, 10)", "1, 2") if start is not None else ("substr(:end, 1, 10)", "c.kind")
        return [DueLoad(r[0], r[1], int(r[2]), int(r[3])) for r in self.conn.execute(
            f"SELECT {day}, c.kind, count(*), total(c.minutes) FROM memory m CROSS JOIN cards c"  # noqa: S608
            f" ON c.id = m.card WHERE m.due >= :start AND m.due < :end AND c.retired = 0 GROUP BY {groups}",
            {"start": to_text(start) if start is not None else "", "end": to_text(end)},
        )]

    def plan_rows(self, before: datetime | None = None) -> list[tuple[Any, ...]]:
        """Active cards as (id, kind, minutes, category, skills JSON, tags JSON, position,
        difficulty, state, stability, fsrs difficulty, due, last_review): the planner's
        input, tens of thousands of plain tuples. With `before`, only new cards and those
        due before it; skills and tags only for new cards. Difficulty is the card's (1-3)
        when the cards table has it, else 2."""
        has_difficulty = any(row[1] == "difficulty" for row in self.conn.execute("PRAGMA table_info(cards)"))
        difficulty = "coalesce(c.difficulty, 2)" if has_difficulty else "2"
        return self.conn.execute(
            "SELECT c.id, c.kind, c.minutes, d.category, iif(m.card IS NULL, c.skills, '[]'),"  # noqa: S608
            f" iif(m.card IS NULL, c.tags, '[]'), c.position, {difficulty},"
            " m.state, m.stability, m.difficulty, m.due, m.last_review FROM cards c"
            " JOIN decks d ON d.id = c.deck LEFT JOIN memory m ON m.card = c.id WHERE c.retired = 0"
            " AND (m.due IS NULL OR m.due < ?)",
            [to_text(before) if before is not None else "9999"],
        ).fetchall()

    def lapse_rates(self) -> list[LapseRate]:
        """Lapses and reviews per category and per tag, over studied active cards."""
        return [LapseRate(r[0], r[1], int(r[2]), int(r[3])) for r in self.conn.execute(
            "WITH s AS MATERIALIZED (SELECT c.id, c.tags, d.category, m.lapses, m.reps FROM memory m"
            " JOIN cards c ON c.id = m.card JOIN decks d ON d.id = c.deck WHERE c.retired = 0)"
            " SELECT 'category', category, total(lapses), total(reps) FROM s GROUP BY category"
            " UNION ALL SELECT 'tag', t.value, total(lapses), total(reps) FROM s, json_each(s.tags) t"
            " GROUP BY t.value"
        )]
