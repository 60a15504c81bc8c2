"""Mock sheets once they exist: their ids, storing them, recording how they went, their history.

A sheet id is `YYYYMMDD-xxxxxx`: the UTC day the sheet was made and six hex digits of
a SHA-256 over the seed, round, focus, budget, the chosen card ids and the instant it
was made. The questions depend only on the seed and the data; the id also depends on
the time, so two sheets printed from one seed are told apart. (Should the same
instant give the same id twice, a counter joins the hash until the id is free.)

Recording turns each answered question into a review with mode `mock` through the
scheduler's own review path (`scheduler.record_reviews`), with one verdict per rubric
point (follow-ups' points included), so mocks feed `weak`, the report and the schedule
exactly like drill reviews. The whole sheet is recorded in one transaction, after
every card, point and rating has been checked: a bad file writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from tpmdrill.decks import Card, RubricPoint
from tpmdrill.enums import Rating, ReviewMode
from tpmdrill.errors import BadValue, TpmdrillError
from tpmdrill.mock import MockQuestion, MockSet, category_title
from tpmdrill.ratings import RATINGS, rating_value
from tpmdrill.store import MockOutcomeRow, MockQuestionRow, MockSheetRow, PointVerdictRow, Review, Store

MOCK_MODE = ReviewMode.MOCK
RECORD_KEYS = {"card", "rating", "points", "notes", "minutes"}


class UnknownSheet(TpmdrillError):
    pass


def sheet_id(mock: MockSet, created_at: datetime, salt: int = 0) -> str:
    cards = ",".join(q.card.full_id for q in mock.questions)
    text = f"{mock.seed}|{mock.round}|{mock.focus}|{mock.minutes}|{cards}|{created_at.isoformat()}|{salt}"
    return f"{created_at:%Y%m%d}-{hashlib.sha256(text.encode()).hexdigest()[:6]}"


def store_sheet(store: Store, mock: MockSet, now: datetime, *, source: str = "sheet",
                then: Callable[[MockSet], None] | None = None) -> MockSet:
    """Give the sheet its id and store it with its questions; `then` (writing the file)
    runs inside the same transaction, so a sheet that could not be written is not kept."""
    with store.writing():
        named = insert_sheet(store, mock, now, source=source)
        if then is not None:
            then(named)
    return named


def insert_sheet(store: Store, mock: MockSet, now: datetime, *, source: str,
                  recorded_at: datetime | None = None) -> MockSet:
    salt = 0
    while store.mock_sheet_exists(sheet_id(mock, now, salt)):
        salt += 1
    named = replace(mock, sheet=sheet_id(mock, now, salt))
    store.insert_mock_sheet(
        MockSheetRow(named.sheet, now, mock.seed, mock.minutes, mock.round, mock.focus, source, recorded_at),
        [MockQuestionRow(n, q.card.full_id, q.category, q.card.kind, q.minutes, q.role)
         for n, q in enumerate(mock.questions, start=1)],
    )
    return named


# ---- recording a sheet ---------------------------------------------------------------


@dataclass(frozen=True)
class SheetQuestion:
    """A stored sheet's question, with the card's points, for recording it."""

    position: int
    card: Card
    minutes: int
    points: tuple[RubricPoint, ...]


@dataclass(frozen=True)
class QuestionRecord:
    """What the interviewer gave one question, checked against its card."""

    question: SheetQuestion
    rating: Rating
    hits: dict[str, bool]
    notes: str | None
    seconds: float | None

    @property
    def score(self) -> float:
        from tpmdrill.grading import score_points  # grading (rapidfuzz) stays off the report

        return score_points(self.question.points, self.hits)


LAST_SHEET = "last"


def sheet_for_recording(store: Store, sheet: str) -> tuple[MockSheetRow, list[SheetQuestion]]:
    """The sheet's questions, or an error when it is unknown or already recorded;
    `last` names the newest sheet not yet recorded."""
    if sheet == LAST_SHEET:
        newest = store.latest_unrecorded_sheet()
        if newest is None:
            raise UnknownSheet("no mock sheet is waiting to be recorded; 'tpmdrill mock -o mock.html' makes one")
        sheet = newest
    row = store.mock_sheet(sheet)
    if row is None:
        raise UnknownSheet(f"no mock sheet {sheet!r}; the id is printed at the top of both copies")
    if row.recorded_at is not None:
        how = "by 'mock --live'" if row.source == "live" else ""
        raise BadValue(f"mock sheet {sheet} was already recorded {how} on "
                       f"{row.recorded_at.date().isoformat()}; a sheet is recorded once".replace("  ", " "))
    questions = []
    for q in store.mock_questions(sheet):
        card = store.card(q.card)
        questions.append(SheetQuestion(q.position, card, q.minutes, MockQuestion(card, q.category, 0.5).points))
    return row, questions


def suggested_rating(question: SheetQuestion, hits: Mapping[str, bool]) -> str:
    """The rating the ticks suggest, as the drill would: a missed required point caps at Hard."""
    from tpmdrill.grading import score_points, suggest_rating

    missed_required = any(p.required and not hits.get(p.id, False) for p in question.points)
    return suggest_rating(score_points(question.points, hits), required_missed=missed_required, stuffing=False)


def read_record_file(path: Path) -> dict[str, Any]:
    """A verdicts file: JSON, or the same shape in TOML (by extension, else by content)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as ex:
        raise BadValue(f"cannot read {path}: {ex.strerror or ex}") from None
    except UnicodeDecodeError:
        raise BadValue(f"{path} is not UTF-8 text") from None
    as_toml = path.suffix.lower() == ".toml" or (path.suffix.lower() != ".json" and not text.lstrip().startswith("{"))
    try:
        data = tomllib.loads(text) if as_toml else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as ex:
        raise BadValue(f"{path} is not valid {'TOML' if as_toml else 'JSON'}: {ex}") from None
    if not isinstance(data, dict):
        raise BadValue(f"{path} must hold an object with a 'questions' list")
    return data


def check_records(questions: Sequence[SheetQuestion], data: Mapping[str, Any]) -> list[QuestionRecord]:
    """Every listed question checked: a known card of the sheet, listed once, known point
    ids, a valid rating (empty or missing: the one the ticks suggest). A point not listed
    counts as not covered; a question not listed was not asked and is not recorded."""
    entries = data.get("questions")
    if not isinstance(entries, list) or not entries:
        raise BadValue("the verdicts need a non-empty 'questions' list")
    by_card = {q.card.full_id: q for q in questions}
    records: list[QuestionRecord] = []
    for entry in entries:
        record = _check_entry(entry, by_card)
        if any(r.question.card.full_id == record.question.card.full_id for r in records):
            raise BadValue(f"card {record.question.card.full_id!r} is listed twice")
        records.append(record)
    return records


def _check_entry(entry: Any, by_card: Mapping[str, SheetQuestion]) -> QuestionRecord:
    if not isinstance(entry, dict):
        raise BadValue("each entry of 'questions' must be a table/object")
    unknown = sorted(set(entry) - RECORD_KEYS)
    card_id = str(entry.get("card", ""))
    if unknown:
        raise BadValue(f"question {card_id!r}: unknown key {unknown[0]!r} (known: {', '.join(sorted(RECORD_KEYS))})")
    if card_id not in by_card:
        raise BadValue(f"card {card_id!r} is not on this sheet (its cards: {', '.join(by_card)})")
    question = by_card[card_id]
    points = entry.get("points", {})
    known = {p.id for p in question.points}
    if not isinstance(points, dict) or not all(isinstance(v, bool) for v in points.values()):
        raise BadValue(f"card {card_id!r}: 'points' must map point ids to true or false")
    for point_id in points:
        if point_id not in known:
            raise BadValue(f"card {card_id!r} has no rubric point {point_id!r} "
                           f"(its points: {', '.join(sorted(known))})")
    hits = {p.id: bool(points.get(p.id, False)) for p in question.points}
    rating = str(entry.get("rating") or "").strip().lower() or suggested_rating(question, hits)
    if rating not in RATINGS:
        raise BadValue(f"card {card_id!r}: rating {rating!r} is not one of {', '.join(RATINGS)}")
    return QuestionRecord(question, rating_value(rating), hits, _notes(entry.get("notes"), card_id),
                          _seconds(entry.get("minutes"), card_id))


def _notes(value: Any, card_id: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadValue(f"card {card_id!r}: 'notes' must be text")
    return value.strip() or None if value else None


def _seconds(value: Any, card_id: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 600:
        raise BadValue(f"card {card_id!r}: 'minutes' (time taken) must be a number from 0 to 600")
    return float(value) * 60


def record_sheet(store: Store, sheet: str, records: Sequence[QuestionRecord], at: datetime) -> list[Review]:
    """Record every question as a mock review, and the sheet as recorded, in one transaction."""
    from tpmdrill.scheduler import record_reviews

    reviews = [_review(record, at) for record in records]

    def tie(saved: list[Review]) -> None:
        for record, review in zip(records, saved, strict=True):
            store.record_mock_question(sheet, record.question.position, MockOutcomeRow(
                review.id, record.score, record.seconds, record.notes))
        store.mark_mock_recorded(sheet, at)

    return [saved for saved, _ in record_reviews(store, reviews, also=tie)]


def _review(record: QuestionRecord, at: datetime) -> Review:
    suggested = rating_value(suggested_rating(record.question, record.hits))
    return Review(
        card=record.question.card.full_id, reviewed_at=at, rating=record.rating, mode=MOCK_MODE,
        suggested=suggested, score=record.score, seconds=record.seconds,
        verdicts=tuple(PointVerdictRow(point, None, hit) for point, hit in record.hits.items()),
    )


def verdict_template(mock: MockSet) -> str:
    """A TOML file the interviewer fills in for `mock record SHEET --from-file`."""
    lines = [f"# tpmdrill mock record {mock.sheet} --from-file THIS_FILE",
             "# For each question asked: a rating (again | hard | good | easy; leave empty to take",
             "# the one the ticks suggest), true for each point covered, optional notes and minutes taken.",
             "# Delete the questions you did not ask; a point left false counts as not covered."]
    for q in mock.questions:
        lines += ["", "[[questions]]", f"card = {json.dumps(q.card.full_id)}", 'rating = ""', 'notes = ""',
                  "# minutes = 12", "[questions.points]"]
        lines += [f"{p.id} = false" for p in q.points]
    return "\n".join(lines) + "\n"


# ---- mock history, for the report ------------------------------------------------------


@dataclass(frozen=True)
class MockResult:
    """One recorded mock: when, which round, how it scored, how it kept time."""

    sheet: str
    date: datetime
    round: str
    source: str
    answered: int
    questions: int
    score: float | None
    categories: tuple[tuple[str, float], ...]  # (category title, mean confirmed score)
    timed: int  # questions with a known time
    within_box: int
    overrun_minutes: float  # summed over the questions that overran

    @property
    def discipline(self) -> float | None:
        """Share of timed questions answered within their time box."""
        return self.within_box / self.timed if self.timed else None


def mock_history(store: Store, since: datetime | None = None) -> list[MockResult]:
    return [_result(sheet, questions) for sheet, questions in store.recorded_mocks(since)]


def _result(sheet: MockSheetRow, questions: list[MockQuestionRow]) -> MockResult:
    done = [(q, q.outcome) for q in questions if q.outcome is not None]
    scores: dict[str, list[float]] = {}
    for q, outcome in done:
        if outcome.score is not None:
            scores.setdefault(category_title(q.category), []).append(outcome.score)
    timed = [(q.minutes * 60, o.seconds) for q, o in done if o.seconds is not None]
    every = [s for values in scores.values() for s in values]
    return MockResult(
        sheet.id, sheet.recorded_at or sheet.created_at, sheet.round, sheet.source, len(done), len(questions),
        sum(every) / len(every) if every else None,
        tuple((c, sum(v) / len(v)) for c, v in scores.items()),
        len(timed), sum(1 for box, taken in timed if taken <= box),
        round(sum(max(0.0, taken - box) for box, taken in timed) / 60, 1),
    )
