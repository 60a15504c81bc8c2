"""Merging a second device's database: by review ids, symmetric, idempotent."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from sqlite_utils import Database

from tests.conftest import Invoke
from tests.test_export_import import START, events, mini_store, record, tables
from tpmdrill.merge import choose_memory, merge_document
from tpmdrill.scheduler import SchedulerConfig, next_memory, retrievability
from tpmdrill.store import Store
from tpmdrill.transfer import snapshot


def clone(store: Store) -> Store:
    """An independent copy made by SQLite itself, not by the code under test."""
    conn = sqlite3.connect(":memory:")
    store.conn.backup(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return Store(Database(conn, execute_plugins=False, recursive_triggers=False))


def merged(into: Store, other: Store) -> Store:
    result = clone(into)
    merge_document(result, snapshot(other, START))
    return result


def reviews_and_memory(store: Store) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    return store.table_rows("reviews"), store.table_rows("memory")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(common=events, only_a=events, only_b=events)
def test_merging_either_way_gives_the_same_reviews_and_memory_and_twice_changes_nothing(
    common: list, only_a: list, only_b: list  # type: ignore[type-arg]
) -> None:
    base = mini_store()
    end = record(base, common)
    a, b = clone(base), clone(base)
    record(a, only_a, end)
    record(b, only_b, end)

    a_with_b, b_with_a = merged(a, b), merged(b, a)
    assert reviews_and_memory(a_with_b) == reviews_and_memory(b_with_a)
    ids = {row["id"] for row in a.table_rows("reviews")} | {row["id"] for row in b.table_rows("reviews")}
    assert {row["id"] for row in a_with_b.table_rows("reviews")} == ids

    before = tables(a_with_b)
    report = merge_document(a_with_b, snapshot(b, START))
    assert tables(a_with_b) == before
    assert (report.reviews, report.replayed, report.copied) == (0, 0, 0)


def test_a_card_reviewed_on_both_devices_is_replayed_in_time_order() -> None:
    base = mini_store()
    a, b = clone(base), clone(base)
    card = "mini/ride-sharing"
    record(a, [(card, 3, 0, True, None, []), (card, 1, 60 * 24 * 20, True, None, [])])
    record(b, [(card, 4, 60 * 24 * 5, True, None, []), (card, 3, 60 * 24 * 30, False, None, [])])
    result = merged(a, b)

    expected = None
    config = dataclasses.replace(SchedulerConfig.from_settings({}), fuzz=False)
    times = sorted((datetime.fromisoformat(r["reviewed_at"]), r["rating"]) for r in result.table_rows("reviews")
                   if r["rescheduled"])
    assert len(times) == 3  # the cram review is kept but does not schedule
    for at, rating in times:
        expected = next_memory("design", expected, rating, at, config)
    assert result.memory_of(card) == expected


def test_choose_memory_is_symmetric() -> None:
    one, two = {"a"}, {"a", "b"}
    state, other = {"due": "x"}, {"due": "y"}
    assert choose_memory(one, two, state, other) == "theirs"
    assert choose_memory(two, one, other, state) == "keep"
    assert choose_memory({"a"}, {"b"}, state, other) == "replay"
    assert choose_memory(one, one, state, state) == "keep"
    assert choose_memory(one, one, state, other) == "replay"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_merge_brings_reviews_and_cards_and_leaves_the_other_file_alone(mini: Invoke, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop.db"
    assert mini("--db", str(laptop), "decks", "add", str(Path(__file__).parent / "fixtures" / "decks")).exit_code == 0
    assert mini("--db", str(laptop), "review", "mini/ride-sharing", "--rating", "good",
                "--at", "2025-03-01T09:00:00+00:00").exit_code == 0
    mini("review", "mini/idempotency", "--rating", "good", "--at", "2025-03-02T09:00:00+00:00")
    fresh = tmp_path / "fresh.db"
    before = _digest(laptop)

    result = mini("--db", str(fresh), "merge", str(laptop), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["reviews"], report["cards"], report["decks"]) == (1, 2, 1)  # mini came along
    assert _digest(laptop) == before

    result = mini("merge", str(laptop))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"From {laptop}: 1 new review (")
    result = mini("merge", str(laptop), "--json")
    assert json.loads(result.stdout)["reviews"] == 0
    history = json.loads(mini("card", "mini/ride-sharing", "--json").stdout)
    assert [(r["rating"], r["reviewed_at"][:10]) for r in history["reviews"]] == [(3, "2025-03-01")]
    assert history["state"] != "new"


def test_merge_refuses_its_own_database_and_non_databases(mini: Invoke, db_path: Path, tmp_path: Path) -> None:
    result = mini("merge", str(db_path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {db_path} is the database being merged into; give the other device's copy\n"
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    result = mini("merge", str(text))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {text} is not a SQLite database\n"


def test_merge_keeps_assessments_from_both_sides(tmp_path: Path) -> None:
    a, b = mini_store(), mini_store()
    a.save_assessment(START, {"sql": 2})
    b.save_assessment(START + timedelta(days=1), {"sql": 4})
    result = merged(a, b)
    assert [(taken.astimezone(UTC), ratings) for _, taken, ratings in result.assessments()] == [
        (START + timedelta(days=1), {"sql": 4}), (START, {"sql": 2})]


def test_a_replayed_card_still_comes_back_before_the_interview() -> None:
    """Replay caps the due date as a live review would: recall on the interview day
    stays at the target, or the card is due the day before."""
    base = mini_store()
    interview = START + timedelta(days=11)
    base.put_setting("interview_date", interview.date().isoformat())
    a, b = clone(base), clone(base)
    card = "mini/ride-sharing"
    record(a, [(card, 3, 0, True, None, [])])
    record(b, [(card, 3, 60 * 24 * 3, True, None, [])])
    memory = merged(a, b).memory_of(card)

    day = datetime.combine(interview.date(), datetime.min.time(), UTC)
    assert memory is not None
    assert memory.due == day - timedelta(days=1)
    config = dataclasses.replace(SchedulerConfig.from_settings({}), fuzz=False)
    assert retrievability("design", memory, day, config) < 0.95  # uncapped, it would come back after the day
