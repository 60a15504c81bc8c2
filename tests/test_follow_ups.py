"""Follow-up questions and rotating prompts in the drill."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, Invoke
from tpmdrill.decks import load_deck
from tpmdrill.drill import verdict_for
from tpmdrill.follow_ups import follow_up_for, prompt_for, with_follow_up
from tpmdrill.store import Store

DECK = FIXTURES / "follow_ups" / "follow-ups.toml"
MAIN = "A cart service hands an order to the order service, which calls the payment provider.\n.\n"
GOOD_FOLLOW_UP = "Autoscale the web tier a day ahead and queue orders behind a buffer.\n.\n"
POOR_FOLLOW_UP = "It should be fine.\n.\n"
DAY = ["2025-03-01T09:00:00+00:00", "2025-04-15T09:00:00+00:00", "2025-09-01T09:00:00+00:00"]
CARD = load_deck(DECK).cards[0]


@pytest.fixture
def loaded(run: Invoke) -> Invoke:
    assert run("decks", "add", str(DECK)).exit_code == 0
    return run


def drill_on(run: Invoke, monkeypatch: pytest.MonkeyPatch, day: str, text: str) -> Any:
    monkeypatch.setenv("TPMDRILL_NOW", day)
    result = run("drill", "--deck", "fu", input=text, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def history(db_path: Path) -> list[dict[str, Any]]:
    store = Store.open(db_path)
    try:
        return store.history("fu/checkout")
    finally:
        store.close()


def test_prompts_and_follow_ups_rotate_by_review_count() -> None:
    assert [prompt_for(CARD, n) for n in range(3)] == [
        "Design the checkout of an online shop.", "How would you build an online shop's checkout?",
        "Design the checkout of an online shop."]
    assert [f.prompt[:12] for f in (follow_up_for(CARD, n) for n in range(3)) if f] == [
        "Traffic trip", "The payment ", "Traffic trip"]
    assert follow_up_for(load_deck(FIXTURES / "decks" / "mini.toml").cards[0], 0) is None


def test_the_suggestion_covers_both_answers() -> None:
    verdict = verdict_for(CARD, MAIN)
    assert verdict.suggested == "hard"  # services hit, idempotency missed: 0.5
    follow_up = follow_up_for(CARD, 0)
    assert follow_up is not None
    both = with_follow_up(verdict, follow_up, GOOD_FOLLOW_UP)
    assert [(p.number, p.id, p.hit) for p in both.points] == [
        (1, "services", True), (2, "idempotency", False), (3, "autoscaling", True), (4, "queue", True)]
    assert (both.score, both.suggested, both.auto_suggested) == (0.75, "good", "good")
    poor = with_follow_up(verdict, follow_up, POOR_FOLLOW_UP)
    assert (poor.score, poor.suggested) == (0.25, "again")
    poor.toggle(3)
    poor.toggle(4)
    assert (poor.score, poor.suggested, poor.auto_suggested) == (0.75, "good", "again")
    assert poor.recorded_answer.endswith(
        "---\nFollow-up: Traffic triples on Black Friday. What changes?\n\nIt should be fine.\n.\n")


def test_a_drill_asks_a_follow_up_and_records_both_verdicts(
    loaded: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = drill_on(loaded, monkeypatch, DAY[0], "\n" + MAIN + GOOD_FOLLOW_UP + "\n")
    out = result.output
    assert "Design the checkout of an online shop." in out
    assert out.index("✘ 2. Makes payment calls safe to retry") < out.index("Follow-up\n")
    assert "Traffic triples on Black Friday. What changes?" in out
    assert " Follow-up:\n ✔ 3. Scales out ahead of the peak  [Autoscale]" in out
    assert "Score 75% · suggested rating: good" in out
    [review] = history(db_path)
    assert (review["rating"], review["suggested"], review["score"]) == (3, 3, 0.75)
    assert sorted((p["point"], p["auto_hit"], p["hit"]) for p in review["points"]) == [
        ("autoscaling", True, True), ("idempotency", False, False), ("queue", True, True), ("services", True, True)]
    assert "Follow-up: Traffic triples on Black Friday." in review["answer"]


def test_the_next_review_asks_the_other_prompt_and_follow_up(
    loaded: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drill_on(loaded, monkeypatch, DAY[0], "\n" + MAIN + GOOD_FOLLOW_UP + "\n")
    second = drill_on(loaded, monkeypatch, DAY[2], MAIN + "A fallback provider, and retry from a queue.\n.\n2\n")
    assert "How would you build an online shop's checkout?" in second.output
    assert "The payment provider's API goes down." in second.output
    assert "Traffic triples" not in second.output
    assert sorted(p["point"] for p in history(db_path)[-1]["points"]) == ["fallback", "idempotency", "services"]


def test_skipping_the_follow_up_rates_the_main_answer_only(
    loaded: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = drill_on(loaded, monkeypatch, DAY[0], "\n" + MAIN + "s\n\n")
    assert "Follow-up skipped: the rating covers the main answer only." in result.output
    [review] = history(db_path)
    assert sorted(p["point"] for p in review["points"]) == ["idempotency", "services"]
    assert review["suggested"] == 2


def test_quitting_at_the_follow_up_records_nothing(
    loaded: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = drill_on(loaded, monkeypatch, DAY[0], "\n" + MAIN + "q\ny\n")
    assert "Quit without recording this answer? It is lost unless you rate it." in result.output
    assert history(db_path) == []


def test_q_at_the_follow_up_not_confirmed_asks_the_follow_up_again(
    loaded: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = drill_on(loaded, monkeypatch, DAY[0], "\n" + MAIN + "q\n\n" + GOOD_FOLLOW_UP + "\n")
    assert "Back to the follow-up; 's' skips it." in result.output
    [review] = history(db_path)
    assert review["answer"].startswith("A cart service hands an order")
    assert len(review["points"]) == 4


def test_the_summary_names_a_missed_follow_up_point(
    loaded: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = drill_on(loaded, monkeypatch, DAY[0], "\n" + MAIN + POOR_FOLLOW_UP + "\n")
    assert "  Queues orders to absorb the burst — fu/checkout (1×)" in result.output


def test_card_shows_difficulty_and_follow_ups(loaded: Invoke) -> None:
    out = loaded("card", "fu/checkout", catch_exceptions=False).stdout
    assert "\nDifficulty 3 (senior).\n" in out
    assert ("\nFollow-up: Traffic triples on Black Friday. What changes?\n  - Scales out ahead of the peak\n"
            "  - Queues orders to absorb the burst\n") in out


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_mock_interviewer_copy_lists_the_follow_ups(tmp_path: Path, fmt: str) -> None:
    from datetime import UTC, datetime

    from tpmdrill.mock import choose
    from tpmdrill.render import render_mock

    store = Store.open(tmp_path / "t.db")
    try:
        store.sync_deck(load_deck(DECK), datetime(2025, 3, 1, tzinfo=UTC))
        sheet = render_mock(choose(store, datetime(2025, 3, 1, tzinfo=UTC), minutes=30, seed=1, focus="even"), fmt)
    finally:
        store.close()
    interviewer = sheet[sheet.index("Interviewer copy"):]
    assert "Follow-ups to ask" in interviewer
    assert "Traffic triples on Black Friday. What changes?" in interviewer
    assert "Queues orders to absorb the burst" in interviewer
    apostrophe = "&#39;" if fmt == "html" else "'"  # HTML escapes deck text
    assert f"The payment provider{apostrophe}s API goes down" in interviewer
    assert "Black Friday" not in sheet[:sheet.index("Interviewer copy")], "the candidate copy does not show them"
