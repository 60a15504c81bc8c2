"""Sessions in real time on a simulated clock: budgets at the user's pace, learning
cards coming back within the session, the backlog at the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.test_session import card, store_with
from tpmdrill.budget import SessionClock, SessionQueue, backlog
from tpmdrill.pace import MIN_TIMED, Pace, duration_text, factor_of, measured
from tpmdrill.scheduler import record_review
from tpmdrill.session import QueueItem, plan_session
from tpmdrill.store import Store

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


class Stopwatch:
    """A simulated monotonic clock: time moves only when the test says so."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


def design_store(count: int = 30) -> Store:
    return store_with(("d", "system-design", tuple(card(f"q{n:02d}", minutes=5) for n in range(count))))


def record_pace(store: Store, seconds: float, count: int = 8) -> None:
    """Timed reviews from last week: this user takes `seconds` on a 5-minute design card."""
    for n in range(count):
        record_review(store, f"d/q{n:02d}", 3, NOW - timedelta(days=7, minutes=-n), seconds=seconds)


def run_session(store: Store, queue: SessionQueue, clock: SessionClock, watch: Stopwatch,
                answer_seconds: float, rating: int = 3) -> list[str]:
    """Answer every card the queue offers, each taking `answer_seconds`; the ids shown."""
    shown = []
    while (item := queue.next(clock.now(), clock.elapsed())) is not None:
        shown.append(item.card.full_id)
        watch.advance(answer_seconds)
        _, memory = record_review(store, item.card.full_id, rating, clock.now(), seconds=answer_seconds)
        queue.reviewed(item, memory)
    return shown


def test_pace_is_the_median_ratio_once_there_are_enough_timed_reviews() -> None:
    assert factor_of([(450.0, 5)] * (MIN_TIMED - 1)) is None
    assert factor_of([(450.0, 5), (300.0, 5), (900.0, 5), (150.0, 5), (600.0, 5)]) == 1.5
    store = design_store()
    assert measured(store, NOW).factor("design") == 1.0
    record_pace(store, 450.0)
    pace = measured(store, NOW)
    assert pace.factor("design") == 1.5 and pace.factor("concept") == 1.0
    assert pace.seconds("design", 10) == 900.0
    assert [duration_text(m) for m in (0.4, 25, 60, 110)] == ["0 min", "25 min", "1 h", "1 h 50 min"]


def test_a_twenty_minute_budget_holds_about_twenty_minutes_at_the_recorded_pace() -> None:
    store = design_store()
    record_pace(store, 450.0)  # 7.5 minutes on a card that says 5
    pace = measured(store, NOW)
    plan = plan_session(store, NOW, minutes=20, pace=pace, new_limit=0)
    assert len(plan.items) == 2  # by the cards' own minutes, 4 would have been planned: 30 real minutes
    watch = Stopwatch()
    clock = SessionClock(NOW, watch)
    queue = SessionQueue(plan.items, plan.reserve, pace, 20 * 60.0)
    shown = run_session(store, queue, clock, watch, 450.0)
    assert 20 * 60 - 450 <= clock.elapsed() <= 20 * 60 + 450
    assert len(shown) == 2


def test_cards_are_added_while_time_remains() -> None:
    store = design_store()
    record_pace(store, 450.0)
    pace = measured(store, NOW)
    plan = plan_session(store, NOW, minutes=20, pace=pace, new_limit=0)
    watch = Stopwatch()
    clock = SessionClock(NOW, watch)
    queue = SessionQueue(plan.items, plan.reserve, pace, 20 * 60.0)
    shown = run_session(store, queue, clock, watch, 200.0)  # faster than usual today
    assert len(shown) > len(plan.items)
    assert clock.elapsed() <= 20 * 60 + 200
    assert queue.out_of_time(clock.elapsed())


def test_a_concept_card_rated_again_comes_back_in_the_session_after_its_step() -> None:
    store = store_with(("d", "api-design", (card("fact", kind="concept", minutes=2), card("big", minutes=5),
                                            card("bigger", minutes=5))))
    items = [QueueItem(store.card(f"d/{key}"), "new") for key in ("fact", "big", "bigger")]
    watch = Stopwatch()
    clock = SessionClock(NOW, watch)
    queue = SessionQueue(items, [], Pace(), 30 * 60.0)
    first = queue.next(clock.now(), clock.elapsed())
    assert first is not None and first.card.id == "fact"
    watch.advance(90)
    _, memory = record_review(store, "d/fact", 1, clock.now())  # Again: back in one minute
    assert memory is not None and memory.state == 1 and memory.due == clock.now() + timedelta(minutes=1)
    queue.reviewed(first, memory)
    assert queue.next(clock.now(), clock.elapsed()).card.id == "big"  # type: ignore[union-attr]  # not due yet
    watch.advance(300)
    back = queue.next(clock.now(), clock.elapsed())
    assert back is not None and (back.card.id, back.reason) == ("fact", "learning")  # before the new card
    watch.advance(60)
    _, memory = record_review(store, "d/fact", 3, clock.now())
    queue.reviewed(back, memory)  # Good: the 10-minute step
    assert queue.next(clock.now(), clock.elapsed()).card.id == "bigger"  # type: ignore[union-attr]
    watch.advance(300)
    early = queue.next(clock.now(), clock.elapsed())  # nothing else left: shown a little early
    assert early is not None and early.card.id == "fact"
    assert queue.next(clock.now(), clock.elapsed()) is None


def test_the_backlog_is_the_sum_of_each_cards_minutes_at_the_users_pace() -> None:
    store = store_with(("d", "data", (*(card(f"q{n}", minutes=m) for n, m in enumerate((5, 10, 15))),
                                       card("c1", kind="concept", minutes=3), card("c2", kind="concept", minutes=2))))
    for key in ("q0", "q1", "q2", "c1", "c2"):
        record_review(store, f"d/{key}", 3, NOW - timedelta(days=30))
    pace = Pace({"design": 1.4, "concept": 0.6})
    left = backlog(store, NOW, pace)
    assert left.cards == 5
    assert left.minutes == pytest.approx(1.4 * (5 + 10 + 15) + 0.6 * (3 + 2))
    assert left.text() == "5 due, about 45 min at your pace"
