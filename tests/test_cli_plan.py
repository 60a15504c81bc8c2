"""`interview set --daily-minutes`, `interview plan`, `interview status` with a plan,
`config set daily_minutes` and `due` in minutes at the user's pace."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tpmdrill.scheduler import record_review
from tpmdrill.store import Store

NOW = "2025-03-01T09:00:00+00:00"


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch, mini: Invoke) -> Invoke:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    return mini


def test_plan_fits_the_daily_budget_and_names_the_rest(pinned: Invoke) -> None:
    no_budget = pinned("interview", "plan")
    assert (no_budget.exit_code, no_budget.stderr) == (
        1, "Error: no interview date ahead; set one with 'tpmdrill interview set YYYY-MM-DD'\n")
    result = pinned("interview", "set", "2025-03-14", "--daily-minutes", "45", "--round", "system-design")
    assert result.exit_code == 0, result.output
    assert "Plan: 45 min a day over 13 days" in result.stdout
    plan = json.loads(pinned("interview", "plan", "--json").stdout)
    assert set(plan) == {"date", "daily_minutes", "days", "not_fitting"}
    assert (plan["date"], plan["daily_minutes"], len(plan["days"])) == ("2025-03-14", 45, 13)
    assert all(day["minutes"] <= 45 for day in plan["days"])
    planned = {card for day in plan["days"] for card in day["cards"]}
    cards = {c["id"] for c in json.loads(pinned("cards", "--json").stdout)}
    assert planned | set(plan["not_fitting"]) == cards  # a new database: every card is new
    assert not planned & set(plan["not_fitting"])
    first_day_new = plan["days"][0]["cards"]
    categories = {c["id"]: c["category"] for c in json.loads(pinned("cards", "--json").stdout)}
    assert categories[first_day_new[0]] == "system-design"  # the round prepared for comes first
    human = pinned("interview", "plan")
    assert human.stdout.startswith("Plan: 45 min a day over 13 days")
    assert f"Cannot fit ({len(plan['not_fitting'])}):" in human.stdout


def test_status_with_a_plan_shows_standing_and_today(pinned: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pinned("interview", "set", "2025-03-14").exit_code == 0
    assert pinned("config", "set", "daily_minutes", "30").exit_code == 0
    status = pinned("interview", "status")
    assert status.exit_code == 0, status.output
    assert "Plan: 30 min a day; you are on track with the plan." in status.stdout
    assert "meet " not in status.stdout  # the old promise, every card in time, is gone
    assert "Every card the plan can fit is met in time; " in status.stdout
    body = json.loads(pinned("interview", "status", "--json").stdout)
    assert body["plan"]["status"] == "on_track" and body["plan"]["daily_minutes"] == 30
    assert body["plan"]["today"]["minutes"] <= 30
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-04T09:00:00+00:00")  # three days of nothing done
    behind = pinned("interview", "status")
    assert "you are behind the plan by " in behind.stdout
    assert json.loads(pinned("interview", "status", "--json").stdout)["plan"]["status"] == "behind"


def test_daily_minutes_setting(pinned: Invoke) -> None:
    assert pinned("config", "set", "daily_minutes", "45").stdout == "daily_minutes = 45\n"
    assert pinned("config", "get", "daily_minutes").stdout == "45\n"
    bad = pinned("config", "set", "daily_minutes", "900")
    assert (bad.exit_code, bad.stderr) == (
        1, "Error: daily_minutes: must be a whole number of minutes from 0 to 600 (0: no daily budget)\n")


def test_due_shows_minutes_at_the_users_pace(pinned: Invoke, db_path: Path) -> None:
    assert pinned("config", "set", "fuzz", "false").exit_code == 0
    store = Store.open(db_path)
    try:
        start = datetime(2025, 2, 1, 9, tzinfo=UTC)
        for n in range(6):  # this user takes twice a design card's minutes
            record_review(store, "mini/ride-sharing", 3, start + timedelta(hours=n), seconds=1800.0)
    finally:
        store.close()
    report = json.loads(pinned("due", "--json").stdout)
    assert report["pace"] == {"design": 2.0}
    assert (report["total_due"], report["minutes_due"]) == (1, 30.0)  # 15 minutes on the card, 30 at this pace
    assert all(set(day) == {"date", "count", "minutes"} for day in report["upcoming"])
    assert "1 card due now (about 30 min at your pace)" in pinned("due").stdout
    store = Store.open(db_path)
    try:
        memory = store.memory_of("mini/ride-sharing")
    finally:
        store.close()
    assert memory is not None
    before = (memory.due - timedelta(days=2)).isoformat()
    soon = json.loads(pinned("due", "--json", env={"TPMDRILL_NOW": before}).stdout)
    day = next(d for d in soon["upcoming"] if d["date"] == memory.due.date().isoformat())
    assert (day["count"], day["minutes"]) == (1, 30.0)
    assert f"  {day['date']}  1  about 30 min" in pinned("due", env={"TPMDRILL_NOW": before}).stdout
