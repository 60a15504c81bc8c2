"""Aggregates for `weak`, `report`, `mock`, `gaps` and the interview date (`analytics`,
`mock`, `assess`, `interview`).

In SQL, `rating = 1` is Rating.AGAIN and `state_before = 2` is MemoryState.REVIEW.
Each method is one query that SQLite groups, so Python only shapes a few result rows.
Recency weights are 0.5 ** (age in days / half_life); retrievability follows FSRS's
forgetting curve R = (1 + factor * whole_days / stability) ** decay.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tpmdrill.clock import to_text
from tpmdrill.store.queue import RETIRED_MEMORY_SQL, QueueStore
from tpmdrill.store.rows import (
    LIVE,
    AssessmentSum,
    CardFacts,
    CardMinutes,
    DayDue,
    DayReviews,
    DeckMemory,
    SkillCard,
    WeightedMisses,
    card_from_row,
    live,
    memory_from_row,
)

# FSRS counts whole days since the last review; the small epsilon keeps an exact
# multiple of a day from flooring one day short through floating-point rounding.
_RECALL_SQL = (
    "pow(1 + :factor * max(0, CAST(:at - julianday(m.last_review) + 1e-8 AS INTEGER))"
    " / m.stability, :decay)"
)

# Rubric points of active cards, from their live verdicts in [since, now]: each carries
# its review's card and time (m012; no time once the review is voided), so the window is
# one walk of verdicts_card_point_time, already grouped by card and point, with the
# julianday read from the index. Retired cards are dropped after grouping, against the
# few retired ones. A weight is computed once, and again only for a miss (FILTER skips
# the others).
_VERDICT_WEIGHT_SQL = "pow(0.5, (:now - julianday(v.live_reviewed_at)) / :half)"
_VERDICT_MISSED = "FILTER (WHERE v.hit = 0)"
_POINT_MISSES_SQL = (
    f"SELECT v.card, v.point, count(*) AS n, sum({_VERDICT_WEIGHT_SQL}) AS w,"  # noqa: S608 (constant fragments)
    f" coalesce(sum({_VERDICT_WEIGHT_SQL}) {_VERDICT_MISSED}, 0.0) AS missed, count(*) {_VERDICT_MISSED},"
    f" coalesce(max({_VERDICT_WEIGHT_SQL}) {_VERDICT_MISSED}, 0.0)"
    " FROM verdicts v INDEXED BY verdicts_card_point_time"
    " WHERE v.live_reviewed_at >= :since AND v.live_reviewed_at <= :now_text"
    " GROUP BY v.card, v.point"
    " HAVING count(*) >= :min AND v.card NOT IN (SELECT id FROM cards WHERE retired = 1)"
    " ORDER BY missed / w DESC, n DESC, v.card, v.point LIMIT :limit"
)

# Reviews are summed per active card once, then rolled up into tags and categories.
# Active cards in id order (cards_active_deck_tags), each with its window of reviews
# (reviews_card_time_rating_day, m012, which also holds each review's julianday): both
# index-only, and already grouped by card. A review's weight is computed once, and again
# only for an Again (FILTER skips the others).
# Cards sharing a tag list (a few hundred lists) and a deck are summed together before
# the tag lists are split (json_each) and the decks joined to their categories.
# Cards come back all, or (with :cards >= 0) only the most missed with enough evidence.
_WEIGHT_SQL = "pow(0.5, (:now - julianday(x.reviewed_at)) / :half)"
_AGAIN = "FILTER (WHERE x.rating = 1)"
_SUMS_SQL = "sum(n) AS n, sum(w) AS w, sum(missed) AS missed, sum(misses) AS misses, max(last_miss) AS last_miss"
_REVIEW_MISSES_SQL = (
    f"WITH active AS MATERIALIZED (SELECT c.id AS card, c.tags, c.deck, count(*) AS n,"  # noqa: S608
    f" sum({_WEIGHT_SQL}) AS w, coalesce(sum({_WEIGHT_SQL}) {_AGAIN}, 0.0) AS missed,"
    f" count(*) {_AGAIN} AS misses, coalesce(max({_WEIGHT_SQL}) {_AGAIN}, 0.0) AS last_miss"
    " FROM cards c CROSS JOIN reviews x ON x.card = c.id AND x.reviewed_at >= :since AND x.reviewed_at <= :now_text"
    f" AND {live('x')}"
    " WHERE c.retired = 0 GROUP BY c.id),"
    f" tag_lists AS (SELECT tags, {_SUMS_SQL} FROM active GROUP BY tags),"
    f" deck_sums AS (SELECT deck, {_SUMS_SQL} FROM active GROUP BY deck)"
    " SELECT * FROM (SELECT 'card' AS grp, card AS key, n, w, missed, misses, last_miss FROM active"
    "  WHERE :cards < 0 OR (n >= :min_card AND missed > 0 AND w > 0)"
    "  ORDER BY missed / w DESC, n DESC, card LIMIT :cards)"
    " UNION ALL SELECT 'tag', t.value, sum(p.n), sum(p.w), sum(p.missed), sum(p.misses), max(p.last_miss)"
    "  FROM tag_lists p, json_each(p.tags) t GROUP BY t.value HAVING sum(p.n) >= :min"
    " UNION ALL SELECT 'category', d.category, sum(p.n), sum(p.w), sum(p.missed), sum(p.misses), max(p.last_miss)"
    "  FROM deck_sums p JOIN decks d ON d.id = p.deck GROUP BY d.category HAVING sum(p.n) >= :min"
)


# Each UTC day from :first, :days of them: its date `d` (the n-th) and the next one's.
_DAYS_SQL = (
    "WITH RECURSIVE days(n, d, next) AS (SELECT 0, :first, date(:first, '+1 day') WHERE :days > 0"
    " UNION ALL SELECT n + 1, next, date(next, '+1 day') FROM days WHERE n + 1 < :days)"
)

# A day's reviews: their count, those of graduated cards, those passed, Agains while learning.
_REVIEWS_BY_DAY_SQL = _DAYS_SQL + (  # noqa: S608 (constant fragments)
    " SELECT d, (SELECT count(*) || ',' || count(*) FILTER (WHERE state_before = 2) || ','"  # noqa: S608
    " || count(*) FILTER (WHERE state_before = 2 AND rating > 1)"
    " || ',' || count(*) FILTER (WHERE rating = 1 AND coalesce(state_before, 0) != 2)"
    " FROM reviews r INDEXED BY reviews_report_covering"
    f" WHERE r.reviewed_at >= max(d, :start) AND r.reviewed_at < min(next, :end) AND {LIVE}) FROM days"
)
# Active cards due on a day (the first day: due by its end), from counts of memory_due_card.
_DUE_BY_DAY_SQL = _DAYS_SQL + (  # noqa: S608 (constant fragments)
    " SELECT d, (SELECT count(*) FROM memory WHERE due >= iif(n = 0, '', d) AND due < next)"  # noqa: S608
    f" - (SELECT count(*) {RETIRED_MEMORY_SQL} AND m.due >= iif(n = 0, '', d) AND m.due < next) FROM days"
)


class AggregateStore(QueueStore):
    """Grouped reads over reviews, memory states and assessments."""

    def _read_fast(self) -> None:
        """Give SQLite `pow` when it was built without its math functions."""
        try:
            self.conn.execute("SELECT pow(2, 3)").fetchone()
        except sqlite3.OperationalError:
            self.conn.create_function("pow", 2, _pow, deterministic=True)

    def reviews_by_day(self, start: datetime, end: datetime) -> list[DayReviews]:
        """Reviews per UTC day in [start, end), with those of graduated cards and how many passed.

        True retention counts only reviews of cards in review state (2), as Anki does:
        learning steps say little about long-term memory. Each day is one range of
        reviews_report_covering, so the window is read in order and never sorted.
        """
        first = start.astimezone(UTC).date()
        last = (end - timedelta(microseconds=1)).astimezone(UTC).date()
        rows = self.conn.execute(_REVIEWS_BY_DAY_SQL, {
            "first": first.isoformat(), "days": (last - first).days + 1, "start": to_text(start), "end": to_text(end),
        })
        days = [(day, [int(n) for n in counts.split(",")]) for day, counts in rows]
        return [DayReviews(day, *counts) for day, counts in days if counts[0]]

    def forecast_per_day(self, now: datetime, days: int) -> list[DayDue]:
        """Cards due today and on the next days; overdue cards count today. Each day is a
        count of one range of memory_due_card, less the few retired cards due then."""
        today = now.astimezone(UTC).date()
        rows = self.conn.execute(_DUE_BY_DAY_SQL, {"first": today.isoformat(), "days": days})
        return [DayDue(day, int(count)) for day, count in rows if count]

    def memory_by_deck(
        self, moments: Sequence[datetime], curve: tuple[float, float], mastered_days: float
    ) -> list[DeckMemory]:
        """Per deck: active cards, studied ones, their summed recall at each of `moments`
        (one pass however many), and those with stability above `mastered_days`. Cards
        are walked in deck order (cards_retired_deck_id) with their memory from
        memory_card_recall, both index-only, and grouped without sorting."""
        self._read_fast()
        decay, factor = curve
        recalls = "".join(f", sum({_RECALL_SQL.replace(':at', f':at{i}')})" for i in range(len(moments)))
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.category, s.* FROM (SELECT c.deck, count(*), count(m.last_review),"  # noqa: S608
            f" sum(m.stability > :mastered){recalls} FROM cards c INDEXED BY cards_retired_deck_id"
            " LEFT JOIN memory m INDEXED BY memory_card_recall ON m.card = c.id WHERE c.retired = 0 GROUP BY c.deck) s"
            " JOIN decks d ON d.id = s.deck ORDER BY d.category, d.id",
            {"decay": decay, "factor": factor, "mastered": mastered_days}
            | {f"at{i}": _julian(moment) for i, moment in enumerate(moments)},
        )
        return [DeckMemory(r[0], r[1], r[2], int(r[4]), int(r[5]), int(r[6] or 0),
                           tuple(float(x or 0.0) for x in r[7:])) for r in rows]

    def card_minutes(self) -> list[CardMinutes]:
        """Every active card's category and minutes, by id: what a mock set chooses
        from, without reading rubrics and answers."""
        return [CardMinutes(r[0], r[1], int(r[2])) for r in self.conn.execute(
            "SELECT c.id, d.category, c.minutes FROM cards c JOIN decks d ON d.id = c.deck"
            " WHERE c.retired = 0 ORDER BY c.id"
        )]

    def recall_by_card(self, at: datetime, curve: tuple[float, float]) -> dict[str, float]:
        """Predicted recall at `at` of every studied active card."""
        self._read_fast()
        decay, factor = curve
        return {r[0]: float(r[1]) for r in self.conn.execute(
            f"SELECT m.card, {_RECALL_SQL} FROM memory m JOIN cards c ON c.id = m.card"  # noqa: S608
            " WHERE c.retired = 0 AND m.last_review IS NOT NULL",
            {"at": _julian(at), "decay": decay, "factor": factor},
        )}

    def weighted_point_misses(
        self, since: datetime, now: datetime, half_life: float, min_evidence: int, limit: int
    ) -> list[WeightedMisses]:
        """Rubric points of active cards (group 'point', key = card), highest
        recency-weighted miss rate first."""
        self._read_fast()
        return [WeightedMisses("point", r[0], int(r[2]), float(r[3]), float(r[4]), point=r[1],
                               misses=int(r[5]), last_missed=_when(r[6], now, half_life))
                for r in self.conn.execute(
            _POINT_MISSES_SQL, _recent_params(since, now, half_life) | {"min": min_evidence, "limit": limit},
        )]

    def weighted_review_misses(
        self, since: datetime, now: datetime, half_life: float, min_evidence: int,
        *, cards: int | None = None, min_card_evidence: int = 0,
    ) -> list[WeightedMisses]:
        """Reviews and the weight of Again ratings for every reviewed active card (group
        'card'), and for tags and categories with at least `min_evidence` reviews.

        With `cards`, only that many cards come back: those with at least
        `min_card_evidence` reviews and some misses, highest miss rate first."""
        self._read_fast()
        limits = {"cards": -1 if cards is None else cards, "min_card": min_card_evidence}
        return [WeightedMisses(r[0], r[1], int(r[2]), float(r[3]), float(r[4]), misses=int(r[5]),
                               last_missed=_when(r[6], now, half_life)) for r in self.conn.execute(
            _REVIEW_MISSES_SQL, _recent_params(since, now, half_life) | {"min": min_evidence} | limits,
        )]

    def skill_misses(self, since: datetime, now: datetime, skills: Sequence[str]) -> list[WeightedMisses]:
        """For each of `skills`: reviews in [since, now] of the active cards training it,
        how many were Again, and when the latest Again was (group 'skill', unweighted)."""
        if not skills:
            return []
        marks = ", ".join("?" for _ in skills)
        return [WeightedMisses("skill", r[0], int(r[1]), float(r[1]), float(r[2]), misses=int(r[2]),
                               last_missed=r[3]) for r in self.conn.execute(
            "SELECT s.value, count(*), total(x.rating = 1), max(CASE WHEN x.rating = 1 THEN x.reviewed_at END)"  # noqa: S608
            " FROM cards c JOIN json_each(c.skills) s JOIN reviews x ON x.card = c.id"
            f" AND x.reviewed_at >= ? AND x.reviewed_at <= ? AND {live('x')} WHERE c.retired = 0"
            f" AND s.value IN ({marks})"
            " GROUP BY s.value",
            [to_text(since), to_text(now), *skills],
        )]

    def first_review_at(self) -> str | None:
        """When the earliest review was recorded (stored text), or None with no reviews."""
        row = self.conn.execute("SELECT min(reviewed_at) FROM reviews").fetchone()
        return None if row is None else row[0]

    def median_seconds_by_kind(self, since: datetime, sample: int = 2000) -> dict[str, tuple[float, int]]:
        """Per card kind, the median recorded answer time (seconds) among the latest
        `sample` timed reviews since `since`, with how many it rests on. The sample walks
        reviews_time_seconds_card backwards and takes each kind from cards_due_load, both
        index-only, so the cost does not grow with history."""
        return {r[0]: (float(r[1]), int(r[2])) for r in self.conn.execute(
            f"WITH latest AS (SELECT card, seconds FROM reviews r WHERE reviewed_at >= ? AND seconds > 0 AND {LIVE}"  # noqa: S608
            " ORDER BY reviewed_at DESC LIMIT ?),"
            " timed AS (SELECT c.kind, x.seconds,"
            " row_number() OVER (PARTITION BY c.kind ORDER BY x.seconds) AS n,"
            " count(*) OVER (PARTITION BY c.kind) AS total FROM latest x JOIN cards c INDEXED BY cards_due_load"
            " ON c.id = x.card)"
            " SELECT kind, avg(seconds), max(total) FROM timed"
            " WHERE n IN ((total + 1) / 2, (total + 2) / 2) GROUP BY kind",
            [to_text(since), sample],
        )}

    def card_facts(self, card_ids: Sequence[str]) -> list[CardFacts]:
        """For each of `card_ids`: prompt, kind, minutes, category and stability (None when new)."""
        if not card_ids:
            return []
        marks = ", ".join("?" for _ in card_ids)
        return [CardFacts(r[0], r[1], r[2], int(r[3]), r[4], None if r[5] is None else float(r[5]))
                for r in self.conn.execute(
            "SELECT c.id, c.prompt, c.kind, c.minutes, d.category, m.stability FROM cards c"  # noqa: S608
            f" JOIN decks d ON d.id = c.deck LEFT JOIN memory m ON m.card = c.id WHERE c.id IN ({marks})",
            list(card_ids),
        )]

    def assessment_totals(self) -> list[AssessmentSum]:
        """Per assessment, oldest first: the total of its ratings, skills rated and skipped."""
        return [AssessmentSum(r[0], int(r[1] or 0), int(r[2]), int(r[3])) for r in self.conn.execute(
            "SELECT a.taken_at, sum(x.rating), count(x.rating), count(x.skill) - count(x.rating)"
            " FROM assessments a LEFT JOIN assessment_ratings x ON x.assessment = a.id"
            " GROUP BY a.id ORDER BY a.taken_at, a.id"
        )]

    def assessment_dimension_totals(self, dimension_of: dict[str, str]) -> list[tuple[str, str, int]]:
        """Per assessment (oldest first) and dimension: (taken_at, dimension, total of ratings),
        skills mapped to dimensions by `dimension_of`."""
        return [(r[0], r[1], int(r[2] or 0)) for r in self.conn.execute(
            "SELECT a.taken_at, d.value, sum(x.rating) FROM assessments a"
            " JOIN assessment_ratings x ON x.assessment = a.id JOIN json_each(?) d ON d.key = x.skill"
            " GROUP BY a.id, d.value ORDER BY a.taken_at, a.id, d.value",
            [json.dumps(dimension_of)],
        )]

    def skill_cards(self, skills: Sequence[str]) -> list[SkillCard]:
        """Every active card training one of `skills`, with its memory and last rating."""
        rows = self.cards_with_memory(
            "JOIN json_each(c.skills) s LEFT JOIN memory m ON m.card = c.id",
            [f"s.value IN ({', '.join('?' for _ in skills)})"], list(skills),
            "s.value, d.category, c.deck, c.position",
            extra=f", s.value AS skill, (SELECT r.rating FROM reviews r WHERE r.card = c.id AND {LIVE}"  # noqa: S608
            " ORDER BY r.reviewed_at DESC, r.rowid DESC LIMIT 1) AS last_rating",
        )
        return [SkillCard(str(r["skill"]), card_from_row(r), memory_from_row(r), r["last_rating"]) for r in rows]

    def bring_forward(self, interview: datetime, cap: datetime, curve: tuple[float, float], target: float) -> int:
        """Make studied active cards whose recall on `interview` would fall below `target`
        due no later than `cap`; return how many moved."""
        self._read_fast()
        decay, factor = curve
        with self.writing():
            return self.conn.execute(
                f"UPDATE memory AS m SET due = :cap WHERE m.due > :cap AND m.last_review < :day"  # noqa: S608
                f" AND {_RECALL_SQL} < :target"
                " AND m.card IN (SELECT id FROM cards WHERE retired = 0)",
                {"cap": to_text(cap), "day": to_text(interview), "at": _julian(interview),
                 "decay": decay, "factor": factor, "target": target},
            ).rowcount


def _recent_params(since: datetime, now: datetime, half_life: float) -> dict[str, Any]:
    return {"since": to_text(since), "now_text": to_text(now), "now": _julian(now), "half": half_life}


def _when(weight: float | None, now: datetime, half_life: float) -> str | None:
    """The moment whose recency weight is `weight` (the heaviest miss is the latest), to
    the second, as stored text; None for no miss. Carrying the weight instead of the
    time keeps the window's rows narrow."""
    if not weight:
        return None
    moment = now - timedelta(days=half_life * math.log2(1 / weight))
    return to_text(datetime.fromtimestamp(round(moment.timestamp()), UTC))


def _julian(moment: datetime) -> float:
    """The Julian day number SQLite's julianday() gives for `moment`."""
    return moment.timestamp() / 86400 + 2440587.5


def _pow(base: float, exponent: float) -> float:
    return float(base**exponent)
