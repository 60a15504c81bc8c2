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
    from tpmdrill.grading import Grade, PointVerdict
    from tpmdrill.sqlcheck import SqlVerdict

@dataclass(frozen=True)
class Judgement:
    card: str
    score: float
    suggested_rating: str
    grade: Grade | None  # None for a card without rubric
    sql: SqlVerdict | None  # None for cards that are not sql

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
        }


class NothingToGrade(TpmdrillError):
    pass


def judge(card: Card, answer: str) -> Judgement:
    """Grade `answer` against the card's rubric and, for sql cards, run it."""
    from tpmdrill.grading import grade

    if not card.rubric and card.kind != CardKind.SQL:
        raise NothingToGrade(f"card {card.full_id!r} has no rubric to grade against; rate it yourself")
    graded = grade(card.rubric, answer) if card.rubric else None
    verdict = _run_sql(card, answer) if card.kind == CardKind.SQL else None
    score = graded.score if graded else (1.0 if verdict and verdict.correct else 0.0)
    suggestion = graded.suggested_rating if graded else ("good" if verdict and verdict.correct else "again")
    if verdict is not None:
        suggestion = with_query_result(suggestion, verdict)
    return Judgement(card.full_id, score, suggestion, graded, verdict)


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
