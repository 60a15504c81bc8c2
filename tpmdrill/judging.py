"""Judging one answer to one card: the rubric grade and, for a sql card, the query's result.

The grader suggests a rating from the rubric alone; for a sql card the result of
running the query counts alongside it, because a query that returns the wrong rows
is wrong however well it is described.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tpmdrill.enums import CardKind
from tpmdrill.errors import TpmdrillError
from tpmdrill.ratings import RATINGS

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.estimates import EstimateVerdict
    from tpmdrill.grading import Grade, PointVerdict
    from tpmdrill.sqlcheck import SqlVerdict

@dataclass(frozen=True)
class Judgement:
    card: str
    score: float
    suggested_rating: str
    grade: Grade | None  # None for a card without rubric
    sql: SqlVerdict | None  # None for cards that are not sql
    estimate: EstimateVerdict | None = None  # issue 14: None for cards that are not estimates

    @property
    def points(self) -> tuple[PointVerdict, ...]:
        return self.grade.points if self.grade else ()

    def to_json(self) -> dict[str, object]:
        """The contract's `grade --json` shape."""
        return {
            "card": self.card,
            "score": round(self.score, 4),
            "suggested_rating": self.suggested_rating,
            "points": [{"id": p.id, "hit": p.hit, "matched": list(p.matched)} for p in self.points],
            "sql": self.sql.to_json() if self.sql else None,
            "estimate": self.estimate.to_json() if self.estimate else None,
        }


class NothingToGrade(TpmdrillError):
    pass


def judge(card: Card, answer: str) -> Judgement:
    """Grade `answer` against the card's rubric and, for sql cards, run it."""
    from tpmdrill.grading import grade

    if not card.rubric and card.kind not in (CardKind.SQL, CardKind.ESTIMATE):
        raise NothingToGrade(f"card {card.full_id!r} has no rubric to grade against; rate it yourself")
    graded = grade(card.rubric, answer) if card.rubric else None
    verdict = _run_sql(card, answer) if card.kind == CardKind.SQL else None
    score = graded.score if graded else (1.0 if verdict and verdict.correct else 0.0)
    suggestion = graded.suggested_rating if graded else ("good" if verdict and verdict.correct else "again")
    if verdict is not None:
        suggestion = with_query_result(suggestion, verdict)
    if card.estimate is not None:  # issue 14: the number is judged like a query's result
        return _with_estimate(card, answer, Judgement(card.full_id, score, suggestion, graded, verdict))
    return Judgement(card.full_id, score, suggestion, graded, verdict)


def _with_estimate(card: Card, answer: str, judged: Judgement) -> Judgement:
    from dataclasses import replace

    from tpmdrill.estimates import check_estimate, with_estimate_result

    assert card.estimate is not None
    estimate = check_estimate(card.estimate, answer)
    score = judged.score if judged.grade else float(estimate.within_tolerance)
    suggestion = judged.suggested_rating if judged.grade else "good"
    return replace(judged, score=score, suggested_rating=with_estimate_result(suggestion, estimate),
                   estimate=estimate)


def with_query_result(suggestion: str, verdict: SqlVerdict) -> str:
    """A query that fails is Again; wrong rows cap at Hard; right rows lift to at least Good."""
    if verdict.error is not None:
        return "again"
    rank = RATINGS.index(suggestion)
    if verdict.correct:
        return RATINGS[max(rank, RATINGS.index("good"))]
    return RATINGS[min(rank, RATINGS.index("hard"))]


def _run_sql(card: Card, answer: str) -> SqlVerdict:
    from tpmdrill.sqlcheck import check

    if card.fixture is None or card.solution is None:
        raise TpmdrillError(f"sql card {card.full_id!r} has no fixture or solution")
    return check(card.fixture, card.solution, answer, ordered=card.ordered)
