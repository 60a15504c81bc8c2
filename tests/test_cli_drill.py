"""Whole drill sessions through the CLI with scripted input."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import Invoke
from tpmdrill.cli import drill as drill_cli
from tpmdrill.store import Store

NOW = "2025-03-01T09:00:00+00:00"
LATER = "2025-03-20T09:00:00+00:00"
GOOD_ANSWER = "Repeating the call has the same effect, so a retry is safe.\nClients send an idempotency key.\n.\n"
POOR_ANSWER = "It is about retries.\n.\n"
RIDE_ANSWER = "Riders request a trip, drivers accept it, payment happens at the end.\n.\n"


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch, mini: Invoke) -> Invoke:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    monkeypatch.setattr(drill_cli, "monotonic", FakeClock(step=0))  # time stands still unless a test moves it
    return mini


def drill(run: Invoke, *args: str, input: Any = "") -> Result:
    return run("drill", "--deck", "mini", *args, input=input)


def history(db_path: Path, card: str) -> list[dict[str, Any]]:
    store = Store.open(db_path)
    try:
        return store.history(card)
    finally:
        store.close()


def due_of(db_path: Path, card: str) -> str | None:
    store = Store.open(db_path)
    try:
        memory = store.memory_of(card)
        return None if memory is None else memory.due.isoformat()
    finally:
        store.close()


def test_accept_the_suggestion(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "\n" + "q\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Nothing due. No card is scheduled yet." in out
    assert "Card 1/2 · mini/idempotency · api-design · concept, 3 min" in out
    assert "new card" in out
    assert " ✔ 1. Repeating the call has the same effect as doing it once (required)  [same effect, retry]" in out
    assert " ✔ 2. Uses an idempotency key  [idempotency key]" in out
    assert "Score 100% · suggested rating: easy" in out
    assert "Model answer" in out
    assert "Next review in " in out
    assert "Session: 1 card in 0:00 (easy 1)." in out
    [review] = history(db_path, "mini/idempotency")
    assert (review["rating"], review["suggested"], review["mode"], review["rescheduled"]) == (4, 4, "drill", True)
    assert review["score"] == 1.0
    assert review["seconds"] is not None
    assert review["answer"].startswith("Repeating the call")
    assert [(p["point"], p["auto_hit"], p["hit"]) for p in review["points"]] == [
        ("definition", True, True), ("key", True, True)]
    assert history(db_path, "mini/ride-sharing") == []


def test_override_the_rating_by_number_or_name(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "2\n" + RIDE_ANSWER + "again\n")
    assert result.exit_code == 0, result.output
    [first] = history(db_path, "mini/idempotency")
    assert (first["rating"], first["suggested"]) == (2, 4)
    [second] = history(db_path, "mini/ride-sharing")
    assert second["rating"] == 1
    assert "Session: 2 cards in 0:00 (again 1, hard 1)." in result.output


def test_toggle_points_recomputes_the_suggestion(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "t2\n" + "t 9\n" + "\n" + "q\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert " ✘ 2. Uses an idempotency key  [idempotency key] (you changed this)" in out
    assert "      1 of 1 ideas: found idempotency key" in out  # what the grader had found
    assert out.count(" 1. Repeating the call has the same effect") == 1  # a toggle shows its point only
    assert "Score 50% · suggested rating: hard" in out
    assert "there is no point 9; points are 1-2" in out
    [review] = history(db_path, "mini/idempotency")
    assert (review["rating"], review["suggested"]) == (2, 4)  # suggested keeps the grader's own
    assert [(p["point"], p["auto_hit"], p["hit"]) for p in review["points"]] == [
        ("definition", True, True), ("key", True, False)]


def test_toggling_a_required_point_caps_at_hard(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "t1\n\nq\n")
    assert "Score 50% · suggested rating: hard" in result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["rating"] == 2


def test_skip_then_answer(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\ns\n" + RIDE_ANSWER + "\n")
    assert result.exit_code == 0, result.output
    assert history(db_path, "mini/idempotency") == []
    assert len(history(db_path, "mini/ride-sharing")) == 1
    assert "Card 2/2 · mini/ride-sharing · api-design · design, 15 min" in result.output
    assert ", 1 skipped)." in result.output


def test_quit_at_the_rating_records_nothing_for_that_card(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "\n" + RIDE_ANSWER + "q\n")
    assert result.exit_code == 0, result.output
    assert len(history(db_path, "mini/idempotency")) == 1
    assert history(db_path, "mini/ride-sharing") == []
    assert "Session: 1 card in" in result.output


def test_q_at_the_rating_asks_before_losing_the_answer_and_enter_goes_back(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "q\n\n3\n" + "q\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert ("Quit without recording this answer? It is lost unless you rate it. "
            "y: quit · Enter: back to rating > ") in out
    assert out.count("Enter: accept easy") == 2  # the rating prompt again
    [review] = history(db_path, "mini/idempotency")
    assert (review["rating"], review["suggested"]) == (3, 4)
    assert review["answer"].startswith("Repeating the call")
    assert "Session: 1 card in" in out


def test_q_then_y_at_the_rating_quits_recording_nothing_for_that_card(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "q\ny\n")
    assert result.exit_code == 0, result.output
    assert "Quit without recording this answer?" in result.output
    assert "Not recorded." in result.output
    assert history(db_path, "mini/idempotency") == []
    assert "Session: 0 cards in" in result.output
    assert "Card 2/2" not in result.output


def test_end_of_input_at_the_rating_says_the_answer_was_not_recorded(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER)
    assert result.exit_code == 0, result.output
    assert "Input ended before a rating: this answer was not recorded." in result.output
    assert history(db_path, "mini/idempotency") == []


def test_end_of_input_mid_session_keeps_confirmed_reviews(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "\nA half-written answer")
    assert result.exit_code == 0, result.output
    # End of input ends the answer; with no rating confirmed, nothing is recorded for it.
    assert len(history(db_path, "mini/idempotency")) == 1
    assert history(db_path, "mini/ride-sharing") == []


class CtrlCAfter(io.BytesIO):
    """Standard input that raises KeyboardInterrupt, as Ctrl-C does, once its text runs out."""

    def read1(self, size: int = -1) -> bytes:
        return self._or_interrupt(super().read1(size), size)

    def read(self, size: int | None = -1) -> bytes:
        return self._or_interrupt(super().read(size), size)

    @staticmethod
    def _or_interrupt(data: bytes, size: int | None) -> bytes:
        if not data and size != 0:  # read(0) is click probing for a binary stream
            raise KeyboardInterrupt
        return data


def test_ctrl_c_mid_answer(pinned: Invoke, db_path: Path) -> None:
    typed = "\n" + GOOD_ANSWER + "\n" + "Riders and drivers\n"
    result = drill(pinned, input=CtrlCAfter(typed.encode()))
    assert result.exit_code == 130, result.output
    assert "Interrupted; the reviews you confirmed are saved." in result.output
    assert "Session: 1 card in" in result.output
    assert len(history(db_path, "mini/idempotency")) == 1
    assert history(db_path, "mini/ride-sharing") == []


def test_ctrl_c_at_the_rating(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input=CtrlCAfter(("\n" + GOOD_ANSWER).encode()))
    assert result.exit_code == 130
    assert history(db_path, "mini/idempotency") == []


def test_editor_answer(pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("click.edit", lambda *a, **k: "Same result on retry; an idempotency key.\n")
    result = drill(pinned, input="\ne\n\nq\n")
    assert result.exit_code == 0, result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["answer"] == "Same result on retry; an idempotency key."


def write_editor(tmp_path: Path, body: str) -> str:
    """A real $EDITOR: a script that does `body` to the file it is given ($1)."""
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


def test_a_real_editor_opens_with_the_prompt_as_a_comment_and_it_is_not_in_the_answer(
    pinned: Invoke, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen.md"
    editor = write_editor(tmp_path, f'cp "$1" {seen}\nprintf "Same result on retry; an idempotency key.\\n" >> "$1"')
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.setenv("VISUAL", editor)
    result = drill(pinned, input="\ne\n\nq\n")
    assert result.exit_code == 0, result.output
    assert seen.read_text() == (
        "# Write your answer below. Lines starting with '#' at the top are removed when you save and quit.\n"
        "#\n# Explain idempotency to an engineer.\n\n")
    [review] = history(db_path, "mini/idempotency")
    assert review["answer"] == "Same result on retry; an idempotency key."


@pytest.mark.parametrize(("body", "message"), [
    ("exit 3", "The editor failed ("),
    (":", "Nothing saved in the editor; type the answer here instead."),  # saved as it came: only the comment
])
def test_a_real_editor_that_fails_or_saves_nothing_leaves_the_session_going(
    pinned: Invoke, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    editor = write_editor(tmp_path, body if body != ":" else 'touch "$1"')
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.setenv("VISUAL", editor)
    result = drill(pinned, input="\ne\n" + POOR_ANSWER + "\nq\n")
    assert result.exit_code == 0, result.output
    assert message in result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["answer"] == "It is about retries."


def test_the_follow_up_editor_shows_the_follow_up(
    run: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_follow_ups import DECK, MAIN

    assert run("decks", "add", str(DECK)).exit_code == 0
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    opened: list[str] = []

    def editor(text: str, **_: object) -> str:
        opened.append(text)
        return text + "Autoscale the web tier a day ahead and queue orders behind a buffer.\n"

    monkeypatch.setattr("click.edit", editor)
    result = run("drill", "--deck", "fu", input="\n" + MAIN + "e\n\n")
    assert result.exit_code == 0, result.output
    [text] = opened
    assert "\n# Traffic triples on Black Friday. What changes?\n" in text
    store = Store.open(db_path)
    try:
        [review] = store.history("fu/checkout")
    finally:
        store.close()
    hits = {p["point"]: p["hit"] for p in review["points"]}
    assert hits["autoscaling"] and hits["services"]  # the follow-up's answer, comment gone, was graded


def test_editor_closed_without_saving_falls_back_to_typing(
    pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("click.edit", lambda *a, **k: None)
    result = drill(pinned, input="\ne\n" + POOR_ANSWER + "\nq\n")
    assert "Nothing saved in the editor; type the answer here instead." in result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["answer"] == "It is about retries."


class FakeClock:
    """A stopwatch on which every reading is `step` seconds after the last."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.value = 0.0

    def __call__(self) -> float:
        self.value += self.step
        return self.value


def test_time_budget_fills_the_session_by_minutes(pinned: Invoke) -> None:
    result = drill(pinned, "--minutes", "10", input="\n" + POOR_ANSWER + "\n")
    assert "Learn 1 new card now? [Y/n]" in result.output
    assert "Card 1/1 · mini/idempotency · api-design · concept" in result.output  # 15 minutes do not fit
    assert "10:00 of 10 min left" in result.output


def test_time_budget_stops_the_session_when_spent(
    pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drill_cli, "monotonic", FakeClock(step=300))  # each look at the clock: 5 minutes on
    result = drill(pinned, "--minutes", "18", input="\n" + GOOD_ANSWER + "\n" + RIDE_ANSWER + "\n")
    assert result.exit_code == 0, result.output
    assert "Card 1/2" in result.output
    assert "Answered in 5:00 of 3:00 (over time)." in result.output
    assert "Time's up: 45 min spent of 18 min; 1 card of this session not reached. Left: nothing due." in result.output
    assert "Card 2/2" not in result.output
    assert history(db_path, "mini/ride-sharing") == []


def test_new_card_limit(pinned: Invoke, db_path: Path) -> None:
    assert pinned("config", "set", "new_per_day", "1").exit_code == 0
    first = drill(pinned, input="\n" + POOR_ANSWER + "\n")
    assert "Learn 1 new card now? [Y/n]" in first.output
    assert "Card 1/1" in first.output
    again = drill(pinned, input="\n")
    assert "Nothing due. The next card is due in " in again.output
    assert "Today's new cards are done. Learn 1 more anyway? [y/N]" in again.output
    assert "cram your weakest cards: tpmdrill drill --weak" in again.output
    assert "Card 1/" not in again.output
    more = drill(pinned, input="y\n" + RIDE_ANSWER + "\n")
    assert "Card 1/1 · mini/ride-sharing · api-design · design" in more.output
    assert len(history(db_path, "mini/ride-sharing")) == 1


def test_self_assessment_orders_new_cards(pinned: Invoke, tmp_path: Path) -> None:
    before = drill(pinned, input="\nq\n")
    assert "Explain idempotency" in before.output.split("Card 1/2")[1].split("Card")[0]
    ratings = tmp_path / "ratings.toml"
    ratings.write_text("client-server = 2\napi-design = 4\n")
    assert pinned("assess", "--from-file", str(ratings)).exit_code == 0
    after = drill(pinned, input="\nq\n")
    assert "Design an API for a ride-sharing service." in after.output.split("Card 1/2")[1]


def test_due_cards_come_before_new_ones(pinned: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    drill(pinned, input="\n" + POOR_ANSWER + "1\nq\n")
    monkeypatch.setenv("TPMDRILL_NOW", LATER)
    result = drill(pinned, input="q\n")
    header = result.output.split("Card 1/2")[1].split("\n")[1]
    assert "last seen 19 days ago (again)" in header
    assert "predicted recall" in header
    assert "Nothing due. " not in result.output
    assert "Still due now: 1 card, about 3 min at your pace." in result.output


def test_cram_leaves_the_schedule_alone_unless_asked(
    pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "No weak cards yet" in drill(pinned, "--weak").output
    drill(pinned, input="\n" + POOR_ANSWER + "\n" + RIDE_ANSWER + "4\n")
    due = due_of(db_path, "mini/idempotency")
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-01T10:00:00+00:00")
    crammed = drill(pinned, "--weak", input=POOR_ANSWER + "\n")
    assert crammed.exit_code == 0, crammed.output
    assert "Card 1/1 · mini/idempotency" in crammed.output  # the clean ride-sharing review is not weak
    assert "Cram review recorded; schedule unchanged" in crammed.output
    assert due_of(db_path, "mini/idempotency") == due
    reviews = history(db_path, "mini/idempotency")
    assert [(r["mode"], r["rescheduled"]) for r in reviews] == [("drill", True), ("cram", False)]
    assert [p["hit"] for p in reviews[1]["points"]] == [False, False]
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-01T11:00:00+00:00")
    drill(pinned, "--weak", "--reschedule", input=POOR_ANSWER + "\n")
    assert due_of(db_path, "mini/idempotency") != due
    assert history(db_path, "mini/idempotency")[-1]["rescheduled"] is True


def test_summary_lists_the_points_most_missed_today(pinned: Invoke) -> None:
    result = drill(pinned, input="\n" + POOR_ANSWER + "\n" + "Nothing.\n.\n\n")
    out = result.output
    assert "Most missed today:" in out
    assert "  Uses an idempotency key — mini/idempotency (1×)" in out
    assert "Due tomorrow:" in out or "Nothing due tomorrow." in out




def test_sql_card_is_judged_by_its_result(monkeypatch: pytest.MonkeyPatch, run: Invoke, db_path: Path) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    assert run("due").exit_code == 0  # loads the bundled decks
    store = Store.open(db_path)
    card = store.cards(deck="data", kind="sql")[0]
    store.close()
    args = ("drill", "--deck", "data", "--kind", "sql")
    right = run(*args, input="\n" + card.solution + "\n.\n\nq\n")
    assert right.exit_code == 0, right.output
    assert "Write your query; end with a line holding only '.'" in right.output
    assert "✔ Correct: the query returns the expected" in right.output
    assert "Solution" in right.output
    [review] = history(db_path, card.full_id)
    assert review["rating"] >= 3
    broken = run(*args, input="\nSELEC nonsense\n.\n\nq\n")
    assert "✘ The query failed:" in broken.output
    assert "suggested rating: again" in broken.output


def test_sql_wrong_rows_show_the_differences(monkeypatch: pytest.MonkeyPatch, run: Invoke) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    result = run("drill", "--deck", "data", "--kind", "sql", input="\nSELECT 1, 2\n.\nq\n")
    assert "✘ Incorrect: 1 row, not the expected result. First differences:" in result.output
    assert "expected (" in result.output


def test_bad_options(run: Invoke) -> None:
    reschedule = run("drill", "--reschedule")
    assert reschedule.exit_code == 2
    assert "--reschedule only applies to cram sessions (--weak)" in reschedule.stderr
    unknown = run("drill", "--deck", "nope")
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: no deck 'nope'; 'tpmdrill decks list' lists decks\n"


def test_interview_date_shows_a_countdown_and_paces_new_cards(pinned: Invoke) -> None:
    assert pinned("config", "set", "new_per_day", "1").exit_code == 0
    assert pinned("interview", "set", "2025-03-11").exit_code == 0
    session = drill(pinned, input="\nq\n")
    assert "Learn 2 new cards now? [Y/n]" in session.output, "130-odd unseen cards in 10 days need more than 1 a day"
    header = session.output.split("Card 1/2")[0].splitlines()[-1]
    assert header.startswith("Interview in 10 days (2025-03-11)")


BROKEN_DECK = '''
[deck]
id = "broken-sql"
title = "Broken SQL"
category = "data"
description = "A sql card whose solution fails."

[[card]]
id = "bad-solution"
kind = "sql"
prompt = "Count the rows."
skills = ["sql"]
answer = "Use COUNT."
fixture = "rows.sql"
solution = "SELECT count(*) FROM no_such_table"
'''


def test_a_card_whose_solution_fails_is_skipped_not_fatal(
    monkeypatch: pytest.MonkeyPatch, run: Invoke, db_path: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "broken.toml").write_text(BROKEN_DECK, encoding="utf-8")
    (decks / "rows.sql").write_text("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);", encoding="utf-8")
    assert run("decks", "add", str(decks)).exit_code == 0
    result = run("drill", "--deck", "broken-sql", input="\nSELECT count(*) FROM t\n.\n")
    assert result.exit_code == 0, result.output
    assert "This card cannot be checked: the card's solution query fails" in result.output
    assert "Session: 0 cards in" in result.output
    assert "1 skipped" in result.output
    assert history(db_path, "broken-sql/bad-solution") == []


def test_a_new_user_is_pointed_to_the_self_assessment_until_they_take_it(pinned: Invoke, tmp_path: Path) -> None:
    tip = "Tip: run 'tpmdrill assess' first, so new cards for your weakest skills come first."
    assert tip in drill(pinned, input="n\n").output
    ratings = tmp_path / "ratings.toml"
    ratings.write_text("api-design = 3\n")
    assert pinned("assess", "--from-file", str(ratings)).exit_code == 0
    assert tip not in drill(pinned, input="n\n").output


def _first_sql_card(run: Invoke, db_path: Path) -> Any:
    assert run("due").exit_code == 0  # loads the bundled decks
    store = Store.open(db_path)
    try:
        return store.cards(deck="data", kind="sql")[0]
    finally:
        store.close()


def test_sql_card_shows_its_tables_and_sample_rows_before_the_answer_prompt(
    monkeypatch: pytest.MonkeyPatch, run: Invoke, db_path: Path
) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    card = _first_sql_card(run, db_path)
    out = run("drill", "--deck", "data", "--kind", "sql", input="\nq\n").output
    prompt_at = out.index("Write your query")
    assert out.index(card.prompt) < out.index("Dialect: SQLite; timestamps are TEXT") < prompt_at
    assert out.index("orders(order_id INTEGER, user_id INTEGER, order_ts TEXT, amount REAL, status TEXT)") < prompt_at
    assert out.index("  1         1        2024-01-02 10:00:00  40.0    completed") < prompt_at


def test_r_revises_the_query_and_the_second_result_is_judged(
    monkeypatch: pytest.MonkeyPatch, run: Invoke, db_path: Path
) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    card = _first_sql_card(run, db_path)
    wrong = "SELECT strftime('%Y-%m', order_ts), COUNT(*), SUM(amount) FROM orders GROUP BY 1"
    script = "\n" + wrong + "\n.\nr\n" + card.solution.strip() + "\n.\n\nq\n"
    result = run("drill", "--deck", "data", "--kind", "sql", input=script)
    assert result.exit_code == 0, result.output
    out = result.output
    first, second = out.split("Attempt 2: 0:00 on this card so far.")
    assert "✘ Incorrect: 2 rows, not the expected result. First differences:" in first
    assert "expected ('2024-01', 14, 580.0)   got ('2024-01', 17, 687.0)" in first
    assert "r: revise the query" in first
    assert "Revise the query: type it again" in first
    assert "Your result:" in second and "2024-01  14                580.0" in second
    assert "✔ Correct: the query returns the expected 2 rows." in second
    [review] = history(db_path, card.full_id)
    assert review["answer"] == card.solution.strip()
    assert review["attempts"] == 2
    assert review["rating"] >= 3


def test_revising_in_the_editor_starts_from_the_last_query(
    monkeypatch: pytest.MonkeyPatch, run: Invoke, db_path: Path
) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    card = _first_sql_card(run, db_path)
    seen: list[str] = []

    def editor(text: str, **_: object) -> str:
        seen.append(text)
        return text.replace("GROUP BY 1", "WHERE status = 'completed' GROUP BY 1")

    monkeypatch.setattr("click.edit", editor)
    first = "SELECT strftime('%Y-%m', order_ts), COUNT(*), SUM(amount) FROM orders GROUP BY 1"
    script = "\n" + first + "\n.\nr\ne\nr\nq\n2\n"
    result = run("drill", "--deck", "data", "--kind", "sql", input=script)
    assert result.exit_code == 0, result.output
    [opened] = seen
    assert opened.startswith("-- Write your query below. Lines starting with '--' at the top are removed")
    assert f"-- {card.prompt.splitlines()[0]}" in opened
    assert "-- orders(order_id INTEGER" in opened  # the tables, as the terminal showed them
    assert opened.endswith(f"\n\n{first}\n")
    assert "Attempt 2:" in result.output and "✔ Correct" in result.output
    assert "Revision dropped; the last query stands." in result.output  # the second 'r', then 'q'
    [review] = history(db_path, card.full_id)
    assert review["answer"] == first.replace("GROUP BY 1", "WHERE status = 'completed' GROUP BY 1")
    assert (review["attempts"], review["rating"]) == (2, 2)


def test_time_spent_revising_counts(monkeypatch: pytest.MonkeyPatch, run: Invoke, db_path: Path) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    card = _first_sql_card(run, db_path)
    monkeypatch.setattr(drill_cli, "monotonic", FakeClock(step=60))
    wrong = "SELECT 1\n.\n"
    once = run("drill", "--deck", "data", "--kind", "sql", input="\n" + wrong + "1\n")
    assert once.exit_code == 0, once.output
    monkeypatch.setenv("TPMDRILL_NOW", LATER)  # the card is due again, so it comes first
    twice = run("drill", "--deck", "data", "--kind", "sql", input="\n" + wrong + "r\n" + wrong + "r\n" + wrong + "1\n")
    assert twice.exit_code == 0, twice.output
    first, second = history(db_path, card.full_id)
    assert (first["attempts"], second["attempts"]) == (1, 3)
    assert second["seconds"] > first["seconds"]


def test_non_sql_cards_have_no_revise_key(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + POOR_ANSWER + "r\n1\nq\n")
    assert "r: revise the query" not in result.output
    assert "Not a choice: 'r'" in result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["attempts"] is None


def test_a_card_whose_fixture_does_not_load_says_so_and_is_skipped(
    monkeypatch: pytest.MonkeyPatch, run: Invoke, db_path: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "broken.toml").write_text(BROKEN_DECK, encoding="utf-8")
    (decks / "rows.sql").write_text("CREATE TABLE t (x INTEGER); INSERT INTO nowhere VALUES (1);", encoding="utf-8")
    assert run("decks", "add", str(decks)).exit_code == 0
    result = run("drill", "--deck", "broken-sql", input="\nSELECT count(*) FROM t\n.\n")
    assert result.exit_code == 0, result.output
    assert "The tables cannot be shown: the card's fixture does not load: no such table: nowhere" in result.output
    assert "This card cannot be checked" in result.output
    assert "1 skipped" in result.output
    explore = run("sql", "broken-sql/bad-solution")
    assert explore.exit_code == 1
    assert explore.stderr == ("Error: card 'broken-sql/bad-solution' cannot be explored: the card's fixture does "
                              "not load: no such table: nowhere; fix its deck file\n")
    card = json.loads(run("card", "broken-sql/bad-solution", "--json").stdout)
    assert card["tables"] == []


# ---- issue 16: undo, real-time budgets, one card, resuming, the plan -------------------


def test_u_at_the_next_prompt_undoes_the_last_review(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input="\n" + GOOD_ANSWER + "\n" + "u\n" + POOR_ANSWER + "1\n" + RIDE_ANSWER + "\n")
    assert result.exit_code == 0, result.output
    assert "Undone: easy on mini/idempotency; its schedule is back as it was. It comes again now." in result.output
    reviews = history(db_path, "mini/idempotency")
    assert [(r["rating"], r["voided"]) for r in reviews] == [(4, True), (1, False)]
    assert len(history(db_path, "mini/ride-sharing")) == 1
    assert "Session: 2 cards in 0:00 (again 1, " in result.output


def test_u_with_nothing_to_undo_says_so(pinned: Invoke) -> None:
    result = drill(pinned, input="\nu\nq\n")
    assert "Nothing to undo in this session ('tpmdrill undo' undoes older reviews)." in result.output


def test_a_concept_card_rated_again_comes_back_in_the_same_session(
    pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drill_cli, "monotonic", FakeClock(step=30))  # each look at the clock: 30 s on
    result = drill(pinned, input="\n" + POOR_ANSWER + "1\n" + GOOD_ANSWER + "\nq\n")
    assert result.exit_code == 0, result.output
    back = result.output.split("Card 2/3")[1]
    assert back.startswith(" · mini/idempotency · api-design · concept")  # before the new design card
    assert "last seen today (again) · back from its learning step" in back
    assert "Card 3/3 · mini/ride-sharing · api-design · design" in back
    reviews = history(db_path, "mini/idempotency")
    assert [r["rating"] for r in reviews] == [1, 4]
    first, second = (datetime.fromisoformat(r["reviewed_at"]) for r in reviews)
    assert second - first >= timedelta(minutes=1)  # the session clock moved on past the step


def test_drill_one_named_card(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, "--card", "mini/ride-sharing", input=RIDE_ANSWER + "\n")
    assert result.exit_code == 0, result.output
    assert "Card 1/1 · mini/ride-sharing · api-design · design" in result.output
    assert len(history(db_path, "mini/ride-sharing")) == 1
    unknown = pinned("drill", "--card", "mini/nope")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: no card 'mini/nope'")
    both = pinned("drill", "--card", "mini/ride-sharing", "--weak")
    assert both.exit_code == 2


def test_continue_resumes_what_is_left_of_todays_plan(pinned: Invoke, db_path: Path) -> None:
    first = drill(pinned, input="\n" + GOOD_ANSWER + "\nq\n")
    assert "Card 1/2" in first.output
    resumed = pinned("drill", "--continue", input=RIDE_ANSWER + "\n")
    assert resumed.exit_code == 0, resumed.output
    assert "Resuming today's plan: 1 card left." in resumed.output
    assert "Design an API for a ride-sharing service." in resumed.output
    assert len(history(db_path, "mini/ride-sharing")) == 1
    done = pinned("drill", "--continue", "--deck", "mini", input="n\n")
    assert "Nothing is left of today's plan; going on with what is due and new." in done.output


def test_the_end_of_the_budget_offers_to_go_on(pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = drill(pinned, "--minutes", "5", input="\n" + GOOD_ANSWER + "\nc\n" + RIDE_ANSWER + "\n")
    assert result.exit_code == 0, result.output
    assert "The next cards do not fit the time left: 0 min spent of 5 min. Left: nothing due." in result.output
    assert "c: continue · s: stop · t: set tomorrow's plan · u: undo the last review >" in result.output
    assert len(history(db_path, "mini/ride-sharing")) == 1  # continued: the second card came


def test_the_end_of_the_budget_can_set_tomorrows_plan(
    pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drill_cli, "monotonic", FakeClock(step=120))
    result = drill(pinned, "--minutes", "5", input="\n" + GOOD_ANSWER + "\nt\n30\n")
    assert result.exit_code == 0, result.output
    assert "Minutes a day from tomorrow [5]:" in result.output
    assert "Tomorrow's plan: 30 min a day (daily_minutes)" in result.output
    assert pinned("config", "get", "daily_minutes").stdout == "30\n"


def test_daily_minutes_is_the_budget_and_a_used_day_says_so(pinned: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pinned("config", "set", "daily_minutes", "5").exit_code == 0
    monkeypatch.setattr(drill_cli, "monotonic", FakeClock(step=200))
    first = drill(pinned, input="\n" + GOOD_ANSWER + "\n\n")
    assert "of 5 min left" in first.output  # the review took 400 s: the day's 5 minutes are spent
    again = drill(pinned)
    assert "Today's study time (daily_minutes) is used up." in again.output


def test_an_interview_plan_decides_todays_cards(pinned: Invoke) -> None:
    assert pinned("interview", "set", "2025-03-11", "--daily-minutes", "20").exit_code == 0
    result = pinned("drill", input="\nq\n")
    assert result.exit_code == 0, result.output
    assert "Card 1/" in result.output


def test_a_failing_editor_does_not_end_the_session(
    pinned: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    def broken(*_args: object, **_kwargs: object) -> None:
        raise click.ClickException("nano: Editing failed")

    monkeypatch.setattr("click.edit", broken)
    result = drill(pinned, input="\ne\n" + POOR_ANSWER + "\nq\n")
    assert result.exit_code == 0, result.output
    assert "The editor failed (nano: Editing failed); type the answer here instead." in result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["answer"] == "It is about retries."


def test_an_answer_over_the_limit_is_refused_and_the_session_goes_on(pinned: Invoke, db_path: Path) -> None:
    from tpmdrill.grading import MAX_ANSWER_CHARS

    huge = "x" * (MAX_ANSWER_CHARS + 1)
    result = drill(pinned, input=f"\n{huge}\n.\n{POOR_ANSWER}\nq\n")
    assert result.exit_code == 0, result.output
    assert "over the limit" in result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["answer"] == "It is about retries."


def test_bytes_that_are_not_utf8_are_kept_as_replacement_characters(pinned: Invoke, db_path: Path) -> None:
    result = drill(pinned, input=b"\nSame result on retry, caf\xe9 key\n.\n\nq\n")
    assert result.exit_code == 0, result.output
    [review] = history(db_path, "mini/idempotency")
    assert review["answer"] == "Same result on retry, caf\ufffd key"
