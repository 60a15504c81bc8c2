from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.assess import (
    BANDS,
    NoAssessment,
    band_for,
    find_gaps,
    gap_skills,
    parse_ratings,
    record_assessment,
    summarize_ratings,
)
from tpmdrill.decks import Card, Deck
from tpmdrill.errors import BadValue
from tpmdrill.scheduler import record_review
from tpmdrill.skills import DIMENSIONS, SKILLS
from tpmdrill.store import Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ORDER = list(SKILLS)


def ratings_with_total(total: int) -> dict[str, int | None]:
    """Ratings adding up to `total`, skipping skills when the total is under 28."""
    ratings: dict[str, int | None] = dict.fromkeys(SKILLS)
    left = total
    for skill in ORDER:
        if left <= 0:
            break
        value = min(5, left)
        ratings[skill] = value
        left -= value
    return ratings


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "start with fundamentals"), (24, "start with fundamentals"), (25, "learning phase"),
     (49, "learning phase"), (50, "solid foundations"), (79, "solid foundations"),
     (80, "already a technical PM"), (140, "already a technical PM")],
)
def test_band_boundaries(total: int, band: str) -> None:
    summary = summarize_ratings(ratings_with_total(total))
    assert summary.total == total
    assert summary.band.name == band
    assert band_for(total).name == band


def test_bands_cover_every_total_once() -> None:
    for total in range(141):
        assert sum(1 for b in BANDS if b.low <= total <= b.high) == 1


def test_skipped_skills_count_zero_and_subtotals_add_up() -> None:
    ratings: dict[str, int | None] = dict.fromkeys(SKILLS, 3)
    ratings["sql"] = None
    ratings["caching"] = None
    summary = summarize_ratings(ratings)
    assert summary.rated == 26
    assert summary.total == 78
    assert summary.subtotals["Data & Analytics"] == 18
    assert summary.subtotals["Systems & Architecture"] == 18
    assert summary.subtotals["Development Practices"] == 21
    assert summary.to_json()["skipped"] == 2


@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=28, max_size=28))
def test_total_is_sum_of_subtotals_and_within_bounds(values: list[int | None]) -> None:
    summary = summarize_ratings(dict(zip(ORDER, values, strict=True)))
    assert summary.total == sum(summary.subtotals.values()) == sum(v or 0 for v in values)
    assert summary.band.low <= summary.total <= summary.band.high
    assert set(summary.subtotals) == set(DIMENSIONS)


def test_parse_ratings_top_level_and_table() -> None:
    flat = parse_ratings('sql = 2\ncaching = "skip"\napi-design = 5\n')
    table = parse_ratings('[ratings]\nsql = 2\napi-design = 5\n')
    assert flat == {"sql": 2, "caching": None, "api-design": 5}  # only what the file names; a skip is None
    assert table == {"sql": 2, "api-design": 5}


@pytest.mark.parametrize(
    ("text", "message"),
    [("sql = 6", "ratings file: skill 'sql': rating 6 must be 1-5 or \"skip\""),
     ("sql = true", "ratings file: skill 'sql': rating True must be 1-5 or \"skip\""),
     ("cooking = 3", "ratings file: unknown skill 'cooking'; skills: client-server, "),
     ("sql = ", "ratings file: malformed TOML: ")],
)
def test_parse_ratings_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(BadValue) as info:
        parse_ratings(text)
    assert str(info.value).startswith(message)


def test_record_assessment_reports_change_since_last() -> None:
    store = Store.memory()
    first = record_assessment(store, {"sql": 2, "caching": 3}, T0)
    assert first.change is None
    second = record_assessment(store, {"sql": 4, "caching": 3, "agile": 1}, T0 + timedelta(days=30))
    assert second.change is not None
    assert second.change.total == 3
    assert second.change.previous_taken_at == T0
    assert second.change.moved == {"sql": (2, 4), "agile": (None, 1)}
    assert second.change.subtotals["Data & Analytics"] == 2
    assert second.change.subtotals["Development Practices"] == 1
    assert [a[0] for a in store.assessments()] == [second.id, first.id]


def test_a_partial_assessment_carries_the_other_skills_over_marked_as_such() -> None:
    store = Store.memory()
    every = record_assessment(store, dict.fromkeys(SKILLS, 3), T0)
    assert every.summary.total == 84 and every.carried == ()
    later = T0 + timedelta(days=7)
    partial = record_assessment(store, {"sql": 5, "caching": None}, later, carry_over=True)
    assert partial.summary.total == 84 - 3 + 2  # caching cleared, sql raised; the other 26 kept
    assert partial.carried == tuple(s for s in SKILLS if s not in ("sql", "caching"))
    assert partial.summary.ratings["agile"] == 3 and partial.summary.ratings["caching"] is None
    assert partial.change is not None and partial.change.moved == {"caching": (3, None), "sql": (3, 5)}
    assert store.carried_skills(partial.id) == set(partial.carried)
    assert store.carried_skills(every.id) == set()
    assert store.assessments(limit=1)[0].ratings == partial.summary.ratings
    assert partial.to_json()["carried_over"] == list(partial.carried)


def test_carrying_over_keeps_skips_skipped_and_needs_an_earlier_assessment() -> None:
    store = Store.memory()
    first = record_assessment(store, {"sql": 2}, T0, carry_over=True)  # nothing before it to carry
    assert first.carried == () and first.summary.rated == 1
    second = record_assessment(store, {"agile": 4}, T0 + timedelta(days=1), carry_over=True)
    assert second.carried == ("sql",)  # skipped skills stay skipped, not "carried"
    assert (second.summary.total, second.summary.rated) == (6, 2)
    plain = record_assessment(store, {"agile": 4}, T0 + timedelta(days=2))
    assert plain.carried == () and plain.summary.ratings["sql"] is None


def test_gap_skills_lowest_first_ignoring_skipped_and_strong() -> None:
    ratings = {"sql": 3, "caching": 1, "agile": 4, "api-design": 1, "ci-cd": None, "security": 2}
    assert gap_skills(ratings) == ["caching", "api-design", "security", "sql"]


def _card(deck: str, key: str, skills: tuple[str, ...], kind: str = "concept") -> Card:
    return Card(deck=deck, id=key, kind=kind, prompt=f"Explain {key}.", minutes=3, tags=(),
                skills=skills, answer="Because.")


def test_find_gaps_lists_training_cards_and_progress() -> None:
    store = Store.memory()
    cards = (_card("d", "a", ("caching",)), _card("d", "b", ("caching", "sql")), _card("d", "c", ("agile",)))
    store.sync_deck(Deck("d", "D", "data", "", cards), T0)
    record_review(store, "d/b", 1, T0)
    record_assessment(store, {"caching": 2, "sql": 1, "agile": 4}, T0)
    taken_at, gaps, total = find_gaps(store, T0 + timedelta(days=1))
    assert total == len(gaps)
    assert taken_at == T0
    assert [g.skill for g in gaps] == ["sql", "caching"]
    sql, caching = gaps
    assert [c.card for c in sql.cards] == ["d/b"]
    assert [c.card for c in caching.cards] == ["d/a", "d/b"]
    assert caching.decks == ["d"]
    progress = caching.progress()
    assert progress["cards"] == 2
    assert progress["studied"] == 1
    assert caching.cards[1].last_rating == 1
    assert caching.cards[0].state == "new"
    assert caching.cards[0].recall is None
    assert 0 < (caching.cards[1].recall or 0) < 1


def test_find_gaps_without_assessment() -> None:
    with pytest.raises(NoAssessment):
        find_gaps(Store.memory(), T0)
