"""Analytics against small histories whose figures are worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tpmdrill.analytics import (
    activity,
    build_report,
    by_category,
    daily_rows,
    due_forecast,
    forgetting_curve,
    mastery_by_deck,
    pace_new_cards,
    readiness,
    retention_by_week,
)
from tpmdrill.decks import load_deck
from tpmdrill.scheduler import SchedulerConfig, retrievability
from tpmdrill.store import Memory, PointVerdictRow, Review, Store
from tpmdrill.weak import HALF_LIFE_DAYS, weak_areas

from .conftest import MINI_DECKS

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)
IDEM = "mini/idempotency"
RIDE = "mini/ride-sharing"


def mini_store() -> Store:
    store = Store.memory()
    store.sync_deck(load_deck(MINI_DECKS / "mini.toml"), NOW)
    return store


def add_review(store: Store, card: str, days_ago: float, rating: int, *, state_before: int | None = None,
               verdicts: tuple[PointVerdictRow, ...] = ()) -> None:
    with store.writing():
        if state_before is not None:
            store.put_memory(card, memory(stability=10, last_review=NOW - timedelta(days=days_ago + 10)),)
            store.conn.execute("UPDATE memory SET state = ? WHERE card = ?", [state_before, card])
        store.save_review(Review(card, NOW - timedelta(days=days_ago), rating, "review", verdicts=verdicts), None)


def memory(*, stability: float, last_review: datetime, due: datetime | None = None) -> Memory:
    return Memory(state=2, step=None, stability=stability, difficulty=5.0, due=due or NOW + timedelta(days=1),
                  last_review=last_review, reps=1, lapses=0)


def test_point_miss_rate_weighs_each_verdict_by_half_every_thirty_days() -> None:
    store = mini_store()
    point = load_deck(MINI_DECKS / "mini.toml").cards[0].rubric[0].id
    # Missed today (weight 1), hit 30 days ago (0.5) and 60 days ago (0.25): 1 / 1.75.
    for days_ago, hit in ((0, False), (30, True), (60, True)):
        add_review(store, IDEM, days_ago, 3, verdicts=(PointVerdictRow(point, None, hit),))
    [weakest] = weak_areas(store, NOW).points
    assert weakest.card == IDEM
    assert weakest.key == point
    assert weakest.miss_rate == pytest.approx(1 / 1.75, rel=1e-6)
    assert weakest.evidence == 3
    assert HALF_LIFE_DAYS == 30


def test_a_point_needs_three_verdicts_before_it_ranks() -> None:
    store = mini_store()
    point = load_deck(MINI_DECKS / "mini.toml").cards[0].rubric[0].id
    for days_ago in (1, 2):
        add_review(store, IDEM, days_ago, 1, verdicts=(PointVerdictRow(point, None, False),))
    areas = weak_areas(store, NOW)
    assert areas.points == ()
    assert areas.cards == ()


def test_cards_tags_and_categories_rank_by_weighted_again_rate() -> None:
    store = mini_store()
    # idempotency: Again today, Good 30 and 60 days ago -> 1 / 1.75; ride-sharing: all Good.
    for days_ago, rating in ((0, 1), (30, 3), (60, 3)):
        add_review(store, IDEM, days_ago, rating)
    for days_ago in (0, 1, 2):
        add_review(store, RIDE, days_ago, 3)
    areas = weak_areas(store, NOW)
    assert [c.key for c in areas.cards] == [IDEM]
    assert areas.cards[0].miss_rate == pytest.approx(1 / 1.75, rel=1e-6)
    # Six reviews in the category: one Again of weight 1 out of 1 + .5 + .25 + three ~1s.
    [category] = areas.categories
    total = 1.75 + sum(0.5 ** (d / 30) for d in (0, 1, 2))
    assert category.miss_rate == pytest.approx(1 / total, rel=1e-6)
    assert category.evidence == 6
    assert areas.next_cards == (IDEM,)


def test_reviews_older_than_the_window_are_not_read() -> None:
    store = mini_store()
    for days_ago in (200, 201, 202):
        add_review(store, IDEM, days_ago, 1)
    assert weak_areas(store, NOW).cards == ()


def test_true_retention_by_week_counts_only_graduated_cards() -> None:
    store = mini_store()
    # Week of Monday 2026-11-16: a learning review (state_before NULL) rated Again,
    # then three reviews of a graduated card: Good, Again, Hard -> 2 of 3 passed.
    add_review(store, IDEM, 8, 1)  # 2026-11-17
    for days_ago, rating in ((7, 3), (6, 1), (5, 2)):
        add_review(store, RIDE, days_ago, rating, state_before=2)
    weeks = retention_by_week(daily_rows(store, date(2026, 11, 1), NOW.date()))
    [week] = weeks
    assert week.week == date(2026, 11, 16)
    assert (week.reviews, week.mature, week.passed) == (4, 3, 2)
    assert week.retention == pytest.approx(2 / 3)


def test_activity_has_every_day_with_zeros() -> None:
    store = mini_store()
    add_review(store, IDEM, 1, 3)
    add_review(store, RIDE, 1, 3)
    days = activity(daily_rows(store, date(2026, 11, 22), NOW.date()), date(2026, 11, 22), NOW.date())
    assert [(d.day.isoformat(), d.reviews) for d in days] == [
        ("2026-11-22", 0), ("2026-11-23", 0), ("2026-11-24", 2), ("2026-11-25", 0)
    ]


def test_forecast_counts_overdue_cards_today_and_spans_thirty_days() -> None:
    store = mini_store()
    with store.writing():
        store.put_memory(IDEM, memory(stability=3, last_review=NOW - timedelta(days=9), due=NOW - timedelta(days=2)))
        store.put_memory(RIDE, memory(stability=3, last_review=NOW, due=NOW + timedelta(days=3)))
    forecast = due_forecast(store, NOW)
    assert len(forecast) == 30
    assert forecast[0] == (date(2026, 11, 25), 1)
    assert forecast[3] == (date(2026, 11, 28), 1)
    assert sum(count for _, count in forecast) == 2


def test_mastery_recall_matches_fsrs_and_counts_stable_cards() -> None:
    store = mini_store()
    idem = memory(stability=30, last_review=NOW - timedelta(days=10, hours=5))
    ride = memory(stability=5, last_review=NOW - timedelta(days=4))
    with store.writing():
        store.put_memory(IDEM, idem)
        store.put_memory(RIDE, ride)
    config = SchedulerConfig()
    expected = retrievability("concept", idem, NOW, config) + retrievability("design", ride, NOW, config)
    [deck] = mastery_by_deck(store, NOW)
    assert (deck.cards, deck.studied, deck.mastered) == (2, 2, 1)
    assert deck.mean_recall == pytest.approx(expected / 2, rel=1e-9)
    assert deck.mastered_share == 0.5
    [category] = by_category([deck])
    assert category.mean_recall == deck.mean_recall


def test_forgetting_curve_is_fsrs_default() -> None:
    decay, factor = forgetting_curve(SchedulerConfig())
    assert decay == pytest.approx(-0.1542)
    assert (1 + factor * 1) ** decay == pytest.approx(0.9)  # t = S gives 90 %


def test_readiness_projects_recall_to_the_interview_day() -> None:
    store = mini_store()
    idem = memory(stability=20, last_review=NOW - timedelta(days=2))
    with store.writing():
        store.put_memory(IDEM, idem)
    store.put_setting("interview_date", "2026-12-05")
    ready = readiness(store, NOW)
    assert ready is not None
    expected = retrievability("concept", idem, datetime(2026, 12, 5, tzinfo=UTC), SchedulerConfig())
    assert ready.days_left == 10
    assert ready.predicted_recall == pytest.approx(expected, rel=1e-9)
    assert (ready.studied, ready.new_cards) == (1, 1)
    assert ready.new_per_day == 1


@pytest.mark.parametrize(
    ("new", "days_ahead", "expected"),
    [(0, 10, 0), (16, 10, 2), (8, 10, 1), (5, 3, 5), (5, 1, 5), (5, 0, 0), (5, -1, 0)],
)
def test_new_cards_are_paced_to_be_met_three_days_before(new: int, days_ahead: int, expected: int) -> None:
    # 10 days ahead: today plus 7 more days end three days before -> 8 study days.
    assert pace_new_cards(new, NOW.date() + timedelta(days=days_ahead), NOW) == expected


def test_report_of_an_empty_history_still_has_every_part() -> None:
    report = build_report(mini_store(), NOW)
    assert len(report.activity) == 56  # eight weeks, the shortest span
    assert report.has_history is False
    assert report.reviews == 0
    assert report.retention is None
    assert report.weak.points == ()
    assert report.readiness is None


@pytest.mark.parametrize(("first_days_ago", "span_days"), [(3, 56), (100, 100 + 7), (500, 364)])
def test_the_report_spans_the_weeks_with_data_within_8_and_52_weeks(first_days_ago: int, span_days: int) -> None:
    store = mini_store()
    add_review(store, IDEM, first_days_ago, 3)
    report = build_report(store, NOW)
    # 100 days before Wednesday 25 November is Monday 17 August: the span opens that Monday
    # and runs to today inclusive, 101 days; a week more than the 100 is the upper bound checked.
    first = (NOW - timedelta(days=first_days_ago)).date()
    assert len(report.activity) <= span_days
    assert report.activity[-1].day == NOW.date()
    if first_days_ago <= 363:
        assert report.activity[0].day <= first
        assert report.activity[0].day.weekday() == 0 or len(report.activity) == 56
    assert report.has_history is True


def test_learning_agains_count_agains_outside_review_state() -> None:
    store = mini_store()
    add_review(store, IDEM, 3, 1)  # first review: no state before
    add_review(store, IDEM, 2, 1, state_before=1)  # learning
    add_review(store, IDEM, 1, 1, state_before=2)  # a lapse, not a learning Again
    add_review(store, RIDE, 1, 3, state_before=3)  # relearning, passed
    report = build_report(store, NOW)
    assert report.learning_agains == 2
