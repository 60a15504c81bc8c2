from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.decks import Card, RubricPoint
from tpmdrill.judging import RATINGS, NothingToGrade, judge, with_query_result
from tpmdrill.sqlcheck import SqlVerdict

FIXTURE = "CREATE TABLE t (user_id INT, kind TEXT); INSERT INTO t VALUES (1, 'a'), (1, 'b'), (2, 'a');"
SQL_CARD = Card(
    deck="d", id="users", kind="sql", prompt="How many distinct users?", minutes=5, tags=(), skills=("sql",),
    answer="Count distinct users.", fixture=FIXTURE, solution="SELECT COUNT(DISTINCT user_id) FROM t",
    rubric=(RubricPoint("distinct", "Counts distinct users", ("distinct",)),),
)


def verdict(*, correct: bool, error: str | None = None) -> SqlVerdict:
    return SqlVerdict(correct=correct, error=error, rows=0 if error else 1, expected=((2,),), got=((2,),))


@given(st.sampled_from(RATINGS))
def test_query_result_bounds_the_suggestion(suggestion: str) -> None:
    assert with_query_result(suggestion, verdict(correct=False, error="no such table: x")) == "again"
    assert RATINGS.index(with_query_result(suggestion, verdict(correct=False))) <= RATINGS.index("hard")
    assert RATINGS.index(with_query_result(suggestion, verdict(correct=True))) >= RATINGS.index("good")


def test_sql_card_right_query() -> None:
    judged = judge(SQL_CARD, "select count(distinct user_id) as n from t")
    assert judged.sql is not None and judged.sql.correct
    assert judged.to_json() == {
        "card": "d/users", "score": 1.0, "suggested_rating": "easy",
        "points": [{"id": "distinct", "hit": True, "matched": ["distinct"]}],
        "sql": {"correct": True, "error": None, "rows": 1},
        "estimate": None,
    }


def test_sql_card_counting_rows_instead_of_users_is_wrong_whatever_the_words() -> None:
    judged = judge(SQL_CARD, "SELECT COUNT(user_id) FROM t -- distinct")
    assert judged.sql is not None and not judged.sql.correct
    assert judged.suggested_rating == "hard"


def test_sql_card_error_is_again() -> None:
    judged = judge(SQL_CARD, "SELECT nope FROM missing")
    assert judged.to_json()["sql"] == {"correct": False, "error": judged.sql.error if judged.sql else None, "rows": 0}
    assert judged.suggested_rating == "again"


def test_card_without_rubric_is_refused() -> None:
    card = Card(deck="d", id="x", kind="concept", prompt="P", minutes=3, tags=(), skills=(), answer="A")
    with pytest.raises(NothingToGrade, match="has no rubric"):
        judge(card, "anything")
