"""FSRS scheduling through the `fsrs` package, with memory state in and out of the store.

`concept` cards keep the package's default learning steps (1 min, 10 min) and its
relearning step (10 min); the long-answer kinds (`design`, `trade-off`, `sql`) use no
steps, so their intervals are whole days from the first review. With fuzz off, a due
date equals what `fsrs.Scheduler` gives for the same ratings, to the second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tpmdrill.enums import CardKind, MemoryState, Rating, ReviewMode
from tpmdrill.errors import BadValue
from tpmdrill.ratings import RATINGS as RATINGS  # re-exported: callers think of ratings as scheduling
from tpmdrill.ratings import rating_name as rating_name
from tpmdrill.ratings import rating_value as rating_value
from tpmdrill.settings import SETTINGS, effective
from tpmdrill.store import Memory, PointVerdictRow, Review, Store
from tpmdrill.wording import plural

if TYPE_CHECKING:
    import fsrs

STATE_NAMES = {state.value: state.label for state in MemoryState}
STEPLESS_KINDS = frozenset({CardKind.DESIGN, CardKind.TRADE_OFF, CardKind.SQL, CardKind.ESTIMATE, CardKind.STORY})


@dataclass(frozen=True)
class SchedulerConfig:
    """What shapes every schedule: read once from the user's settings (defaults from
    the settings registry)."""

    desired_retention: float = SETTINGS["desired_retention"].default
    fuzz: bool = SETTINGS["fuzz"].default
    parameters: tuple[float, ...] | None = SETTINGS["fsrs_parameters"].default

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SchedulerConfig:
        values = effective(settings)
        parameters = values["fsrs_parameters"]
        return cls(
            desired_retention=float(values["desired_retention"]),
            fuzz=bool(values["fuzz"]),
            parameters=tuple(float(w) for w in parameters) if parameters else None,
        )


def state_name(memory: Memory | None) -> str:
    return "new" if memory is None else MemoryState(memory.state).label


@lru_cache(maxsize=32)
def fsrs_scheduler(kind: str, config: SchedulerConfig) -> fsrs.Scheduler:
    """The package's scheduler for a kind of card; cached because building one validates
    every parameter, which would dominate replaying or synthesising long histories."""
    import fsrs

    options: dict[str, Any] = {
        "desired_retention": config.desired_retention,
        "enable_fuzzing": config.fuzz,
    }
    if config.parameters is not None:
        options["parameters"] = config.parameters
    if kind in STEPLESS_KINDS:
        options["learning_steps"] = ()
        options["relearning_steps"] = ()
    return fsrs.Scheduler(**options)


def to_fsrs_card(memory: Memory | None, now: datetime) -> fsrs.Card:
    import fsrs

    if memory is None:
        return fsrs.Card(card_id=0, due=now)
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )


def next_memory(
    kind: str, memory: Memory | None, rating: int, at: datetime, config: SchedulerConfig
) -> Memory:
    """The memory state after rating a card of `kind` at `at`."""
    import fsrs

    if memory is not None and memory.last_review is not None and at < memory.last_review:
        raise BadValue(
            f"review time {at.isoformat()} is before the card's last review "
            f"({memory.last_review.isoformat()})"
        )
    scheduler = fsrs_scheduler(kind, config)
    card, _ = scheduler.review_card(to_fsrs_card(memory, at), fsrs.Rating(rating), at)
    lapsed = memory is not None and memory.state == MemoryState.REVIEW and rating == Rating.AGAIN
    return Memory(
        state=MemoryState(int(card.state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=(memory.reps if memory else 0) + 1,
        lapses=(memory.lapses if memory else 0) + int(lapsed),
    )


def retrievability(kind: str, memory: Memory | None, at: datetime, config: SchedulerConfig) -> float:
    """Predicted probability of recall at `at`; 0 for a card never studied."""
    if memory is None or memory.last_review is None:
        return 0.0
    scheduler = fsrs_scheduler(kind, config)
    return float(scheduler.get_card_retrievability(to_fsrs_card(memory, at), at))


def recall_now(memory: Memory | None, at: datetime, config: SchedulerConfig) -> float:
    """Predicted recall at `at`, counting the time since the last review to the second.

    FSRS schedules on whole elapsed days, so `retrievability` is 100% until a full day
    has passed; what a person is shown as "recall now" uses the exact elapsed time on
    the same forgetting curve, R = (1 + factor * t / S) ** decay. 0 for a card never studied.
    """
    if memory is None or memory.last_review is None or not memory.stability:
        return 0.0
    from fsrs.scheduler import DEFAULT_PARAMETERS

    decay = -float((config.parameters or DEFAULT_PARAMETERS)[20])
    factor = 0.9 ** (1 / decay) - 1
    elapsed = max(0.0, (at - memory.last_review).total_seconds() / 86400)
    return float((1 + factor * elapsed / memory.stability) ** decay)


def honest_percent(value: float) -> str:
    """A share as a whole percentage that never claims 100% (or 0%) unless it is exactly
    that: 99.7% shows as 99%, 0.2% as 1%."""
    shown = round(value * 100)
    if shown == 100 and value < 1:
        shown = 99
    if shown == 0 and value > 0:
        shown = 1
    return f"{shown}%"


def record_review(
    store: Store,
    card_id: str,
    rating: Rating,
    at: datetime,
    *,
    mode: ReviewMode = ReviewMode.REVIEW,
    reschedule: bool = True,
    suggested: Rating | None = None,
    score: float | None = None,
    answer: str | None = None,
    seconds: float | None = None,
    verdicts: tuple[PointVerdictRow, ...] = (),
    attempts: int | None = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[Review, Memory | None]:
    """Record one review: the review row, its point verdicts and the new memory state.

    All in one transaction that reads the old state under the write lock, so reviews
    from concurrent processes are applied one after the other and none is lost.
    A review with `reschedule=False` (cram) is kept but leaves the schedule alone.
    With `clock`, the review's time is read from it once the lock is held (not `at`).
    """
    review = Review(
        card=card_id, reviewed_at=at, rating=rating, mode=mode, rescheduled=reschedule,
        suggested=suggested, score=score, answer=answer, seconds=seconds, verdicts=verdicts,
        attempts=attempts,
    )
    [(saved, memory)] = record_reviews(store, [review], clock=clock)
    return saved, memory


def record_reviews(
    store: Store, reviews: Sequence[Review], *, also: Callable[[list[Review]], None] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> list[tuple[Review, Memory | None]]:
    """Record several reviews the way `record_review` records one, all in one transaction;
    `also` runs inside it with the saved reviews (to tie them to what they belong to),
    so either everything lands or nothing does."""
    settings = store.settings()
    config = SchedulerConfig.from_settings(settings)
    deadline = interview_deadline(settings)
    kinds = {review.card: store.card(review.card).kind for review in reviews}
    results: list[tuple[Review, Memory | None]] = []
    with store.writing():
        for review in reviews:
            if clock is not None:  # "now" after waiting for the lock: after any review it waited for
                review = replace(review, reviewed_at=clock())
            memory = store.memory_of(review.card)
            new_memory = next_memory(kinds[review.card], memory, review.rating, review.reviewed_at, config) \
                if review.rescheduled else None
            if new_memory is not None and deadline is not None:
                new_memory = interview_cap(kinds[review.card], new_memory, review.reviewed_at, config, *deadline)
            saved = store.save_review(review, new_memory)
            results.append((saved, new_memory if review.rescheduled else memory))
        if also is not None:
            also([saved for saved, _ in results])
    return results


FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little; a review further ahead is a typo


def check_review_time(at: datetime, now: datetime, *, force: bool = False) -> datetime:
    """`at`, unless it is more than a few minutes in the future (and not forced): one
    typo there (2062 for 2026) would lock the card, every later review being earlier."""
    if at - now > FUTURE_SLACK and not force:
        raise BadValue(
            f"review time {at.isoformat()} is in the future (now is {now.isoformat(timespec='seconds')});"
            " pass --force to record a deliberate replay"
        )
    return at


@dataclass(frozen=True)
class RecordedReview:
    """What `review --json` prints: the review just recorded and the schedule it set."""

    review: Review
    memory: Memory

    def to_json(self) -> dict[str, Any]:
        review, memory = self.review, self.memory
        return {
            "review": review.id, "card": review.card, "rating": Rating.of(review.rating).label,
            "reviewed_at": review.reviewed_at.isoformat(), "state": state_name(memory),
            "due": memory.due.isoformat(), "stability": memory.stability, "difficulty": memory.difficulty,
        }


def interview_deadline(settings: Mapping[str, Any]) -> tuple[datetime, float] | None:
    """The interview instant (the start of its UTC day) and the recall to keep on it,
    when `tpmdrill interview set` has set a date."""
    values = effective(settings)
    day = values["interview_date"]
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day), time.min, UTC), float(values["interview_retention"])


def interview_cap(
    kind: str, memory: Memory, at: datetime, config: SchedulerConfig, interview: datetime, target: float
) -> Memory:
    """Bring the due date forward when the natural one would let recall on the interview
    day fall below `target`: due no later than the day before, never before `at`.
    Reviews on or after the interview day are scheduled normally."""
    if at >= interview or retrievability(kind, memory, interview, config) >= target:
        return memory
    latest = max(at, interview - timedelta(days=1))
    return memory if memory.due <= latest else replace(memory, due=latest)


def replay_history(
    kind: str, history: Iterable[tuple[datetime, int]], config: SchedulerConfig,
    deadline: tuple[datetime, float] | None,
) -> Memory | None:
    """The memory state after `history` (time, rating), oldest first, as live reviews
    would have left it, the interview date's cap on the due date included.

    Capping only the last review is enough: FSRS schedules from the last review and
    the stability, never from the due date an earlier cap may have moved.
    """
    memory: Memory | None = None
    last = None
    for last, rating in history:
        memory = next_memory(kind, memory, rating, last, config)
    if memory is not None and last is not None and deadline is not None:
        memory = interview_cap(kind, memory, last, config, *deadline)
    return memory


def interval_text(delta: timedelta) -> str:
    """A short human phrase for how long until a card comes back."""
    seconds = delta.total_seconds()
    if seconds < 90:
        return "in 1 minute" if seconds > 0 else "now"
    if seconds < 3600:
        return f"in {plural(round(seconds / 60), 'minute')}"
    if seconds < 86400 * 1.5:
        hours = round(seconds / 3600)
        return f"in {plural(hours, 'hour')}"
    return f"in {plural(round(seconds / 86400), 'day')}"
