"""The bundled estimation deck: its reference numbers are what its own model answers state,
and the estimate grader tells a right order of magnitude from a wrong one on every card."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from tpmdrill.decks import Card, Deck, load_deck
from tpmdrill.estimates import check_estimate
from tpmdrill.grading import grade
from tpmdrill.paths import bundled_decks_dir


@cache
def deck() -> Deck:
    return load_deck(bundled_decks_dir() / "estimation.toml")


def estimate_cards() -> list[Card]:
    return [card for card in deck().cards if card.kind == "estimate"]


def without_result_line(answer: str) -> str:
    """The model answer's working without its closing 'Estimate: ...' line."""
    body, marker, _ = answer.rpartition("\nEstimate:")
    assert marker, "model answers end with an 'Estimate: <number> <unit>' line"
    return body


def test_shape_of_the_deck() -> None:
    assert deck().category == "estimation"
    kinds = Counter(card.kind for card in deck().cards)
    assert len(deck().cards) >= 27
    assert kinds["estimate"] >= 0.8 * len(deck().cards)
    assert 3 <= kinds["concept"] <= 5
    assert set(Counter(card.difficulty for card in deck().cards)) == {1, 2, 3}
    assert {card.id for card in deck().cards} >= {"numbers-every-estimate-needs", "fermi-decomposition"}


@pytest.mark.parametrize("card", estimate_cards(), ids=lambda card: card.id)
def test_model_answer_states_the_reference_number(card: Card) -> None:
    assert card.estimate is not None
    verdict = check_estimate(card.estimate, card.answer)
    assert verdict.error is None
    assert verdict.within_tolerance, verdict.summary()


@pytest.mark.parametrize("card", estimate_cards(), ids=lambda card: card.id)
@pytest.mark.parametrize("factor", [10.0, 0.1])
def test_the_same_working_with_a_wrong_magnitude_is_judged_wrong(card: Card, factor: float) -> None:
    assert card.estimate is not None
    wrong = f"{without_result_line(card.answer)}\nEstimate: {card.estimate.value * factor:g} {card.estimate.unit}"
    verdict = check_estimate(card.estimate, wrong)
    assert verdict.value is not None
    assert not verdict.within_tolerance, verdict.summary()
    # the approach still earns rubric credit: the number, not the rubric, makes it wrong
    assert grade(card.rubric, wrong).score >= 0.7


@pytest.mark.parametrize("card", deck().cards, ids=lambda card: card.id)
def test_every_rubric_example_earns_its_point(card: Card) -> None:
    for point in (*card.rubric, *(p for follow_up in card.follow_ups for p in follow_up.rubric)):
        assert len(point.examples) >= 2, point.id
        for example in point.examples:
            assert grade([point], example).points[0].hit, (point.id, example)
