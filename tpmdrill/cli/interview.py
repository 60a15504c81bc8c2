"""`tpmdrill interview`: the interview date, and readiness for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, now, open_store
from tpmdrill.decks import CATEGORIES
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.plan import StudyPlan


@click.group(context_settings=CONTEXT_SETTINGS)
def interview() -> None:
    """Interview-date mode: every studied card comes back before the day."""


@interview.command(name="set", context_settings=CONTEXT_SETTINGS)
@click.argument("day", metavar="DATE")
@click.option("--daily-minutes", type=click.IntRange(1, 600),
              help="Minutes a day you can study (sets daily_minutes): the plan fits every day within it.")
@click.option("round_", "--round", multiple=True, type=click.Choice(CATEGORIES), metavar="CATEGORY",
              help="A category of the round you prepare for (repeatable): its new cards come first.")
@db_option
def set_(day: str, daily_minutes: int | None, round_: tuple[str, ...]) -> None:
    """Set the interview date (YYYY-MM-DD, a UTC day).

    Until then, no review leaves a card's predicted recall on the day below
    interview_retention (config), and new cards are paced to be met in time.
    With a daily budget, a day-by-day plan fits every day within it and names
    the cards that cannot fit ('tpmdrill interview plan').

    \b
    Examples:
      tpmdrill interview set 2026-12-07
      tpmdrill interview set 2026-12-07 --daily-minutes 45 --round system-design
    """
    from tpmdrill.interview import countdown_line, parse_day, plan_status, set_interview, set_plan_options

    store = open_store()
    moment = now()
    moved = set_interview(store, parse_day(day), moment)
    set_plan_options(store, daily_minutes, round_)
    click.echo(countdown_line(store, moment))
    if moved:
        click.echo(f"Brought forward {plural(moved, 'card')} that would have come back too late.")
    status = plan_status(store, moment)  # also keeps the plan as made, to tell ahead from behind later
    if status is not None:
        click.echo(plan_summary(status.plan))


def plan_summary(plan: StudyPlan) -> str:
    met = sum(1 for day in plan.days for _ in day.cards)
    left = len(plan.not_fitting)
    tail = f"; {plural(left, 'card')} cannot fit (see 'tpmdrill interview plan')" if left else \
        "; every card fits"
    looks = plural(met, "review or first look", "reviews and first looks")
    return f"Plan: {plan.daily_minutes} min a day over {plural(len(plan.days), 'day')}, {looks}{tail}."


@interview.command(context_settings=CONTEXT_SETTINGS)
@db_option
def clear() -> None:
    """Clear the interview date; scheduling returns to normal.

    \b
    Example:
      tpmdrill interview clear
    """
    from tpmdrill.interview import clear_interview

    clear_interview(open_store(load_bundled=False))
    click.echo("Interview date cleared.")


@interview.command(context_settings=CONTEXT_SETTINGS)
@json_option
@db_option
def status(json_: bool) -> None:
    """Days left, predicted recall on the day overall and per category, cards not yet studied.

    \b
    Example:
      tpmdrill interview status --json
    """
    from tpmdrill.analytics import readiness
    from tpmdrill.errors import TpmdrillError
    from tpmdrill.interview import countdown_text, plan_status

    store = open_store()
    moment = now()
    ready = readiness(store, moment)
    if ready is None:
        raise TpmdrillError("no interview date set; set one with 'tpmdrill interview set YYYY-MM-DD'")
    status = plan_status(store, moment)
    if json_:
        echo_json(ready.to_json() | ({"plan": status.to_json()} if status else {}))
        return
    click.echo(countdown_text(ready))
    for category, recall in ready.categories.items():
        shown = "–" if recall is None else f"{recall:.0%}"
        click.echo(f"  {category:<15} {shown:>5}")
    studied = f"Target {ready.target:.0%}. {plural(ready.studied, 'card')} studied, {ready.new_cards} not yet studied"
    if status is None:
        click.echo(studied + (f"; meet {ready.new_per_day} new a day to see them all in time."
                              if ready.new_per_day else "."))
        if ready.days_left > 0:
            click.echo("For a plan that fits the time you have: tpmdrill interview set DATE --daily-minutes N")
        return
    click.echo(studied + ".")
    for line in status.lines():
        click.echo(line)


@interview.command(context_settings=CONTEXT_SETTINGS)
@json_option
@db_option
def plan(json_: bool) -> None:
    """The day-by-day plan to the interview day within the daily budget, and the
    cards that cannot fit.

    \b
    Examples:
      tpmdrill interview set 2026-12-07 --daily-minutes 45 && tpmdrill interview plan
      tpmdrill interview plan --json
    """
    from tpmdrill.interview import require_plan
    from tpmdrill.pace import duration_text

    study = require_plan(open_store(), now())
    if json_:
        echo_json(study.to_json())
        return
    click.echo(plan_summary(study))
    for day in study.days:
        count = len(day.cards)
        click.echo(f"  {day.day.isoformat()}  {duration_text(day.minutes):>9}  {plural(count, 'card')}")
    if study.not_fitting:
        click.echo(f"Cannot fit ({len(study.not_fitting)}):")
        for card_id in study.not_fitting[:50]:
            click.echo(f"  {card_id}")
        if len(study.not_fitting) > 50:
            click.echo(f"  ... and {len(study.not_fitting) - 50} more ('--json' lists them all)")
