"""`tpmdrill mock`: a timed mock-interview sheet, `mock record` for how it went, `mock --live`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, now, open_store, output_format, write_output
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.mock import MockSet
    from tpmdrill.store import Store

ROUND_NAMES = ["technical", "system-design", "behavioural", "mixed"]


@click.group(context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.option("--minutes", default=45, show_default=True, type=click.IntRange(1, 600),
              help="Time budget; question time boxes add up to at most this.")
@click.option("--round", "round_", type=click.Choice(ROUND_NAMES), default="mixed", show_default=True,
              help="The kind of round to rehearse: its mix of questions.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1),
              help="Same seed and data, same questions (default: a random seed, shown on the sheet).")
@click.option("--focus", type=click.Choice(["weak", "even"]), default="weak", show_default=True,
              help="Weight toward weak areas, or spread evenly over the categories.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "json"]),
              help="HTML sheet (printable), Markdown, or JSON for scripts. Default: from -o's extension "
                   "(.html, .md, .json), else HTML.")
@click.option("--copy", type=click.Choice(["both", "candidate", "interviewer"]), default="both", show_default=True,
              help="Write both copies, or one alone (the interviewer copy, to send to the friend who interviews).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-': stdout). Default: HTML to a file here, others to stdout.")
@click.option("--live", is_flag=True, help="Sit the mock alone in this terminal, against the clock.")
@db_option
@click.pass_context
def mock(ctx: click.Context, minutes: int, round_: str, seed: int | None, focus: str, fmt: str | None,
         copy: str, output: Path | None, live: bool) -> None:
    """A mock-interview set shaped like the round it rehearses, timed.

    The sheet has a candidate copy (prompts, time boxes, room for notes sized to each
    box) and an interviewer copy (rubric checklists, follow-ups, model-answer outlines,
    and how to record the verdicts with 'tpmdrill mock record SHEET_ID'). Every sheet
    has an id, printed on both copies and kept in the database with its questions.

    \b
    Examples:
      tpmdrill mock --minutes 45 -o mock.html
      tpmdrill mock --minutes 30 -o mock.md         Markdown, from the file's extension
      tpmdrill mock --round system-design --copy interviewer -o for-alex.html
      tpmdrill mock --minutes 30 --seed 7 --focus even --format json
      tpmdrill mock --live --round technical --minutes 20
    """
    if ctx.invoked_subcommand is not None:
        return
    if live and (output is not None or fmt is not None or copy != "both"):
        raise click.UsageError("--live sits the mock in the terminal; it takes no -o, --format or --copy")
    import random

    from tpmdrill.mock import choose

    if not live:
        fmt = output_format(fmt, output, ("html", "md", "json"), "html")
    chosen_seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    store = open_store()
    sheet = choose(store, now(), minutes=minutes, seed=chosen_seed, focus=focus, round=round_)
    if live:
        from tpmdrill.cli.mocklive import sit

        sit(store, sheet)
        return
    _write_sheet(store, sheet, fmt or "html", copy, output)


def _write_sheet(store: Store, sheet: MockSet, fmt: str, copy: str, output: Path | None) -> None:
    """Store the sheet and write it, in one transaction: a sheet that cannot be written is not kept."""
    import json

    from tpmdrill.mocksheets import store_sheet
    from tpmdrill.render import render_mock

    if fmt == "json" and output is None:
        named = store_sheet(store, sheet, now())
        echo_json(named.to_json())
        return

    def publish(named: MockSet) -> None:
        text = (json.dumps(named.to_json(), indent=2, ensure_ascii=False) + "\n" if fmt == "json"
                else render_mock(named, fmt, copy))
        default = Path(f"tpmdrill-mock-{named.sheet}.html") if fmt == "html" else None
        write_output(text, output or default)

    store_sheet(store, sheet, now(), then=publish)


@mock.command(context_settings=CONTEXT_SETTINGS)
@click.argument("sheet_id")
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The interviewer's verdicts: JSON, or the same shape in TOML (see docs/mock.md).")
@db_option
def record(sheet_id: str, from_file: Path | None) -> None:
    """Record how a mock sheet went: each question becomes a review (mode mock).

    SHEET_ID is printed at the top of both copies (such as 20261201-3fa2c1), or
    'last' for the newest sheet not yet recorded. Without --from-file, asks question
    by question whether it was asked, which rubric points the answer covered, the
    rating the interviewer gave, and notes ('tpmdrill mock record 20261201-3fa2c1').
    Nothing is written until the end; a sheet is recorded once.

    \b
    Example:
      tpmdrill mock record last --from-file verdicts.toml
    """
    from tpmdrill.mocksheets import check_records, read_record_file, record_sheet, sheet_for_recording

    store = open_store()
    sheet, questions = sheet_for_recording(store, sheet_id)
    sheet_id = sheet.id
    if from_file is not None:
        data = read_record_file(from_file)
    else:
        from tpmdrill.cli.mockrecord import ask_verdicts

        data = ask_verdicts(questions)
    records = check_records(questions, data)
    saved = record_sheet(store, sheet_id, records, now())
    click.echo(f"Recorded {plural(len(saved), 'mock review')} for sheet {sheet_id}.")
