"""`mock --live`: clocks, grading at the end, each confirmed answer recorded at once,
an interrupted mock keeping exactly the confirmed answers."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tpmdrill.mocklive import countdown_text, is_over, total_text

from .conftest import Invoke
from .test_cli_core import snapshot

ENV = {"TPMDRILL_NOW": "2026-11-25T08:00:00+00:00"}
ANSWER = "Polling asks on an interval; webhooks push an HTTP callback with retries and signatures.\n.\n"


def test_the_countdown_runs_down_then_counts_the_overrun() -> None:
    assert countdown_text(5, 0) == "5:00 left of 5:00"
    assert countdown_text(5, 108) == "3:12 left of 5:00"
    assert countdown_text(5, 345) == "OVER by 0:45 (box 5:00)"
    assert not is_over(5, 300) and is_over(5, 301)
    assert total_text(45, 61) == "total 1:01 of 45:00"


def rows(db: Path, sql: str) -> list[Any]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def live(run: Invoke, answers: str | list[str], *args: str, tail: str = "") -> Any:
    """The 8-minute technical mock of seed 1; a list gives each question's answer, and
    every follow-up the round asks after it is answered with ANSWER."""
    if isinstance(answers, list):
        answers = _scripted(run, answers) + tail
    return run("mock", "--live", "--minutes", "8", "--seed", "1", "--round", "technical", *args,
               input=answers, env=ENV)


def _scripted(run: Invoke, answers: list[str]) -> str:
    from datetime import datetime

    from tpmdrill.mock import choose
    from tpmdrill.paths import default_db_path
    from tpmdrill.store import Store

    run("decks", "list")  # the bundled decks, loaded as the mock will see them
    store = Store.open(default_db_path())
    try:
        moment = datetime.fromisoformat(ENV["TPMDRILL_NOW"])
        questions = choose(store, moment, minutes=8, seed=1, round="technical").questions
    finally:
        store.close()
    return "".join(answer + ANSWER * len(q.follow_ups) for answer, q in zip(answers, questions, strict=True))


def test_a_live_mock_asks_everything_then_grades_and_records_each_answer(run: Invoke, db_path: Path) -> None:
    plan = json.loads(run("mock", "--minutes", "8", "--seed", "1", "--round", "technical", "--format", "json",
                          env=ENV).stdout)
    cards = [q["card"] for q in plan["questions"]]
    result = live(run, [ANSWER] * len(cards), tail="\n" + "3\n" * (len(cards) - 1))
    assert result.exit_code == 0, result.output
    out = result.stdout
    # Nothing graded or shown before every question is answered.
    last_prompt = out.index(f"Question {len(cards)}/{len(cards)}")
    assert "Model answer" not in out[:last_prompt] and "✘" not in out[:last_prompt]
    assert "left of 4:00" in out and "Mock summary · sheet 20261125-" in out
    assert "Score per category: API design " in out
    assert "Weakest points:" in out
    reviews = rows(db_path, "SELECT card, mode, answer IS NOT NULL, seconds IS NOT NULL FROM reviews ORDER BY rowid")
    assert [r[0] for r in reviews] == cards
    assert all(r[1:] == ("mock", 1, 1) for r in reviews)
    [(sheet, source, recorded)] = rows(db_path, "SELECT id, source, recorded_at IS NOT NULL FROM mock_sheets"
                                       " WHERE source = 'live'")
    assert (source, recorded) == ("live", 1)
    tied = rows(db_path, f"SELECT count(*) FROM mock_questions WHERE sheet = '{sheet}' AND review IS NOT NULL")
    assert tied == [(len(cards),)]
    refused = run("mock", "record", sheet)
    assert refused.exit_code == 1 and "already recorded by 'mock --live'" in refused.stderr


def test_points_can_be_toggled_before_confirming(run: Invoke, db_path: Path) -> None:
    result = live(run, ["nothing useful\n.\n", ANSWER], tail="t 1\n4\n\n")
    assert result.exit_code == 0, result.output
    [(rating, suggested)] = rows(db_path, "SELECT rating, suggested FROM reviews ORDER BY rowid LIMIT 1")
    assert rating == 4 and suggested is not None
    hits = rows(db_path, "SELECT v.point, v.auto_hit, v.hit FROM verdicts v JOIN reviews r ON r.id = v.review"
                " ORDER BY r.rowid, v.rowid LIMIT 1")
    assert hits[0][1:] == (0, 1)  # the grader missed it, the candidate credited it


def test_input_ending_before_any_confirmation_leaves_nothing(run: Invoke, db_path: Path) -> None:
    run("decks", "list")
    before = snapshot(db_path)
    result = live(run, ANSWER)
    assert result.exit_code == 0
    assert "Mock summary · sheet (nothing recorded)" in result.stdout
    assert snapshot(db_path) == before


def test_ctrl_c_keeps_the_confirmed_answers_and_nothing_half_written(run: Invoke, db_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import tpmdrill.cli.mocklive as terminal

    graded = []
    real = terminal.grade_answer

    def grade_then_interrupt(answer: Any) -> Any:
        graded.append(answer)
        if len(graded) == 2:
            raise KeyboardInterrupt
        return real(answer)

    monkeypatch.setattr(terminal, "grade_answer", grade_then_interrupt)
    result = live(run, [ANSWER, ANSWER], tail="2\n")
    assert result.exit_code == 130
    assert "Stopped. 1 confirmed answer kept as mock reviews (sheet 20261125-" in result.stdout
    assert rows(db_path, "SELECT mode, rating FROM reviews") == [("mock", 2)]
    assert rows(db_path, "SELECT count(*) FROM mock_questions WHERE review IS NOT NULL") == [(1,)]


def test_a_live_mock_asks_the_follow_ups_and_grades_their_points(run: Invoke, db_path: Path) -> None:
    from .test_mocksheets import loop_sheet

    seed = loop_sheet(run)
    answers = ("A websocket gateway, messages stored in a database partitioned by channel.\n.\n"
               "Fan out on read for the big channels.\n.\n"
               "Nothing more.\n.\n")
    result = run("mock", "--live", "--round", "system-design", "--minutes", "24", "--seed", str(seed),
                 "--focus", "even", input=answers + "\n", env=ENV)
    assert result.exit_code == 0, result.output
    out = result.stdout
    first = out.index("Interviewer follows up: A channel has 50,000 members.")
    second = out.index("Interviewer follows up: Messages must never be lost.")
    assert out.index("time box 24 min") < first < second < out.index("Time's up.")
    hits = dict(rows(db_path, "SELECT v.point, v.hit FROM verdicts v JOIN reviews r ON r.id = v.review"
                     " WHERE r.mode = 'mock'"))
    assert hits == {"connections": 1, "storage": 1, "fan-out": 1, "acks": 0}
    [(answer,)] = rows(db_path, "SELECT answer FROM reviews WHERE mode = 'mock'")
    assert "Follow-up: A channel has 50,000 members." in answer and "Fan out on read" in answer


def test_live_takes_no_sheet_options(run: Invoke, db_path: Path) -> None:
    result = run("mock", "--live", "-o", "x.html")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --live sits the mock in the terminal; it takes no -o, --format or --copy "
                             "(see 'tpmdrill mock --help')\n")


def test_the_editor_opens_with_the_question_as_a_comment_and_a_failing_one_lets_you_type(
    run: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    opened: list[str] = []

    def editor(text: str, **_: object) -> str:
        opened.append(text)
        if len(opened) == 1:
            raise click.ClickException("vi: Editing failed")
        return text + "Written in the editor.\n"

    monkeypatch.setattr("click.edit", editor)
    plan = json.loads(run("mock", "--minutes", "8", "--seed", "1", "--round", "technical", "--format", "json",
                          env=ENV).stdout)
    first = plan["questions"][0]["prompt"]
    result = live(run, ["e\ne\n"] + [ANSWER] * (len(plan["questions"]) - 1),
                  tail="\n" + "3\n" * (len(plan["questions"]) - 1))
    assert result.exit_code == 0, result.output
    assert "Nothing saved in the editor; type the answer here instead." in result.stdout
    assert len(opened) == 2 and opened[0] == opened[1]
    assert opened[0].startswith("# Write your answer below.")
    assert f"# {first.splitlines()[0]}" in opened[0]
    [(answer,)] = rows(db_path, "SELECT answer FROM reviews ORDER BY rowid LIMIT 1")
    assert answer.startswith("Written in the editor.\n\nFollow-up: ")  # no comment line in it
