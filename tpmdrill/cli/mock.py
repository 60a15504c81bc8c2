"""`tpmdrill mock`: a timed mock-interview sheet with candidate and interviewer copies."""

from __future__ import annotations

from pathlib import Path

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, now, open_store, write_output


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--minutes", default=45, show_default=True, type=click.IntRange(1, 600),
              help="Time budget; question times add up to at most this.")
@click.option("--seed", type=click.IntRange(0),
              help="Same seed and data, same sheet (default: a random seed, shown on the sheet).")
@click.option("--focus", type=click.Choice(["weak", "even"]), default="weak", show_default=True,
              help="Weight toward weak areas, or spread evenly over the categories.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "json"]), default="html", show_default=True,
              help="HTML sheet (printable), Markdown, or JSON for scripts.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-': stdout). Default: HTML to a file here, others to stdout.")
@db_option
def mock(minutes: int, seed: int | None, focus: str, fmt: str, output: Path | None) -> None:
    """A mock-interview set: questions by category in interview order, timed.

    The sheet has a candidate copy (prompts, time boxes, room for notes) and, on
    separate printed pages, an interviewer copy (rubric checklists, model-answer
    outlines, a scoring table).

    \b
    Examples:
      tpmdrill mock --minutes 45 -o mock.html
      tpmdrill mock --minutes 30 --seed 7 --focus even --format json
    """
    import random

    from tpmdrill.mock import choose

    chosen_seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    sheet = choose(open_store(), now(), minutes=minutes, seed=chosen_seed, focus=focus)
    if fmt == "json" and output is None:
        echo_json(sheet.to_json())
        return
    if fmt == "json":
        import json

        write_output(json.dumps(sheet.to_json(), indent=2, ensure_ascii=False) + "\n", output)
        return
    from tpmdrill.render import render_mock

    default = Path(f"tpmdrill-mock-{chosen_seed}.html") if fmt == "html" else None
    write_output(render_mock(sheet, fmt), output or default)
