from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpmdrill.decks import load_deck
from tpmdrill.errors import DatabaseProblem
from tpmdrill.merge import merge_document
from tpmdrill.scheduler import record_review
from tpmdrill.store import Store, migrations
from tpmdrill.transfer import snapshot
from tpmdrill.undo import undo_latest

from .conftest import FIXTURES, MINI_DECKS
from .test_export_import import START, events, mini_store, record
from .test_merge import clone

T0 = datetime(2024, 5, 1, 9, tzinfo=UTC)


def test_blank_database_gets_the_full_schema(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "new.db")
    tables = set(store.db.table_names())
    assert {"decks", "cards", "memory", "reviews", "verdicts", "settings", "assessments",
            "assessment_ratings"} <= tables
    assert migrations.pending(store.db) == []
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_applied_twice_change_nothing(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "t.db")
    migrations.apply(db)
    schema = db.schema
    migrations.apply(db)
    assert db.schema == schema
    Store(db)
    assert db.schema == schema


def test_first_schema_version_upgrades_without_loss(tmp_path: Path) -> None:
    """tests/fixtures/v1.db was written by the first release's schema (m001 only)."""
    copy = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "v1.db", copy)
    before = sqlite_utils.Database(copy)
    assert [m.name for m in migrations.applied(before)] == ["m001_initial_schema"]
    old_reviews = list(before.query("SELECT id, card, rating, answer FROM reviews ORDER BY reviewed_at"))
    before.close()
    store = Store.open(copy)
    assert migrations.pending(store.db) == []
    assert list(store.db.query("SELECT id, card, rating, answer FROM reviews ORDER BY reviewed_at")) == old_reviews
    assert store.setting("desired_retention") == 0.85
    assert [v["point"] for v in store.history("mini/idempotency")[0]["points"]] == ["definition", "key"]
    assert store.memory_of("mini/ride-sharing") is not None


def test_editing_a_deck_keeps_history_and_retires_removed_cards(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    deck_file = tmp_path / "mini.toml"
    shutil.copy(MINI_DECKS / "mini.toml", deck_file)
    store.sync_deck(load_deck(deck_file), T0)
    record_review(store, "mini/ride-sharing", 3, T0)
    record_review(store, "mini/idempotency", 3, T0)

    text = deck_file.read_text()
    cut = text.index('[[card]]\nid = "ride-sharing"')
    deck_file.write_text(text[:cut].replace("Explain idempotency", "Explain idempotency, briefly,"))
    sync = store.sync_deck(load_deck(deck_file), T0)

    assert (sync.added, sync.updated, sync.retired, sync.unchanged) == (0, 1, 1, 0)
    assert [c.full_id for c in store.cards(deck="mini")] == ["mini/idempotency"]
    assert store.card("mini/idempotency").prompt.startswith("Explain idempotency, briefly")
    assert store.is_retired("mini/ride-sharing")
    assert len(store.history("mini/ride-sharing")) == 1
    assert store.due_now(datetime(2030, 1, 1, tzinfo=UTC))[1] == 1, "retired cards leave the queue"

    shutil.copy(MINI_DECKS / "mini.toml", deck_file)
    store.sync_deck(load_deck(deck_file), T0)
    assert not store.is_retired("mini/ride-sharing"), "a card that comes back is active again"
    assert len(store.history("mini/ride-sharing")) == 1


def test_reloading_an_unchanged_deck_changes_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    deck = load_deck(MINI_DECKS / "mini.toml")
    store.sync_deck(deck, T0)
    sync = store.sync_deck(deck, T0)
    assert (sync.added, sync.updated, sync.retired, sync.unchanged) == (0, 0, 0, 2)


def test_a_failed_review_write_leaves_nothing_behind(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    store.sync_deck(load_deck(MINI_DECKS / "mini.toml"), T0)
    def interrupted_write() -> None:
        with store.writing():
            store.conn.execute("INSERT INTO settings VALUES ('x', '1')")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_write()
    assert store.setting("x") is None


def test_an_error_that_already_ended_the_transaction_is_not_masked(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")

    def write_that_loses_its_transaction() -> None:
        with store.writing():
            store.conn.execute("INSERT INTO settings VALUES ('x', '1')")
            store.conn.execute("ROLLBACK")  # as SQLite does itself on SQLITE_FULL or SQLITE_IOERR
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_that_loses_its_transaction()
    assert not store.conn.in_transaction
    assert store.setting("x") is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing" / "t.db", "folder {parent} does not exist"),
        (lambda p: (p / "junk.db").write_bytes(b"hello, not sqlite" * 100) and p / "junk.db",
         "is not a tpmdrill database"),
    ],
)
def test_bad_database_paths(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(DatabaseProblem) as info:
        Store.open(path)
    assert message.format(parent=path.parent) in str(info.value)
    assert (path.read_bytes() if path.exists() else None) == before


def test_due_and_new_counts_leave_retired_cards_out(tmp_path: Path) -> None:
    """The counts subtract retired cards' memory instead of checking every card; they
    must agree with counting active cards one by one."""
    store = Store.open(tmp_path / "s.db")
    deck_file = tmp_path / "mini.toml"
    shutil.copy(MINI_DECKS / "mini.toml", deck_file)
    store.sync_deck(load_deck(deck_file), T0)
    record_review(store, "mini/ride-sharing", 1, T0)
    record_review(store, "mini/idempotency", 3, T0)
    text = deck_file.read_text()
    deck_file.write_text(text[:text.index('[[card]]\nid = "ride-sharing"')])
    store.sync_deck(load_deck(deck_file), T0)  # ride-sharing retired, its memory kept
    later = datetime(2030, 1, 1, tzinfo=UTC)
    active = {c.full_id for c in store.cards()}
    due = [m for m in (store.memory_of(c) for c in active) if m is not None]
    assert store.memory_of("mini/ride-sharing") is not None
    assert store.due_now(later).total == sum(m.due <= later for m in due) == 1
    assert store.due_count_between(T0, later) == 1
    assert sum(store.due_per_day(T0, later).values()) == 1
    assert store.new_card_count() == len(active) - len(due) == 0


# ---- a verdict's copy of its review's card and live time (m012) -------------------------

COPIES_EXACT = (
    "SELECT count(*), total(v.card IS r.card AND v.live_reviewed_at IS"
    " iif(r.id IN (SELECT review FROM voids), NULL, r.reviewed_at)) FROM verdicts v JOIN reviews r ON r.id = v.review"
)


def copies_exact(store: Store) -> bool:
    """Every verdict carries its review's card, and its time unless the review is voided."""
    verdicts, exact = store.conn.execute(COPIES_EXACT).fetchone()
    return bool(verdicts == exact == store.conn.execute("SELECT count(*) FROM verdicts").fetchone()[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=events, undos=st.integers(0, 3))
def test_verdicts_carry_their_reviews_card_and_live_time_through_undo_export_and_merge(
    history: list[tuple[str, int, int, bool, str | None, list[tuple[bool, bool]]]], undos: int,
) -> None:
    store = mini_store()
    at = record(store, history)
    for _ in range(min(undos, len(history))):
        undo_latest(store, at)
    assert copies_exact(store)
    document = json.loads(json.dumps(snapshot(store, START)))
    assert all(set(v) == {"point", "auto_hit", "hit", "matched"} for r in document["reviews"] for v in r["verdicts"])
    for review in document["reviews"]:  # copies in a file are not taken: the triggers set them
        for verdict in review["verdicts"]:
            verdict |= {"card": "mini/ride-sharing", "live_reviewed_at": "2000-01-01T00:00:00.000000+00:00"}
    imported = Store.memory()
    merge_document(imported, document)
    assert copies_exact(imported)
    both = clone(imported)
    record(both, history, start=at + timedelta(days=1))
    merge_document(both, json.loads(json.dumps(snapshot(store, START))))
    assert copies_exact(both)


def test_a_voided_review_leaves_the_weak_points_and_comes_back_if_its_void_goes() -> None:
    store = mini_store()
    for day in range(3):
        record(store, [("mini/idempotency", 1, 0, True, "x", [(False, False)])], start=START + timedelta(days=day))
    now = START + timedelta(days=4)

    def misses() -> list[int]:
        return [row.count for row in store.weighted_point_misses(START, now, 30.0, 1, 10)]

    assert misses() == [3]
    undo_latest(store, now)
    assert misses() == [2]
    assert copies_exact(store)
    with store.writing():  # nothing in tpmdrill removes a void; a trigger covers it all the same
        store.conn.execute("DELETE FROM voids")
    assert misses() == [3]
    with store.writing():  # nor moves a review; the copies would follow
        store.conn.execute("UPDATE reviews SET reviewed_at = ? WHERE rowid = 1", ["2024-01-01T00:00:00.000000+00:00"])
    assert copies_exact(store)
    assert misses() == [2]


def test_an_upgraded_first_schema_database_has_exact_verdict_copies(tmp_path: Path) -> None:
    copy = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "v1.db", copy)
    store = Store.open(copy)
    assert store.conn.execute("SELECT count(*) FROM verdicts").fetchone()[0] > 0
    assert copies_exact(store)
