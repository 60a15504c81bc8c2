"""The bundled program-execution deck: shaped as issue 14 asks (design, trade-off and concept
cards at three levels), every card followed up the way interviewers add a constraint, and
every rubric gradable by its own model answer and examples."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache

import pytest
from rapidfuzz import fuzz

from tpmdrill.decks import Card, Deck, RubricPoint, deck_paths, load_deck
from tpmdrill.enums import CardKind
from tpmdrill.grading import grade
from tpmdrill.paths import bundled_decks_dir
from tpmdrill.skills import SKILLS

UNRELATED = (
    "Knead the dough for ten minutes until it is smooth, leave it to rise in a warm kitchen, "
    "then shape the loaf, score the top and bake it until the crust sounds hollow when tapped."
)


@cache
def deck() -> Deck:
    return load_deck(bundled_decks_dir() / "program-execution.toml")


def all_points(card: Card) -> list[RubricPoint]:
    return [*card.rubric, *(point for follow_up in card.follow_ups for point in follow_up.rubric)]


def test_shape_of_the_deck() -> None:
    assert deck().id == "program-execution"
    assert deck().category == "program-execution"
    assert len(deck().cards) >= 27
    kinds = Counter(card.kind for card in deck().cards)
    assert set(kinds) == {CardKind.DESIGN, CardKind.TRADE_OFF, CardKind.CONCEPT}
    assert kinds[CardKind.DESIGN] >= 10 and kinds[CardKind.TRADE_OFF] >= 5 and kinds[CardKind.CONCEPT] >= 5
    levels = Counter(card.difficulty for card in deck().cards)
    assert set(levels) == {1, 2, 3}
    assert min(levels.values()) >= 5, levels


def test_cards_name_known_skills_and_the_core_program_topics() -> None:
    for card in deck().cards:
        assert card.skills and set(card.skills) <= set(SKILLS), card.id
        assert card.tags, card.id
    trained = Counter(skill for card in deck().cards for skill in card.skills)
    assert trained["agile"] >= 10 and trained["estimation"] >= 8
    assert {"ci-cd", "security", "observability", "technical-debt", "api-design"} <= set(trained)
    ids = {card.id for card in deck().cards}
    assert {"slip-two-weeks-before-launch", "run-a-large-migration", "launch-readiness-go-no-go",
            "deprecate-public-api-version", "critical-path-basics", "raci-and-dri"} <= ids


@pytest.mark.parametrize("card", deck().cards, ids=lambda card: card.id)
def test_every_card_has_two_follow_ups_with_their_own_points(card: Card) -> None:
    assert len(card.follow_ups) >= 2
    for follow_up in card.follow_ups:
        assert follow_up.prompt.strip() and follow_up.prompt != card.prompt
        assert 2 <= len(follow_up.rubric) <= 4
        assert any(point.required for point in follow_up.rubric), follow_up.prompt
    ids = [point.id for point in all_points(card)]
    assert len(ids) == len(set(ids)), "point ids are unique across the card and its follow-ups"


@pytest.mark.parametrize("card", deck().cards, ids=lambda card: card.id)
def test_rubric_size_and_required_points(card: Card) -> None:
    assert 4 <= len(card.rubric) <= 7
    assert 1 <= sum(point.required for point in card.rubric) <= 2


@pytest.mark.parametrize("card", deck().cards, ids=lambda card: card.id)
def test_every_rubric_example_earns_its_point(card: Card) -> None:
    for point in all_points(card):
        assert len(point.examples) >= 2, point.id
        for example in point.examples:
            assert grade([point], example).points[0].hit, (point.id, example)


@pytest.mark.parametrize("card", deck().cards, ids=lambda card: card.id)
def test_model_answer_scores_high_and_unrelated_text_low(card: Card) -> None:
    result = grade(card.rubric, card.answer)
    assert result.score >= 0.85, [p.id for p in result.points if not p.hit]
    assert grade(card.rubric, UNRELATED).score <= 0.15


@pytest.mark.parametrize("card", deck().cards, ids=lambda card: card.id)
def test_an_answer_to_the_main_question_does_not_pass_its_follow_ups(card: Card) -> None:
    # a follow-up asks for something new: restating the main rubric's ideas is not enough
    main_points_only = " ".join(example for point in card.rubric for example in point.examples)
    for follow_up in card.follow_ups:
        assert grade(follow_up.rubric, main_points_only).score < 0.85, follow_up.prompt


def test_design_cards_have_full_answers_and_time_boxes() -> None:
    for card in deck().cards:
        if card.kind == "design":
            assert len(card.answer.split()) >= 150 and 10 <= card.minutes <= 20, card.id
        if card.kind == "concept":
            assert 2 <= card.minutes <= 4, card.id


def test_prompts_are_not_near_duplicates_of_any_bundled_prompt() -> None:
    others = [c for path in deck_paths(bundled_decks_dir()) for c in load_deck(path).cards]
    ours = {card.full_id for card in deck().cards}
    pairs = [
        (a.full_id, b.full_id)
        for a, b in itertools.combinations(others, 2)
        if (a.full_id in ours or b.full_id in ours) and fuzz.token_set_ratio(a.prompt, b.prompt) > 90
    ]
    assert pairs == []
