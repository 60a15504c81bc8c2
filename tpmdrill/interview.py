"""Interview-date mode: the date, readiness for it, and pacing of new cards.

The interview happens on a UTC day D; its instant is the start of that day. Reviews
before D never leave a card's recall on D under `interview_retention`
(scheduler.interview_cap); setting the date also brings forward cards already
scheduled past it. New cards are paced so each is first met LEAD_DAYS before D,
leaving time to see it again before the interview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tpmdrill import clock
from tpmdrill.analytics import Readiness, curve_of, days_left, pace_new_cards, readiness
from tpmdrill.errors import BadValue
from tpmdrill.pace import Pace, duration_text, measured
from tpmdrill.plan import SENIOR_DAYS, Curve, StudyPlan, make_plan, plan_cards, skills_of, tags_of, utc_day
from tpmdrill.scheduler import SchedulerConfig, interview_deadline
from tpmdrill.session import day_start
from tpmdrill.settings import effective, value_of
from tpmdrill.store import Store
from tpmdrill.wording import plural

SETTING = "interview_date"  # registered in tpmdrill.settings


def parse_day(text: str) -> date:
    return clock.parse_day(text, "interview date")


def interview_day(store: Store) -> date | None:
    value = value_of(store.settings(), SETTING)
    return date.fromisoformat(value) if value else None


def set_interview(store: Store, day: date, now: datetime) -> int:
    """Set the interview date and bring forward studied cards that would otherwise
    come back too late; return how many moved."""
    today = now.astimezone(UTC).date()
    if day <= today:
        raise BadValue(f"interview date {day.isoformat()} is not after today ({today.isoformat()})")
    store.put_setting(SETTING, day.isoformat())
    deadline = interview_deadline(store.settings())
    assert deadline is not None
    interview, target = deadline
    cap = max(now, interview - timedelta(days=1))
    return store.bring_forward(interview, cap, curve_of(store), target)


def clear_interview(store: Store) -> None:
    store.put_setting(SETTING, None)


def new_cards_per_day_needed(store: Store, now: datetime) -> int:
    """New cards to introduce today so every card is met LEAD_DAYS before the interview;
    0 with no interview date or once it has passed. A drill queue should take
    max(new_per_day, this)."""
    day = interview_day(store)
    if day is None:
        return 0
    return pace_new_cards(store.new_card_count(), day, now)


def countdown_line(store: Store, now: datetime) -> str | None:
    """A one-line countdown for the headers of `due` and `drill`, or None without a date."""
    ready = readiness(store, now)
    if ready is None:
        return None
    return countdown_text(ready)


def countdown_text(ready: Readiness) -> str:
    left = ready.days_left
    when = "today" if left == 0 else ("tomorrow" if left == 1 else f"in {left} days")
    if left < 0:
        when = f"was {plural(-left, 'day')} ago"
    recall = "no cards studied yet" if ready.predicted_recall is None else (
        f"predicted recall {ready.predicted_recall:.0%}")
    return f"Interview {when} ({ready.day.isoformat()}) — {recall}"


# ---- the plan within a daily budget (issue 16) ---------------------------------------

ROUND_SETTING = "interview_round"
BASELINE_SETTING = "interview_plan_baseline"
ON_TRACK_MINUTES = 5  # behind or ahead by less than this is on track


def plan_curve(store: Store) -> Curve:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    settings = store.settings()
    config = SchedulerConfig.from_settings(settings)
    return Curve(config.parameters or DEFAULT_PARAMETERS, config.desired_retention,
                 float(value_of(settings, "interview_retention")))


def daily_minutes(store: Store) -> int | None:
    value = effective(store.settings())["daily_minutes"]
    return int(value) if value else None


def interview_plan(store: Store, now: datetime, pace: Pace | None = None) -> StudyPlan | None:
    """Today's plan to the interview day; None without an interview date or daily budget."""
    day, budget = interview_day(store), daily_minutes(store)
    if day is None or budget is None or day <= utc_day(now):
        return None
    pace = pace if pace is not None else measured(store, now)
    rows = store.plan_rows(datetime.combine(day, datetime.min.time(), UTC))
    cards = plan_cards(rows, pace, new_card_values(store, rows, days_left(day, now)), day)
    today = day_start(now)
    spent = store.studied_seconds(today, today + timedelta(days=1)) / 60
    return make_plan(cards, utc_day(now), day, budget, plan_curve(store), spent)


def new_card_values(store: Store, rows: Sequence[Sequence[object]], left: int) -> dict[str, float]:
    """What meeting each new card is worth: skill gaps, weak categories and tags, the
    round being prepared for, and a difficulty suited to the days left."""
    from tpmdrill.assess import GAP_BELOW, latest_ratings

    if all(row[11] is not None for row in rows):
        return {}
    ratings = latest_ratings(store) or {}
    weakness = {(group, name): lapses / reviews for group, name, lapses, reviews in store.lapse_rates() if reviews}
    rounds = set(store.setting(ROUND_SETTING) or ())
    values = {}
    for row in rows:
        if row[11] is not None:
            continue
        low = [r for s in skills_of(row) if (r := ratings.get(s)) is not None and r < GAP_BELOW]
        value = 1.0 + (GAP_BELOW - min(low) if low else 0)
        value += 2.0 * weakness.get(("category", str(row[3])), 0.0)
        value += max((weakness.get(("tag", t), 0.0) for t in tags_of(row)), default=0.0)
        value += 1.5 if str(row[3]) in rounds else 0.0
        values[str(row[0])] = value * (0.6 if int(row[7]) >= 3 and left < SENIOR_DAYS else 1.0)  # type: ignore[call-overload]
    return values


@dataclass(frozen=True)
class Standing:
    """Work done since the plan was first made against what it asked for."""

    state: str  # "ahead", "on track" or "behind"
    minutes: float  # how far ahead or behind

    def text(self) -> str:
        if self.state == "on track":
            return "on track with the plan"
        return f"{self.state} the plan by {duration_text(self.minutes)}"

    def to_json(self) -> dict[str, object]:
        return {"status": self.state.replace(" ", "_"), "minutes": round(self.minutes, 1)}


def standing(store: Store, plan: StudyPlan, now: datetime) -> Standing:
    """Ahead, on track or behind, against the plan as it was first made for this date
    and budget (kept in a setting, made now if there is none)."""
    baseline = store.setting(BASELINE_SETTING)
    key = [plan.interview.isoformat(), plan.daily_minutes]
    if not baseline or baseline.get("key") != key:
        baseline = {"key": key, "made_at": now.isoformat(),
                    "days": {d.day.isoformat(): round(d.minutes, 2) for d in plan.days}}
        store.put_setting(BASELINE_SETTING, baseline)
    today = utc_day(now)
    before = sum(m for d, m in baseline["days"].items() if date.fromisoformat(d) < today)
    through = before + baseline["days"].get(today.isoformat(), 0.0)
    made = datetime.fromisoformat(baseline["made_at"])
    done_before = store.studied_seconds(made, day_start(now)) / 60
    done = store.studied_seconds(made, now + timedelta(seconds=1)) / 60
    if before - done_before >= ON_TRACK_MINUTES:
        return Standing("behind", before - done_before)
    if done - through >= ON_TRACK_MINUTES:
        return Standing("ahead", done - through)
    return Standing("on track", 0.0)


def set_plan_options(store: Store, minutes: int | None, rounds: Sequence[str]) -> None:
    """`interview set --daily-minutes N --round R`: the daily budget and the round's categories."""
    if minutes is not None:
        store.put_setting("daily_minutes", minutes)
    if rounds:
        store.put_setting(ROUND_SETTING, sorted(set(rounds)))


def require_plan(store: Store, now: datetime) -> StudyPlan:
    plan = interview_plan(store, now)
    if plan is None:
        day = interview_day(store)
        if day is None or day <= utc_day(now):
            raise BadValue("no interview date ahead; set one with 'tpmdrill interview set YYYY-MM-DD'")
        raise BadValue("no daily budget; set one with 'tpmdrill interview set DATE --daily-minutes N'"
                       " or 'tpmdrill config set daily_minutes N'")
    return plan


@dataclass(frozen=True)
class PlanStatus:
    """What `interview status` adds with a plan: standing, today's session, what cannot fit."""

    plan: StudyPlan
    standing: Standing
    new_today: int

    def lines(self) -> list[str]:
        today = self.plan.today()
        cards = len(today.cards) if today else 0
        minutes = duration_text(today.minutes) if today else "0 min"
        lines = [f"Plan: {self.plan.daily_minutes} min a day; you are {self.standing.text()}.",
                 f"Today: {plural(cards, 'card')} ({plural(cards - self.new_today, 'review')},"
                 f" {self.new_today} new), about {minutes}."]
        left = len(self.plan.not_fitting)
        lines.append("Every card the plan can fit is met in time" + (
            f"; {left} cannot fit ('tpmdrill interview plan' lists them)." if left else "; all of them fit."))
        return lines

    def to_json(self) -> dict[str, object]:
        today = self.plan.today()
        return {"daily_minutes": self.plan.daily_minutes, **self.standing.to_json(),
                "today": today.to_json() if today else None, "new_today": self.new_today,
                "not_fitting": len(self.plan.not_fitting)}


def plan_status(store: Store, now: datetime) -> PlanStatus | None:
    plan = interview_plan(store, now)
    if plan is None:
        return None
    today = plan.today()
    new_today = sum(1 for c in today.cards if c in plan.new_cards) if today else 0
    return PlanStatus(plan, standing(store, plan, now), new_today)
