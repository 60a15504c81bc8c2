"""The interview-date rule: before the day, every review leaves the card either due
before the day or with predicted recall on the day at or above the target."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpmdrill.analytics import readiness
from tpmdrill.decks import load_deck
from tpmdrill.errors import BadValue
from tpmdrill.interview import (
    clear_interview,
    countdown_line,
    new_cards_per_day_needed,
    parse_day,
    set_interview,
)
from tpmdrill.scheduler import SchedulerConfig, next_memory, record_review, retrievability
from tpmdrill.store import Memory, Store

from .conftest import MINI_DECKS, Invoke

START = datetime(2026, 9, 1, 9, tzinfo=UTC)
IDEM = "mini/idempotency"


def mini_store() -> Store:
    store = Store.memory()
    store.sync_deck(load_deck(MINI_DECKS / "mini.toml"), START)
    store.put_setting("fuzz", False)
    return store


reviews = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 60 * 24 * 20)),  # rating, minutes after the previous due
    min_size=1,
    max_size=10,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sequence=reviews,
    kind_card=st.sampled_from([("concept", IDEM), ("design", "mini/ride-sharing")]),
    days_to_interview=st.integers(2, 120),
    target=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_every_review_before_the_day_keeps_recall_or_brings_the_card_back(
    sequence: list[tuple[int, int]], kind_card: tuple[str, str], days_to_interview: int, target: float
) -> None:
    kind, card = kind_card
    store = mini_store()
    day = (START + timedelta(days=days_to_interview)).date()
    store.put_setting("interview_date", day.isoformat())
    store.put_setting("interview_retention", target)
    interview = datetime(day.year, day.month, day.day, tzinfo=UTC)
    config = SchedulerConfig(fuzz=False)
    at = START
    for rating, late in sequence:
        if at >= interview:
            break
        _, memory = record_review(store, card, rating, at)
        assert memory is not None
        assert memory.due >= at
        on_the_day = retrievability(kind, memory, interview, config)
        assert memory.due < interview or on_the_day >= target
        at = memory.due + timedelta(minutes=late)


def test_without_a_date_the_schedule_is_fsrs_unchanged() -> None:
    store = mini_store()
    _, stored = record_review(store, IDEM, 3, START)
    assert stored == next_memory("concept", None, 3, START, SchedulerConfig(fuzz=False))


def test_after_the_day_scheduling_is_normal_again() -> None:
    store = mini_store()
    store.put_setting("interview_date", "2026-08-01")
    at = START
    memory: Memory | None = None
    for rating in (3, 3, 3):
        expected = next_memory("concept", memory, rating, at, SchedulerConfig(fuzz=False))
        _, memory = record_review(store, IDEM, rating, at)
        assert memory == expected
        at = memory.due


def test_a_long_interval_is_cut_to_the_day_before() -> None:
    store = mini_store()
    _, first = record_review(store, "mini/ride-sharing", 3, START)
    assert first is not None
    # The second Good gives stability ~11 days and an 11-day interval; with the interview
    # six days later (five whole days after the review), recall on the day (~94 %) is
    # under the 95 % target.
    store.put_setting("interview_date", (first.due + timedelta(days=6)).date().isoformat())
    _, capped = record_review(store, "mini/ride-sharing", 3, first.due)
    natural = next_memory("design", first, 3, first.due, SchedulerConfig(fuzz=False))
    assert capped is not None
    interview = datetime.combine((first.due + timedelta(days=6)).date(), datetime.min.time(), UTC)
    assert natural.due > interview
    assert capped.due == interview - timedelta(days=1)
    assert (capped.stability, capped.difficulty) == (natural.stability, natural.difficulty)


def test_setting_the_date_brings_forward_cards_scheduled_past_it() -> None:
    store = mini_store()
    weak = Memory(2, None, 3.0, 5.0, START + timedelta(days=30), START, 1, 0)
    strong = Memory(2, None, 900.0, 5.0, START + timedelta(days=30), START, 1, 0)
    with store.writing():
        store.put_memory(IDEM, weak)
        store.put_memory("mini/ride-sharing", strong)
    moved = set_interview(store, date(2026, 9, 20), START)
    assert moved == 1
    brought = store.memory_of(IDEM)
    assert brought is not None
    assert brought.due == datetime(2026, 9, 19, tzinfo=UTC)
    assert store.memory_of("mini/ride-sharing") == strong


def test_pacing_and_countdown() -> None:
    store = mini_store()
    assert new_cards_per_day_needed(store, START) == 0
    assert countdown_line(store, START) is None
    set_interview(store, date(2026, 9, 13), START)  # 12 days: 10 study days for 2 new cards
    assert new_cards_per_day_needed(store, START) == 1
    assert countdown_line(store, START) == "Interview in 12 days (2026-09-13) — no cards studied yet"
    record_review(store, IDEM, 3, START)
    line = countdown_line(store, START)
    assert line is not None
    assert line.startswith("Interview in 12 days (2026-09-13) — predicted recall ")
    clear_interview(store)
    assert readiness(store, START) is None


def test_a_date_in_the_past_or_malformed_is_refused() -> None:
    store = mini_store()
    with pytest.raises(BadValue, match="is not after today"):
        set_interview(store, date(2026, 9, 1), START)
    with pytest.raises(BadValue, match="not a date"):
        parse_day("next friday")


def test_interview_commands(mini: Invoke) -> None:
    env = {"TPMDRILL_NOW": "2026-11-25T08:00:00+00:00"}
    assert mini("interview", "status", env=env).stderr == (
        "Error: no interview date set; set one with 'tpmdrill interview set YYYY-MM-DD'\n"
    )
    result = mini("interview", "set", "2026-12-07", env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Interview in 12 days (2026-12-07)")
    mini("review", IDEM, "--rating", "good", "--at", "2026-11-24T08:00:00+00:00")
    body = json.loads(mini("interview", "status", "--json", env=env).stdout)
    assert set(body) >= {"date", "days_left", "predicted_recall", "categories"}
    assert (body["date"], body["days_left"]) == ("2026-12-07", 12)
    assert 0 < body["predicted_recall"] < 1
    assert body["categories"]["api-design"] == body["predicted_recall"]
    assert body["categories"]["data"] is None
    due = mini("due", env=env)
    assert due.stdout.splitlines()[0].startswith("Interview in 12 days (2026-12-07) — predicted recall ")
    assert json.loads(mini("due", "--json", env=env).stdout)["interview"]["date"] == "2026-12-07"
    assert mini("interview", "clear", env=env).stdout == "Interview date cleared.\n"
    assert "interview" not in json.loads(mini("due", "--json", env=env).stdout)
    bad = mini("interview", "set", "2026-11-01", env=env)
    assert (bad.exit_code, bad.stderr) == (1, "Error: interview date 2026-11-01 is not after today (2026-11-25)\n")
