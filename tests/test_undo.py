"""Undo: a voided review leaves the memory state exactly as before it, on one device,
after a merge and after an export/import round trip; analytics leave it out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Invoke
from tests.test_export_import import CARDS, START, events, mini_store, record
from tests.test_merge import clone, merged
from tpmdrill.merge import merge_document
from tpmdrill.scheduler import record_review
from tpmdrill.store import Store
from tpmdrill.store.rows import LastSeen
from tpmdrill.transfer import snapshot
from tpmdrill.undo import NothingToUndo, undo_latest


def memory_row(store: Store, card: str) -> dict[str, object] | None:
    return next((row for row in store.table_rows("memory") if row["card"] == card), None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=events, card=st.sampled_from(CARDS), rating=st.integers(1, 4),
       gap=st.integers(0, 60 * 24 * 30), fuzz=st.booleans(), undos=st.integers(0, 3),
       interview=st.one_of(st.none(), st.integers(1, 120)))
def test_review_then_undo_restores_the_memory_state_exactly(
    history: list[tuple[str, int, int, bool, str | None, list[tuple[bool, bool]]]],
    card: str, rating: int, gap: int, fuzz: bool, undos: int, interview: int | None,
) -> None:
    store = mini_store()
    store.put_setting("fuzz", fuzz)
    if interview is not None:  # the interview cap moves due dates too
        store.put_setting("interview_date", (START + timedelta(days=interview)).date().isoformat())
    at = record(store, history)
    for _ in range(min(undos, len(history))):  # undone reviews inside the history, too
        undo_latest(store, at)
    before = store.table_rows("memory")
    live_before = store.review_count()
    record_review(store, card, rating, at + timedelta(minutes=gap, seconds=1), seconds=30.0)
    undone = undo_latest(store, at + timedelta(minutes=gap, seconds=2))
    assert undone.exact
    assert store.table_rows("memory") == before
    assert store.review_count() == live_before


def test_an_undone_review_is_kept_marked_voided_and_left_out_of_analytics() -> None:
    store = mini_store()
    record_review(store, "mini/idempotency", 1, START, seconds=20.0)
    assert store.last_seen("mini/idempotency") == LastSeen(START, 1)
    undo_latest(store, START + timedelta(minutes=1))
    [review] = store.history("mini/idempotency")
    assert review["voided"] is True
    assert store.memory_of("mini/idempotency") is None
    assert store.last_seen("mini/idempotency") is None
    assert store.review_count() == 0
    assert store.scheduling_history("mini/idempotency") == []
    assert store.mean_review_seconds() is None
    assert store.cards_started_since(START - timedelta(days=1)) == 0
    assert store.reviews_by_day(START - timedelta(days=1), START + timedelta(days=1)) == []
    assert store.recent_trouble() == []
    assert len(store.table_rows("reviews")) == 1  # append-only: still there


def test_nothing_to_undo() -> None:
    with pytest.raises(NothingToUndo, match="there is no review to undo"):
        undo_latest(mini_store(), START)


def test_undo_refuses_when_a_newer_review_came_in_meanwhile() -> None:
    store = mini_store()
    first, _ = record_review(store, "mini/idempotency", 3, START)
    record_review(store, "mini/idempotency", 3, START + timedelta(minutes=20))
    with pytest.raises(NothingToUndo, match="a newer review"):
        undo_latest(store, START, expected=first.id)
    assert store.voided_ids() == set()


def test_undo_after_a_merge_restores_the_merged_state() -> None:
    laptop, phone = mini_store(), mini_store()
    record(laptop, [("mini/ride-sharing", 3, 0, True, None, [])])
    before_phone = memory_row(merged(laptop, phone), "mini/ride-sharing")
    record(phone, [("mini/ride-sharing", 1, 60 * 24 * 3, True, None, [])])
    both = merged(laptop, phone)
    undone = undo_latest(both, START + timedelta(days=4))
    assert undone.card == "mini/ride-sharing"
    # The phone's row from before its review lacks the laptop's review: recomputed, not copied.
    assert not undone.exact
    assert both.scheduling_history("mini/ride-sharing") == laptop.scheduling_history("mini/ride-sharing")
    restored = memory_row(both, "mini/ride-sharing")
    assert restored is not None and before_phone is not None
    assert (restored["stability"], restored["difficulty"], restored["reps"]) == (
        before_phone["stability"], before_phone["difficulty"], before_phone["reps"])


def test_a_review_voided_on_either_device_is_voided_after_merging() -> None:
    laptop = mini_store()
    at = record(laptop, [("mini/idempotency", 3, 0, True, None, []), ("mini/ride-sharing", 3, 5, True, None, [])])
    phone = clone(laptop)
    undo_latest(phone, at + timedelta(minutes=1))
    expected = phone.table_rows("memory")
    for result in (merged(laptop, phone), merged(phone, laptop)):
        assert result.voided_ids() == phone.voided_ids()
        assert result.table_rows("memory") == expected
        assert result.review_count() == 1


def test_undo_after_an_export_import_round_trip() -> None:
    original = mini_store()
    at = record(original, [("mini/idempotency", 1, 0, True, None, []), ("mini/idempotency", 3, 2, True, None, []),
                           ("mini/ride-sharing", 3, 10, True, None, [])])
    undo_latest(original, at)  # a voided review travels in the file
    copy = mini_store()
    merge_document(copy, snapshot(original, at))
    assert copy.voided_ids() == original.voided_ids()
    assert [r["voided"] for r in copy.history("mini/ride-sharing")] == [True]
    a = undo_latest(original, at + timedelta(minutes=1))
    b = undo_latest(copy, at + timedelta(minutes=1))
    assert (a.review, a.exact) == (b.review, True)
    assert copy.table_rows("memory") == original.table_rows("memory")


def test_an_export_written_before_undo_still_imports() -> None:
    original = mini_store()
    at = record(original, [("mini/idempotency", 3, 0, True, None, [])])
    document = snapshot(original, at)
    del document["voids"]
    for review in document["reviews"]:
        del review["memory_before"], review["voided"]
    copy = mini_store()
    merge_document(copy, document)
    assert copy.review_count() == 1
    assert undo_latest(copy, at).exact  # a first review: the card was new before it
    assert copy.memory_of("mini/idempotency") is None


# ---- the command ---------------------------------------------------------------


def card_json(run: Invoke, card: str) -> dict[str, object]:
    import json

    result = run("card", card, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_undo_command(mini: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-01T09:00:00+00:00")
    empty = mini("undo", "--yes")
    assert (empty.exit_code, empty.stderr) == (1, "Error: there is no review to undo\n")
    assert mini("review", "mini/ride-sharing", "--rating", "good").exit_code == 0
    before = card_json(mini, "mini/ride-sharing")
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-05T09:00:00+00:00")
    assert mini("review", "mini/ride-sharing", "--rating", "again").exit_code == 0
    declined = mini("undo", input="n\n")
    assert declined.exit_code == 1
    assert "Undo again on mini/ride-sharing at 2025-03-05 09:00 UTC (review)? [y/N]" in declined.stderr
    assert declined.stderr.endswith("Error: nothing undone\n")
    result = mini("undo", input="y\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Undone: again on mini/ride-sharing at 2025-03-05 09:00 UTC (review).\n")
    after = card_json(mini, "mini/ride-sharing")
    for key in ("due", "state", "stability", "difficulty", "reps", "lapses", "last_review"):
        assert after[key] == before[key]
    assert [r["voided"] for r in after["reviews"]] == [False, True]  # type: ignore[attr-defined]


def test_a_database_from_before_undo_can_undo_its_reviews(tmp_path: Path) -> None:
    """tests/fixtures/v1.db predates m007: its reviews carry no memory row; both are first
    reviews, so undoing them makes the cards new again."""
    import shutil

    from tests.conftest import FIXTURES

    copy = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "v1.db", copy)
    store = Store.open(copy)
    try:
        for card in ("mini/ride-sharing", "mini/idempotency"):
            undone = undo_latest(store, START)
            assert (undone.card, undone.exact, undone.memory) == (card, True, None)
            assert store.memory_of(card) is None
        assert store.review_count() == 0
    finally:
        store.close()


def test_without_the_recorded_row_the_state_is_replayed_from_the_other_reviews() -> None:
    from tpmdrill.scheduler import SchedulerConfig, next_memory

    store = mini_store()
    store.put_setting("fuzz", False)
    record_review(store, "mini/ride-sharing", 3, START)
    expected = store.table_rows("memory")
    later, _ = record_review(store, "mini/ride-sharing", 1, START + timedelta(days=3))
    # As a review written before m007 would be: no memory row kept with it.
    store.conn.execute("UPDATE reviews SET memory_before = NULL WHERE id = ?", [later.id])
    store.conn.commit()
    undone = undo_latest(store, START + timedelta(days=3, minutes=1))
    assert not undone.exact
    assert undone.memory == next_memory("design", None, 3, START, SchedulerConfig(fuzz=False))
    assert store.table_rows("memory") == expected


def test_weak_areas_leave_voided_reviews_out() -> None:
    from tpmdrill.weak import MIN_EVIDENCE, card_miss_rates, weak_areas

    store = mini_store()
    at = START
    for _ in range(MIN_EVIDENCE["card"]):
        at += timedelta(minutes=20)
        record_review(store, "mini/idempotency", 1, at)
    later = at + timedelta(days=1)
    assert [w.key for w in weak_areas(store, later).cards] == ["mini/idempotency"]
    undo_latest(store, at)
    assert weak_areas(store, later).cards == ()  # two live Agains: not enough evidence
    record_review(store, "mini/idempotency", 3, at + timedelta(minutes=30))
    assert card_miss_rates(store, later)["mini/idempotency"] == pytest.approx(2 / 3, rel=0.01)
