"""Mock-interview sets: deterministic, within budget, in interview order, weighted to weak cards."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpmdrill.decks import CATEGORIES
from tpmdrill.errors import BadValue
from tpmdrill.library import ensure_bundled_decks
from tpmdrill.mock import UNSTUDIED_WEAKNESS, choose
from tpmdrill.store import Review, Store

from .conftest import Invoke

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)


def bundled_store() -> Store:
    store = Store.memory()
    ensure_bundled_decks(store, NOW)
    return store


STORE = bundled_store()  # read-only for every test in this module
# The categories that have cards: issue 14 adds three categories whose decks come on their own branches.
STOCKED = [c for c in CATEGORIES if c in {row["category"] for row in STORE.decks() if row["cards"]}]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(minutes=st.integers(3, 240), seed=st.integers(0, 10**6), focus=st.sampled_from(["weak", "even"]))
def test_a_set_fits_its_budget_in_interview_order_and_repeats_for_its_seed(minutes: int, seed: int, focus: str) -> None:
    mock = choose(STORE, NOW, minutes=minutes, seed=seed, focus=focus)
    assert 0 < mock.total_minutes <= minutes
    assert mock.to_json() == choose(STORE, NOW, minutes=minutes, seed=seed, focus=focus).to_json()
    order = [CATEGORIES.index(section.category) for section in mock.sections]
    assert order == sorted(order)
    ids = [q.card.full_id for q in mock.questions]
    assert len(ids) == len(set(ids))


def test_different_seeds_give_different_sets() -> None:
    sets = {tuple(q["card"] for q in choose(STORE, NOW, minutes=45, seed=s, focus="even").to_json()["questions"])
            for s in range(5)}
    assert len(sets) > 1


def test_even_focus_covers_every_category_given_time() -> None:
    mock = choose(STORE, NOW, minutes=90, seed=1, focus="even")
    assert [s.category for s in mock.sections] == STOCKED


@pytest.mark.parametrize("focus", ["weak", "even"])
def test_no_category_is_crowded_out_of_a_45_minute_mock(focus: str) -> None:
    """A long first question in one category must not eat the time of the ones after it."""
    for seed in range(20):
        mock = choose(STORE, NOW, minutes=45, seed=seed, focus=focus)
        assert [s.category for s in mock.sections] == STOCKED, seed


def test_weak_focus_draws_failed_cards_far_more_often() -> None:
    store = bundled_store()
    weak_cards = [c.full_id for c in store.cards(category="trade-offs")[:5]]
    with store.writing():
        for card in weak_cards:
            for days in (1, 2, 3):
                store.save_review(Review(card, NOW - timedelta(days=days), 1, "review"), None)
    picked: Counter[str] = Counter()
    for seed in range(60):
        for focus in ("weak", "even"):
            mock = choose(store, NOW, minutes=45, seed=seed, focus=focus)
            picked[focus] += sum(q.card.full_id in weak_cards for q in mock.questions)
    assert picked["weak"] > 2 * picked["even"]


def test_a_budget_too_small_for_any_question_is_an_error() -> None:
    with pytest.raises(BadValue, match="no question fits in 2 minutes; the shortest takes 3"):
        choose(STORE, NOW, minutes=2, seed=0)


def test_mock_json_contract(run: Invoke) -> None:
    result = run("mock", "--minutes", "30", "--seed", "7", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["minutes"], body["seed"]) == (30, 7)
    assert sum(q["minutes"] for q in body["questions"]) <= 30
    assert all(set(q) == {"card", "category", "kind", "minutes", "prompt"} for q in body["questions"])
    assert run("mock", "--minutes", "30", "--seed", "7", "--format", "json").stdout == result.stdout


def test_mock_sheets_carry_candidate_and_interviewer_parts(run: Invoke, tmp_path: object) -> None:
    html = run("mock", "--seed", "3", "-o", "-").stdout
    assert '<main id="candidate">' in html
    assert '<main id="interviewer" class="page">' in html
    assert html.index('id="candidate"') < html.index('id="interviewer"') < html.index('id="scoring"')
    markdown = run("mock", "--seed", "3", "--format", "md").stdout
    assert "## Candidate copy" in markdown
    assert "## Interviewer copy" in markdown
    assert "- [ ] " in markdown


def test_a_question_never_studied_has_unknown_weakness() -> None:
    sheet = choose(STORE, NOW, minutes=120, seed=1)
    assert sheet.questions
    assert {q.weakness for q in sheet.questions} == {UNSTUDIED_WEAKNESS}
