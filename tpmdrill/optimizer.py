"""Personal FSRS parameters: `tpmdrill optimize` fits them to the user's own reviews.

Fitting uses `fsrs-rs-python` (the Rust optimizer Anki uses), trained on every card's
scheduled reviews (cram left out, as the scheduler leaves it out) with intervals in
whole days, as the `fsrs` package counts them. The new parameters are kept only when
they predict the user's recall better than the current ones (lower log loss); then
every card's memory state is recomputed by replaying its history with them.

`suggest_retention` simulates a year of study of the user's active cards at several
desired retentions and reports the daily workload and the knowledge each implies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from tpmdrill.clock import from_text
from tpmdrill.errors import BadValue
from tpmdrill.progress import Progress, quiet
from tpmdrill.scheduler import SchedulerConfig, interview_deadline, replay_history
from tpmdrill.settings import value_of
from tpmdrill.store import Store
from tpmdrill.store.rows import CardHistory

if TYPE_CHECKING:
    import fsrs_rs_python

MIN_REVIEWS = 400  # long-term reviews (a day or more after the previous one) needed to fit
PARAMETERS_SETTING = "fsrs_parameters"
RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95)
SIMULATED_DAYS = 365
T = TypeVar("T")


@dataclass(frozen=True)
class Fit:
    reviews: int  # long-term reviews the fit learnt from
    old: tuple[float, ...]
    new: tuple[float, ...]
    log_loss_before: float
    log_loss_after: float
    adopted: bool
    rescheduled: int = 0

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "old": list(self.old), "new": list(self.new)}


class NotEnoughReviews(BadValue):
    """Too little history to fit parameters that would be better than the defaults."""


def default_parameters() -> tuple[float, ...]:
    import fsrs

    return tuple(float(w) for w in fsrs.Scheduler().parameters)


def current_parameters(store: Store) -> tuple[float, ...]:
    stored = value_of(store.settings(), PARAMETERS_SETTING)
    return tuple(float(w) for w in stored) if stored else default_parameters()


def training_items(
    histories: Iterable[CardHistory],
) -> tuple[list[fsrs_rs_python.FSRSItem], int]:
    """One item per long-term review (a day or more after the card's previous one) with
    the card's reviews up to and including it, and how many such items there are.

    Same-day reviews (learning steps) stay inside the items as steps with an interval of
    0 days, as FSRS-rs (and Anki) expect; an item ending on one is not made, because
    FSRS-rs accepts only items with a review a day or more after the one before.
    """
    import fsrs_rs_python as rs

    items: list[rs.FSRSItem] = []
    for history in histories:
        times = [from_text(review.at) for review in history.reviews]
        gaps = [0] + [max((later - earlier).days, 0) for earlier, later in pairwise(times)]
        steps = [rs.FSRSReview(review.rating, gap) for review, gap in zip(history.reviews, gaps, strict=True)]
        items.extend(rs.FSRSItem(steps[: i + 1]) for i in range(1, len(steps)) if gaps[i] > 0)
    return items, len(items)


def _fsrs_rs(action: str, call: Callable[[], T]) -> T:
    """Run an FSRS-rs call; a panic in the Rust code becomes one clear line."""
    try:
        return call()
    except BaseException as ex:  # pyo3_runtime.PanicException derives from BaseException
        if isinstance(ex, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        first = (str(ex).splitlines() or [type(ex).__name__])[0]
        raise BadValue(f"the FSRS optimizer failed while {action}: {first[:200]}") from None


def fit_parameters(items: Sequence[fsrs_rs_python.FSRSItem]) -> tuple[float, ...]:
    import fsrs_rs_python as rs

    fitted = _fsrs_rs("fitting", lambda: rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters(list(items)))
    return tuple(round(float(w), 4) for w in fitted)


def log_loss(parameters: Sequence[float], items: Sequence[fsrs_rs_python.FSRSItem]) -> float:
    """How well `parameters` predict recall on `items`: mean log loss, lower is better."""
    import fsrs_rs_python as rs

    return float(_fsrs_rs("evaluating", lambda: rs.FSRS(list(parameters)).evaluate(list(items)).log_loss))


def optimize(store: Store, progress: Progress = quiet) -> Fit:
    """Fit, compare, and if better store the parameters and reschedule every card."""
    with progress("Reading reviews", 1) as advance:
        items, count = training_items(store.scheduling_histories())
        advance(1)
    if count < MIN_REVIEWS:
        raise NotEnoughReviews(
            f"optimize needs at least {MIN_REVIEWS} reviews made a day or more after the card's previous one;"
            f" you have {count}. Keep drilling with the default parameters and try again later."
        )
    old = current_parameters(store)
    with progress("Fitting parameters", 3) as advance:
        new = fit_parameters(items)
        advance(1)
        before, after = log_loss(old, items), log_loss(new, items)
        advance(2)
    fit = Fit(count, old, new, before, after, adopted=after < before and _usable(new))
    if not fit.adopted:
        return fit
    rescheduled = reschedule(store, new, progress)
    return dataclasses.replace(fit, rescheduled=rescheduled)


def _usable(parameters: tuple[float, ...]) -> bool:
    """Whether the scheduler accepts the parameters (the `fsrs` package checks their bounds)."""
    import fsrs

    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError:
        return False
    return True


def reschedule(store: Store, parameters: tuple[float, ...], progress: Progress = quiet) -> int:
    """Store `parameters` and every card's memory state replayed with them, in one write
    transaction that also reads the histories: a review recorded meanwhile waits for it
    and then lands on the new state, never overwritten by a state replayed without it."""
    with store.writing():
        histories = list(store.scheduling_histories())
        settings = store.settings()
        config = dataclasses.replace(SchedulerConfig.from_settings(settings), parameters=parameters)
        deadline = interview_deadline(settings)
        memories = []
        with progress("Rescheduling cards", len(histories)) as advance:
            for history in histories:
                timed = [(from_text(review.at), review.rating) for review in history.reviews]
                memory = replay_history(history.kind, timed, config, deadline)
                assert memory is not None  # histories are never empty
                memories.append((history.card, memory))
                advance(1)
        store.put_setting_and_memories(PARAMETERS_SETTING, list(parameters), memories, in_transaction=True)
    return len(memories)


@dataclass(frozen=True)
class Workload:
    retention: float
    reviews_per_day: float
    minutes_per_day: float
    memorized: float  # cards expected to be recalled at the end of the simulated year

    @property
    def minutes_per_card(self) -> float:
        return self.minutes_per_day * SIMULATED_DAYS / max(self.memorized, 1e-9)


class RetentionAdvice(NamedTuple):
    """What `optimize --retention` shows: the simulated workloads and the retention suggested."""

    workloads: list[Workload]
    suggested: float

    def to_json(self) -> dict[str, Any]:
        return {"suggested": self.suggested, "workloads": [
            {"retention": w.retention, "reviews_per_day": w.reviews_per_day, "minutes_per_day": w.minutes_per_day,
             "memorized": w.memorized} for w in self.workloads]}


def suggest_retention(store: Store, minutes: float | None = None, progress: Progress = quiet) -> RetentionAdvice:
    """Workloads at several desired retentions, and the one suggested.

    Without a budget the suggestion is the retention that costs the fewest minutes per
    card remembered; with `minutes` a day, the highest retention that fits in them.
    """
    parameters = current_parameters(store)
    config = _simulator_config(simulation_inputs(store))
    workloads = []
    with progress("Simulating a year of reviews", len(RETENTIONS)) as advance:
        for retention in RETENTIONS:
            workloads.append(_simulate(parameters, retention, config))
            advance(1)
    return RetentionAdvice(workloads, _suggest(workloads, minutes))


def _suggest(workloads: list[Workload], minutes: float | None) -> float:
    if minutes is not None:
        fitting = [w for w in workloads if w.minutes_per_day <= minutes]
        return max(fitting, key=lambda w: w.retention).retention if fitting else workloads[0].retention
    return min(workloads, key=lambda w: w.minutes_per_card).retention


def _mean(values: Sequence[int], *, default: float) -> float:
    return sum(values) / len(values) if values else default


@dataclass(frozen=True)
class SimulationInputs:
    cards: int  # active cards, at least 1
    seconds: float  # per review
    new_per_day: int  # the user's setting, 0 included


def simulation_inputs(store: Store) -> SimulationInputs:
    """What the workload simulation takes from the user's database."""
    minutes_per_card = [row.minutes for row in store.card_minutes()]
    seconds = store.mean_review_seconds() or 60.0 * _mean(minutes_per_card, default=5.0)
    new_per_day = int(value_of(store.settings(), "new_per_day"))
    return SimulationInputs(max(len(minutes_per_card), 1), seconds, new_per_day)


def _simulator_config(inputs: SimulationInputs) -> Any:
    import fsrs_rs_python as rs

    config = rs.default_simulator_config()
    config.deck_size = inputs.cards
    config.learn_span = SIMULATED_DAYS
    # The simulation needs new cards to have a workload at all; with none a day it
    # measures the pace of one a day.
    config.learn_limit = max(inputs.new_per_day, 1)
    config.max_cost_perday = 24 * 3600.0
    config.state_rating_costs = [[inputs.seconds] * 4 for _ in range(3)]
    return config


def _simulate(parameters: Sequence[float], retention: float, config: Any) -> Workload:
    import fsrs_rs_python as rs

    result = rs.simulate(list(parameters), retention, config, 42)
    days = len(result.review_cnt_per_day) or 1
    return Workload(
        retention=retention,
        reviews_per_day=(sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)) / days,
        minutes_per_day=sum(result.cost_per_day) / days / 60,
        memorized=float(result.memorized_cnt_per_day[-1]) if result.memorized_cnt_per_day else 0.0,
    )
