"""`tpmdrill assess` and `tpmdrill gaps`: the self-assessment and its gap analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, now, open_store, read_text_file
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.assess import Gap, Outcome, Ratings

CARDS_SHOWN = 6  # per skill in the text listing; --json lists every card


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--from-file", "from_file", metavar="FILE",
              help="Read ratings from TOML (skill-id = 1..5 or \"skip\"; '-': stdin) instead of asking; "
                   "skills it leaves out keep their latest rating.")
@json_option
@db_option
def assess(from_file: str | None, json_: bool) -> None:
    """Rate yourself on the 28 skills of a technical PM, 1 to 5 (or skip).

    Skills come grouped by dimension with what each level means. The
    assessment is kept with its date; the result shows subtotals per
    dimension, the total out of 140, its band, and the change since your
    last assessment. New cards for skills rated below 4 come first in drills.

    A --from-file that names only some skills updates those: the others keep
    their latest rating (stored as carried over, and listed); write
    skill-id = "skip" to clear one.

    \b
    Examples:
      tpmdrill assess
      tpmdrill assess --from-file ratings.toml --json
    """
    from tpmdrill.assess import parse_ratings, record_assessment

    ratings = _ask_ratings() if from_file is None else parse_ratings(read_text_file(from_file), from_file)
    outcome = record_assessment(open_store(load_bundled=False), ratings, now(), carry_over=from_file is not None)
    if json_:
        echo_json(outcome.to_json())
        return
    _show_outcome(outcome)


def _ask_ratings() -> Ratings:
    from tpmdrill.assess import LEVELS
    from tpmdrill.skills import DIMENSIONS

    ratings: Ratings = {}
    for dimension, entries in DIMENSIONS.items():
        click.secho(f"\n{dimension}", bold=True)
        for level, meaning in LEVELS.items():
            click.secho(f"  {level}  {meaning}", dim=True)
        for skill, name in entries:
            ratings[skill] = click.prompt(f"  {name} [1-5, s to skip]", value_proc=_rating_value)
    return ratings


def _rating_value(text: str) -> int | None:
    value = text.strip().lower()
    if value in {"s", "skip"}:
        return None
    if value in {"1", "2", "3", "4", "5"}:
        return int(value)
    raise click.BadParameter("type 1-5, or s to skip")


def _show_outcome(outcome: Outcome) -> None:
    from tpmdrill.skills import DIMENSIONS, SKILLS

    summary = outcome.summary
    click.echo()
    for dimension in DIMENSIONS:
        delta = _delta(outcome.change.subtotals[dimension]) if outcome.change else ""
        click.echo(f"  {dimension:<30} {summary.subtotals[dimension]:>3} / 35{delta}")
    skipped = len(SKILLS) - summary.rated
    note = f" ({skipped} skipped)" if skipped else ""
    delta = _delta(outcome.change.total) if outcome.change else ""
    click.secho(f"  {'Total':<30} {summary.total:>3} / 140{delta}{note}", bold=True)
    band = summary.band
    click.echo(f"\n{band.low}-{band.high}: {band.name} — {band.meaning}.")
    if outcome.carried:
        _show_carried(outcome)
    if outcome.change is None:
        click.echo("Your first assessment; 'tpmdrill gaps' shows what to drill.")
        return
    total = outcome.change.total
    click.echo(f"Since {outcome.change.previous_taken_at.date().isoformat()}:"
               f" {f'{total:+d}' if total else 'no change'} overall.")
    for skill, (before, after) in outcome.change.moved.items():
        click.echo(f"  {SKILLS[skill].name}: {_rating_text(before)} → {_rating_text(after)}")


def _show_carried(outcome: Outcome) -> None:
    from tpmdrill.skills import SKILLS

    count, ratings = len(outcome.carried), outcome.summary.ratings
    since = f" of {outcome.change.previous_taken_at.date().isoformat()}" if outcome.change else ""
    click.echo(f"Kept from your assessment{since}: {count} skill{'s' if count != 1 else ''} the file does not "
               "name (write skill = \"skip\" in the file to clear one):")
    lines: list[str] = []
    for skill in outcome.carried:  # whole names on a line, never split
        item = f"{SKILLS[skill].name} {ratings[skill]}"
        if lines and len(lines[-1]) + len(item) + 2 <= 96:
            lines[-1] += f", {item}"
        else:
            lines.append(f"  {item}")
    click.echo(",\n".join(lines))


def _delta(value: int) -> str:
    return f"  ({value:+d})" if value else ""


def _rating_text(value: int | None) -> str:
    return "skipped" if value is None else str(value)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="Show at most this many skills, the lowest rated first (0: all).")
@json_option
@db_option
def gaps(limit: int, json_: bool) -> None:
    """Skills you rated below 4, lowest first, with the cards that train them.

    Each skill lists the decks and cards that train it and how those cards are
    going: how many you have studied, their lapses and predicted recall. The JSON
    holds the same skills (--limit applies) and total_gaps, the count of them all.

    \b
    Examples:
      tpmdrill gaps
      tpmdrill gaps --limit 3
      tpmdrill gaps --limit 0 --json
    """
    from tpmdrill.assess import find_gaps

    moment = now()
    report = find_gaps(open_store(), moment, limit=limit or None)
    taken_at, found, total = report
    if json_:
        echo_json(report.to_json())
        return
    click.echo(f"Gaps in your self-assessment of {taken_at.date().isoformat()} (rated below 4, lowest first):")
    if not found:
        click.echo("  none: every skill you rated is at 4 or 5.")
    for gap in found:
        _show_gap(gap)
    if total > len(found):
        click.echo(f"\n… and {plural(total - len(found), 'more skill')} below 4 ('tpmdrill gaps --limit 0' "
                   "lists them all).")


def _show_gap(gap: Gap) -> None:
    progress = gap.progress()
    recall = f", recall {progress['recall']:.0%}" if progress["recall"] is not None else ""
    click.secho(f"\n{gap.rating}/5  {gap.name}  ({gap.dimension})", bold=True)
    if not gap.cards:
        click.echo("  no cards train this skill yet")
        return
    cards, lapses = (value if isinstance(value := progress[key], int) else 0 for key in ("cards", "lapses"))
    click.echo(f"  {progress['studied']} of {plural(cards, 'card')} studied{recall}, "
               f"{plural(lapses, 'lapse')}; decks: {', '.join(gap.decks)}")
    for card in gap.cards[:CARDS_SHOWN]:
        seen = f"{card.state}, {plural(card.reps, 'review')}" if card.state != "new" else "new"
        click.echo(f"  {card.card:<44} {card.kind:<9} {seen}")
    if len(gap.cards) > CARDS_SHOWN:
        click.echo(f"  … and {len(gap.cards) - CARDS_SHOWN} more ('tpmdrill gaps --json' lists them all)")
