"""The lossless JSON export: any history survives export -> import into an empty database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import MINI_DECKS, Invoke
from tpmdrill.decks import load_deck
from tpmdrill.merge import merge_document
from tpmdrill.scheduler import record_review
from tpmdrill.store import _EXPORT_ORDER, PointVerdictRow, Store
from tpmdrill.transfer import FORMAT, VERSION, snapshot

START = datetime(2025, 3, 1, 8, tzinfo=UTC)
CARDS = ("mini/idempotency", "mini/ride-sharing")
POINTS = {"mini/idempotency": ("definition", "key"), "mini/ride-sharing": ("resources",)}

events = st.lists(
    st.tuples(
        st.sampled_from(CARDS),
        st.integers(1, 4),
        st.integers(0, 60 * 24 * 40),  # minutes since the previous review
        st.booleans(),  # rescheduled (False: cram)
        st.one_of(st.none(), st.text(max_size=30)),  # the typed answer
        st.lists(st.tuples(st.booleans(), st.booleans()), max_size=1),  # (auto hit, confirmed hit)
    ),
    max_size=25,
)


def mini_store() -> Store:
    store = Store.memory()
    store.sync_deck(load_deck(MINI_DECKS / "mini.toml"), START)
    return store


def record(store: Store, history: list[tuple[str, int, int, bool, str | None, list[tuple[bool, bool]]]],
           start: datetime = START) -> datetime:
    """Record the generated reviews in time order; return the time of the last one."""
    at = start
    for card, rating, gap, rescheduled, answer, hits in history:
        at += timedelta(minutes=gap, microseconds=7)
        verdicts = tuple(PointVerdictRow(point, auto, hit, ("a", "b"))
                         for point, (auto, hit) in zip(POINTS[card], hits, strict=False))
        record_review(store, card, rating, at, reschedule=rescheduled, answer=answer, seconds=12.5,
                      score=0.5 if verdicts else None, verdicts=verdicts)
    return at


def tables(store: Store) -> dict[str, list[dict[str, object]]]:
    return {table: store.table_rows(table) for table in _EXPORT_ORDER}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=events,
       retention=st.one_of(st.none(), st.floats(0.7, 0.99)),
       assessments=st.lists(st.dictionaries(st.sampled_from(["sql", "caching", "agile"]),
                                            st.one_of(st.none(), st.integers(1, 5))), max_size=3))
def test_export_then_import_into_an_empty_database_gives_back_the_same_data(
    history: list[tuple[str, int, int, bool, str | None, list[tuple[bool, bool]]]],
    retention: float | None,
    assessments: list[dict[str, int | None]],
) -> None:
    original = mini_store()
    if retention is not None:
        original.put_setting("desired_retention", retention)
    record(original, history)
    for number, ratings in enumerate(assessments):
        carried = {skill for skill, rating in ratings.items() if rating is not None and rating % 2 == 0}
        original.save_assessment(START + timedelta(days=number), ratings, carried=carried)
    document = json.loads(json.dumps(snapshot(original, START)))  # through text, as in the file

    copy = Store.memory()
    merge_document(copy, document)

    assert tables(copy) == tables(original)
    assert snapshot(copy, START) == snapshot(original, START)


def test_the_document_names_its_format_and_version_and_nests_verdicts() -> None:
    store = mini_store()
    record(store, [("mini/idempotency", 3, 0, True, "retry safely", [(True, False)])])
    document = snapshot(store, START)
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    [review] = document["reviews"]
    assert review["verdicts"] == [{"point": "definition", "auto_hit": True, "hit": False, "matched": ["a", "b"]}]
    assert review["rescheduled"] is True
    assert document["cards"][0]["tags"] == ["reliability"]


def test_cli_round_trip_into_a_new_database(mini: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-10T12:00:00+00:00")  # same recall figures on both sides
    assert mini("review", "mini/idempotency", "--rating", "good", "--at", "2025-03-01T09:00:00+00:00").exit_code == 0
    assert mini("review", "mini/ride-sharing", "--rating", "hard", "--at", "2025-03-02T09:00:00+00:00").exit_code == 0
    exported = tmp_path / "history.json"
    result = mini("export", "--format", "json", "-o", str(exported))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Wrote 2 reviews of ")

    other = tmp_path / "other.db"
    result = mini("--db", str(other), "import", str(exported), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reviews"] == 2
    for card in ("mini/idempotency", "mini/ride-sharing"):
        here, there = mini("card", card, "--json"), mini("--db", str(other), "card", card, "--json")
        assert json.loads(here.stdout) == json.loads(there.stdout)
    again = tmp_path / "again.json"
    assert mini("--db", str(other), "export", "-o", str(again)).exit_code == 0
    first, second = json.loads(exported.read_text()), json.loads(again.read_text())
    assert {**first, "exported_at": None} == {**second, "exported_at": None}


def test_json_export_to_standard_output(mini: Invoke) -> None:
    result = mini("export", "--format", "json", "-o", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["format"] == FORMAT


def test_import_into_a_database_with_history_merges_and_keeps_what_is_there(mini: Invoke, tmp_path: Path) -> None:
    mini("review", "mini/idempotency", "--rating", "good", "--at", "2025-03-01T09:00:00+00:00")
    exported = tmp_path / "a.json"
    mini("export", "-o", str(exported))
    mini("review", "mini/idempotency", "--rating", "easy", "--at", "2025-03-05T09:00:00+00:00")
    result = mini("import", str(exported), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["reviews"] == 0
    assert len(json.loads(mini("card", "mini/idempotency", "--json").stdout)["reviews"]) == 2


def test_import_refuses_what_is_not_an_export(run: Invoke, tmp_path: Path) -> None:
    cases = {
        "not-json.json": ("{nope", "is not a tpmdrill JSON export (not valid JSON)"),
        "other.json": ('{"format": "something"}', 'is not a tpmdrill JSON export (no "format": "tpmdrill-export")'),
        "newer.json": (json.dumps({"format": FORMAT, "version": VERSION + 1}),
                       f"has export format version {VERSION + 1}; this tpmdrill reads up to {VERSION},"
                       " upgrade tpmdrill to import it"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        result = run("import", str(path))
        assert result.exit_code == 1
        assert result.stderr == f"Error: {path} {message}\n"


def test_import_of_inconsistent_data_changes_nothing(run: Invoke, tmp_path: Path) -> None:
    store = mini_store()
    record(store, [("mini/idempotency", 3, 0, True, None, [])])
    document = snapshot(store, START)
    document["cards"] = []
    document["decks"] = []
    document["reviews"][0]["card"] = "nowhere/card"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the data to merge is inconsistent")
    after = json.loads(run("export", "--format", "json", "-o", "-").stdout)
    assert after["reviews"] == []
    assert "mini" not in {deck["id"] for deck in after["decks"]}


def test_export_format_comes_from_the_file_name_or_must_be_given(run: Invoke, tmp_path: Path) -> None:
    result = run("export", "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 2
    assert "give --format apkg or --format json" in result.stderr
    result = run("export", "--format", "json", "--deck", "mini", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert "--deck applies to --format apkg only" in result.stderr


def test_mock_sheets_travel_with_the_export(run: Invoke, tmp_path: Path) -> None:
    """Issue 15: a recorded mock sheet and its questions come back from a JSON export."""
    env = {"TPMDRILL_NOW": "2026-11-25T08:00:00+00:00"}
    body = json.loads(run("mock", "--minutes", "20", "--seed", "3", "--format", "json", env=env).stdout)
    verdicts = tmp_path / "v.json"
    verdicts.write_text(json.dumps({"questions": [{"card": body["questions"][0]["card"], "rating": "good"}]}))
    assert run("mock", "record", body["sheet"], "--from-file", str(verdicts), env=env).exit_code == 0
    export = tmp_path / "all.json"
    assert run("export", "--format", "json", "-o", str(export)).exit_code == 0
    [sheet] = json.loads(export.read_text())["mock_sheets"]
    assert sheet["id"] == body["sheet"] and len(sheet["questions"]) == len(body["questions"])
    fresh = tmp_path / "fresh.db"
    assert run("--db", str(fresh), "import", str(export)).exit_code == 0
    store = Store.open(fresh)
    try:
        [(row, questions)] = store.recorded_mocks()
        assert row.id == body["sheet"] and questions[0].outcome is not None
    finally:
        store.close()
    older = json.loads(export.read_text())
    del older["mock_sheets"]  # a file from before mock sheets were exported
    export.write_text(json.dumps(older))
    assert run("--db", str(tmp_path / "older.db"), "import", str(export)).exit_code == 0
