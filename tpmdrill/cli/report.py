"""`tpmdrill weak` and `tpmdrill report`: weak areas, and the review report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import (
    CONTEXT_SETTINGS,
    day_value,
    db_option,
    echo_json,
    json_option,
    now,
    open_store,
    output_format,
    write_output,
)
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.weak import WeakAreas, Weakness


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many points, cards and tags to list.")
@json_option
@db_option
def weak(limit: int, json_: bool) -> None:
    """The weak spots most worth fixing before the interview, and how to drill them.

    Each rubric point, card, tag, category and self-assessed skill comes with plain
    counts (missed 5 of your last 6 attempts, last on Tuesday), ranked by what fixing
    it is worth: the category's weight in the round, how recent the misses are, and
    how close the card is to being learnt. Ends with the minutes a focused session
    takes at your pace and the command to start it.

    \b
    Example:
      tpmdrill weak
      tpmdrill weak --json
    """
    from tpmdrill.assess import latest_ratings
    from tpmdrill.weak import weak_areas

    store = open_store()
    areas = weak_areas(store, now(), limit=limit, skills=latest_ratings(store))
    if json_:
        echo_json(areas.to_json())
        return
    _print_weak(areas)


def _print_weak(areas: WeakAreas) -> None:
    days = areas.window_days
    click.echo(f"Weak areas over the last {plural(days, 'day')} "
               f"(since {areas.since.date().isoformat()}), most worth fixing first.")
    if not (areas.points or areas.cards or areas.tags or areas.skills):
        click.echo("Nothing missed often enough to rank yet: drill more, then look again.")
        return
    _section("Rubric points", [(f"{p.card}: {p.label}", p) for p in areas.points], areas)
    _section("Cards", [(f"{c.key}: {c.label}", c) for c in areas.cards], areas)
    _section("Tags", [(t.key, t) for t in areas.tags], areas)
    _section("Categories", [(c.key, c) for c in areas.categories], areas)
    _section("Self-assessed skills below 4", [(s.label, s) for s in areas.skills], areas)
    from tpmdrill.weak import card_command

    if areas.next_cards:
        click.echo(f"A focused session on the {plural(len(areas.next_cards), 'card')} behind these takes about "
                   f"{plural(areas.minutes, 'minute')} at your pace:")
        click.echo(f"  {areas.command}")
        click.echo("or one card at a time:")
        for card in areas.next_cards:
            click.echo(f"  {card_command(card)}")


def _section(title: str, rows: list[tuple[str, Weakness]], areas: WeakAreas) -> None:
    if not rows:
        return
    from tpmdrill.weak import counts_text

    click.echo(f"{title}:")
    for label, weakness in rows:
        click.echo(f"  {_one_line(label, 100)}")
        click.echo(f"      {counts_text(weakness, areas.now)}")


def _one_line(text: str, width: int) -> str:
    """One line for the terminal: whitespace folded, control characters dropped."""
    flat = " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]),
              help="HTML (one self-contained file) or Markdown. Default: from -o's extension (.html, .md), else HTML.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-': stdout). Default: HTML to a file here, Markdown to stdout.")
@click.option("--since", metavar="YYYY-MM-DD", callback=day_value, help="Start the report on this date.")
@db_option
def report(fmt: str | None, output: Path | None, since: date | None) -> None:
    """The review report: activity, retention, forecast, mastery and weak points.

    \b
    Examples:
      tpmdrill report                       writes tpmdrill-report-DATE.html here
      tpmdrill report -o report.md          Markdown, from the file's extension
      tpmdrill report --format md > report.md
      tpmdrill report --since 2026-09-01 -o autumn.html
    """
    from tpmdrill.analytics import build_report
    from tpmdrill.render import render_report

    fmt = output_format(fmt, output, ("html", "md"), "html")
    moment = now()
    text = render_report(build_report(open_store(), moment, since=since), fmt)
    default = Path(f"tpmdrill-report-{moment.date().isoformat()}.html") if fmt == "html" else None
    write_output(text, output or default)
