"""The bundled decks are the product: complete, original, and gradable by their own rubrics."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache

import pytest
from rapidfuzz import fuzz

from tpmdrill.decks import CATEGORIES, Card, load_deck
from tpmdrill.grading import grade
from tpmdrill.paths import bundled_decks_dir
from tpmdrill.skills import SKILLS

UNRELATED = [
    "Bring a large pot of salted water to a rolling boil, add the spaghetti and stir so it does not stick. "
    "Meanwhile soften garlic in olive oil, add chopped tomatoes and basil, season, and toss the drained "
    "pasta through the sauce with a ladle of the cooking water. Finish with grated parmesan.",
    "Plant the tulip bulbs in autumn, pointed end up, about three times as deep as the bulb is tall. "
    "Water them in, cover the bed with mulch, and wait for the shoots to appear once the frost has passed.",
]


@cache
def bundled_cards() -> tuple[Card, ...]:
    return tuple(card for path in sorted(bundled_decks_dir().glob("*.toml")) for card in load_deck(path).cards)


def card_ids() -> list[str]:
    return [card.full_id for card in bundled_cards()]


# The first four categories; issue 14's three new decks (estimation, behavioural,
# program-execution) are written on their own branches and join this list when merged.
FIRST_CATEGORIES = ("api-design", "system-design", "trade-offs", "data")


def test_one_deck_per_category_with_at_least_thirty_cards() -> None:
    loaded = [load_deck(path) for path in bundled_decks_dir().glob("*.toml")]
    decks = {deck.category: deck for deck in loaded}
    assert len(decks) == len(loaded), "one deck per category"
    assert set(FIRST_CATEGORIES) <= set(decks) <= set(CATEGORIES)
    for deck in decks.values():
        assert len(deck.cards) >= (30 if deck.category in FIRST_CATEGORIES else 25), deck.id


def test_each_deck_mixes_kinds() -> None:
    kinds = Counter((card.deck, card.kind) for card in bundled_cards())
    for deck in ("api-design", "system-design", "trade-offs", "data"):
        assert kinds[(deck, "concept")] >= 5, deck
    assert kinds[("system-design", "design")] >= 8
    assert kinds[("api-design", "design")] >= 8
    assert kinds[("trade-offs", "trade-off")] >= 12
    assert kinds[("data", "sql")] >= 10


def test_every_skill_is_trained_by_at_least_two_cards() -> None:
    trained = Counter(skill for card in bundled_cards() for skill in card.skills)
    assert {skill: trained[skill] for skill in SKILLS if trained[skill] < 2} == {}


def test_cards_are_complete() -> None:
    for card in bundled_cards():
        assert 4 <= len(card.rubric) <= 8 or (card.kind == "sql" and 3 <= len(card.rubric) <= 8), card.full_id
        assert card.tags and card.skills, card.full_id
        if card.kind == "design":
            assert len(card.answer.split()) >= 150, card.full_id
            assert 10 <= card.minutes <= 20, card.full_id
        if card.kind == "concept":
            assert 2 <= card.minutes <= 4, card.full_id


def test_no_two_prompts_are_near_duplicates() -> None:
    pairs = [
        (a.full_id, b.full_id, score)
        for a, b in itertools.combinations(bundled_cards(), 2)
        if (score := fuzz.token_set_ratio(a.prompt, b.prompt)) >= 90
    ]
    assert pairs == []


@pytest.mark.parametrize("card_id", card_ids())
def test_model_answer_scores_high_on_its_own_rubric(card_id: str) -> None:
    card = next(c for c in bundled_cards() if c.full_id == card_id)
    result = grade(card.rubric, card.answer)
    missed = [p.id for p in result.points if not p.hit]
    assert result.score >= 0.85, f"missed {missed}"


@pytest.mark.parametrize("card_id", card_ids())
def test_unrelated_answer_scores_low(card_id: str) -> None:
    card = next(c for c in bundled_cards() if c.full_id == card_id)
    for text in UNRELATED:
        assert grade(card.rubric, text).score <= 0.15
