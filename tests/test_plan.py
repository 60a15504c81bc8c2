"""The plan to the interview day: properties over random histories, budgets and dates."""

from __future__ import annotations

from datetime import date, timedelta

from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from tpmdrill.plan import Curve, PlanCard, StudyPlan, first_day_minutes, follow_ups, make_plan

TODAY = date(2025, 3, 1)
CURVE = Curve(DEFAULT_PARAMETERS)
KINDS = ("concept", "design", "trade-off", "sql")


@st.composite
def plan_cards(draw: st.DrawFn) -> list[PlanCard]:
    cards = []
    for number in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(KINDS))
        minutes = draw(st.sampled_from((2.0, 3.0, 4.5, 10.0, 15.0, 20.0)))
        if draw(st.booleans()):
            cards.append(PlanCard(f"c{number}", kind, minutes, "data", None,
                                  value=draw(st.floats(0.5, 6.0)), position=number))
            continue
        last = TODAY - timedelta(days=draw(st.integers(0, 60)))
        due = last + timedelta(days=draw(st.integers(1, 90)))
        cards.append(PlanCard(f"c{number}", kind, minutes, "api-design", due, stability=draw(st.floats(0.5, 200.0)),
                              difficulty=draw(st.floats(1.0, 10.0)), last_review=last, position=number))
    return cards


def planned(plan: StudyPlan) -> set[str]:
    return {card for day in plan.days for card in day.cards}


def required(cards: list[PlanCard], interview: date) -> set[str]:
    """The cards the interview rule needs reviewed before the day: studied, due before it."""
    return {c.id for c in cards if c.due is not None and c.due < interview}


@settings(max_examples=150, deadline=None)
@given(cards=plan_cards(), days=st.integers(1, 60), budget=st.integers(1, 120), spent=st.floats(0, 150))
def test_the_plan_fits_and_names_what_it_leaves_out(
    cards: list[PlanCard], days: int, budget: int, spent: float
) -> None:
    interview = TODAY + timedelta(days=days)
    plan = make_plan(cards, TODAY, interview, budget, CURVE, spent)
    assert [d.day for d in plan.days] == [TODAY + timedelta(days=n) for n in range(days)]
    for day in plan.days:  # no day's plan exceeds its budget (today: what is left of it)
        assert day.minutes <= (max(0.0, budget - spent) if day.day == TODAY else budget) + 1e-9
        assert round(day.minutes, 1) <= budget
    needed = required(cards, interview) | {c.id for c in cards if c.due is None}
    in_plan, left_out = planned(plan), set(plan.not_fitting)
    assert len(left_out) == len(plan.not_fitting)  # each named once
    assert in_plan | left_out == needed  # nothing silently dropped
    assert not in_plan & left_out  # and nothing both planned and left out
    assert required(cards, interview) <= in_plan | left_out
    if required(cards, interview) & left_out:  # the rule's reviews come first
        assert not in_plan & {c.id for c in cards if c.due is None}


@settings(max_examples=100, deadline=None)
@given(cards=plan_cards(), days=st.integers(1, 60))
def test_every_review_the_rule_requires_is_planned_when_the_budget_allows(cards: list[PlanCard], days: int) -> None:
    interview = TODAY + timedelta(days=days)
    budget = int(sum(c.minutes for c in cards if c.id in required(cards, interview))) + 1
    plan = make_plan(cards, TODAY, interview, budget, CURVE)
    assert required(cards, interview) <= planned(plan)
    for card in cards:  # each no later than its due day (overdue ones today)
        if card.id in required(cards, interview):
            first = next(d.day for d in plan.days if card.id in d.cards)
            assert first <= max(TODAY, card.due or TODAY)


def test_a_new_card_is_met_with_its_first_session_and_a_review_before_the_day() -> None:
    card = PlanCard("n", "concept", 3.0, "data", None)
    plan = make_plan([card], TODAY, TODAY + timedelta(days=10), 30, CURVE)
    days = [d for d in plan.days if "n" in d.cards]
    assert days[0].day == TODAY and days[0].minutes == first_day_minutes(card) == 6.0
    assert len(days) >= 2 and days[-1].day < TODAY + timedelta(days=10)
    assert plan.not_fitting == ()
    late = make_plan([card], TODAY, TODAY + timedelta(days=1), 30, CURVE)
    assert late.not_fitting == ("n",)  # no day left to see it again


def test_new_cards_go_by_value_and_the_rest_are_named() -> None:
    cards = [PlanCard(f"n{v}", "design", 15.0, "data", None, value=float(v)) for v in range(1, 6)]
    plan = make_plan(cards, TODAY, TODAY + timedelta(days=4), 30, CURVE)
    chosen = planned(plan)
    assert chosen and all(f"n{v}" in chosen for v in range(5, 5 - len(chosen), -1))
    assert set(plan.not_fitting) == {c.id for c in cards} - chosen


def test_follow_ups_keep_recall_on_the_day_and_stop_before_it() -> None:
    interview = TODAY + timedelta(days=30)
    days = follow_ups(PlanCard("x", "design", 5, "data", None), TODAY, CURVE.first_stability(),
                      CURVE.first_difficulty(), interview, CURVE)
    assert days == sorted(days) and days[-1] < interview
    assert len(set(days)) == len(days)


def test_plan_json_has_the_contract_keys() -> None:
    plan = make_plan([PlanCard("n", "concept", 3.0, "data", None)], TODAY, TODAY + timedelta(days=3), 20, CURVE)
    body = plan.to_json()
    assert set(body) == {"date", "daily_minutes", "days", "not_fitting"}
    assert body["date"] == "2025-03-04" and body["daily_minutes"] == 20
    assert all(set(day) == {"date", "minutes", "cards"} for day in body["days"])  # type: ignore[attr-defined]
