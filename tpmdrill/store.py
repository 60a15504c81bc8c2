"""The only module that speaks SQL to the user's database.

Schema changes go through numbered `sqlite_utils.Migrations`; a migration that has
shipped is never edited. Times are stored as fixed-width UTC ISO 8601 text (see
`clock.to_text`), so comparing text compares instants and indexes serve range scans.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpmdrill.clock import from_text, to_text
from tpmdrill.decks import Card, Deck, EstimateTarget, FollowUp, RubricPoint
from tpmdrill.errors import DatabaseProblem, UnknownCard

if TYPE_CHECKING:
    # sqlite-utils imports numpy (and pandas) when they are installed, a third of the
    # time of `tpmdrill due`; it is imported only to migrate or to load a deck.
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

BUSY_TIMEOUT_SECONDS = 30


def m001_initial_schema(db: Database) -> None:
    db.table("decks").create(
        {"id": str, "title": str, "category": str, "description": str,
         "source": str, "digest": str, "loaded_at": str},
        pk="id",
    )
    db.table("cards").create(
        {"id": str, "deck": str, "key": str, "position": int, "kind": str, "prompt": str,
         "minutes": int, "tags": str, "skills": str, "answer": str, "rubric": str,
         "fixture": str, "solution": str, "ordered": int, "retired": int},
        pk="id",
        foreign_keys=[("deck", "decks", "id")],
        not_null={"deck", "key", "kind", "prompt", "minutes", "answer", "retired"},
        defaults={"retired": 0, "ordered": 0, "tags": "[]", "skills": "[]", "rubric": "[]"},
    )
    db.table("cards").create_index(["deck", "position"])
    # One row per card that has been reviewed; a card without a row is new.
    db.table("memory").create(
        {"card": str, "state": int, "step": int, "stability": float, "difficulty": float,
         "due": str, "last_review": str, "reps": int, "lapses": int},
        pk="card",
        foreign_keys=[("card", "cards", "id")],
        not_null={"state", "due", "reps", "lapses"},
    )
    db.table("memory").create_index(["due"])
    # Append-only: a review is never updated or deleted.
    db.table("reviews").create(
        {"id": str, "card": str, "reviewed_at": str, "rating": int, "suggested": int,
         "score": float, "answer": str, "seconds": float, "mode": str, "rescheduled": int,
         "state_before": int, "due_after": str, "stability_after": float,
         "difficulty_after": float},
        pk="id",
        foreign_keys=[("card", "cards", "id")],
        not_null={"card", "reviewed_at", "rating", "mode", "rescheduled"},
    )
    db.table("reviews").create_index(["card", "reviewed_at"])
    db.table("reviews").create_index(["reviewed_at"])
    db.table("verdicts").create(
        {"review": str, "point": str, "auto_hit": int, "hit": int, "matched": str},
        pk=("review", "point"),
        foreign_keys=[("review", "reviews", "id")],
        not_null={"hit"},
    )
    db.table("settings").create({"key": str, "value": str}, pk="key", not_null={"value"})
    db.table("assessments").create({"id": int, "taken_at": str}, pk="id", not_null={"taken_at"})
    db.table("assessment_ratings").create(
        {"assessment": int, "skill": str, "rating": int},
        pk=("assessment", "skill"),
        foreign_keys=[("assessment", "assessments", "id")],
    )


def m002_covering_indexes_for_the_queue(db: Database) -> None:
    # `due` counts and lists due cards and checks each is active; with these the
    # work is index-only and proportional to the cards due, never to history.
    db.table("memory").create_index(["due", "card"], index_name="memory_due_card")
    db.table("cards").create_index(["id", "retired"], index_name="cards_id_retired")
    db.table("cards").create_index(["retired", "id"], index_name="cards_retired_id")


def m003_covering_index_for_reports(db: Database) -> None:
    # Reports, `weak` and mocks read every review in a time window for its day, state,
    # rating, card and id (to reach its verdicts); covered by one index, they never
    # touch the review rows, which carry whole answers.
    db.table("reviews").create_index(
        ["reviewed_at", "state_before", "rating", "card", "id"], index_name="reviews_report_covering"
    )


def m010_add_card_format_columns(db: Database) -> None:
    # issue 14: difficulty, rotating prompts, follow-up questions and an estimate's
    # reference value, as a deck file sets them. Existing cards take the defaults until
    # their deck is loaded again.
    cards = db.table("cards")
    cards.add_column("difficulty", int, not_null_default=2)
    cards.add_column("prompts", str, not_null_default="[]")
    cards.add_column("follow_ups", str, not_null_default="[]")
    cards.add_column("estimate", str)


# In the order they apply. A name is recorded once applied: never rename, reorder or
# edit a migration that has shipped.
_MIGRATIONS = (
    m001_initial_schema, m002_covering_indexes_for_the_queue, m003_covering_index_for_reports,
    m010_add_card_format_columns,
)
_MIGRATION_SET = "tpmdrill"


@lru_cache(maxsize=1)
def _migration_set() -> Migrations:
    from sqlite_utils.migrations import Migrations

    registry = Migrations(_MIGRATION_SET)
    for migration in _MIGRATIONS:
        registry()(migration)
    return registry


def __getattr__(name: str) -> Any:
    """`store.migrations`, the sqlite-utils migration set, built on first use."""
    if name == "migrations":
        return _migration_set()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _migrations_pending(conn: sqlite3.Connection) -> bool:
    """Whether a migration is missing, read without sqlite-utils (see `_migration_set`)."""
    try:
        applied = {row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [_MIGRATION_SET]
        )}
    except sqlite3.OperationalError:  # no such table: a new database
        return True
    return any(migration.__name__ not in applied for migration in _MIGRATIONS)


@dataclass(frozen=True)
class Memory:
    """A card's FSRS memory state, as stored."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int


@dataclass(frozen=True)
class PointVerdictRow:
    point: str
    auto_hit: bool | None  # None when the review was recorded without grading
    hit: bool
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """One review as it is recorded; `id` is a UUID so merged histories never collide."""

    card: str
    reviewed_at: datetime
    rating: int
    mode: str
    rescheduled: bool = True
    suggested: int | None = None
    score: float | None = None
    answer: str | None = None
    seconds: float | None = None
    verdicts: tuple[PointVerdictRow, ...] = ()
    id: str = ""

    def with_id(self) -> Review:
        if self.id:
            return self
        return Review(**{**self.__dict__, "id": uuid.uuid4().hex})


@dataclass(frozen=True)
class DeckSync:
    deck: str
    added: int
    updated: int
    retired: int
    unchanged: int


class Store:
    """The user's database: decks, cards, memory states, reviews, settings, assessments."""

    def __init__(self, db: Database | sqlite3.Connection) -> None:
        if isinstance(db, sqlite3.Connection):
            self.conn, self._db = db, None
        else:
            self.conn, self._db = db.conn, db
        self._migrate()

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection, for migrations and upserts."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False, recursive_triggers=False)
        return self._db

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) the database at `path`, migrated to the latest schema."""
        if not path.parent.is_dir():
            raise DatabaseProblem(f"cannot create database {path}: folder {path.parent} does not exist")
        if path.is_dir():
            raise DatabaseProblem(f"database path {path} is a folder")
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
        except sqlite3.DatabaseError as ex:
            raise DatabaseProblem(_explain(path, ex)) from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            # Setting WAL reads the file, so one that is not SQLite fails here.
            conn.execute("PRAGMA journal_mode = WAL")
            return cls(conn)
        except sqlite3.DatabaseError as ex:
            conn.close()
            raise DatabaseProblem(_explain(path, ex)) from None

    @classmethod
    def memory(cls) -> Store:
        """A throw-away in-memory store, for tests and sandboxes."""
        conn = sqlite3.connect(":memory:")
        conn.execute("PRAGMA foreign_keys = ON")
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        if not _migrations_pending(self.conn):
            return
        # IMMEDIATE takes the write lock first, so two processes opening a fresh
        # database at once cannot both decide to create the same tables.
        with self.writing():
            _migration_set().apply(self.db)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction that holds the write lock from its start."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as ex:
            raise DatabaseProblem(f"cannot write to the database: {ex}") from None
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            # Some errors (a full disk, an I/O error) have already ended the transaction;
            # a second ROLLBACK would then hide the real error behind "no transaction".
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # ---- decks and cards -------------------------------------------------

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
                row[0]: row[1:]
                for row in self.conn.execute(
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
        return [
            {"id": row[0], "title": row[1], "category": row[2], "cards": row[3]}
            for row in self.conn.execute(
                "SELECT d.id, d.title, d.category,"
                " (SELECT count(*) FROM cards c WHERE c.deck = d.id AND c.retired = 0)"
                " FROM decks d ORDER BY d.category, d.id"
            )
        ]

    def cards(
        self,
        *,
        deck: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        include_retired: bool = False,
        difficulty: int | None = None,
    ) -> list[Card]:
        where, params = _card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        if not include_retired:
            where.append("c.retired = 0")
        # Only constant fragments are joined here; values are bound parameters.
        sql = (
            f"SELECT {_CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck"  # noqa: S608
            f" WHERE {' AND '.join(where) or '1'} ORDER BY d.category, c.deck, c.position"
        )
        return [_card_from_row(row) for row in self.conn.execute(sql, params)]

    def card(self, card_id: str) -> Card:
        row = self.conn.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards c JOIN decks d ON d.id = c.deck WHERE c.id = ?",  # noqa: S608
            [card_id],
        ).fetchone()
        if row is None:
            raise UnknownCard(
                f"no card {card_id!r}; 'tpmdrill cards' lists card ids (deck/card)"
            )
        return _card_from_row(row)

    def category_of(self, deck_id: str) -> str:
        row = self.conn.execute("SELECT category FROM decks WHERE id = ?", [deck_id]).fetchone()
        return str(row[0]) if row else ""

    def is_retired(self, card_id: str) -> bool:
        row = self.conn.execute("SELECT retired FROM cards WHERE id = ?", [card_id]).fetchone()
        return bool(row and row[0])

    # ---- memory and reviews ----------------------------------------------

    def memory_of(self, card_id: str) -> Memory | None:
        row = self.conn.execute(
            f"SELECT {self._MEMORY_COLUMNS} FROM memory m WHERE m.card = ?", [card_id]  # noqa: S608
        ).fetchone()
        return None if row is None else self._memory_from(row)

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

    def history(self, card_id: str) -> list[dict[str, Any]]:
        reviews = [
            {"id": r[0], "reviewed_at": r[1], "rating": r[2], "suggested": r[3], "score": r[4],
             "seconds": r[5], "mode": r[6], "rescheduled": bool(r[7]), "answer": r[8],
             "due_after": r[9]}
            for r in self.conn.execute(
                "SELECT id, reviewed_at, rating, suggested, score, seconds, mode, rescheduled,"
                " answer, due_after FROM reviews WHERE card = ? ORDER BY reviewed_at, rowid",
                [card_id],
            )
        ]
        verdicts: dict[str, list[dict[str, Any]]] = {}
        for review_id, point, auto_hit, hit, matched in self.conn.execute(
            "SELECT v.review, v.point, v.auto_hit, v.hit, v.matched FROM verdicts v"
            " JOIN reviews r ON r.id = v.review WHERE r.card = ?",
            [card_id],
        ):
            verdicts.setdefault(review_id, []).append(
                {"point": point, "auto_hit": None if auto_hit is None else bool(auto_hit),
                 "hit": bool(hit), "matched": json.loads(matched or "[]")}
            )
        for review in reviews:
            review["points"] = verdicts.get(review["id"], [])
        return reviews

    def review_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    # CROSS JOIN pins memory as the outer loop: the due-range scan on memory_due_card is
    # small, while SQLite would otherwise walk every active card and probe memory.

    def due_now(self, now: datetime, *, limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
        """Active cards whose due time has come, earliest first, and how many there are."""
        moment = to_text(now)
        total = self.conn.execute(
            "SELECT count(*) FROM memory m CROSS JOIN cards c ON c.id = m.card"
            " WHERE m.due <= ? AND c.retired = 0",
            [moment],
        ).fetchone()[0]
        sql = (
            "SELECT c.id, c.deck, d.category, c.kind, c.prompt, c.minutes, m.due, m.state,"
            " m.stability, m.last_review FROM memory m CROSS JOIN cards c ON c.id = m.card"
            " JOIN decks d ON d.id = c.deck WHERE m.due <= ? AND c.retired = 0 ORDER BY m.due"
        )
        params: list[Any] = [moment]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = [
            {"card": r[0], "deck": r[1], "category": r[2], "kind": r[3], "prompt": r[4],
             "minutes": r[5], "due": r[6], "state": r[7], "stability": r[8], "last_review": r[9]}
            for r in self.conn.execute(sql, params)
        ]
        return rows, int(total)

    def due_per_day(self, start: datetime, end: datetime) -> dict[str, int]:
        """How many active cards fall due on each UTC date in [start, end)."""
        return {
            row[0]: row[1]
            for row in self.conn.execute(
                "SELECT substr(m.due, 1, 10), count(*) FROM memory m CROSS JOIN cards c ON c.id = m.card"
                " WHERE m.due >= ? AND m.due < ? AND c.retired = 0 GROUP BY 1",
                [to_text(start), to_text(end)],
            )
        }

    def next_due(self, after: datetime) -> str | None:
        row = self.conn.execute(
            "SELECT min(m.due) FROM memory m CROSS JOIN cards c ON c.id = m.card"
            " WHERE m.due > ? AND c.retired = 0",
            [to_text(after)],
        ).fetchone()
        return row[0] if row else None

    def new_card_count(self) -> int:
        return int(self.conn.execute(
            "SELECT (SELECT count(*) FROM cards WHERE retired = 0)"
            " - (SELECT count(*) FROM memory m CROSS JOIN cards c ON c.id = m.card WHERE c.retired = 0)"
        ).fetchone()[0])

    # ---- analytics ----------------------------------------------------------
    # Aggregates for `weak`, `report`, `mock` and the interview date. Each method is one
    # query that SQLite groups, so Python only shapes a few result rows. Recency weights
    # are 0.5 ** (age in days / half_life); retrievability follows FSRS's forgetting
    # curve R = (1 + factor * whole_days / stability) ** decay.

    def _read_fast(self) -> None:
        """Give SQLite `pow` when it was built without its math functions. (Memory-mapped
        reads would halve the verdict look-ups but count the mapped file as resident
        memory, so they are not used.)"""
        try:
            self.conn.execute("SELECT pow(2, 3)").fetchone()
        except sqlite3.OperationalError:
            self.conn.create_function("pow", 2, _pow, deterministic=True)

    def reviews_by_day(self, start: datetime, end: datetime) -> list[tuple[str, int, int, int]]:
        """(UTC date, reviews, reviews of graduated cards, of which passed) per day in [start, end).

        True retention counts only reviews of cards in review state (2), as Anki does:
        learning steps say little about long-term memory.
        """
        return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in self.conn.execute(
            "SELECT substr(reviewed_at, 1, 10) AS day, count(*), total(state_before = 2),"
            " total(state_before = 2 AND rating > 1) FROM reviews"
            " WHERE reviewed_at >= ? AND reviewed_at < ? GROUP BY day ORDER BY day",
            [to_text(start), to_text(end)],
        )]

    def forecast_per_day(self, now: datetime, days: int) -> list[tuple[str, int]]:
        """(UTC date, cards due) for today and the next days; overdue cards count today."""
        today = now.astimezone(UTC).date()
        end = datetime.combine(today + timedelta(days=days), datetime.min.time(), UTC)
        return [(r[0], int(r[1])) for r in self.conn.execute(
            "SELECT max(substr(m.due, 1, 10), ?) AS day, count(*) FROM memory m"
            " JOIN cards c ON c.id = m.card WHERE c.retired = 0 AND m.due < ?"
            " GROUP BY day ORDER BY day",
            [today.isoformat(), to_text(end)],
        )]

    def memory_by_deck(
        self, at: datetime, curve: tuple[float, float], mastered_days: float
    ) -> list[tuple[str, str, str, int, int, float, int]]:
        """Per deck: (deck, title, category, active cards, studied, sum of recall at `at`,
        cards with stability above `mastered_days`)."""
        self._read_fast()
        decay, factor = curve
        return [(r[0], r[1], r[2], int(r[3]), int(r[4]), float(r[5] or 0.0), int(r[6] or 0))
                for r in self.conn.execute(
            "SELECT d.id, d.title, d.category, count(*), count(m.last_review),"  # noqa: S608
            f" sum({_RECALL_SQL}), sum(m.stability > :mastered)"
            " FROM cards c JOIN decks d ON d.id = c.deck LEFT JOIN memory m ON m.card = c.id"
            " WHERE c.retired = 0 GROUP BY d.id ORDER BY d.category, d.id",
            {"at": _julian(at), "decay": decay, "factor": factor, "mastered": mastered_days},
        )]

    def card_minutes(self) -> list[tuple[str, str, int]]:
        """(card id, category, minutes) of every active card, by id: what a mock set
        chooses from, without reading rubrics and answers."""
        return [(r[0], r[1], int(r[2])) for r in self.conn.execute(
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
    ) -> list[tuple[str, str, int, float, float]]:
        """(card, point, verdicts, weight, missed weight) for rubric points of active cards,
        highest recency-weighted miss rate first."""
        self._read_fast()
        return [(r[0], r[1], int(r[2]), float(r[3]), float(r[4])) for r in self.conn.execute(
            f"SELECT r.card, v.point, count(*), sum(r.w), sum(r.w * (v.hit = 0)) FROM ({_RECENT_SQL}) r"  # noqa: S608
            " JOIN verdicts v ON v.review = r.id GROUP BY r.card, v.point"
            f" HAVING count(*) >= :min AND {_ACTIVE_CARD_SQL}"
            " ORDER BY sum(r.w * (v.hit = 0)) / sum(r.w) DESC, count(*) DESC, r.card, v.point LIMIT :limit",
            _recent_params(since, now, half_life) | {"min": min_evidence, "limit": limit},
        )]

    def weighted_review_misses(
        self, since: datetime, now: datetime, half_life: float, min_evidence: int
    ) -> list[tuple[str, str, int, float, float]]:
        """(group, key, reviews, weight, weight of Again ratings) for every reviewed active
        card (group 'card'), and for tags and categories with at least `min_evidence`
        reviews. Cards are summed once, then rolled up, so the reviews are read once."""
        self._read_fast()
        return [(r[0], r[1], int(r[2]), float(r[3]), float(r[4])) for r in self.conn.execute(
            # Driven from the active cards, so reviews arrive grouped by card.
            "WITH per_card AS MATERIALIZED (SELECT c.id AS card, count(*) AS n, sum(r.w) AS w,"
            " sum(r.w * (r.rating = 1)) AS missed FROM cards c JOIN (SELECT x.card, x.rating,"
            "  pow(0.5, (:now - julianday(x.reviewed_at)) / :half) AS w FROM reviews x"
            "  WHERE x.reviewed_at >= :since AND x.reviewed_at <= :now_text) r ON r.card = c.id"
            " WHERE c.retired = 0 GROUP BY c.id)"
            " SELECT 'card', card, n, w, missed FROM per_card"
            " UNION ALL SELECT 'tag', t.value, sum(p.n), sum(p.w), sum(p.missed)"
            "  FROM per_card p JOIN cards c ON c.id = p.card, json_each(c.tags) t"
            "  GROUP BY t.value HAVING sum(p.n) >= :min"
            " UNION ALL SELECT 'category', d.category, sum(p.n), sum(p.w), sum(p.missed)"
            "  FROM per_card p JOIN cards c ON c.id = p.card JOIN decks d ON d.id = c.deck"
            "  GROUP BY d.category HAVING sum(p.n) >= :min",
            _recent_params(since, now, half_life) | {"min": min_evidence},
        )]

    def assessment_totals(self) -> list[tuple[str, int, int, int]]:
        """(taken_at, total of ratings, skills rated, skills skipped) per assessment, oldest first."""
        return [(r[0], int(r[1] or 0), int(r[2]), int(r[3])) for r in self.conn.execute(
            "SELECT a.taken_at, sum(x.rating), count(x.rating), count(x.skill) - count(x.rating)"
            " FROM assessments a LEFT JOIN assessment_ratings x ON x.assessment = a.id"
            " GROUP BY a.id ORDER BY a.taken_at, a.id"
        )]

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

    # ---- settings ----------------------------------------------------------

    def setting(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return None if row is None else json.loads(row[0])

    def settings(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM settings")}

    def put_setting(self, key: str, value: Any) -> None:
        with self.writing():
            if value is None:
                self.conn.execute("DELETE FROM settings WHERE key = ?", [key])
            else:
                self.conn.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                    [key, json.dumps(value)],
                )

    # ---- export, import and merge ----------------------------------------
    # Whole-table reads and writes for the lossless JSON format and `merge`, the file
    # copies behind `backup` and `restore`, and the review rows `optimize` fits to.

    def table_rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of one of the user's tables, column name -> stored value, in a stable order."""
        cursor = self.conn.execute(
            f"SELECT * FROM [{table}] ORDER BY {_EXPORT_ORDER[table]}"  # noqa: S608 (names from a fixed table)
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def insert_rows(self, table: str, rows: Sequence[dict[str, Any]]) -> int:
        """Insert rows whose key is not taken yet (existing rows win); return how many went in.

        Keys that are not columns of `table` in this database are left out, so a file
        written by a newer tpmdrill still loads what this one understands.
        """
        if not rows:
            return 0
        known = {row[1] for row in self.conn.execute("SELECT * FROM pragma_table_info(?)", [table])}
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

    def scheduling_history(self, card_id: str) -> list[tuple[datetime, int]]:
        """(time, rating) of a card's reviews that moved its schedule, oldest first; cram left out."""
        return [
            (from_text(row[0]), int(row[1]))
            for row in self.conn.execute(
                "SELECT reviewed_at, rating FROM reviews WHERE card = ? AND rescheduled = 1"
                " ORDER BY reviewed_at, id",
                [card_id],
            )
        ]

    def scheduling_histories(self) -> Iterator[tuple[str, str, list[tuple[str, int]]]]:
        """(card, kind, [(time text, rating), ...]) for every card with scheduled reviews."""
        rows = self.conn.execute(
            "SELECT r.card, c.kind, r.reviewed_at, r.rating FROM reviews r JOIN cards c ON c.id = r.card"
            " WHERE r.rescheduled = 1 ORDER BY r.card, r.reviewed_at, r.id"
        )
        card, kind = "", ""
        reviews: list[tuple[str, int]] = []
        for row in rows:
            if row[0] != card and reviews:
                yield card, kind, reviews
                reviews = []
            card, kind = row[0], row[1]
            reviews.append((row[2], int(row[3])))
        if reviews:
            yield card, kind, reviews

    def scheduled_review_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM reviews WHERE rescheduled = 1").fetchone()[0])

    def put_setting_and_memories(self, key: str, value: Any, memories: Sequence[tuple[str, Memory]]) -> None:
        """A new setting and the memory states computed under it, together or not at all."""
        with self.writing():
            self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(value)])
            for card_id, memory in memories:
                self.put_memory(card_id, memory)

    def mean_review_seconds(self) -> float | None:
        """How long a review takes this user, on average; None before any timed review."""
        row = self.conn.execute("SELECT avg(seconds) FROM reviews WHERE seconds > 0").fetchone()
        return None if row[0] is None else float(row[0])

    def forget_memory(self, card_id: str) -> None:
        self.conn.execute("DELETE FROM memory WHERE card = ?", [card_id])

    def free_assessment_id(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM assessments").fetchone()[0])

    def file_path(self) -> Path | None:
        """The file this store lives in; None for an in-memory store."""
        name = self.conn.execute("PRAGMA database_list").fetchone()[2]
        return Path(name) if name else None

    def page_count(self) -> int:
        return int(self.conn.execute("PRAGMA page_count").fetchone()[0])

    def backup_to(self, target: Path, on_pages: Callable[[int, int], None] | None = None) -> None:
        """Copy the live database to `target` through SQLite's online backup API.

        The copy is one read transaction's snapshot: in WAL mode writers carry on, and
        their commits during the copy are simply not in it.
        """
        destination = sqlite3.connect(str(target))
        try:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            def report(_status: int, left: int, total: int) -> None:
                if on_pages is not None:
                    on_pages(total - left, total)

            self.conn.backup(destination, pages=_BACKUP_PAGES_PER_STEP, progress=report)
            self.conn.execute("COMMIT")
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            destination.close()

    @classmethod
    def copy_of(cls, path: Path) -> Store:
        """An in-memory copy of the database at `path`, migrated; the file is only read."""
        check_database_file(path)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn = sqlite3.connect(":memory:")
        try:
            source.backup(conn)
        finally:
            source.close()
        conn.execute("PRAGMA foreign_keys = ON")
        return cls(conn)

    # ---- drill sessions and assessments ----------------------------------

    _MEMORY_COLUMNS = "m.state, m.step, m.stability, m.difficulty, m.due, m.last_review, m.reps, m.lapses"

    @staticmethod
    def _memory_from(row: Sequence[Any]) -> Memory | None:
        """A Memory from the eight `_MEMORY_COLUMNS` values; None for a new card."""
        if row[0] is None:
            return None
        return Memory(
            state=row[0], step=row[1], stability=row[2], difficulty=row[3], due=from_text(row[4]),
            last_review=from_text(row[5]) if row[5] is not None else None, reps=row[6], lapses=row[7],
        )

    def _cards_with_memory(
        self, join: str, where: list[str], params: list[Any], order: str, extra: str = ""
    ) -> list[Any]:
        """Rows of card columns (from 0), memory columns (from `_MEMORY_AT`), position
        (`_POSITION_AT`), then `extra` (from `_EXTRA_AT`)."""
        # Only constant fragments are joined here; values are bound parameters.
        sql = (
            f"SELECT {_CARD_COLUMNS}, {self._MEMORY_COLUMNS}, c.position{extra} FROM cards c"  # noqa: S608
            f" JOIN decks d ON d.id = c.deck {join} WHERE c.retired = 0"
            f"{''.join(' AND ' + w for w in where)} ORDER BY {order}"
        )
        return self.conn.execute(sql, params).fetchall()

    def due_cards(
        self, now: datetime, *, deck: str | None = None, category: str | None = None, kind: str | None = None,
        difficulty: int | None = None,
    ) -> list[tuple[Card, Memory]]:
        """Active cards due at `now`, with their memory states, earliest due first."""
        where, params = _card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        rows = self._cards_with_memory(
            "JOIN memory m ON m.card = c.id", [*where, "m.due <= ?"], [*params, to_text(now)], "m.due, c.id"
        )
        pairs = [(_card_from_row(r), self._memory_from(r[_MEMORY_AT:_POSITION_AT])) for r in rows]
        return [(card, memory) for card, memory in pairs if memory is not None]

    def new_cards(
        self, *, deck: str | None = None, category: str | None = None, kind: str | None = None,
        difficulty: int | None = None,
    ) -> list[tuple[Card, int]]:
        """Active cards never reviewed, with their position in their deck."""
        where, params = _card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        rows = self._cards_with_memory(
            "LEFT JOIN memory m ON m.card = c.id", [*where, "m.card IS NULL"], params,
            "c.position, d.category, c.deck",
        )
        return [(_card_from_row(r), int(r[_POSITION_AT])) for r in rows]

    def cards_started_since(self, since: datetime) -> int:
        """How many cards had their first scheduled review at or after `since`."""
        return int(self.conn.execute(
            "SELECT count(DISTINCT card) FROM reviews"
            " WHERE reviewed_at >= ? AND rescheduled = 1 AND state_before IS NULL",
            [to_text(since)],
        ).fetchone()[0])

    def recent_trouble(
        self, *, recent: int = 3, deck: str | None = None, category: str | None = None, kind: str | None = None,
        difficulty: int | None = None,
    ) -> list[dict[str, Any]]:
        """Reviewed active cards with the rubric points missed, the points judged and the
        Agains given over their last `recent` reviews, and their memory (for lapses)."""
        where, params = _card_filter(deck=deck, category=category, kind=kind, difficulty=difficulty)
        rows = self._cards_with_memory(
            "JOIN (SELECT card, sum(missed) AS missed, sum(judged) AS judged, sum(rating = 1) AS failed"
            " FROM (SELECT r.card, r.rating,"
            " (SELECT count(*) FROM verdicts v WHERE v.review = r.id AND v.hit = 0) AS missed,"
            " (SELECT count(*) FROM verdicts v WHERE v.review = r.id) AS judged,"
            " row_number() OVER (PARTITION BY r.card ORDER BY r.reviewed_at DESC, r.rowid DESC) AS n"
            " FROM reviews r) WHERE n <= ? GROUP BY card) t ON t.card = c.id"
            " LEFT JOIN memory m ON m.card = c.id",
            where, [recent, *params], "c.id", extra=", t.missed, t.judged, t.failed",
        )
        return [
            {"card": _card_from_row(r), "memory": self._memory_from(r[_MEMORY_AT:_POSITION_AT]),
             "missed": int(r[_EXTRA_AT]), "judged": int(r[_EXTRA_AT + 1]), "failed": int(r[_EXTRA_AT + 2])}
            for r in rows
        ]

    def last_seen(self, card_id: str) -> tuple[datetime, int] | None:
        """When the card was last reviewed, in any mode, and the rating given."""
        row = self.conn.execute(
            "SELECT reviewed_at, rating FROM reviews WHERE card = ? ORDER BY reviewed_at DESC, rowid DESC LIMIT 1",
            [card_id],
        ).fetchone()
        return None if row is None else (from_text(row[0]), int(row[1]))

    def missed_points_since(self, since: datetime, limit: int = 3) -> list[tuple[str, str, int]]:
        """(card, point, times missed) for rubric points missed since `since`, most missed first."""
        return [
            (row[0], row[1], int(row[2]))
            for row in self.conn.execute(
                "SELECT r.card, v.point, count(*) FROM verdicts v JOIN reviews r ON r.id = v.review"
                " WHERE r.reviewed_at >= ? AND v.hit = 0 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?",
                [to_text(since), limit],
            )
        ]

    def due_count_between(self, start: datetime, end: datetime) -> int:
        """How many active cards fall due in [start, end)."""
        return int(self.conn.execute(
            "SELECT count(*) FROM memory m CROSS JOIN cards c ON c.id = m.card"
            " WHERE m.due >= ? AND m.due < ? AND c.retired = 0",
            [to_text(start), to_text(end)],
        ).fetchone()[0])

    def save_assessment(self, taken_at: datetime, ratings: dict[str, int | None]) -> int:
        """Store a self-assessment (None = skipped) and return its id."""
        with self.writing():
            cursor = self.conn.execute("INSERT INTO assessments (taken_at) VALUES (?)", [to_text(taken_at)])
            assessment = int(cursor.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO assessment_ratings (assessment, skill, rating) VALUES (?, ?, ?)",
                [[assessment, skill, rating] for skill, rating in ratings.items()],
            )
        return assessment

    def assessments(self, limit: int | None = None) -> list[tuple[int, datetime, dict[str, int | None]]]:
        """Self-assessments, latest first, each with its ratings by skill (None = skipped)."""
        heads = self.conn.execute(
            "SELECT id, taken_at FROM assessments ORDER BY taken_at DESC, id DESC LIMIT ?",
            [-1 if limit is None else limit],
        ).fetchall()
        result = []
        for assessment, taken_at in heads:
            ratings = dict(self.conn.execute(
                "SELECT skill, rating FROM assessment_ratings WHERE assessment = ? ORDER BY rowid", [assessment]
            ).fetchall())
            result.append((int(assessment), from_text(taken_at), ratings))
        return result

    def skill_cards(self, skills: Sequence[str]) -> list[tuple[str, Card, Memory | None, int | None]]:
        """(skill, card, memory, last rating) for every active card training one of `skills`."""
        rows = self._cards_with_memory(
            "JOIN json_each(c.skills) s LEFT JOIN memory m ON m.card = c.id",
            [f"s.value IN ({', '.join('?' for _ in skills)})"], list(skills),
            "s.value, d.category, c.deck, c.position",
            extra=", s.value, (SELECT r.rating FROM reviews r WHERE r.card = c.id"
            " ORDER BY r.reviewed_at DESC, r.rowid DESC LIMIT 1)",
        )
        return [(str(r[_EXTRA_AT]), _card_from_row(r), self._memory_from(r[_MEMORY_AT:_POSITION_AT]), r[_EXTRA_AT + 1])
                for r in rows]

    # --- issue 14: rotating prompts and follow-ups, the user's story deck ---

    def reviews_of(self, card_id: str) -> int:
        """How many reviews the card has had, in any mode: the drill rotates prompts and
        follow-ups by it."""
        return int(self.conn.execute("SELECT count(*) FROM reviews WHERE card = ?", [card_id]).fetchone()[0])


_CARD_COLUMNS = (
    "c.deck, c.key, c.kind, c.prompt, c.minutes, c.tags, c.skills, c.answer, c.rubric,"
    " c.fixture, c.solution, c.ordered, c.difficulty, c.prompts, c.follow_ups, c.estimate"
)
# Where `Store._cards_with_memory` rows put the memory columns, the position and extras.
_MEMORY_AT = 16
_POSITION_AT = _MEMORY_AT + 8
_EXTRA_AT = _POSITION_AT + 1


def _card_filter(
    *, deck: str | None, category: str | None, kind: str | None, difficulty: int | None = None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("c.deck", deck), ("d.category", category), ("c.kind", kind), ("c.difficulty", difficulty)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params


# What a deck file sets on a card (and whether it is retired): a card whose stored
# values differ from its file's counts as updated when the deck is loaded again.
_SYNCED_COLUMNS = (
    "position", "kind", "prompt", "minutes", "tags", "skills", "answer", "rubric",
    "fixture", "solution", "ordered", "retired", "difficulty", "prompts", "follow_ups", "estimate",
)


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


def _card_from_row(row: Sequence[Any]) -> Card:
    rubric = tuple(RubricPoint.from_json(p) for p in json.loads(row[8]))
    return Card(
        deck=row[0], id=row[1], kind=row[2], prompt=row[3], minutes=row[4],
        tags=tuple(json.loads(row[5])), skills=tuple(json.loads(row[6])), answer=row[7],
        rubric=rubric, fixture=row[9], solution=row[10], ordered=bool(row[11]),
        difficulty=row[12], prompts=tuple(json.loads(row[13])),
        follow_ups=tuple(FollowUp.from_json(f) for f in json.loads(row[14])),
        estimate=EstimateTarget.from_json(json.loads(row[15])) if row[15] is not None else None,
    )


def _explain(path: Path, ex: sqlite3.DatabaseError) -> str:
    message = str(ex)
    if "not a database" in message or "malformed" in message:
        return f"{path} is not a tpmdrill database (not a SQLite file, or damaged)"
    if "readonly" in message or "unable to open" in message:
        return f"cannot open database {path} for writing: {message}"
    return f"database {path}: {message}"


# ---- analytics helpers -----------------------------------------------------------


# FSRS counts whole days since the last review; the small epsilon keeps an exact
# multiple of a day from flooring one day short through floating-point rounding.
_RECALL_SQL = (
    "pow(1 + :factor * max(0, CAST(:at - julianday(m.last_review) + 1e-8 AS INTEGER))"
    " / m.stability, :decay)"
)

# Reviews in [since, now] with their recency weight `w`, read from the covering index;
# callers drop retired cards after grouping, when there are few rows left to check.
_RECENT_SQL = (
    "SELECT x.id, x.card, x.rating, pow(0.5, (:now - julianday(x.reviewed_at)) / :half) AS w"
    " FROM reviews x WHERE x.reviewed_at >= :since AND x.reviewed_at <= :now_text"
)
_ACTIVE_CARD_SQL = "(SELECT retired FROM cards WHERE id = r.card) = 0"


def _recent_params(since: datetime, now: datetime, half_life: float) -> dict[str, Any]:
    return {"since": to_text(since), "now_text": to_text(now), "now": _julian(now), "half": half_life}


def _julian(moment: datetime) -> float:
    """The Julian day number SQLite's julianday() gives for `moment`."""
    return moment.timestamp() / 86400 + 2440587.5


def _pow(base: float, exponent: float) -> float:
    return float(base**exponent)


# ---- export, import and merge helpers ---------------------------------------------

# The order whole tables are exported in, so two exports of the same data are equal.
_EXPORT_ORDER = {
    "decks": "id", "cards": "id", "memory": "card", "reviews": "reviewed_at, id",
    "verdicts": "review, point", "settings": "key", "assessments": "id",
    "assessment_ratings": "assessment, skill",
}
_BACKUP_PAGES_PER_STEP = 4096
_SQLITE_HEADER = b"SQLite format 3\x00"
_REQUIRED_TABLES = frozenset({"_sqlite_migrations", "decks", "cards", "memory", "reviews"})


def check_database_file(path: Path) -> None:
    """Raise DatabaseProblem unless `path` is an intact SQLite file holding tpmdrill's tables."""
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as ex:
        raise DatabaseProblem(f"cannot read {path}: {ex.strerror or ex}") from None
    if header != _SQLITE_HEADER:
        raise DatabaseProblem(f"{path} is not a SQLite database")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as ex:
        raise DatabaseProblem(f"{path} is damaged: {ex}") from None
    if verdict != ["ok"]:
        raise DatabaseProblem(f"{path} is damaged: {verdict[0]}")
    missing = _REQUIRED_TABLES - tables
    if missing:
        raise DatabaseProblem(f"{path} is not a tpmdrill database (no {', '.join(sorted(missing))} table)")


def copy_database_file(source: Path, target: Path) -> None:
    """Copy a database file (with anything still in its WAL) into a new self-contained file."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(str(target))
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode = DELETE")
    finally:
        reader.close()
        writer.close()


def checkpoint_database_file(path: Path) -> bool:
    """Fold a database's WAL into its main file, so the file alone holds everything.

    Returns False when that cannot be done (a damaged file, say): the caller then keeps
    the WAL files beside the main file instead.
    """
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True
