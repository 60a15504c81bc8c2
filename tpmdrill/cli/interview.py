"""`tpmdrill interview`: the interview date, and readiness for it."""

from __future__ import annotations

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, now, open_store


@click.group(context_settings=CONTEXT_SETTINGS)
def interview() -> None:
    """Interview-date mode: every studied card comes back before the day."""


@interview.command(name="set", context_settings=CONTEXT_SETTINGS)
@click.argument("day", metavar="DATE")
@db_option
def set_(day: str) -> None:
    """Set the interview date (YYYY-MM-DD, a UTC day).

    Until then, no review leaves a card's predicted recall on the day below
    interview_retention (config), and new cards are paced to be met in time.

    \b
    Example:
      tpmdrill interview set 2026-12-07
    """
    from tpmdrill.interview import countdown_line, parse_day, set_interview

    store = open_store()
    moment = now()
    moved = set_interview(store, parse_day(day), moment)
    click.echo(countdown_line(store, moment))
    if moved:
        click.echo(f"Brought forward {moved} card{'s' if moved != 1 else ''} that would have come back too late.")


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
    from tpmdrill.interview import countdown_text

    ready = readiness(open_store(), now())
    if ready is None:
        raise TpmdrillError("no interview date set; set one with 'tpmdrill interview set YYYY-MM-DD'")
    if json_:
        echo_json(ready.to_json())
        return
    click.echo(countdown_text(ready))
    for category, recall in ready.categories.items():
        shown = "–" if recall is None else f"{recall:.0%}"
        click.echo(f"  {category:<15} {shown:>5}")
    click.echo(f"Target {ready.target:.0%}. {ready.studied} cards studied, {ready.new_cards} not yet studied"
               + (f"; meet {ready.new_per_day} new a day to see them all in time." if ready.new_per_day else "."))
