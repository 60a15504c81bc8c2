"""`tpmdrill import anki`: reviews done in a real Anki collection (the `anki` package) come back."""

from __future__ import annotations

import dataclasses
import json
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.anki_helpers import anki_collection, answer, export_apkg, export_colpkg, import_package
from tests.conftest import Invoke
from tpmdrill.anki_import import review_from_entry
from tpmdrill.enums import Rating
from tpmdrill.scheduler import SchedulerConfig, replay_history
from tpmdrill.store import Store

EXPORTED = "2026-01-01T00:00:00+00:00"
IMPORTED = {"TPMDRILL_NOW": "2026-01-06T12:00:00+00:00"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (time, tpmdrill rating, milliseconds) answered in Anki, per card.
IDEMPOTENCY = [(at("2026-01-02T10:00:00"), 3, 8000), (at("2026-01-05T09:00:00"), 1, 12000),
               (at("2026-01-05T09:30:00"), 3, 3000)]
RIDE_SHARING = [(at("2026-01-03T18:15:00.250"), 4, 20000)]


@pytest.fixture
def collection_path(mini: Invoke, tmp_path: Path) -> Path:
    """An Anki collection that imported tpmdrill's package and was reviewed in."""
    package = tmp_path / "tpmdrill.apkg"
    assert mini("export", "--deck", "mini", "-o", str(package), env={"TPMDRILL_NOW": EXPORTED}).exit_code == 0
    path = tmp_path / "anki" / "collection.anki2"
    path.parent.mkdir()
    with anki_collection(path) as collection:
        import_package(collection, package)
        answer(collection, "mini/idempotency", IDEMPOTENCY)
        answer(collection, "mini/ride-sharing", RIDE_SHARING)
    return path


def exported(collection_path: Path, kind: str) -> Path:
    """The reviewed collection as Anki exports it: .colpkg (new or legacy), .apkg, or the file itself."""
    if kind == "collection.anki2":
        return collection_path
    target = collection_path.parent.parent / f"export-{kind}"
    with anki_collection(collection_path) as collection:
        if kind == "apkg":
            export_apkg(collection, target.with_suffix(".apkg"))
            return target.with_suffix(".apkg")
        export_colpkg(collection, target.with_suffix(".colpkg"), legacy=kind == "legacy-colpkg")
    return target.with_suffix(".colpkg")


def reviews(db: Path) -> list[dict[str, Any]]:
    store = Store.open(db)
    try:
        return store.table_rows("reviews")
    finally:
        store.close()


def memory_due(db: Path, card: str) -> datetime:
    store = Store.open(db)
    try:
        memory = store.memory_of(card)
        assert memory is not None
        return memory.due
    finally:
        store.close()


def expected_due(db: Path, kind: str, history: list[tuple[datetime, int]]) -> datetime:
    store = Store.open(db)
    try:
        config = dataclasses.replace(SchedulerConfig.from_settings(store.settings()), fuzz=False)
    finally:
        store.close()
    memory = replay_history(kind, sorted(history), config, None)
    assert memory is not None
    return memory.due


def test_colpkg_brings_in_the_reviews_with_times_ratings_and_due_dates(
    mini: Invoke, collection_path: Path, db_path: Path
) -> None:
    package = exported(collection_path, "colpkg")
    assert "collection.anki21b" in zipfile.ZipFile(package).namelist()  # the zstd format

    result = mini("import", "anki", str(package), env=IMPORTED)

    assert result.exit_code == 0, result.output
    assert result.stdout == (f"From {package}: 4 new reviews of 2 tpmdrill notes; "
                             "2 cards rescheduled from their merged history.\n")
    rows = reviews(db_path)
    assert {row["mode"] for row in rows} == {"anki"}
    got = [(row["card"], datetime.fromisoformat(row["reviewed_at"]), row["rating"], row["seconds"]) for row in rows]
    assert got == sorted([("mini/idempotency", when, rating, ms / 1000) for when, rating, ms in IDEMPOTENCY]
                         + [("mini/ride-sharing", when, rating, ms / 1000) for when, rating, ms in RIDE_SHARING],
                         key=lambda row: row[1])
    assert [row["state_before"] for row in rows if row["card"] == "mini/idempotency"] == [None, 1, 1]  # learning steps
    for card, kind, answers in (("mini/idempotency", "concept", IDEMPOTENCY),
                                ("mini/ride-sharing", "design", RIDE_SHARING)):
        due = expected_due(db_path, kind, [(when, rating) for when, rating, _ in answers])
        assert memory_due(db_path, card) == due
        assert [row["due_after"] for row in rows if row["card"] == card][-1] == due.isoformat(timespec="microseconds")


def test_a_second_import_adds_nothing_from_any_export_of_the_same_collection(
    mini: Invoke, collection_path: Path, db_path: Path
) -> None:
    assert mini("import", "anki", str(exported(collection_path, "colpkg")), env=IMPORTED).exit_code == 0
    before = reviews(db_path), memory_due(db_path, "mini/idempotency")
    for kind in ("colpkg", "apkg", "legacy-colpkg", "collection.anki2"):
        result = mini("import", "anki", str(exported(collection_path, kind)), "--json", env=IMPORTED)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"notes": 2, "entries": 4, "reviews": 0, "known": 4, "skipped": 0,
                                             "later": 0, "replayed": 0}, kind
    assert (reviews(db_path), memory_due(db_path, "mini/idempotency")) == before


@pytest.mark.parametrize("kind", ["apkg", "legacy-colpkg", "collection.anki2"])
def test_every_anki_format_brings_in_the_same_reviews(
    mini: Invoke, collection_path: Path, db_path: Path, kind: str
) -> None:
    result = mini("import", "anki", str(exported(collection_path, kind)), "--json", env=IMPORTED)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reviews"] == 4
    assert [row["rating"] for row in reviews(db_path)] == [3, 4, 1, 3]


def test_reviews_logged_after_now_wait_until_then(mini: Invoke, collection_path: Path, db_path: Path) -> None:
    package = exported(collection_path, "colpkg")
    early = mini("import", "anki", str(package), env={"TPMDRILL_NOW": "2026-01-04T00:00:00+00:00"})
    assert early.exit_code == 0, early.output
    assert "2 new reviews" in early.stdout and "2 logged after now left out" in early.stdout
    assert [row["reviewed_at"][:10] for row in reviews(db_path)] == ["2026-01-02", "2026-01-03"]
    later = mini("import", "anki", str(package), "--json", env=IMPORTED)
    assert json.loads(later.stdout) == {"notes": 2, "entries": 4, "reviews": 2, "known": 2, "skipped": 0,
                                             "later": 0, "replayed": 1}
    assert len(reviews(db_path)) == 4


def test_reviews_done_here_and_in_anki_are_replayed_together(
    mini: Invoke, collection_path: Path, db_path: Path
) -> None:
    here = at("2026-01-04T08:00:00")
    assert mini("review", "mini/idempotency", "--rating", "hard", "--at", here.isoformat(),
                env=IMPORTED).exit_code == 0
    assert mini("import", "anki", str(exported(collection_path, "colpkg")), env=IMPORTED).exit_code == 0
    history = [(when, rating) for when, rating, _ in IDEMPOTENCY] + [(here, 2)]
    assert memory_due(db_path, "mini/idempotency") == expected_due(db_path, "concept", history)
    rows = [row for row in reviews(db_path) if row["card"] == "mini/idempotency"]
    assert [(row["mode"], row["rating"]) for row in rows] == [("anki", 3), ("review", 2), ("anki", 1), ("anki", 3)]


def test_a_collection_without_tpmdrill_notes_is_refused_and_changes_nothing(
    mini: Invoke, tmp_path: Path, db_path: Path
) -> None:
    assert mini("review", "mini/idempotency", "--rating", "good", env=IMPORTED).exit_code == 0
    path = tmp_path / "other" / "collection.anki2"
    path.parent.mkdir()
    with anki_collection(path) as collection:
        note = collection.new_note(collection.models.by_name("Basic"))
        note["Front"], note["Back"] = "capital of France", "Paris"
        collection.add_note(note, collection.decks.id("Default"))
        card = note.cards()[0]
        card.start_timer()
        states = collection._backend.get_scheduling_states(card.id)
        collection.sched.answer_card(collection.sched.build_answer(card=card, states=states, rating=2))
        export_colpkg(collection, tmp_path / "other.colpkg")
    before = reviews(db_path), db_path.read_bytes()

    result = mini("import", "anki", str(tmp_path / "other.colpkg"))

    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'other.colpkg'} holds no notes exported by tpmdrill "
                             "('tpmdrill export --format apkg' makes them); nothing was imported\n")
    assert (reviews(db_path), db_path.read_bytes()) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"not anki at all", "is not an Anki file (a .colpkg, an .apkg or a collection.anki2)"),
    (None, "holds no Anki collection (none of collection.anki21b, collection.anki21, collection.anki2)"),
    (b"SQLite format 3\x00" + b"\x00" * 200, "is damaged"),
])
def test_files_that_are_not_anki_collections_are_one_line(
    mini: Invoke, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "thing.colpkg"
    if content is None:
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("media", "{}")
    else:
        path.write_bytes(content)
    result = mini("import", "anki", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path} ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_tpmdrill_database_is_not_an_anki_collection(mini: Invoke, db_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    assert mini("backup", str(copy)).exit_code == 0
    result = mini("import", "anki", str(copy))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {copy} is not an Anki collection (no such table: notes)\n"


def test_json_import_is_unchanged_and_a_missing_anki_file_is_a_usage_error(mini: Invoke, tmp_path: Path) -> None:
    document = tmp_path / "history.json"
    assert mini("export", "-o", str(document)).exit_code == 0
    assert mini("import", str(document)).exit_code == 0
    missing = mini("import", "anki")
    assert missing.exit_code == 2
    assert missing.stderr == ("Error: give the Anki file: tpmdrill import anki FILE (see 'tpmdrill import --help')\n")
    extra = mini("import", "a.json", "b.json")
    assert extra.exit_code == 2 and "give one FILE, or 'anki' and one FILE" in extra.stderr


@pytest.mark.parametrize(("entry", "expected"), [
    ((1_767_225_600_000, "c", 3, 1, 2500, 4200), (Rating.GOOD, True, 4.2)),  # a review
    ((1_767_225_600_000, "c", 1, 0, 0, 0), (Rating.AGAIN, True, None)),  # learning, no time taken
    ((1_767_225_600_000, "c", 4, 3, 0, 900), (Rating.EASY, False, 0.9)),  # a preview that does not reschedule
    ((1_767_225_600_000, "c", 2, 3, 2500, 900), (Rating.HARD, True, 0.9)),  # a filtered deck that reschedules
])
def test_review_log_entries_become_reviews(entry: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    review = review_from_entry(entry)
    assert review is not None
    assert (review.rating, review.rescheduled, review.seconds) == expected
    assert review.reviewed_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert review.id == review_from_entry(entry).id  # type: ignore[union-attr]


@pytest.mark.parametrize("entry", [
    (1_767_225_600_000, "c", 0, 4, 0, 0),  # set due date / forget
    (1_767_225_600_000, "c", 0, 5, 0, 0),  # rescheduled by FSRS
    (1_767_225_600_000, "c", 7, 1, 0, 0),  # no such button
])
def test_manual_entries_are_not_reviews(entry: tuple[Any, ...]) -> None:
    assert review_from_entry(entry) is None


def test_without_zstandard_the_compressed_format_is_one_line(
    mini: Invoke, collection_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = exported(collection_path, "colpkg")
    monkeypatch.setitem(sys.modules, "zstandard", None)  # as if it were not installed
    result = mini("import", "anki", str(package))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {package} is in Anki's compressed format, which needs the zstandard package "
                             "(pip install zstandard); or export again with 'Support older Anki versions'\n")
