"""Judging one answer to one card, and the verdicts the user then confirms.

The verdict vocabulary, smallest first (these are the only verdict types):

- `grading.PointVerdict`: the grader's call on one rubric point, with its evidence
  (matched words, ideas found and missing, negated mentions);
- `grading.Grade`: the rubric's point verdicts, the score and the answer's flags;
- `sqlcheck.SqlVerdict`: what running a sql answer returned against the solution;
- `estimates.EstimateVerdict`: an estimate's number, converted and held to the tolerance;
- `Judgement`: one answer to one card: its Grade, SqlVerdict or EstimateVerdict, and
  the suggestion;
- `CardVerdict` (with one `PointCall` per point): a judgement under the user's
  confirmation, points toggled;
- `store.PointVerdictRow`: one point's automatic and confirmed call, as stored.

One function decides a suggested rating, `suggest`, for `grade`, `drill` (before
and after toggles) and `review` alike; one builds the stored rows, `verdict_rows`.
For a sql card the result drives the rating: a wrong or failing query is Again
whatever its words, a correct one is Good, or Easy when its rubric points are met
too; an estimate outside its tolerance is Again, one within it at least Good. Other
cards map the rubric score to a rating (grading.suggest_rating).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tpmdrill.enums import CardKind
from tpmdrill.errors import BadValue, TpmdrillError
from tpmdrill.ratings import RATINGS

if TYPE_CHECKING:
    from tpmdrill.decks import Card, FollowUp, RubricPoint
    from tpmdrill.estimates import EstimateVerdict
    from tpmdrill.grading import Grade, PointVerdict
    from tpmdrill.sqlcheck import SqlVerdict
    from tpmdrill.store import PointVerdictRow

__all__ = ["RATINGS", "CardVerdict", "Judgement", "NothingToGrade", "PointCall", "judge", "suggest",
           "under_confirmation", "verdict_rows"]


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

    @property
    def flags(self) -> tuple[str, ...]:
        return self.grade.flags if self.grade else ()

    def to_json(self) -> dict[str, object]:
        """The contract's `grade --json` shape, grown by `flags` and each point's
        `ideas` ({found, missing, needed, prompt_words}), `negated` and `by_meaning`."""
        return {
            "card": self.card,
            "score": round(self.score, 4),
            "suggested_rating": self.suggested_rating,
            "points": [
                {"id": p.id, "hit": p.hit, "matched": list(p.matched),
                 "ideas": {"found": list(p.found), "missing": list(p.missing), "needed": p.needed,
                           "prompt_words": list(p.echoed)},
                 "negated": list(p.negated), "by_meaning": p.by_meaning}
                for p in self.points
            ],
            "sql": self.sql.to_json() if self.sql else None,
            "estimate": self.estimate.to_json() if self.estimate else None,
            "flags": list(self.flags),
        }


class NothingToGrade(TpmdrillError):
    pass


def judge(card: Card, answer: str) -> Judgement:
    """Grade `answer` against the card's rubric and, for sql cards, run it."""
    from tpmdrill.grading import grade

    if not card.rubric and card.kind not in (CardKind.SQL, CardKind.ESTIMATE):
        raise NothingToGrade(f"card {card.full_id!r} has no rubric to grade against; rate it yourself")
    # A query's words are code: "DISTINCT" in the query is no echo of "distinct" in the prompt,
    # and its names ("AS users") are no claims (grading.query); it is never notes or a list.
    query = card.kind == CardKind.SQL
    prompt = "" if query else card.prompt
    graded = grade(card.rubric, answer, prompt=prompt, query=query) if card.rubric else None
    verdict = _run_sql(card, answer) if card.kind == CardKind.SQL else None
    estimate = _check_estimate(card, answer)
    checked = verdict.correct if verdict else estimate.within_tolerance if estimate else False
    score = graded.score if graded else float(checked)
    hits = {v.id: v.hit for v in graded.points} if graded else {}
    suggestion = suggest(card.rubric, hits, flags=graded.flags if graded else (), sql=verdict, estimate=estimate)
    return Judgement(card.full_id, score, suggestion, graded, verdict, estimate)


def _check_estimate(card: Card, answer: str) -> EstimateVerdict | None:
    """Issue 14: an estimate card's number, judged like a query's result."""
    if card.estimate is None:
        return None
    from tpmdrill.estimates import check_estimate

    return check_estimate(card.estimate, answer)


def suggest(
    rubric: Sequence[RubricPoint], hits: Mapping[str, bool], *, flags: Iterable[str] = (),
    sql: SqlVerdict | None = None, estimate: EstimateVerdict | None = None,
) -> str:
    """The suggested rating for these point calls (automatic or confirmed): a query's
    result and an estimate's number are checked results, and drive the rating."""
    from tpmdrill.grading import KEYWORD_LIST, NOTES, THRESHOLDS, score_points, suggest_rating

    score = score_points(rubric, hits)
    flags = tuple(flags)
    listed = KEYWORD_LIST in flags
    if sql is not None:
        if not sql.correct:
            return "again"
        return "easy" if rubric and score >= THRESHOLDS[-1] else "good"
    required_missed = any(p.required and not hits.get(p.id, False) for p in rubric)
    rating = suggest_rating(score, required_missed=required_missed, stuffing=listed, notes=NOTES in flags)
    if estimate is not None:
        from tpmdrill.estimates import with_estimate_result

        rating = with_estimate_result(rating if rubric else "good", estimate, listed=listed)
    return rating


def _run_sql(card: Card, answer: str) -> SqlVerdict:
    from tpmdrill.sqlcheck import check

    if card.fixture is None or card.solution is None:
        raise TpmdrillError(f"sql card {card.full_id!r} has no fixture or solution")
    return check(card.fixture, card.solution, query_of(answer), ordered=card.ordered)


# Words that start a SQL statement: after the query's ";" they are a second statement
# (which the sandbox refuses); anything else there is the candidate's commentary.
_STATEMENT_WORDS = frozenset({
    "select", "with", "values", "insert", "update", "delete", "replace", "create", "drop", "alter",
    "attach", "detach", "pragma", "vacuum", "begin", "commit", "rollback", "savepoint", "release",
    "analyze", "reindex", "explain", "end",
})


def query_of(answer: str) -> str:
    """The query of a sql answer without the prose a candidate writes after it
    ("SELECT ...; This ranks within each category."). The prose is still graded
    against the rubric; only the query runs."""
    from tpmdrill.sqlcheck import SQL_TOKEN

    after_semicolon = False
    for token in SQL_TOKEN.finditer(answer):
        text = token.group()
        if text == ";":
            after_semicolon = True
        elif after_semicolon and not (text.isspace() or text.startswith(("--", "/*"))):
            word = text.split()[0].lower() if text.split() else ""
            return answer if word in _STATEMENT_WORDS else answer[: token.start()]
    return answer


# --- under confirmation ------------------------------------------------------------------


@dataclass(frozen=True)
class PointCall:
    """One rubric point: what the grader said, what the user confirms."""

    number: int
    id: str
    text: str
    required: bool
    auto_hit: bool
    hit: bool
    matched: tuple[str, ...]
    ideas: str = ""  # "2 of 3 ideas: found ...; missing: ...", from the grader
    negated: tuple[str, ...] = ()
    by_meaning: bool = False  # the grader hit it on the meaning signal


@dataclass
class CardVerdict:
    """A graded answer under confirmation: points can be toggled, the rating chosen.
    After a follow-up (issue 14) its points follow the main ones and the rating covers both."""

    card: Card
    answer: str
    judgement: Judgement | None  # None when the card has nothing to grade against
    points: list[PointCall]
    follow_up: FollowUp | None = None
    follow_up_answer: str = ""

    @property
    def rubric(self) -> tuple[RubricPoint, ...]:
        """The points the rating is judged on: the main rubric's (when graded) and the follow-up's."""
        main = self.card.rubric if self.judgement is not None and self.judgement.grade is not None else ()
        return main + (self.follow_up.rubric if self.follow_up else ())

    @property
    def auto_suggested(self) -> str | None:
        if self.follow_up is not None:
            return self._suggestion({p.id: p.auto_hit for p in self.points})
        return self.judgement.suggested_rating if self.judgement else None

    @property
    def suggested(self) -> str | None:
        """The suggestion for the points as they stand now, toggles included."""
        return self._suggestion({p.id: p.hit for p in self.points})

    def _suggestion(self, hits: dict[str, bool]) -> str | None:
        if self.judgement is None:
            return None
        if not self.rubric and self.judgement.sql is None and self.judgement.estimate is None:
            return self.judgement.suggested_rating
        return suggest(self.rubric, hits, flags=self.judgement.flags, sql=self.judgement.sql,
                       estimate=self.judgement.estimate)

    @property
    def score(self) -> float | None:
        return self._score({p.id: p.hit for p in self.points})

    @property
    def auto_score(self) -> float | None:
        return self._score({p.id: p.auto_hit for p in self.points})

    def _score(self, hits: dict[str, bool]) -> float | None:
        if self.judgement is None:
            return None
        if not self.rubric:
            return self.judgement.score
        from tpmdrill.grading import score_points

        return score_points(self.rubric, hits)

    @property
    def recorded_answer(self) -> str:
        """The answer as the review keeps it: the follow-up's question and answer below the main one."""
        if self.follow_up is None:
            return self.answer
        return f"{self.answer}\n\n---\nFollow-up: {self.follow_up.prompt}\n\n{self.follow_up_answer}"

    def toggle(self, number: int) -> PointCall:
        """Flip point `number` (1-based) and return it as it now stands."""
        if not 1 <= number <= len(self.points):
            raise BadValue(f"there is no point {number}; points are 1-{len(self.points)}")
        point = self.points[number - 1]
        self.points[number - 1] = replace(point, hit=not point.hit)
        return self.points[number - 1]

    def verdict_rows(self) -> tuple[PointVerdictRow, ...]:
        return verdict_rows(self.points)


def under_confirmation(card: Card, answer: str, judgement: Judgement | None) -> CardVerdict:
    """A judgement turned into point calls the user may toggle before confirming."""
    verdicts = judgement.points if judgement else ()
    points = [
        PointCall(n, p.id, p.point, p.required, v.hit, v.hit, v.matched, v.ideas_text(), v.negated, v.by_meaning)
        for n, (p, v) in enumerate(zip(card.rubric, verdicts, strict=True), start=1)
    ]
    return CardVerdict(card, answer, judgement, points)


def verdict_rows(points: Iterable[PointCall]) -> tuple[PointVerdictRow, ...]:
    """The rows the store keeps for these point calls: automatic and confirmed hit."""
    from tpmdrill.store import PointVerdictRow

    return tuple(PointVerdictRow(p.id, p.auto_hit, p.hit, p.matched) for p in points)
