from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpmdrill.decks import Card, RubricPoint
from tpmdrill.judging import RATINGS, NothingToGrade, judge, suggest, under_confirmation
from tpmdrill.sqlcheck import SqlVerdict

FIXTURE = "CREATE TABLE t (user_id INT, kind TEXT); INSERT INTO t VALUES (1, 'a'), (1, 'b'), (2, 'a');"
SQL_CARD = Card(
    deck="d", id="users", kind="sql", prompt="How many distinct users?", minutes=5, tags=(), skills=("sql",),
    answer="Count distinct users.", fixture=FIXTURE, solution="SELECT COUNT(DISTINCT user_id) FROM t",
    rubric=(RubricPoint("distinct", "Counts distinct users", ("distinct",)),),
)


def verdict(*, correct: bool, error: str | None = None) -> SqlVerdict:
    return SqlVerdict(correct=correct, error=error, rows=0 if error else 1, expected=((2,),), got=((2,),))


@settings(deadline=None)  # the first call imports the grader
@given(st.dictionaries(st.sampled_from(["distinct"]), st.booleans()))
def test_the_query_result_drives_a_sql_suggestion(hits: dict[str, bool]) -> None:
    rubric = SQL_CARD.rubric
    assert suggest(rubric, hits, sql=verdict(correct=False, error="no such table: x")) == "again"
    assert suggest(rubric, hits, sql=verdict(correct=False)) == "again"
    assert suggest(rubric, hits, sql=verdict(correct=True)) == ("easy" if hits.get("distinct") else "good")


@settings(deadline=None)
@given(st.lists(st.booleans(), min_size=3, max_size=3), st.sampled_from([(), ("keyword-list",)]))
def test_one_suggestion_for_grade_drill_and_review(calls: list[bool], flags: tuple[str, ...]) -> None:
    rubric = tuple(RubricPoint(f"p{n}", "P", ("k",), required=n == 0) for n in range(3))
    hits = {p.id: hit for p, hit in zip(rubric, calls, strict=True)}
    expected = "again" if flags else suggest(rubric, hits)
    assert suggest(rubric, hits, flags=flags) == expected
    if not calls[0]:
        assert RATINGS.index(suggest(rubric, hits)) <= RATINGS.index("hard")


def test_sql_card_right_query() -> None:
    judged = judge(SQL_CARD, "select count(distinct user_id) as n from t")
    assert judged.sql is not None and judged.sql.correct
    assert judged.to_json() == {
        "card": "d/users", "score": 1.0, "suggested_rating": "easy",
        "points": [{"id": "distinct", "hit": True, "matched": ["distinct"],
                    "ideas": {"found": ["distinct"], "missing": [], "needed": 1, "prompt_words": []}, "negated": [],
                    "by_meaning": False}],
        "sql": {"correct": True, "error": None, "rows": 1},
        "estimate": None,
        "flags": [],
    }


def test_a_query_is_code_not_notes() -> None:
    query = ("SELECT COUNT(DISTINCT user_id) AS n FROM t WHERE kind IN ('a', 'b') AND user_id IS NOT NULL "
             "GROUP BY kind HAVING COUNT(*) > 0 ORDER BY n DESC LIMIT 1")
    judged = judge(SQL_CARD, query)
    assert judged.sql is not None and judged.sql.correct
    assert (judged.flags, judged.suggested_rating) == ((), "easy")


@settings(deadline=None)
@given(st.lists(st.booleans(), min_size=3, max_size=3))
def test_notes_hold_every_suggestion_at_good_at_most(calls: list[bool]) -> None:
    rubric = tuple(RubricPoint(f"p{n}", "P", ("k",), required=n == 0) for n in range(3))
    hits = {p.id: hit for p, hit in zip(rubric, calls, strict=True)}
    plain = suggest(rubric, hits)
    held = suggest(rubric, hits, flags=("notes",))
    assert held == ("good" if plain == "easy" else plain)

def test_verdict_rows_keep_the_automatic_and_the_confirmed_call() -> None:
    judged = judge(SQL_CARD, "select count(distinct user_id) from t")
    confirming = under_confirmation(SQL_CARD, "select count(distinct user_id) from t", judged)
    assert confirming.toggle(1).hit is False
    [row] = confirming.verdict_rows()
    assert (row.point, row.auto_hit, row.hit, row.matched) == ("distinct", True, False, ("distinct",))
    assert confirming.suggested == "good"  # the result is right; the rubric point is now missed


def test_sql_card_counting_rows_instead_of_users_is_wrong_whatever_the_words() -> None:
    judged = judge(SQL_CARD, "SELECT COUNT(user_id) FROM t -- distinct")
    assert judged.sql is not None and not judged.sql.correct
    assert judged.suggested_rating == "again"


def test_sql_card_error_is_again() -> None:
    judged = judge(SQL_CARD, "SELECT nope FROM missing")
    assert judged.to_json()["sql"] == {"correct": False, "error": judged.sql.error if judged.sql else None, "rows": 0}
    assert judged.suggested_rating == "again"


def test_card_without_rubric_is_refused() -> None:
    card = Card(deck="d", id="x", kind="concept", prompt="P", minutes=3, tags=(), skills=(), answer="A")
    with pytest.raises(NothingToGrade, match="has no rubric"):
        judge(card, "anything")


def test_prose_after_the_query_is_graded_but_not_run() -> None:
    answer = "select count(distinct user_id) from t;\n\nDistinct, because a user can have many rows."
    judged = judge(SQL_CARD, answer)
    assert judged.sql is not None and judged.sql.correct
    assert judged.suggested_rating == "easy"
    refused = judge(SQL_CARD, "select count(distinct user_id) from t; drop table t")
    assert refused.sql is not None and refused.sql.error == "only one statement is allowed"
    assert refused.suggested_rating == "again"
