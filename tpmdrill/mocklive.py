"""A live mock without its terminal: the clocks, grading every answer at the end,
recording each confirmed answer, and the closing summary.

The candidate answers every question first (main answer, then the follow-ups an
interviewer would ask); nothing is graded or shown until the end. A time box that
runs out is a warning, not a cut-off: the overrun is kept. At the end each answer is
graded (main rubric and follow-ups' points), confirmed or overridden, and recorded at
once as a mock review through the scheduler's review path, so an interrupted grading
keeps every answer confirmed so far. The sheet (source `live`) is stored with the
first confirmed answer, in the same transaction, so a mock abandoned before any
confirmation leaves nothing behind; `mock record` refuses a live sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tpmdrill.decks import RubricPoint
from tpmdrill.drill import CardVerdict, PointCall, clock_text, verdict_for
from tpmdrill.grading import grade
from tpmdrill.mock import MockQuestion, MockSet, category_title
from tpmdrill.mocksheets import MOCK_MODE, insert_sheet
from tpmdrill.ratings import rating_value
from tpmdrill.store import MockOutcomeRow, Review, Store

WEAKEST_POINTS = 5


def countdown_text(minutes: int, elapsed: float) -> str:
    """'3:12 left of 5:00', or 'over by 0:45 (box 5:00)' once the box has run out."""
    box = minutes * 60
    if elapsed <= box:
        return f"{clock_text(box - elapsed)} left of {clock_text(box)}"
    return f"OVER by {clock_text(elapsed - box)} (box {clock_text(box)})"


def total_text(minutes: int, elapsed: float) -> str:
    return f"total {clock_text(elapsed)} of {clock_text(minutes * 60)}"


def is_over(minutes: int, elapsed: float) -> bool:
    return elapsed > minutes * 60


@dataclass(frozen=True)
class LiveAnswer:
    question: MockQuestion
    position: int  # 1-based place on the sheet
    answer: str
    follow_up_answers: tuple[str, ...]
    seconds: float  # main answer and follow-ups together
    answered_at: datetime

    @property
    def over_seconds(self) -> float:
        return max(0.0, self.seconds - self.question.minutes * 60)


@dataclass
class LiveVerdict(CardVerdict):
    """A drill verdict stretched over every follow-up's points, under confirmation; the
    suggestion and score come from the drill's own rules over `rubric`."""

    live: LiveAnswer | None = None

    @property
    def rubric(self) -> tuple[RubricPoint, ...]:
        graded = self.judgement is not None and self.judgement.grade is not None
        follow_ups = self.live.question.follow_ups if self.live is not None else ()
        return (self.card.rubric if graded else ()) + tuple(p for f in follow_ups for p in f.rubric)

    @property
    def auto_suggested(self) -> str | None:
        return self._suggestion({p.id: p.auto_hit for p in self.points})

    @property
    def auto_score(self) -> float | None:
        if self.judgement is None or not self.rubric:
            return self.judgement.score if self.judgement else None
        from tpmdrill.grading import score_points

        return score_points(self.rubric, {p.id: p.auto_hit for p in self.points})


def grade_answer(answer: LiveAnswer) -> LiveVerdict:
    """The main answer graded as a drill grades it, and each follow-up against its points."""
    main = verdict_for(answer.question.card, answer.answer)
    points = list(main.points)
    for follow_up, text in zip(answer.question.follow_ups, answer.follow_up_answers, strict=False):
        rubric = follow_up.rubric
        graded = grade(rubric, text).points if rubric else ()
        for point, verdict in zip(rubric, graded, strict=True):
            points.append(PointCall(len(points) + 1, point.id, point.point, point.required,
                                    verdict.hit, verdict.hit, verdict.matched))
    return LiveVerdict(main.card, _full_answer(answer), main.judgement, points, live=answer)


def _full_answer(answer: LiveAnswer) -> str:
    parts = [answer.answer]
    for follow_up, text in zip(answer.question.follow_ups, answer.follow_up_answers, strict=False):
        parts.append(f"\n\nFollow-up: {follow_up.prompt}\n\n{text}")
    return "".join(parts)


@dataclass
class LiveRecorder:
    """Records confirmed answers one by one; the sheet is stored with the first."""

    store: Store
    mock: MockSet
    confirmed: list[tuple[LiveVerdict, str]] = field(default_factory=list)

    def confirm(self, verdict: LiveVerdict, rating: str, at: datetime) -> None:
        from tpmdrill.scheduler import record_reviews

        live = verdict.live
        assert live is not None
        auto = verdict.auto_score
        review = Review(
            card=live.question.card.full_id, reviewed_at=live.answered_at, rating=rating_value(rating),
            mode=MOCK_MODE, suggested=rating_value(verdict.auto_suggested) if verdict.auto_suggested else None,
            score=auto, answer=verdict.answer, seconds=round(live.seconds, 1), verdicts=verdict.verdict_rows(),
        )

        def tie(saved: list[Review]) -> None:
            if not self.mock.sheet:
                self.mock = insert_sheet(self.store, self.mock, at, source="live", recorded_at=at)
            self.store.record_mock_question(self.mock.sheet, live.position, MockOutcomeRow(
                saved[0].id, verdict.score, round(live.seconds, 1)))

        record_reviews(self.store, [review], also=tie)
        self.confirmed.append((verdict, rating))


# ---- the summary -------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionLine:
    number: int
    card: str
    category: str
    box_minutes: int
    seconds: float
    over_seconds: float
    rating: str
    score: float | None


@dataclass(frozen=True)
class LiveSummary:
    sheet: str
    lines: tuple[QuestionLine, ...]
    categories: tuple[tuple[str, float], ...]  # (title, mean score)
    weakest: tuple[tuple[str, str], ...]  # (card, point text) confirmed missed, heaviest first
    seconds: float
    budget_minutes: int
    unanswered: int

    @property
    def over_box(self) -> int:
        return sum(1 for line in self.lines if line.over_seconds > 0)


def summarize(mock: MockSet, confirmed: list[tuple[LiveVerdict, str]], seconds: float) -> LiveSummary:
    lines = []
    scores: dict[str, list[float]] = {}
    missed: list[tuple[float, str, str]] = []
    for verdict, rating in confirmed:
        live = verdict.live
        assert live is not None
        lines.append(QuestionLine(live.position, live.question.card.full_id, live.question.category,
                                  live.question.minutes, live.seconds, live.over_seconds, rating, verdict.score))
        if verdict.score is not None:
            scores.setdefault(category_title(live.question.category), []).append(verdict.score)
        weights = {p.id: p.weight for p in live.question.points}
        missed += [(-weights.get(p.id, 1.0), live.question.card.full_id, p.text) for p in verdict.points if not p.hit]
    weakest = tuple((card, text) for _w, card, text in sorted(missed)[:WEAKEST_POINTS])
    return LiveSummary(mock.sheet, tuple(lines), tuple((c, sum(v) / len(v)) for c, v in scores.items()),
                       weakest, seconds, mock.minutes, len(mock.questions) - len(lines))
