"""Mock sheets once made: stored with their ids, and `mock record` turning an interviewer's
verdicts into mock reviews (from a file or asked point by point), all or nothing."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tpmdrill.mocksheets import check_records, sheet_for_recording, verdict_template
from tpmdrill.store import Store
from tpmdrill.weak import weak_areas

from .conftest import Invoke
from .test_cli_core import snapshot

NOW = "2026-11-25T08:00:00+00:00"
ENV = {"TPMDRILL_NOW": NOW}


def make_sheet(run: Invoke, *args: str) -> dict[str, Any]:
    result = run("mock", "--minutes", "30", "--seed", "5", "--format", "json", *args, env=ENV)
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def points_of(db: Path, card: str) -> list[str]:
    store = Store.open(db)
    try:
        return [p.id for p in store.card(card).rubric]
    finally:
        store.close()


def mock_reviews(db: Path) -> list[tuple[str, str, int, float]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute("SELECT card, mode, rating, score FROM reviews WHERE mode = 'mock' ORDER BY card"))
    finally:
        conn.close()


def test_a_sheet_is_stored_with_its_questions_and_its_id_on_both_copies(run: Invoke, db_path: Path,
                                                                        tmp_path: Path) -> None:
    body = make_sheet(run)
    assert body["sheet"].startswith("20261125-") and len(body["sheet"]) == 15
    store = Store.open(db_path)
    questions = store.mock_questions(body["sheet"])
    store.close()
    assert [(q.card, q.minutes) for q in questions] == [(q["card"], q["minutes"]) for q in body["questions"]]
    html = tmp_path / "sheet.html"
    assert run("mock", "--minutes", "30", "--seed", "5", "-o", str(html), env=ENV).exit_code == 0
    text = html.read_text()
    candidate, interviewer = text.split('<main id="interviewer"')
    second = json.loads(run("mock", "--minutes", "30", "--seed", "5", "--format", "json", env=ENV).stdout)["sheet"]
    sheet_in_html = candidate.split('class="sheet-id">')[1].split("<")[0]
    assert sheet_in_html in interviewer and sheet_in_html not in (body["sheet"], second)
    assert f"tpmdrill mock record {sheet_in_html}" in interviewer
    assert "Record each answer afterwards with" not in text


def test_the_format_follows_the_output_extension_and_a_contradicting_format_is_refused(
    run: Invoke, tmp_path: Path
) -> None:
    for name, start in (("m.md", "# Mock interview"), ("m.json", "{"), ("m.html", "<!DOCTYPE html>")):
        assert run("mock", "--seed", "2", "-o", str(tmp_path / name)).exit_code == 0
        assert (tmp_path / name).read_text().startswith(start), name
    assert run("mock", "--seed", "2", "--format", "md", "-o", str(tmp_path / "forced.html")).exit_code == 2
    assert not (tmp_path / "forced.html").exists()
    assert run("mock", "--seed", "2", "--format", "md", "-o", str(tmp_path / "sheet.txt")).exit_code == 0
    assert (tmp_path / "sheet.txt").read_text().startswith("# Mock interview")


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_copy_writes_one_copy_alone(run: Invoke, fmt: str) -> None:
    candidate = run("mock", "--seed", "2", "--format", fmt, "--copy", "candidate", "-o", "-").stdout
    interviewer = run("mock", "--seed", "2", "--format", fmt, "--copy", "interviewer", "-o", "-").stdout
    assert "Candidate copy" in candidate and "Interviewer copy" not in candidate
    assert "Interviewer copy" in interviewer and "Candidate copy" not in interviewer
    assert "Model answer outline" in interviewer and "Model answer outline" not in candidate


def test_answer_space_grows_with_the_time_box(run: Invoke) -> None:
    html = run("mock", "--round", "system-design", "--seed", "3", "--copy", "candidate", "-o", "-").stdout
    boxes = [float(part.split("cm")[0]) for part in html.split('class="box" style="height: ')[1:]]
    boxes_json = make_sheet(run, "--round", "system-design")
    assert len(boxes) >= 3
    assert boxes[0] == max(boxes) and boxes[0] >= 15  # the main question's 20+ minutes
    assert min(boxes) < 5
    assert boxes_json["round"] == "system-design"
    assert "page-break" not in html.split('<main id="candidate">')[1]


def verdicts_for(sheet: dict[str, Any], db: Path, hit_first: int = 2) -> dict[str, Any]:
    first, second = sheet["questions"][0]["card"], sheet["questions"][1]["card"]
    points = points_of(db, first)
    return {"questions": [
        {"card": first, "rating": "hard", "points": dict.fromkeys(points[:hit_first], True), "notes": "ran long"},
        {"card": second, "rating": "", "points": {}, "minutes": 6},
    ]}


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_record_from_file_stores_mock_reviews_with_their_verdicts(run: Invoke, db_path: Path, tmp_path: Path,
                                                                 suffix: str) -> None:
    sheet = make_sheet(run)
    data = verdicts_for(sheet, db_path)
    file = tmp_path / f"verdicts{suffix}"
    file.write_text(json.dumps(data) if suffix == ".json" else _toml(data))
    result = run("mock", "record", sheet["sheet"], "--from-file", str(file), env=ENV)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Recorded 2 mock reviews for sheet {sheet['sheet']}.\n"
    first, second = data["questions"][0]["card"], data["questions"][1]["card"]
    reviews = {card: (mode, rating, score) for card, mode, rating, score in mock_reviews(db_path)}
    n_first = len(points_of(db_path, first))
    assert reviews[first][:2] == ("mock", 2)
    assert reviews[second] == ("mock", 1, 0.0)  # nothing ticked: the ticks suggest again
    history = json.loads(run("card", first, "--json").stdout)
    last = history["reviews"][-1]
    assert {p["point"]: p["hit"] for p in last["points"]} == {
        p: i < 2 for i, p in enumerate(points_of(db_path, first))}
    assert len(last["points"]) == n_first and all(p["auto_hit"] is None for p in last["points"])
    store = Store.open(db_path)
    questions = {q.card: q.outcome for q in store.mock_questions(sheet["sheet"])}
    assert questions[first] is not None and questions[first].notes == "ran long"
    assert questions[second] is not None and questions[second].seconds == 360
    assert store.memory_of(first) is not None  # scheduled like any review
    store.close()


def _toml(data: dict[str, Any]) -> str:
    lines = []
    for q in data["questions"]:
        lines += ["[[questions]]", f"card = {json.dumps(q['card'])}", f"rating = {json.dumps(q['rating'])}"]
        lines += [f"notes = {json.dumps(q['notes'])}"] if "notes" in q else []
        lines += [f"minutes = {q['minutes']}"] if "minutes" in q else []
        lines += ["[questions.points]"] + [f"{p} = {str(v).lower()}" for p, v in q["points"].items()]
    return "\n".join(lines) + "\n"


def test_mock_reviews_feed_weak(run: Invoke, db_path: Path, tmp_path: Path) -> None:
    card_misses: dict[str, int] = {}
    for seed in range(4):
        body = json.loads(run("mock", "--minutes", "10", "--seed", "9", "--focus", "even", "--format", "json",
                              env={"TPMDRILL_NOW": f"2026-11-2{seed + 1}T08:00:00+00:00"}).stdout)
        card = body["questions"][0]["card"]
        card_misses[card] = card_misses.get(card, 0) + 1
        file = tmp_path / f"v{seed}.json"
        file.write_text(json.dumps({"questions": [{"card": card, "rating": "again", "points": {}}]}))
        env = {"TPMDRILL_NOW": f"2026-11-2{seed + 1}T09:00:00+00:00"}
        assert run("mock", "record", body["sheet"], "--from-file", str(file), env=env).exit_code == 0
    store = Store.open(db_path)
    areas = weak_areas(store, datetime(2026, 11, 25, 10, tzinfo=UTC))
    store.close()
    assert [w.key for w in areas.cards][:1] == [card]
    assert {w.card for w in areas.points} == {card}


def test_recording_a_sheet_twice_is_refused(run: Invoke, db_path: Path, tmp_path: Path) -> None:
    sheet = make_sheet(run)
    file = tmp_path / "v.json"
    file.write_text(json.dumps(verdicts_for(sheet, db_path)))
    assert run("mock", "record", sheet["sheet"], "--from-file", str(file), env=ENV).exit_code == 0
    before = snapshot(db_path)
    again = run("mock", "record", sheet["sheet"], "--from-file", str(file), env=ENV)
    assert again.exit_code == 1
    assert again.stderr == (f"Error: mock sheet {sheet['sheet']} was already recorded on 2026-11-25; "
                            "a sheet is recorded once\n")
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"][1].update(card="api-design/not-on-sheet"),
         "Error: card 'api-design/not-on-sheet' is not on this sheet (its cards: "),
        (lambda d: d["questions"][1].update(points={"no-such-point": True}), "has no rubric point 'no-such-point'"),
        (lambda d: d["questions"][0].update(rating="great"), "rating 'great' is not one of again, hard, good, easy"),
        (lambda d: d["questions"].append(dict(d["questions"][0])), "is listed twice"),
        (lambda d: d["questions"][0].update(extra=1), "unknown key 'extra'"),
        (lambda d: d["questions"][0].update(points={"x": "yes"}), "'points' must map point ids to true or false"),
        (lambda d: d.update(questions=[]), "the verdicts need a non-empty 'questions' list"),
    ],
)
def test_bad_verdicts_are_one_line_and_write_nothing(run: Invoke, db_path: Path, tmp_path: Path,
                                                     change: Any, message: str) -> None:
    sheet = make_sheet(run)
    data = verdicts_for(sheet, db_path)
    change(data)
    file = tmp_path / "v.json"
    file.write_text(json.dumps(data))
    before = snapshot(db_path)
    result = run("mock", "record", sheet["sheet"], "--from-file", str(file), env=ENV)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert snapshot(db_path) == before


def test_an_unknown_sheet_or_unreadable_file_is_one_line(run: Invoke, db_path: Path, tmp_path: Path) -> None:
    make_sheet(run)
    before = snapshot(db_path)
    unknown = run("mock", "record", "20990101-abcdef")
    assert (unknown.exit_code, unknown.stderr) == (
        1, "Error: no mock sheet '20990101-abcdef'; the id is printed at the top of both copies\n")
    sheet = make_sheet(run)
    before = snapshot(db_path)
    bad = tmp_path / "v.toml"
    bad.write_text("questions = [")
    result = run("mock", "record", sheet["sheet"], "--from-file", str(bad))
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {bad} is not valid TOML")
    assert snapshot(db_path) == before


def test_record_interactively_point_by_point(run: Invoke, db_path: Path) -> None:
    sheet = make_sheet(run)
    cards = [q["card"] for q in sheet["questions"]]
    first_points = points_of(db_path, cards[0])
    # First question: asked, first point covered, the rest not, rating good, 7 minutes, a note.
    answers = ["y", "y"] + ["n"] * (len(first_points) - 1) + ["good", "7", "clear structure"]
    # Second question: not asked; every other question: not asked either.
    answers += ["n"] * (len(cards) - 1)
    answers += ["y"]  # confirm
    result = run("mock", "record", sheet["sheet"], input="\n".join(answers) + "\n", env=ENV)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"Recorded 1 mock review for sheet {sheet['sheet']}.\n")
    assert [(card, mode, rating) for card, mode, rating, _ in mock_reviews(db_path)] == [(cards[0], "mock", 3)]
    last = json.loads(run("card", cards[0], "--json").stdout)["reviews"][-1]
    assert [p["point"] for p in last["points"] if p["hit"]] == first_points[:1]
    assert last["seconds"] == 420


def test_interactive_recording_that_ends_early_writes_nothing(run: Invoke, db_path: Path) -> None:
    sheet = make_sheet(run)
    before = snapshot(db_path)
    result = run("mock", "record", sheet["sheet"], input="y\ny\n", env=ENV)
    assert result.exit_code == 1
    assert result.stderr == "Error: input ended before the sheet was recorded; nothing was written\n"
    assert snapshot(db_path) == before
    declined = run("mock", "record", sheet["sheet"], input="y\n" + "\n" * 40 + "n\n", env=ENV)
    assert declined.exit_code == 1
    assert snapshot(db_path) == before


def test_the_fill_in_template_is_a_valid_verdicts_file(run: Invoke, db_path: Path) -> None:
    import tomllib

    sheet = make_sheet(run)
    store = Store.open(db_path)
    from tpmdrill.mock import choose

    mock = choose(store, datetime(2026, 11, 25, 8, tzinfo=UTC), minutes=30, seed=5)
    from dataclasses import replace

    named = replace(mock, sheet=sheet["sheet"])
    data = tomllib.loads(verdict_template(named))
    _row, questions = sheet_for_recording(store, sheet["sheet"])
    records = check_records(questions, data)
    store.close()
    assert [r.question.card.full_id for r in records] == [q["card"] for q in sheet["questions"]]
    assert all(not any(r.hits.values()) for r in records)


def loop_sheet(run: Invoke, fmt: str = "json", *args: str) -> Any:
    from .conftest import LOOP_DECKS

    assert run("decks", "add", str(LOOP_DECKS)).exit_code == 0
    for seed in range(200):
        result = run("mock", "--round", "system-design", "--minutes", "45", "--seed", str(seed), "--focus", "even",
                     "--format", "json", env=ENV)
        if json.loads(result.stdout)["questions"][0]["card"] == "loop/chat-design":
            return seed
    raise AssertionError("no seed puts loop/chat-design first")


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_interviewer_copy_lists_follow_ups_and_the_candidate_copy_does_not(run: Invoke, fmt: str) -> None:
    seed = loop_sheet(run)
    args = ["mock", "--round", "system-design", "--minutes", "45", "--seed", str(seed), "--focus", "even",
            "--format", fmt, "-o", "-"]
    interviewer = run(*args, "--copy", "interviewer").stdout
    candidate = run(*args, "--copy", "candidate").stdout
    follow_up = "A channel has 50,000 members. What changes in the fan-out?"
    assert "Follow-ups to ask" in interviewer and follow_up in interviewer
    assert "fan-out = false" in interviewer and "acks = false" in interviewer  # in the fill-in template
    assert follow_up not in candidate and "fan-out" not in candidate
    assert "28 min" in interviewer and "time box 28 min" in candidate


def test_follow_up_points_are_recorded_with_the_main_ones(run: Invoke, db_path: Path, tmp_path: Path) -> None:
    seed = loop_sheet(run)
    body = json.loads(run("mock", "--round", "system-design", "--minutes", "45", "--seed", str(seed), "--focus",
                          "even", "--format", "json", env=ENV).stdout)
    file = tmp_path / "v.json"
    file.write_text(json.dumps({"questions": [
        {"card": "loop/chat-design", "rating": "good", "points": {"connections": True, "acks": True}}]}))
    assert run("mock", "record", body["sheet"], "--from-file", str(file), env=ENV).exit_code == 0
    last = json.loads(run("card", "loop/chat-design", "--json").stdout)["reviews"][-1]
    assert {p["point"]: p["hit"] for p in last["points"]} == {
        "connections": True, "storage": False, "fan-out": False, "acks": True}
    assert last["score"] == 0.5 and last["mode"] == "mock"


def test_record_last_takes_the_newest_sheet_not_yet_recorded(run: Invoke, tmp_path: Path) -> None:
    none = run("mock", "record", "last", "--from-file", str(tmp_path / "v.json"), env=ENV)
    assert none.exit_code == 1
    assert none.stderr == "Error: no mock sheet is waiting to be recorded; 'tpmdrill mock -o mock.html' makes one\n"
    older = json.loads(run("mock", "--seed", "1", "--format", "json", env=ENV).stdout)
    newer = json.loads(run("mock", "--seed", "2", "--format", "json",
                           env={"TPMDRILL_NOW": "2026-11-26T09:00:00+00:00"}).stdout)
    file = tmp_path / "v.json"
    file.write_text(json.dumps({"questions": [{"card": newer["questions"][0]["card"], "rating": "good"}]}))
    recorded = run("mock", "record", "last", "--from-file", str(file), env=ENV)
    assert recorded.exit_code == 0, recorded.output
    assert recorded.stdout == f"Recorded 1 mock review for sheet {newer['sheet']}.\n"
    file.write_text(json.dumps({"questions": [{"card": older["questions"][0]["card"], "rating": "hard"}]}))
    assert run("mock", "record", "last", "--from-file", str(file), env=ENV).stdout.endswith(f"{older['sheet']}.\n")


def test_a_sheet_that_cannot_be_written_is_not_kept(run: Invoke, db_path: Path, tmp_path: Path) -> None:
    run("decks", "list")
    before = snapshot(db_path)
    result = run("mock", "--seed", "1", "-o", str(tmp_path / "missing" / "mock.html"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write {tmp_path / 'missing' / 'mock.html'}: ")
    assert snapshot(db_path) == before
    assert not list(tmp_path.glob("missing*"))
