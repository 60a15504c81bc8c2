"""`weak` on histories whose every printed number is worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tpmdrill.decks import load_deck
from tpmdrill.store import Memory, PointVerdictRow, Review, Store
from tpmdrill.weak import counts_text, pace, priority, weak_areas, when_text

from .conftest import MINI_DECKS

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)  # a Wednesday
IDEM = "mini/idempotency"  # concept, 3 minutes, api-design, tag reliability
RIDE = "mini/ride-sharing"  # design, 15 minutes, api-design, tags rest and resources


def mini_store() -> Store:
    store = Store.memory()
    store.sync_deck(load_deck(MINI_DECKS / "mini.toml"), NOW)
    return store


def review(store: Store, card: str, days_ago: float, rating: int, *, seconds: float | None = None,
           verdicts: tuple[PointVerdictRow, ...] = ()) -> None:
    with store.writing():
        store.save_review(Review(card, NOW - timedelta(days=days_ago), rating, "review", seconds=seconds,
                                 verdicts=verdicts), None)


def stability(store: Store, card: str, days: float) -> None:
    with store.writing():
        store.put_memory(card, Memory(state=2, step=None, stability=days, difficulty=5.0, due=NOW + timedelta(1),
                                      last_review=NOW - timedelta(days=1), reps=3, lapses=0))


def test_counts_window_and_wording_for_a_card_missed_five_of_six_times() -> None:
    store = mini_store()
    for days_ago in (6, 5, 4, 3, 2):  # Thursday 19th .. Monday 23rd
        review(store, IDEM, days_ago, 1)
    review(store, IDEM, 1, 3)  # Good on Tuesday
    areas = weak_areas(store, NOW)
    [card] = areas.cards
    assert (card.misses, card.evidence) == (5, 6)
    assert card.last_missed == NOW - timedelta(days=2)
    assert counts_text(card, NOW) == "missed 5 of your last 6 attempts, last on Monday"
    assert areas.window_days == 6  # the first review, six days ago, opens the window
    assert areas.since == NOW - timedelta(days=6)
    [tag] = areas.tags
    assert (tag.key, counts_text(tag, NOW)) == ("reliability", "missed 5 of your last 6 reviews, last on Monday")


def test_the_window_is_at_most_180_days_and_one_day_with_no_history() -> None:
    store = mini_store()
    assert weak_areas(store, NOW).window_days == 1
    review(store, IDEM, 400, 1)
    assert weak_areas(store, NOW).window_days == 180


@pytest.mark.parametrize(("days_ago", "text"), [
    (0.1, "today"), (1, "yesterday"), (2, "on Monday"), (6, "on Thursday"), (7, "on 2026-11-18"),
])
def test_when_a_miss_happened_reads_as_a_person_says_it(days_ago: float, text: str) -> None:
    assert when_text(NOW - timedelta(days=days_ago), NOW) == text


def test_ordering_weighs_recency_and_closeness_to_learnt() -> None:
    store = mini_store()
    for _ in range(3):
        review(store, IDEM, 7, 1)  # all missed, a week ago: recency 0.5
        review(store, RIDE, 0, 1)  # all missed, today: recency 1
    stability(store, IDEM, 21.0)  # learnt: closeness 1, factor (1 + 1) / 2 = 1
    # RIDE has no memory state: closeness 0, factor 1/2.
    areas = weak_areas(store, NOW)
    by_key = {c.key: c for c in areas.cards}
    assert by_key[IDEM].priority == pytest.approx(1 * 1.0 * 0.5 * 1.0)
    assert by_key[RIDE].priority == pytest.approx(1 * 1.0 * 1.0 * 0.5)
    # A tie at 0.5: the higher weighted miss rate, then more evidence, then the key decide.
    assert [c.key for c in areas.cards] == [IDEM, RIDE]
    stability(store, IDEM, 10.5)  # closeness 0.5: 0.5 * 0.75 = 0.375, now below RIDE
    assert [c.key for c in weak_areas(store, NOW).cards] == [RIDE, IDEM]
    assert weak_areas(store, NOW).next_cards == (RIDE, IDEM)


def test_priority_is_the_product_the_docs_state() -> None:
    missed = NOW - timedelta(days=14)
    assert priority(1.0, 0.8, missed, 0.5, NOW) == pytest.approx(0.8 * 0.25 * 0.75)
    assert priority(0.5, 1.0, NOW, 0.0, NOW) == pytest.approx(0.25)
    assert priority(1.0, 1.0, None, 1.0, NOW) == 0.0


def test_minutes_use_the_median_time_per_kind_or_the_cards_own_minutes() -> None:
    store = mini_store()
    for days_ago, seconds in ((3, 60), (2, 600), (1, 120), (0.5, 180)):  # concept: median (120 + 180) / 2
        review(store, IDEM, days_ago, 1, seconds=seconds)
    for days_ago in (3, 2, 1):
        review(store, RIDE, days_ago, 1, seconds=900 if days_ago < 3 else None)  # two timed: too few
    user_pace = pace(store, NOW - timedelta(days=30))
    assert user_pace.seconds == {"concept": 150.0, "design": 900.0}
    assert user_pace.reviews == {"concept": 4, "design": 2}
    areas = weak_areas(store, NOW)
    assert set(areas.next_cards) == {IDEM, RIDE}
    assert areas.minutes == 18  # 2.5 at the concept pace + 15 of the design card's own, rounded up
    assert areas.to_json()["minutes"] == 18
    assert areas.to_json()["pace"] == {"concept": {"seconds": 150.0, "reviews": 4},
                                       "design": {"seconds": 900.0, "reviews": 2}}


def test_points_count_verdicts_and_skip_points_never_missed() -> None:
    store = mini_store()
    point, other = (p.id for p in load_deck(MINI_DECKS / "mini.toml").cards[0].rubric[:2])
    for days_ago, hit in ((3, False), (2, True), (1, False)):
        verdicts = (PointVerdictRow(point, None, hit), PointVerdictRow(other, None, True))
        review(store, IDEM, days_ago, 3, verdicts=verdicts)
    [weakest] = weak_areas(store, NOW).points
    assert (weakest.key, weakest.misses, weakest.evidence) == (point, 2, 3)
    assert counts_text(weakest, NOW) == "missed 2 of your last 3 attempts, last yesterday"
    assert weakest.command == f"tpmdrill drill --card {IDEM}"


def test_skills_rated_below_four_carry_the_reviews_of_their_cards() -> None:
    store = mini_store()
    for days_ago in (3, 2, 1):
        review(store, IDEM, days_ago, 1)
        review(store, RIDE, days_ago, 3)
    ratings = {"api-design": 2, "client-server": 4, "caching": 1}
    skills = weak_areas(store, NOW, skills=ratings).skills
    assert [(s.key, s.rating, s.misses, s.evidence) for s in skills] == [("caching", 1, 0, 0), ("api-design", 2, 3, 6)]
    assert counts_text(skills[0], NOW) == "rated 1 of 5; no reviews of its cards yet"
    assert counts_text(skills[1], NOW) == "rated 2 of 5; its cards missed 3 of your last 6 reviews, last yesterday"
