from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.assess import record_assessment
from tpmdrill.decks import Card, Deck, RubricPoint
from tpmdrill.scheduler import record_review
from tpmdrill.session import (
    Filters,
    QueueItem,
    day_start,
    due_tomorrow,
    extra_new_cards,
    fit_budget,
    order_new,
    plan_cram,
    plan_session,
    skill_priority,
)
from tpmdrill.store import PointVerdictRow, Store
from tpmdrill.store.rows import NewCard

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
POINTS = (RubricPoint("a", "Point A", ("alpha",)), RubricPoint("b", "Point B", ("beta",)))


def card(key: str, *, deck: str = "d", kind: str = "design", minutes: int = 5,
         skills: tuple[str, ...] = ("api-design",)) -> Card:
    return Card(deck=deck, id=key, kind=kind, prompt=f"Question {key}?", minutes=minutes, tags=(),
                skills=skills, answer="Answer.", rubric=POINTS)


def store_with(*decks: tuple[str, str, tuple[Card, ...]]) -> Store:
    store = Store.memory()
    for deck_id, category, cards in decks:
        store.sync_deck(Deck(deck_id, deck_id.title(), category, "", cards), T0)
    return store


def ids(items: tuple[QueueItem, ...] | list[QueueItem]) -> list[str]:
    return [item.card.full_id for item in items]


def test_order_new_puts_gap_skills_first_lowest_rating_first() -> None:
    cards = [NewCard(card("a", skills=("sql",)), 0), NewCard(card("b", skills=("caching",)), 1),
             NewCard(card("c", skills=("agile", "caching")), 2), NewCard(card("d", skills=("security",)), 3)]
    ratings = {"sql": 4, "caching": 3, "agile": 1, "security": None}
    assert [c.id for c in order_new(cards, ratings)] == ["c", "b", "a", "d"]
    assert [c.id for c in order_new(cards, None)] == ["a", "b", "c", "d"]
    assert skill_priority(cards[0].card, ratings) == 5


def test_order_new_interleaves_decks_by_position() -> None:
    cards = [NewCard(card("x1", deck="x"), 0), NewCard(card("x2", deck="x"), 1), NewCard(card("y1", deck="y"), 0)]
    assert [c.full_id for c in order_new(cards, None)] == ["x/x1", "y/y1", "x/x2"]


@given(st.lists(st.integers(1, 20), max_size=12), st.one_of(st.none(), st.integers(0, 60)))
def test_fit_budget_keeps_order_and_budget(minutes: list[int], budget: int | None) -> None:
    items = [QueueItem(card(f"c{i}", minutes=m), "new") for i, m in enumerate(minutes)]
    chosen = fit_budget(items, budget)
    positions = [items.index(item) for item in chosen]
    assert positions == sorted(positions)
    if budget is None:
        assert chosen == items
    elif sum(i.card.minutes for i in chosen) > budget:
        assert chosen == items[:1]  # only the too-long first card of an impossible budget
    if items:
        assert chosen


def test_due_first_least_recalled_first_then_new_up_to_limit() -> None:
    cards = tuple(card(f"c{i}") for i in range(10))
    store = store_with(("d", "api-design", cards))
    record_review(store, "d/c0", 3, T0 - timedelta(days=40))  # good: long interval, recalled well
    record_review(store, "d/c1", 1, T0 - timedelta(days=40))  # again: weak memory
    now = T0 + timedelta(days=60)
    plan = plan_session(store, now)
    assert ids(plan.items)[:2] == ["d/c1", "d/c0"]
    assert [i.reason for i in plan.items] == ["due", "due"] + ["new"] * 5
    assert plan.due == 2
    assert plan.new_available == 8
    assert (plan.items[0].recall or 0) < (plan.items[1].recall or 0)


def test_new_cards_started_today_count_against_the_allowance() -> None:
    store = store_with(("d", "api-design", tuple(card(f"c{i}") for i in range(10))))
    store.put_setting("new_per_day", 3)
    record_review(store, "d/c0", 3, T0)
    record_review(store, "d/c1", 3, T0, reschedule=False, mode="cram")  # not a start
    later = T0 + timedelta(hours=2)
    plan = plan_session(store, later)
    assert plan.new_left == 2
    assert [i.reason for i in plan.items] == ["new", "new"]
    assert len(plan_session(store, later, new_limit=3).items) == 3
    assert plan_session(store, day_start(T0) + timedelta(days=1)).new_left == 3


def test_self_assessment_orders_new_cards() -> None:
    cards = (card("a", skills=("api-design",)), card("b", skills=("sql",)), card("c", skills=("caching",)))
    store = store_with(("d", "data", cards))
    record_assessment(store, {"api-design": 5, "sql": 3, "caching": 1}, T0)
    assert ids(plan_session(store, T0).items) == ["d/c", "d/b", "d/a"]


def test_filters_and_time_budget() -> None:
    store = store_with(
        ("d", "api-design", (card("long", minutes=15), card("short", kind="concept", minutes=3))),
        ("e", "data", (card("mid", deck="e", minutes=8),)),
    )
    assert ids(plan_session(store, T0, filters=Filters(kind="concept")).items) == ["d/short"]
    assert ids(plan_session(store, T0, filters=Filters(category="data")).items) == ["e/mid"]
    assert ids(plan_session(store, T0, filters=Filters(deck="d")).items) == ["d/long", "d/short"]
    budgeted = plan_session(store, T0, minutes=12)
    assert ids(budgeted.items) == ["e/mid", "d/short"]
    assert budgeted.planned_minutes == 11


def _review_with_misses(store: Store, card_id: str, misses: int, at: datetime, rating: int = 3) -> None:
    verdicts = tuple(PointVerdictRow(p.id, i >= misses, i >= misses) for i, p in enumerate(POINTS))
    record_review(store, card_id, rating, at, verdicts=verdicts)


def test_cram_picks_recent_trouble_due_or_not() -> None:
    store = store_with(("d", "api-design", tuple(card(f"c{i}") for i in range(4))))
    _review_with_misses(store, "d/c0", 0, T0)
    _review_with_misses(store, "d/c1", 1, T0)
    _review_with_misses(store, "d/c2", 2, T0)
    _review_with_misses(store, "d/c3", 1, T0, rating=1)
    plan = plan_cram(store, T0 + timedelta(hours=1))
    assert plan.cram
    assert ids(plan.items) == ["d/c3", "d/c2", "d/c1"]  # clean d/c0 and unstudied cards are left out
    assert all(i.reason == "weak" for i in plan.items)


def test_cram_looks_at_recent_reviews_only() -> None:
    store = store_with(("d", "api-design", (card("c0"),)))
    _review_with_misses(store, "d/c0", 2, T0)
    for day in (3, 10, 30):
        _review_with_misses(store, "d/c0", 0, T0 + timedelta(days=day))
    assert plan_cram(store, T0 + timedelta(days=31)).items == ()


def test_due_tomorrow_counts_the_next_utc_day() -> None:
    store = store_with(("d", "api-design", (card("c0"), card("c1"))))
    record_review(store, "d/c0", 3, T0)
    memory = store.memory_of("d/c0")
    assert memory is not None
    assert due_tomorrow(store, memory.due - timedelta(days=1)) == 1
    assert due_tomorrow(store, memory.due) == 0


def test_extra_new_cards_offer_one_more_days_worth_at_most_what_is_left() -> None:
    store = store_with(("d", "api-design", tuple(card(f"c{n}") for n in range(7))))
    plan = plan_session(store, T0)
    assert (plan.new_available, extra_new_cards(store, plan)) == (7, 5)
    store.put_setting("new_per_day", 1)
    assert extra_new_cards(store, plan) == 1
    store.put_setting("new_per_day", 20)
    assert extra_new_cards(store, plan) == 7
