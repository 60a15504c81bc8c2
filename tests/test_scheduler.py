"""The schedule stored through `tpmdrill review` is exactly what `fsrs.Scheduler` gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpmdrill.errors import BadValue
from tpmdrill.scheduler import SchedulerConfig, next_memory, record_review
from tpmdrill.store import Store

from .conftest import MINI_DECKS, Invoke

GOLDEN_RATINGS = ["good"] * 6 + ["again", "again"] + ["good"] * 5
GOLDEN_INTERVALS = [0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21]


def test_golden_intervals_through_the_cli_and_database(mini: Invoke) -> None:
    assert mini("config", "set", "fuzz", "false").exit_code == 0
    at = datetime(2022, 11, 29, 12, 30, tzinfo=UTC)
    intervals = []
    for rating in GOLDEN_RATINGS:
        result = mini("review", "mini/idempotency", "--rating", rating, "--at", at.isoformat(), "--json")
        assert result.exit_code == 0, result.output
        due = datetime.fromisoformat(json.loads(result.stdout)["due"])
        intervals.append((due - at).days)
        at = due
    assert intervals == GOLDEN_INTERVALS
    shown = json.loads(mini("card", "mini/idempotency", "--json").stdout)
    assert len(shown["reviews"]) == len(GOLDEN_RATINGS)
    assert shown["due"] == at.isoformat()


def test_design_cards_have_no_learning_steps(mini: Invoke) -> None:
    mini("config", "set", "fuzz", "false")
    result = mini("review", "mini/ride-sharing", "--rating", "again", "--at", "2024-01-01T09:00:00+00:00", "--json")
    body = json.loads(result.stdout)
    assert body["state"] == "review"
    assert datetime.fromisoformat(body["due"]) - datetime(2024, 1, 1, 9, tzinfo=UTC) >= timedelta(days=1)


reviews = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 60 * 24 * 40)),  # rating, minutes after the due date
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=reviews, kind=st.sampled_from(["concept", "design"]))
def test_stored_state_equals_the_reference_scheduler(sequence: list[tuple[int, int]], kind: str) -> None:
    from tpmdrill.decks import load_deck

    store = Store.memory()
    store.put_setting("fuzz", False)
    store.sync_deck(load_deck(MINI_DECKS / "mini.toml"), datetime(2022, 1, 1, tzinfo=UTC))
    card_id = "mini/idempotency" if kind == "concept" else "mini/ride-sharing"
    steps = {} if kind == "concept" else {"learning_steps": (), "relearning_steps": ()}
    reference = fsrs.Scheduler(enable_fuzzing=False, **steps)
    at = datetime(2022, 11, 29, 12, 30, tzinfo=UTC)
    expected = fsrs.Card(card_id=1, due=at)
    for rating, late in sequence:
        expected, _ = reference.review_card(expected, fsrs.Rating(rating), at)
        _, memory = record_review(store, card_id, rating, at)
        assert memory is not None
        stored = store.memory_of(card_id)
        assert stored == memory
        assert stored.due == expected.due
        assert stored.stability == expected.stability
        assert stored.difficulty == expected.difficulty
        assert stored.state == int(expected.state)
        assert stored.step == expected.step
        at = expected.due + timedelta(minutes=late)


def test_review_before_last_review_is_refused() -> None:
    at = datetime(2024, 1, 1, tzinfo=UTC)
    memory = next_memory("concept", None, 3, at, SchedulerConfig(fuzz=False))
    with pytest.raises(BadValue, match="before the card's last review"):
        next_memory("concept", memory, 3, at - timedelta(hours=1), SchedulerConfig(fuzz=False))
