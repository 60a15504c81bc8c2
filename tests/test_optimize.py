"""`optimize`: personal parameters from the user's history, better predictions, every card rescheduled."""

from __future__ import annotations

import dataclasses
import json
import threading
import time as time_module
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from tests.conftest import Invoke
from tests.synthetic_history import TRUE_PARAMETERS, fill, histories
from tpmdrill.clock import from_text, to_text
from tpmdrill.enums import Rating
from tpmdrill.merge import replay
from tpmdrill.optimizer import (
    MIN_REVIEWS,
    PARAMETERS_SETTING,
    RETENTIONS,
    default_parameters,
    fit_parameters,
    log_loss,
    optimize,
    reschedule,
    suggest_retention,
    training_items,
)
from tpmdrill.scheduler import SchedulerConfig, record_review, retrievability
from tpmdrill.store import Store
from tpmdrill.store.rows import CardHistory, TimedRating


def test_fitted_parameters_predict_held_out_reviews_better_than_the_defaults() -> None:
    training, _ = training_items(histories(600, 10, seed=1))
    held_out, _ = training_items(histories(300, 10, seed=2))
    fitted = fit_parameters(training)
    assert log_loss(fitted, held_out) < log_loss(default_parameters(), held_out)
    # The first-review stability after Easy moves towards the truth (25 days, default 8.3).
    assert abs(fitted[3] - TRUE_PARAMETERS[3]) < abs(default_parameters()[3] - TRUE_PARAMETERS[3])


def test_optimize_stores_the_parameters_and_reschedules_every_card() -> None:
    store = Store.memory()
    store.put_setting("fuzz", False)
    fill(store, histories(150, 8, seed=3))
    fit = optimize(store)
    assert fit.adopted
    assert fit.log_loss_after < fit.log_loss_before
    assert fit.rescheduled == 150
    assert tuple(store.setting(PARAMETERS_SETTING)) == fit.new
    config = SchedulerConfig.from_settings(store.settings())
    assert config.parameters == fit.new
    for card in ("synthetic/card-00000", "synthetic/card-00149"):
        assert store.memory_of(card) == replay(store, card, "design", dataclasses.replace(config, fuzz=False))


def test_too_few_reviews_says_how_many_there_are(run: Invoke) -> None:
    run("review", "api-design/idempotency-keys", "--rating", "good", "--at", "2025-01-01T09:00:00+00:00")
    run("review", "api-design/idempotency-keys", "--rating", "good", "--at", "2025-01-03T09:00:00+00:00")
    result = run("optimize")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: optimize needs at least {MIN_REVIEWS} reviews made a day or more after the card's previous one;"
        " you have 1. Keep drilling with the default parameters and try again later.\n"
    )


def test_cli_shows_old_and_new_parameters_and_log_loss(run: Invoke, db_path: Path) -> None:
    store = Store.open(db_path)
    fill(store, histories(120, 8, seed=4))
    store.close()
    result = run("optimize")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Fitted to {120 * 7} reviews."
    assert lines[1] == "  w    old      new"
    assert len([line for line in lines if line.startswith("  ") and line.split()[0].isdigit()]) == 21
    assert lines[-2].startswith("Log loss (lower predicts your recall better): ")
    assert lines[-1] == "Kept the new parameters and rescheduled 120 cards."
    stored = Store.open(db_path)
    adopted = stored.setting(PARAMETERS_SETTING)
    stored.close()
    again = json.loads(run("optimize", "--json").stdout)
    assert again["old"] == adopted  # the second fit starts from the user's parameters


def test_retention_suggestion_follows_the_workload() -> None:
    store = Store.memory()
    fill(store, histories(40, 3, seed=5))
    workloads, suggested = suggest_retention(store)
    assert [w.retention for w in workloads] == list(RETENTIONS)
    assert suggested == min(workloads, key=lambda w: w.minutes_per_card).retention
    minutes = [w.minutes_per_day for w in workloads]
    assert minutes[-1] > minutes[0]  # higher retention, more work
    budget = (minutes[2] + minutes[3]) / 2
    _, within = suggest_retention(store, budget)
    assert within == max(w.retention for w in workloads if w.minutes_per_day <= budget)


def test_cli_retention_table(run: Invoke) -> None:
    result = run("optimize", "--retention", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["suggested"] in RETENTIONS
    assert [w["retention"] for w in report["workloads"]] == list(RETENTIONS)
    result = run("optimize", "--minutes", "10")
    assert result.exit_code == 2


def test_rescheduling_keeps_the_interview_date_rule() -> None:
    store = Store.memory()
    store.put_setting("fuzz", False)
    fill(store, histories(60, 6, seed=4))
    last = max(from_text(row["reviewed_at"]) for row in store.table_rows("reviews"))
    day = datetime.combine(last.date() + timedelta(days=10), time.min, UTC)
    store.put_setting("interview_date", day.date().isoformat())

    reschedule(store, default_parameters())

    config = SchedulerConfig.from_settings(store.settings())
    memories = [memory for row in store.table_rows("memory") if (memory := store.memory_of(row["card"]))]
    assert all(m.due <= day - timedelta(days=1) or retrievability("design", m, day, config) >= 0.95
               for m in memories)
    assert any(m.due == day - timedelta(days=1) for m in memories)  # some were capped


def _with_learning_steps(generated: list[CardHistory]) -> list[CardHistory]:
    """Each card's first review followed, as a concept card's learning steps go, by
    reviews 1 and 10 minutes later on the same day."""
    stepped = []
    for history in generated:
        first = from_text(history.reviews[0].at)
        same_day = [TimedRating(to_text(first + timedelta(minutes=m)), 3) for m in (1, 11)]
        stepped.append(dataclasses.replace(history, reviews=[history.reviews[0], *same_day, *history.reviews[1:]]))
    return stepped


def test_same_day_learning_steps_are_kept_inside_items_and_never_panic() -> None:
    generated = _with_learning_steps(histories(120, 6, seed=5))
    items, eligible = training_items(generated)
    assert eligible == len(items)
    assert 120 * 4 < eligible <= 120 * 5  # the 2 same-day steps of each card end no item
    assert all(item.long_term_review_cnt() >= 1 for item in items)  # what FSRS-rs requires
    assert all(len(item.reviews) >= 4 for item in items)  # the same-day steps stay inside
    store = Store.memory()
    fill(store, generated)
    fit = optimize(store)
    assert fit.reviews == eligible
    assert fit.log_loss_after <= fit.log_loss_before or not fit.adopted


def test_an_item_without_a_review_a_day_later_is_never_made() -> None:
    start = "2026-01-01T09:00:00.000000+00:00"
    later = start.replace("09:00", "09:01")
    only_same_day = CardHistory("x/y", "concept", [TimedRating(start, 1), TimedRating(later, 3)])
    assert training_items([only_same_day]) == ([], 0)


def test_a_review_recorded_while_rescheduling_is_not_overwritten(db_path: Path) -> None:
    store = Store.open(db_path)
    fill(store, histories(60, 6, seed=9))
    card = "synthetic/card-00007"
    late = from_text(store.history(card)[-1]["reviewed_at"]) + timedelta(days=30)
    writer: list[threading.Thread] = []

    def review_meanwhile() -> None:
        other = Store.open(db_path)
        record_review(other, card, Rating.GOOD, late)
        other.close()

    @contextmanager
    def progress(label: str, _total: int) -> Iterator[Callable[[int], None]]:
        if label.startswith("Rescheduling") and not writer:
            writer.append(threading.Thread(target=review_meanwhile))
            writer[0].start()
            time_module.sleep(0.3)  # the other process is now waiting for the write lock
        yield lambda _n: None

    reschedule(store, default_parameters(), progress)
    writer[0].join()
    memory = store.memory_of(card)
    assert memory is not None and memory.last_review == late
    store.close()
