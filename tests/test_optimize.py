"""`optimize`: personal parameters from the user's history, better predictions, every card rescheduled."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from tests.conftest import Invoke
from tests.synthetic_history import TRUE_PARAMETERS, fill, histories
from tpmdrill.clock import from_text
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
from tpmdrill.scheduler import SchedulerConfig, retrievability
from tpmdrill.store import Store


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
