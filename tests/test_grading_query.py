"""A sql answer read as a query (tpmdrill.grading.query): its names are no evidence,
its structure is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.decks import RubricPoint
from tpmdrill.grading import KEYWORD_LIST, NOTES, grade
from tpmdrill.grading.matcher import Answer
from tpmdrill.grading.query import (
    anti_joins,
    code_only,
    join_conditions,
    query_names,
    running_sums,
    same_rule_twice,
    whole_days,
)


def point(*keywords: str, min_hits: int = 1) -> RubricPoint:
    return RubricPoint(id="p", point="A point", keywords=tuple(keywords), min_hits=min_hits)


def hit(keywords: tuple[str, ...], answer: str) -> bool:
    return grade([point(*keywords)], answer, query=True).points[0].hit


# --- the code of an answer -------------------------------------------------------------


def test_code_only_blanks_comments_prose_before_and_after() -> None:
    text = "Notes: NOT EXISTS here\nSELECT a -- NOT EXISTS\nFROM t; and NOT EXISTS after"
    code = code_only(text)
    assert len(code) <= len(text)
    assert "NOT EXISTS" not in code
    assert "SELECT a" in code and "FROM t;" in code


@given(st.text(alphabet="SELECT from where-'; \n/*ab_", max_size=80))
def test_code_only_keeps_every_offset(text: str) -> None:
    code = code_only(text)
    assert len(code) <= len(text)
    assert all(c in (t, " ") for c, t in zip(code, text, strict=False))  # each character kept or blanked
    assert [i for i, c in enumerate(code) if c == "\n"] == [i for i, c in enumerate(text[: len(code)]) if c == "\n"]


# --- names ---------------------------------------------------------------------------


def test_query_names_are_identifiers_and_aliases_not_keywords_or_comments() -> None:
    text = Answer("-- churned customers per step\nSELECT COUNT(*) AS users, x.churned_customers\nFROM t AS step")
    names = {text.tokens[i] for i in query_names(text)}
    assert names == {"users", "churned", "customers", "step"}


def test_a_cte_name_is_not_an_alias() -> None:
    text = Answer("WITH week AS (SELECT 1) SELECT * FROM week")
    assert query_names(text) == set()


@pytest.mark.parametrize(("keywords", "answer"), [
    (("step",), "SELECT 'purchase' AS step, COUNT(*) AS users FROM events"),
    (("distinct users",), "SELECT COUNT(*) AS distinct_users FROM events"),
    (("churned customers",), "SELECT COUNT(*) AS churned_customers FROM subscriptions"),
])
def test_a_query_s_names_are_no_evidence(keywords: tuple[str, ...], answer: str) -> None:
    assert not hit(keywords, answer)
    # the same words said in a comment, or in prose, are
    assert hit(keywords, answer + "\n-- " + keywords[0])
    assert grade([point(*keywords)], answer).points[0].hit  # not read as a query: as before


@given(st.from_regex(r"[a-z]{3,8}_[a-z]{3,8}", fullmatch=True))
def test_no_identifier_meets_its_own_words(name: str) -> None:
    head, tail = name.split("_")
    assert not hit((f"{head} {tail}",), f"SELECT {name} FROM t")
    assert hit((name,), f"SELECT {name} FROM t")  # written as code, the keyword reads it verbatim


def test_a_query_is_never_a_keyword_list_or_notes() -> None:
    query = "select a,\n b,\n c,\n d,\n e\nfrom t\nwhere x is not null\ngroup by a"
    assert not {KEYWORD_LIST, NOTES} & set(grade([point("GROUP BY")], query, query=True).flags)


# --- structure -------------------------------------------------------------------------


def shown(signal: object, answer: str) -> list[str]:
    text = Answer(answer)
    return [text.text_of(span) for span in signal(text)]  # type: ignore[operator]


@pytest.mark.parametrize("answer", [
    "SELECT c FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.c = a.c)",
    "SELECT SUM(c NOT IN (SELECT c FROM b)) FROM a",
    "SELECT c FROM a EXCEPT SELECT c FROM b",
    "SELECT COUNT(*) FROM a LEFT JOIN b ON b.c = a.c WHERE b.c IS NULL",
    "SELECT SUM(CASE WHEN e.c IS NULL THEN 1 ELSE 0 END) FROM s LEFT JOIN e ON e.c = s.c",
])
def test_anti_joins(answer: str) -> None:
    assert shown(anti_joins, answer)


@pytest.mark.parametrize("answer", [
    "SELECT COUNT(*) FROM a LEFT JOIN b ON b.c = a.c",  # an outer join keeps, it does not exclude
    "SELECT c FROM a WHERE c IN (SELECT c FROM b)",
    "SELECT c FROM a -- NOT EXISTS would be the anti-join",  # a mention, not the structure
])
def test_not_anti_joins(answer: str) -> None:
    assert not shown(anti_joins, answer)


@pytest.mark.parametrize("answer", [
    "WHERE order_ts >= '2024-01-01' AND order_ts < '2024-02-01'",
    "WHERE date(o.order_ts) BETWEEN '2024-01-01' AND '2024-01-31'",
    "WHERE substr(order_ts, 1, 10) <= '2024-01-31'",
    "WHERE order_ts BETWEEN '2024-01-01' AND '2024-01-31 23:59:59'",
])
def test_whole_last_day(answer: str) -> None:
    assert shown(whole_days, answer)


@pytest.mark.parametrize("answer", [
    "WHERE order_ts BETWEEN '2024-01-01' AND '2024-01-31'",  # a timestamp on 31 January is after it
    "WHERE order_ts <= '2024-01-31'",
    "WHERE order_ts >= '2024-01-01' -- and < '2024-02-01'",
])
def test_not_whole_last_day(answer: str) -> None:
    assert not shown(whole_days, answer)


START_END = """
WITH a AS (SELECT DISTINCT customer_id FROM subscriptions
  WHERE started_at <= '2024-03-01' AND (ended_at IS NULL OR ended_at {op} '2024-03-01')),
b AS (SELECT DISTINCT s.customer_id FROM subscriptions s
  WHERE s.started_at <= '2024-04-01' AND (s.ended_at IS NULL OR s.ended_at {op2} '2024-04-01'))
SELECT COUNT(*) FROM a
"""


def test_the_same_rule_at_two_dates() -> None:
    found = shown(same_rule_twice, START_END.format(op=">", op2=">"))
    assert found and "ended_at IS NULL" in found[0]


def test_a_rule_that_changes_between_the_dates_is_not_the_same() -> None:
    assert not shown(same_rule_twice, START_END.format(op=">", op2=">="))


def test_one_date_range_is_not_a_rule_repeated() -> None:
    assert not shown(same_rule_twice, "WHERE t >= '2024-05-01' AND t < '2024-05-08' AND u IS NOT NULL")


def test_the_same_dates_twice_are_not_two_dates() -> None:
    twice = "WHERE a <= '2024-03-01' AND (b IS NULL OR b > '2024-03-01') UNION " * 2
    assert not shown(same_rule_twice, "SELECT 1 " + twice + "SELECT 2")


@pytest.mark.parametrize(("answer", "found"), [
    ("FROM users u LEFT JOIN orders o ON o.user_id = u.user_id AND o.status = 'completed' GROUP BY 1", True),
    ("FROM users u LEFT JOIN orders o ON o.user_id = u.user_id WHERE o.status = 'completed' AND 1", False),
    ("FROM users u JOIN orders o ON o.user_id = u.user_id AND o.status = 'completed'", False),  # inner join
])
def test_condition_in_the_outer_join(answer: str, found: bool) -> None:
    assert bool(shown(join_conditions, answer)) is found


@pytest.mark.parametrize(("answer", "found"), [
    ("SUM(new_session) OVER (PARTITION BY user_id ORDER BY event_time) AS n", True),
    ("SUM(CASE WHEN gap > 1800 THEN 1 ELSE 0 END) OVER w AS n", True),
    ("SUM(amount) OVER (PARTITION BY user_id) AS total", False),  # a total, not a running one
    ("SUM(amount) AS total", False),
])
def test_running_sums(answer: str, found: bool) -> None:
    assert bool(shown(running_sums, answer)) is found


def test_a_signal_point_is_met_by_the_query() -> None:
    churn = START_END.format(op=">", op2=">")
    assert hit(("{same rule at both dates}",), churn)
    assert not hit(("{anti-join}",), churn)


# --- the bundled sql cards, judged on queries without a word of prose -----------------

# (card, query in tests/test_sql_cards.py, point): a correct query written another way
# meets the point on its SQL alone; a query making exactly that mistake does not.
SHOWN_BY_THE_QUERY = [
    ("sql-revenue-by-country", "strftime-month", "date-range"),
    ("sql-dedupe-events", "row-number-first-copy", "dedupe-key"),
    ("sql-experiment-conversion", "exists-subquery-reversed-order", "both-variants"),
    ("sql-experiment-conversion", "exists-subquery-reversed-order", "denominator"),
    ("sql-top-users-by-activity", "distinct-days-subquery", "distinct-days"),
    ("sql-monthly-churn", "not-exists-per-customer", "anti-join"),
]
MISTAKES = [
    ("sql-revenue-by-country", "drops-the-31st-evening", "date-range"),
    ("sql-dedupe-events", "select-distinct-whole-row", "dedupe-key"),
    ("sql-experiment-conversion", "keeps-users-in-both-variants", "both-variants"),
    ("sql-experiment-conversion", "inner-join-drops-non-converters", "denominator"),
    ("sql-top-users-by-activity", "counts-rows", "distinct-days"),
    ("sql-monthly-churn", "forgets-null-end-dates", "point-in-time"),
    ("sql-orders-per-user-distribution", "status-in-where", "status-in-on"),
]


def _point_hit(card_id: str, kind: str, name: str, point_id: str) -> bool:
    from tests.test_sql_cards import ANSWERS, SQL_CARDS
    from tpmdrill.judging import judge

    judgement = judge(SQL_CARDS[card_id], ANSWERS[card_id][kind][name])
    return {p.id: p.hit for p in judgement.points}[point_id]


@pytest.mark.parametrize(("card_id", "name", "point_id"), SHOWN_BY_THE_QUERY)
def test_a_point_is_met_by_the_sql_that_shows_it(card_id: str, name: str, point_id: str) -> None:
    assert _point_hit(card_id, "right", name, point_id)


@pytest.mark.parametrize(("card_id", "name", "point_id"), MISTAKES)
def test_a_query_making_the_mistake_misses_the_point(card_id: str, name: str, point_id: str) -> None:
    assert not _point_hit(card_id, "wrong", name, point_id)
