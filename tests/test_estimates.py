"""Estimate cards: numbers and units as people write them, conversion, and the verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpmdrill.decks import EstimateTarget, load_deck
from tpmdrill.estimates import check_estimate, with_estimate_result
from tpmdrill.judging import judge
from tpmdrill.quantities import UnitSyntaxError, mentions, parse_unit

from .conftest import Invoke

RPS = EstimateTarget(35_000, "requests/second", 2)


@pytest.mark.parametrize(
    "answer",
    ["35k rps", "35k/s", "~35,000 requests per second", "3.5e4 req/s", "35 thousand queries a second",
     "35K QPS", "3.5 x 10^4 rps", "35krps", "Answer: 35000", "about 2.1 million requests per minute",
     "3.024 billion requests/day", "It peaks at 35k requests/sec.", "35 k rps", "0.035 M requests per second",
     "126 million requests hourly"],
)
def test_the_ways_people_write_a_rate_all_read_as_35k_per_second(answer: str) -> None:
    verdict = check_estimate(RPS, answer)
    assert verdict.error is None
    assert verdict.value == pytest.approx(35_000, rel=1e-3)
    assert verdict.within_tolerance


@pytest.mark.parametrize(
    ("answer", "unit", "value"),
    [("2 TB/day", "TB/day", 2), ("2 TB per day", "GB/day", 2000), ("about 23 MB/s", "TB/day", 1.9872),
     ("1.2 million", "users", 1.2e6), ("1.2M users", "users", 1.2e6), ("40 servers", "servers", 40),
     ("we need 40 machines", "servers", 40), ("$3M a month", "USD/month", 3e6), ("$36M/year", "USD/month", 3e6),
     ("1 Gbps", "MB/s", 125), ("100 ms", "seconds", 0.1), ("2^10 bytes", "KiB", 1),
     ("~2TB daily", "GB/day", 2000), ("12 PB annually", "TB/month", 1000), ("1.2 M users", "users", 1.2e6)],
)
def test_units_convert_between_compatible_forms(answer: str, unit: str, value: float) -> None:
    verdict = check_estimate(EstimateTarget(value, unit, 2), answer)
    assert verdict.error is None, verdict.error
    assert verdict.value == pytest.approx(value, rel=1e-3)


def test_a_wrong_magnitude_is_wrong_and_suggests_again() -> None:
    verdict = check_estimate(RPS, "Roughly 350 rps at peak.")
    assert (verdict.value, verdict.within_tolerance, verdict.error) == (350, False, None)
    assert with_estimate_result("easy", verdict) == "again"


def test_the_tolerance_bounds_are_inclusive() -> None:
    assert check_estimate(RPS, "17.5k rps").within_tolerance
    assert check_estimate(RPS, "70k rps").within_tolerance
    assert not check_estimate(RPS, "17.4k rps").within_tolerance
    assert not check_estimate(RPS, "70.1k rps").within_tolerance


def test_a_right_estimate_with_working_is_at_least_good_a_bare_one_hard() -> None:
    verdict = check_estimate(RPS, "35k rps")
    assert with_estimate_result("hard", verdict) == "good"
    assert with_estimate_result("easy", verdict) == "easy"
    assert with_estimate_result("again", verdict) == "hard"  # the number without a method


def test_a_keyword_list_is_again_whatever_number_it_names() -> None:
    verdict = check_estimate(RPS, "QPS, peak, 35k rps, cache, CDN")
    assert verdict.within_tolerance
    assert with_estimate_result("again", verdict, listed=True) == "again"


@pytest.mark.parametrize(("answer", "near"), [("Answer: 12k rps", True), ("Answer: 140k rps", True),
                                              ("Answer: 8k rps", False), ("Answer: 150k rps", False)])
def test_a_figure_outside_the_tolerance_is_again_a_near_miss_named_as_such(answer: str, near: bool) -> None:
    """A wrong result never suggests better than Again (DESIGN), however sound the
    working; the summary still tells a near miss from a wrong method."""
    verdict = check_estimate(RPS, answer)
    assert not verdict.within_tolerance and verdict.near_miss is near
    assert with_estimate_result("easy", verdict) == "again"
    assert with_estimate_result("hard", verdict) == "again"
    assert ("a near miss" in verdict.summary()) is near


def test_of_several_figures_on_the_stated_line_the_right_one_counts() -> None:
    answer = "3 B requests a day.\nAnswer: about 35k rps on average, 105k rps at the evening peak."
    verdict = check_estimate(RPS, answer)
    assert (verdict.written, verdict.within_tolerance) == ("35k rps", True)


def test_the_figure_an_answer_comes_back_to_beats_a_later_caveat() -> None:
    answer = "That is 35k rps on average.\nPeak planning: 35k rps times three.\nIf bots count, more like 100k rps."
    assert check_estimate(RPS, answer).value == pytest.approx(35_000)


RATIO = EstimateTarget(3000, "reads/write", 2)


@pytest.mark.parametrize("answer", ["1.5B / 500k = 3000:1", "about 3,000 to 1", "a 3000-to-1 ratio",
                                    "3,000 reads for every review written", "3,000 reads to every write",
                                    "3,000 reads per write"])
def test_a_ratio_reads_in_the_ways_people_write_one(answer: str) -> None:
    verdict = check_estimate(RATIO, answer)
    assert verdict.value == pytest.approx(3000), (answer, verdict)
    assert verdict.within_tolerance


def test_a_meeting_is_not_a_ratio() -> None:
    assert not any(m.per_one for m in mentions("weekly 1:1s with every engineer", frozenset()))


def test_the_stated_result_wins_over_the_working() -> None:
    answer = "50 M DAU x 60 requests/day = 3 B requests/day.\nPeak is 3x the mean.\nAnswer: 100k rps"
    verdict = check_estimate(RPS, answer)
    assert (verdict.value, verdict.written) == (100_000, "100k rps")
    assert not verdict.within_tolerance


def test_without_a_stated_result_the_last_fitting_number_counts() -> None:
    answer = "3 B requests/day over 86,400 s is 35k requests/second on average"
    assert check_estimate(RPS, answer).value == pytest.approx(35_000)


@pytest.mark.parametrize(
    ("answer", "error"),
    [("I would measure it.", "no number found in the answer; give one in requests/second, "
      "e.g. 'Answer: 35k requests/second'"),
     ("about 2 TB/day", "no number in a unit that converts to requests/second (found 2 TB/day)"),
     ("86,400 and 3 and 12", "numbers without a unit and no stated result; end with 'Answer: <number> "
      "requests/second'")],
)
def test_no_usable_number_is_an_error_and_hard_only_after_sound_working(answer: str, error: str) -> None:
    verdict = check_estimate(RPS, answer)
    assert (verdict.value, verdict.within_tolerance, verdict.error) == (None, False, error)
    assert with_estimate_result("good", verdict) == "hard"  # the method shown, the number not landed
    assert with_estimate_result("hard", verdict) == "again"


@pytest.mark.parametrize(
    ("answer", "value"),
    [("30-40k rps", (30e3 * 40e3) ** 0.5), ("20k to 50k rps", (20e3 * 50e3) ** 0.5),
     ("somewhere between 10k and 40k requests per second", 20e3), ("Answer: 25–49k rps", 35e3)],
)
def test_a_range_counts_as_its_geometric_middle(answer: str, value: float) -> None:
    verdict = check_estimate(RPS, answer)
    assert verdict.value == pytest.approx(value)
    assert verdict.written == answer.removeprefix("Answer: ").removeprefix("somewhere ").removeprefix("between ")


def test_and_without_between_joins_nothing() -> None:
    verdict = check_estimate(RPS, "reads are 30k rps and writes 5k rps")
    assert verdict.value == 5000


def test_percentages_and_numbers_inside_words_are_not_estimates() -> None:
    found = mentions("p99 under 200ms for 99.9% of S3 calls", frozenset())
    assert [(m.text, m.percent) for m in found] == [("200ms", False), ("99.9", True)]


@pytest.mark.parametrize("unit", ["requests/%", "", "per second", "requests per"])
def test_bad_card_units_are_refused(unit: str) -> None:
    with pytest.raises(UnitSyntaxError):
        parse_unit(unit)


# ---- hypothesis: any supported way of writing a quantity parses to the same quantity ----

NUMBER_FORMS = {
    "plain": lambda v: f"{v:.0f}",
    "grouped": lambda v: f"{v:,.0f}",
    "approx": lambda v: f"~{v:,.0f}",
    "k": lambda v: f"{v / 1e3:g}k",
    "thousand": lambda v: f"{v / 1e3:g} thousand",
    "M": lambda v: f"{v / 1e6:g}M",
    "million": lambda v: f"{v / 1e6:g} million",
    "sci": lambda v: f"{v / 1e3:g}e3",
    "power": lambda v: f"{v / 1e3:g} x 10^3",
}
UNIT_FORMS = {
    "requests/second": ["rps", "req/s", "requests per second", "requests/sec", "queries a second", "QPS",
                        "/s", "requests/s", "calls per second"],
    "TB/day": ["TB/day", "TB per day", "terabytes per day", "TB a day", "tb/d"],
    "servers": ["servers", "machines", "hosts", "instances"],
    "USD/month": ["USD/month", "dollars per month", "USD a month"],
}


@settings(max_examples=300, deadline=None)
@given(
    value=st.integers(1, 999).map(lambda n: n * 1000.0),
    number=st.sampled_from(sorted(NUMBER_FORMS)),
    unit=st.sampled_from(sorted(UNIT_FORMS)),
    data=st.data(),
)
def test_any_supported_form_parses_to_the_same_quantity(
    value: float, number: str, unit: str, data: st.DataObject
) -> None:
    spelling = data.draw(st.sampled_from(UNIT_FORMS[unit]))
    glue = "" if spelling.startswith("/") else " "
    written = f"{NUMBER_FORMS[number](value)}{glue}{spelling}"
    verdict = check_estimate(EstimateTarget(value, unit, 2), written)
    assert verdict.error is None, written
    assert verdict.value == pytest.approx(value, rel=1e-9), written
    assert verdict.within_tolerance


@settings(max_examples=100, deadline=None)
@given(value=st.floats(1, 1e9), factor=st.floats(2.01, 1e4), up=st.booleans())
def test_an_answer_off_by_more_than_the_tolerance_is_wrong(value: float, factor: float, up: bool) -> None:
    answered = value * factor if up else value / factor
    verdict = check_estimate(EstimateTarget(value, "requests/second", 2), f"Answer: {answered:.6e} rps")
    assert verdict.error is None
    assert not verdict.within_tolerance


@settings(max_examples=100, deadline=None)
@given(value=st.floats(1, 1e9), factor=st.floats(0.51, 1.99))
def test_an_answer_within_the_tolerance_is_right(value: float, factor: float) -> None:
    verdict = check_estimate(EstimateTarget(value, "requests/second", 2), f"Answer: {value * factor:.9e} req/s")
    assert verdict.within_tolerance


# ---- judging and the command ------------------------------------------------------------

DECK = '''[deck]
id = "est"
title = "Estimates"
category = "estimation"

[[card]]
id = "chat-peak"
kind = "estimate"
prompt = "Peak requests per second for a chat app with 50 M daily users?"
answer = "Assuming 60 requests a day each: 3 B a day, 35k/s on average; the busiest hour is about 2x: 70k rps."
value = 70000
unit = "requests/second"

  [[card.rubric]]
  id = "assumptions"
  point = "States the assumptions"
  keywords = ["assume|assuming|assumption"]

  [[card.rubric]]
  id = "peak"
  point = "Turns the average into a peak"
  keywords = ["busiest|2x|twice the average|double the average"]
'''


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "est.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


def test_judge_adds_the_estimate_beside_the_rubric(deck_file: Path) -> None:
    [card] = load_deck(deck_file).cards
    right = judge(card, "Assuming 60 requests a day each, the busiest hour is about 70k rps.")
    assert right.estimate is not None and right.estimate.within_tolerance
    assert (right.score, right.suggested_rating) == (1.0, "easy")
    wrong = judge(card, "Assuming 60 requests a day each, the busiest hour is about 700 rps.")
    assert (wrong.score, wrong.suggested_rating) == (1.0, "again")
    assert judge(card, "Answer: 70k rps").suggested_rating == "hard"  # a bare number: no working shown


def test_other_cards_have_a_null_estimate(mini: Invoke) -> None:
    result = mini("grade", "mini/idempotency", "--answer-file", "-", "--json", input="retry with a key")
    assert json.loads(result.stdout)["estimate"] is None


def test_grade_json_and_human_output_show_the_estimate(run: Invoke, deck_file: Path) -> None:
    assert run("decks", "add", str(deck_file)).exit_code == 0
    result = run("grade", "est/chat-peak", "--answer-file", "-", "--json",
                 input="Assuming a 2x peak: 35k rps", catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["estimate"] == {
        "value": 35000.0, "unit": "requests/second", "expected": 70000.0, "within_tolerance": True,
        "error": None, "written": "35k rps",
    }
    human = run("grade", "est/chat-peak", "--answer-file", "-", input="peak 7k rps", catch_exceptions=False)
    assert human.exit_code == 0
    assert (" ✘ Estimate 7k rps = 7,000 requests/second: outside tolerance (expected 70,000, right within ×/÷ 2)."
            in human.stdout)
    assert "suggested rating: again" in human.stdout
    assert "Reference estimate: 70,000 requests/second (right within ×/÷ 2)" in human.stdout


@pytest.mark.parametrize("args", [["--help"], ["due"], ["cards", "--kind", "estimate"], ["decks", "validate"]])
def test_pint_is_imported_only_to_grade_an_estimate(run: Invoke, deck_file: Path, args: list[str]) -> None:
    import os
    import subprocess

    assert run("decks", "add", str(deck_file)).exit_code == 0
    argv = [*args, str(deck_file)] if args == ["decks", "validate"] else args
    script = (
        "import sys\n"
        "from tpmdrill.cli import cli\n"
        "try:\n"
        f"    cli({argv!r}, prog_name='tpmdrill')\n"
        "except SystemExit as ex:\n"
        "    assert not ex.code, ex.code\n"
        "print('pint' in sys.modules, file=sys.stderr)\n"
    )
    out = subprocess.run(["python", "-c", script], capture_output=True, text=True, check=True, env=os.environ)
    assert out.stderr.splitlines()[-1] == "False"


def test_a_drill_shows_the_estimate_and_a_wrong_number_suggests_again(
    run: Invoke, deck_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpmdrill.store import Store

    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-01T09:00:00+00:00")
    assert run("decks", "add", str(deck_file)).exit_code == 0
    answer = "Assuming 60 requests a day per user, the busiest hour is 7k rps.\n.\n"
    result = run("drill", "--deck", "est", input="\n" + answer + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert " ✘ Estimate 7k rps = 7,000 requests/second: outside tolerance" in result.output
    assert "Score 100% · suggested rating: again" in result.output
    store = Store.open(db_path)
    try:
        [review] = store.history("est/chat-peak")
        assert (review["rating"], review["suggested"]) == (1, 1)
    finally:
        store.close()


def test_export_and_import_keep_the_new_card_fields(run: Invoke, deck_file: Path, tmp_path: Path) -> None:
    from tpmdrill.store import Store

    assert run("decks", "add", str(deck_file)).exit_code == 0
    exported = tmp_path / "all.json"
    assert run("export", "--format", "json", "-o", str(exported), catch_exceptions=False).exit_code == 0
    other = tmp_path / "other.db"
    result = run("--db", str(other), "import", str(exported), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    store = Store.open(other)
    try:
        assert store.card("est/chat-peak") == load_deck(deck_file).cards[0]
    finally:
        store.close()
