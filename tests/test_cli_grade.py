"""`tpmdrill grade`: the contract's JSON, the human view, bad input; it records nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Invoke

CARD = "mini/idempotency"
GOOD = "Repeating the call gives the same result, so a retry is safe; clients send an idempotency key."


@pytest.fixture
def answer(tmp_path: Path) -> Path:
    path = tmp_path / "answer.md"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_grade_json_is_the_contract_shape(mini: Invoke, answer: Path) -> None:
    result = mini("grade", CARD, "--answer-file", str(answer), "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"card", "score", "suggested_rating", "points", "sql", "estimate", "flags"}
    assert body["flags"] == []
    assert body["card"] == CARD
    assert body["score"] == 1.0
    assert body["suggested_rating"] == "easy"
    assert [p["id"] for p in body["points"]] == ["definition", "key"]
    assert all(p["hit"] for p in body["points"])
    assert "idempotency key" in body["points"][1]["matched"]
    assert body["sql"] is None
    assert body["estimate"] is None
    assert body["points"][1]["ideas"] == {"found": ["idempotency key"], "missing": [], "needed": 1,
                                          "prompt_words": []}


def test_a_keyword_list_is_flagged_in_json_and_suggested_again(mini: Invoke) -> None:
    listed = "idempotent, same result, idempotency key, retries"
    body = json.loads(mini("grade", CARD, "--answer-file", "-", "--json", input=listed).stdout)
    assert body["flags"] == ["keyword-list"]
    assert body["suggested_rating"] == "again"
    shown = mini("grade", CARD, "--answer-file", "-", input=listed).stdout
    assert "This reads like a list of keywords, not an explanation" in shown


def test_complete_notes_are_flagged_in_json_and_held_at_good(mini: Invoke) -> None:
    notes = ("Idempotent op: repeat call -> same effect as doing it once. Client sends idempotency key per "
             "request; server stores key + result, replays stored result on retry; dupes never double charge.")
    body = json.loads(mini("grade", CARD, "--answer-file", "-", "--json", input=notes).stdout)
    assert (body["flags"], body["score"], body["suggested_rating"]) == (["notes"], 1.0, "good")
    shown = mini("grade", CARD, "--answer-file", "-", input=notes).stdout
    assert "Written as notes, so Good at most: say it in sentences" in shown

def test_grade_human_output_shows_points_score_suggestion_then_model_answer(mini: Invoke, tmp_path: Path) -> None:
    partial = tmp_path / "partial.md"
    partial.write_text("You send an idempotency key.", encoding="utf-8")
    out = mini("grade", CARD, "--answer-file", str(partial)).stdout
    assert " ✘ 1. Repeating the call has the same effect as doing it once (required)" in out
    assert " ✔ 2. Uses an idempotency key  [idempotency key]" in out
    assert "      0 of 2 ideas: missing: " in out  # the missed point says what it looked for
    assert "Score 50% · suggested rating: hard" in out
    assert out.index("suggested rating") < out.index("Model answer") < out.index("An idempotent operation")


def test_grade_reads_stdin_and_records_nothing(mini: Invoke, db_path: Path) -> None:
    result = mini("grade", CARD, "--answer-file", "-", "--json", input=GOOD)
    assert json.loads(result.stdout)["score"] == 1.0
    assert json.loads(mini("card", CARD, "--json").stdout)["reviews"] == []


def test_empty_answer_scores_zero(mini: Invoke, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    body = json.loads(mini("grade", CARD, "--answer-file", str(empty), "--json").stdout)
    assert (body["score"], body["suggested_rating"]) == (0.0, "again")


def test_non_utf8_answer_is_one_line(mini: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"caf\xe9 \xff")
    result = mini("grade", CARD, "--answer-file", str(bad))
    assert (result.exit_code, result.stderr) == (1, f"Error: {bad} is not UTF-8 text\n")


def test_unknown_card(mini: Invoke, answer: Path) -> None:
    result = mini("grade", "mini/nope", "--answer-file", str(answer))
    assert result.exit_code == 1
    assert result.stderr == "Error: no card 'mini/nope'; 'tpmdrill cards' lists card ids (deck/card)\n"


def test_sql_card_is_run_and_judged_by_its_result(run: Invoke) -> None:
    wrong = run("grade", "data/sql-experiment-conversion", "--answer-file", "-", "--json", input="SELECT 1")
    body = json.loads(wrong.stdout)
    assert body["sql"] == {"correct": False, "error": None, "rows": 1}
    assert body["suggested_rating"] == "again"  # wrong rows: never better than again
    shown = run("grade", "data/sql-experiment-conversion", "--answer-file", "-", input="SELECT 1").stdout
    assert "Incorrect: 1 row, not the expected result" in shown
    assert "expected ('control', 7, 3, 0.4286)" in shown
    assert shown.index("Model answer") < shown.index("Solution")


def test_sql_card_error_message(run: Invoke) -> None:
    card = "data/sql-experiment-conversion"
    result = run("grade", card, "--answer-file", "-", "--json", input="DROP TABLE exposures")
    body = json.loads(result.stdout)
    assert body["sql"]["correct"] is False
    assert body["sql"]["error"]
    assert body["suggested_rating"] == "again"


def test_sql_grade_output_shows_the_tables_before_the_verdict(run: Invoke) -> None:
    result = run("grade", "data/sql-orders-per-month", "--answer-file", "-", input="SELECT 1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Dialect: SQLite; timestamps are TEXT") < out.index("✘ Incorrect")
    assert "orders(order_id INTEGER, user_id INTEGER, order_ts TEXT, amount REAL, status TEXT) · 20 rows" in out
    # the query is shown once, under Solution, not again inside the model answer
    assert out.count("GROUP BY strftime('%Y-%m', order_ts)") == 1
