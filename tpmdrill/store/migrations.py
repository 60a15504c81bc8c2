"""The schema's history: numbered `sqlite_utils.Migrations`, in the order they apply.

A migration that has shipped is never edited, renamed or reordered: its name is
recorded in each database once applied. A new one takes the next free number.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # sqlite-utils imports numpy (and pandas) when they are installed, a third of the
    # time of `tpmdrill due`; it is imported only to migrate or to load a deck.
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations


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


def m004_covering_index_for_verdicts(db: Database) -> None:
    # `weak`, reports and mocks read every verdict of the reviews in a time window: with
    # the point and the hit in the index, each review costs one index probe, never a
    # look-up of the verdict rows.
    db.table("verdicts").create_index(["review", "point", "hit"], index_name="verdicts_review_point_hit")


def m005_covering_indexes_for_weak_areas(db: Database) -> None:
    # `weak` and reports sum each active card's recent reviews, then roll the sums up
    # into tags and decks: walking the active cards in id order through the first index
    # and each card's window of reviews through the second, nothing is sorted and no
    # card or review row (with its answer text) is read. The second index subsumes
    # (card, reviewed_at), which goes.
    db.table("cards").create_index(["retired", "id", "deck", "tags"], index_name="cards_active_deck_tags")
    db.table("reviews").create_index(["card", "reviewed_at", "rating"], index_name="reviews_card_time_rating")
    db.execute("DROP INDEX IF EXISTS idx_reviews_card_reviewed_at")


def m006_create_mock_sheets(db: Database) -> None:
    # issue 15: every mock sheet (printed or sat live) with its questions in asking order;
    # a question's `review` is set once its answer is recorded (mode `mock`), with the
    # confirmed score, the seconds it took (when known) and the interviewer's notes.
    db.table("mock_sheets").create(
        {"id": str, "created_at": str, "seed": int, "minutes": int, "round": str, "focus": str,
         "source": str, "recorded_at": str},
        pk="id",
        not_null={"created_at", "seed", "minutes", "round", "focus", "source"},
    )
    db.table("mock_questions").create(
        {"sheet": str, "position": int, "card": str, "category": str, "kind": str, "minutes": int,
         "role": str, "review": str, "seconds": float, "score": float, "notes": str},
        pk=("sheet", "position"),
        foreign_keys=[("sheet", "mock_sheets", "id"), ("card", "cards", "id"), ("review", "reviews", "id")],
        not_null={"card", "category", "kind", "minutes", "role"},
    )


def m007_void_reviews(db: Database) -> None:
    # Undo: reviews stay append-only; an undone review gets a voiding entry, and each
    # review keeps the memory row it replaced (JSON; NULL for reviews recorded before
    # this migration, and for new cards), so undo restores it exactly.
    db.table("voids").create(
        {"review": str, "voided_at": str}, pk="review",
        foreign_keys=[("review", "reviews", "id")], not_null={"voided_at"},
    )
    db.table("reviews").add_column("memory_before", str)
    # `due` totals the minutes of every due card by kind: covered, that stays index-only
    # like the count beside it.
    db.table("cards").create_index(["id", "retired", "kind", "minutes"], index_name="cards_due_load")


def m008_add_card_format_columns(db: Database) -> None:
    # issue 14: difficulty, rotating prompts, follow-up questions and an estimate's
    # reference value, as a deck file sets them. Existing cards take the defaults until
    # their deck is loaded again.
    cards = db.table("cards")
    cards.add_column("difficulty", int, not_null_default=2)
    cards.add_column("prompts", str, not_null_default="[]")
    cards.add_column("follow_ups", str, not_null_default="[]")
    cards.add_column("estimate", str)


def m009_add_review_attempts(db: Database) -> None:
    # issue 13: how many queries a sql answer took (revised in the drill, submitted in
    # `tpmdrill sql`); NULL for reviews of other cards and for older reviews.
    db.table("reviews").add_column("attempts", int)


# issue 17: what SQLite can enforce on every write, whoever writes (import, merge, a
# future bug). Triggers rather than CHECK clauses: they hold the same rules without
# rebuilding the tables, so every existing row and index stays as it is.
_ROW_RULES = {
    "reviews": (
        ("NEW.rating NOT BETWEEN 1 AND 4 OR typeof(NEW.rating) != 'integer'", "rating must be 1-4"),
        ("NEW.suggested IS NOT NULL AND NEW.suggested NOT BETWEEN 1 AND 4", "suggested rating must be 1-4"),
        ("NEW.mode NOT IN ('review', 'drill', 'cram', 'mock', 'anki')", "unknown review mode"),
        ("NEW.reviewed_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*[+-][0-9][0-9]:[0-9][0-9]'",
         "review time needs its UTC offset"),
    ),
    "memory": (
        ("NEW.state NOT IN (1, 2, 3)", "memory state must be 1-3"),
        ("NEW.due NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*[+-][0-9][0-9]:[0-9][0-9]'",
         "due time needs its UTC offset"),
        ("NEW.reps < 0 OR NEW.lapses < 0", "reps and lapses cannot be negative"),
    ),
    "cards": (
        ("typeof(NEW.minutes) != 'integer' OR NEW.minutes < 1", "minutes must be a whole number from 1"),
        ("NEW.kind NOT IN ('concept', 'design', 'trade-off', 'sql', 'estimate', 'story')", "unknown card kind"),
        ("json_valid(NEW.rubric) = 0 OR json_type(NEW.rubric) != 'array'", "rubric must be a JSON list"),
    ),
    "decks": (("NEW.title IS NULL OR NEW.category IS NULL", "a deck needs a title and a category"),),
}


def m010_add_row_checks(db: Database) -> None:
    for table, rules in _ROW_RULES.items():
        condition = " OR ".join(f"({rule})" for rule, _ in rules)
        cases = " ".join(f"WHEN {rule} THEN RAISE(ABORT, '{message}')" for rule, message in rules)
        for event in ("INSERT", "UPDATE"):
            db.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_checked_{event.lower()} BEFORE {event} ON {table}"
                f" WHEN {condition} BEGIN SELECT CASE {cases} END; END"
            )


def m011_mark_carried_ratings(db: Database) -> None:
    # issue 17: `assess --from-file` naming only some skills keeps the others' latest rating;
    # the new assessment stores those ratings marked as carried over (1), not rated anew.
    db.table("assessment_ratings").add_column("carried", int, not_null_default=0)


# issue 11: `weak` and reports weigh each recent review by its age, and rank rubric points
# by the weighted misses of their verdicts. Reaching a verdict through its review (a
# random UUID) cost an index probe per review in the window, and the age was parsed from
# text for every review read. A verdict now carries its review's card and, while the
# review is live, its time (`live_reviewed_at`, NULL once an undo voids the review), so
# the window's live verdicts are one walk of an index already grouped by card and point,
# and no query over them can count a voided one. Triggers keep both copies exact whoever
# writes (scheduler, import, merge, undo). The indexes also hold julianday() of the time,
# which SQLite reads from the index instead of parsing the text again.
_VERDICT_COPY = (  # the copies a verdict of review `{review}` carries
    "SELECT r.card, iif(r.id IN (SELECT review FROM voids), NULL, r.reviewed_at) FROM reviews r WHERE r.id = {review}"
)
_VERDICT_COPY_TRIGGERS = (
    "verdicts_review_copied AFTER INSERT ON verdicts BEGIN UPDATE verdicts SET (card, live_reviewed_at) = ("  # noqa: S608
    + _VERDICT_COPY.format(review="NEW.review") + ") WHERE rowid = NEW.rowid; END",
    "reviews_copied_to_verdicts AFTER UPDATE OF card, reviewed_at ON reviews BEGIN UPDATE verdicts"  # noqa: S608
    " SET (card, live_reviewed_at) = (" + _VERDICT_COPY.format(review="NEW.id") + ") WHERE review = NEW.id; END",
    "voids_hide_verdicts AFTER INSERT ON voids BEGIN"
    " UPDATE verdicts SET live_reviewed_at = NULL WHERE review = NEW.review; END",
    "voids_show_verdicts AFTER DELETE ON voids BEGIN UPDATE verdicts SET live_reviewed_at = ("
    "SELECT reviewed_at FROM reviews WHERE id = OLD.review) WHERE review = OLD.review; END",
)


def m012_copy_review_times_onto_verdicts(db: Database) -> None:
    verdicts = db.table("verdicts")
    verdicts.add_column("card", str)
    verdicts.add_column("live_reviewed_at", str)
    db.execute(
        f"UPDATE verdicts SET (card, live_reviewed_at) = ({_VERDICT_COPY.format(review='verdicts.review')})"  # noqa: S608
    )
    for trigger in _VERDICT_COPY_TRIGGERS:
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {trigger}")
    db.execute(
        "CREATE INDEX IF NOT EXISTS verdicts_card_point_time"
        " ON verdicts (card, point, live_reviewed_at, julianday(live_reviewed_at), hit)"
    )
    # Subsumes m005's (card, reviewed_at, rating), which goes.
    db.execute(
        "CREATE INDEX IF NOT EXISTS reviews_card_time_rating_day"
        " ON reviews (card, reviewed_at, rating, julianday(reviewed_at))"
    )
    db.execute("DROP INDEX IF EXISTS reviews_card_time_rating")
    # Mastery walks the active cards deck by deck with each one's recall inputs (the
    # julianday of the last review among them), and the pace reads the latest timed
    # reviews: all index-only.
    db.table("cards").create_index(["retired", "deck", "id"], index_name="cards_retired_deck_id", if_not_exists=True)
    db.execute("CREATE INDEX IF NOT EXISTS memory_card_recall"
               " ON memory (card, last_review, stability, julianday(last_review))")
    db.table("reviews").create_index(["reviewed_at", "seconds", "card"], index_name="reviews_time_seconds_card",
                                     if_not_exists=True)
    db.execute("DROP INDEX IF EXISTS idx_reviews_reviewed_at")  # m001's (reviewed_at): subsumed


# In the order they apply. A name is recorded once applied: never rename, reorder or
# edit a migration that has shipped.
MIGRATIONS = (
    m001_initial_schema, m002_covering_indexes_for_the_queue, m003_covering_index_for_reports,
    m004_covering_index_for_verdicts, m005_covering_indexes_for_weak_areas,
    m006_create_mock_sheets, m007_void_reviews, m008_add_card_format_columns, m009_add_review_attempts,
    m010_add_row_checks, m011_mark_carried_ratings, m012_copy_review_times_onto_verdicts,
)
MIGRATION_SET = "tpmdrill"


@lru_cache(maxsize=1)
def migration_set() -> Migrations:
    """The sqlite-utils migration set, built on first use."""
    from sqlite_utils.migrations import Migrations

    registry = Migrations(MIGRATION_SET)
    for migration in MIGRATIONS:
        registry()(migration)
    return registry


def migrations_pending(conn: sqlite3.Connection) -> bool:
    """Whether a migration is missing, read without sqlite-utils (see `migration_set`)."""
    try:
        applied = {row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )}
    except sqlite3.OperationalError:  # no such table: a new database
        return True
    return any(migration.__name__ not in applied for migration in MIGRATIONS)


def unknown_migrations(conn: sqlite3.Connection) -> list[str]:
    """Migrations the database has that this tpmdrill does not know: a newer tpmdrill made it."""
    known = {migration.__name__ for migration in MIGRATIONS}
    try:
        applied = [row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )]
    except sqlite3.OperationalError:
        return []
    return [name for name in applied if name not in known]


# The migration set's own calls, so `from tpmdrill.store import migrations` reads as one.


def apply(db: Database, *, stop_before: str | None = None) -> None:
    migration_set().apply(db, stop_before=stop_before)


def pending(db: Database) -> list[Migrations._Migration]:
    return migration_set().pending(db)


def applied(db: Database) -> list[Migrations._AppliedMigration]:
    return migration_set().applied(db)
