"""`tpmdrill weak` and `tpmdrill report`: weak areas, and the review report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, now, open_store, write_output

if TYPE_CHECKING:
    from tpmdrill.analytics import WeakAreas


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many points, cards and tags to list.")
@json_option
@db_option
def weak(limit: int, json_: bool) -> None:
    """The weakest rubric points, cards, tags and categories, and what to drill next.

    Ranked by how often each was missed, recent reviews counting more.

    \b
    Example:
      tpmdrill weak --json
    """
    from tpmdrill.analytics import weak_areas

    areas = weak_areas(open_store(), now(), limit=limit)
    if json_:
        echo_json(areas.to_json())
        return
    _print_weak(areas)


def _print_weak(areas: WeakAreas) -> None:
    click.echo(f"Weak areas since {areas.since.date().isoformat()} (recent reviews count more).")
    if not (areas.points or areas.cards or areas.tags):
        click.echo("Nothing missed often enough to rank yet: drill more, then look again.")
        return
    _section("Rubric points", [(f"{p.card}  {p.label}", p.miss_rate, p.evidence) for p in areas.points])
    _section("Cards", [(f"{c.key}  {c.label}", c.miss_rate, c.evidence) for c in areas.cards])
    _section("Tags", [(t.key, t.miss_rate, t.evidence) for t in areas.tags])
    _section("Categories", [(c.key, c.miss_rate, c.evidence) for c in areas.categories])
    if areas.next_cards:
        click.echo("Drill next:")
        for card in areas.next_cards:
            click.echo(f"  tpmdrill card {card}")
        click.echo("  or: tpmdrill drill --weak")


def _section(title: str, rows: list[tuple[str, float, int]]) -> None:
    if not rows:
        return
    click.echo(f"{title}:")
    for label, rate, evidence in rows:
        click.echo(f"  {rate:>4.0%} missed of {evidence:<4} {_one_line(label, 90)}")


def _one_line(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="HTML (one self-contained file) or Markdown.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-': stdout). Default: HTML to a file here, Markdown to stdout.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Start the report on this date (YYYY-MM-DD).")
@db_option
def report(fmt: str, output: Path | None, since: object) -> None:
    """The review report: activity, retention, forecast, mastery and weak points.

    \b
    Examples:
      tpmdrill report                       writes tpmdrill-report-DATE.html here
      tpmdrill report --format md > report.md
      tpmdrill report --since 2026-09-01 -o autumn.html
    """
    from datetime import datetime

    from tpmdrill.analytics import build_report
    from tpmdrill.render import render_report

    moment = now()
    start = since.date() if isinstance(since, datetime) else None
    text = render_report(build_report(open_store(), moment, since=start), fmt)
    default = Path(f"tpmdrill-report-{moment.date().isoformat()}.html") if fmt == "html" else None
    write_output(text, output or default)
