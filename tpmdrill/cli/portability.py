"""`tpmdrill export`, `import`, `backup`, `restore` and `merge`: the user's data, everywhere."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import (
    CONTEXT_SETTINGS,
    complete_deck,
    db_option,
    db_path,
    echo_json,
    json_option,
    now,
    open_store,
    output_format,
)
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.merge import MergeReport
    from tpmdrill.progress import Advance
    from tpmdrill.store import Store

FORMATS = ("apkg", "json")
FILE = click.Path(dir_okay=False, path_type=Path)
EXISTING_FILE = click.Path(dir_okay=False, exists=True, path_type=Path)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Advance]:
    """A bar on stderr when it is a terminal; silence in pipes, logs and tests."""
    if not sys.stderr.isatty() or total <= 0:
        yield lambda _steps: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--format", "format_", type=click.Choice(FORMATS), help="apkg (Anki) or json (lossless); "
              "default: from the file's extension.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="File to write ('-' for standard output, json only).")
@click.option("--deck", shell_complete=complete_deck,
              help="Only this deck (apkg only; its id, or a prefix only one deck has).")
@db_option
def export(format_: str | None, output: Path, deck: str | None) -> None:
    """Export cards to Anki, or everything to a lossless JSON file.

    The Anki package holds one note per active card (prompt on the front; model
    answer and rubric checklist on the back) in decks named tpmdrill::<title>;
    exporting again updates those notes in Anki instead of duplicating them.
    The JSON file holds decks, memory states, reviews with point verdicts,
    settings and assessments (format: docs/export-format.md).

    \b
    Examples:
      tpmdrill export --format apkg -o tpmdrill.apkg
      tpmdrill export --format apkg --deck api-design -o api.apkg
      tpmdrill export --format json -o history.json
    """
    chosen = output_format(format_, output, FORMATS, None)
    if chosen == "json" and deck is not None:
        raise click.UsageError("--deck applies to --format apkg only; the JSON export is always complete")
    if chosen == "apkg" and str(output) == "-":
        raise click.UsageError("an Anki package cannot go to standard output; give a file name with -o")
    store = open_store()
    if chosen == "apkg":
        from tpmdrill.anki import export_apkg
        from tpmdrill.lookup import resolve_deck

        deck = resolve_deck(store, deck) if deck is not None else None
        notes = export_apkg(store, output, now(), deck=deck, progress=progress_bar)
        click.echo(f"Wrote {plural(notes, 'note')} to {output}; import it in Anki (File > Import).", err=True)
        return
    _export_json(store, output)


def _export_json(store: Store, output: Path) -> None:
    from tpmdrill.transfer import snapshot, write_json

    data = snapshot(store, now(), progress_bar)
    if str(output) == "-":
        echo_json(data)
        return
    write_json(data, output)
    click.echo(f"Wrote {plural(len(data['reviews']), 'review')} of {plural(len(data['cards']), 'card')} to {output}.",
               err=True)


@click.command(name="import", context_settings=CONTEXT_SETTINGS)
@click.argument("source", nargs=-1, required=True, metavar="[anki] FILE")
@json_option
@db_option
def import_(source: tuple[str, ...], json_: bool) -> None:
    """Import a JSON export (into an empty database, an exact copy; else a merge),
    or with 'anki', the reviews you did in Anki.

    Into a database with history, FILE is merged by unique ids exactly as
    'tpmdrill merge' does: reviews this database lacks are added and memory
    states recomputed; nothing here is removed or overwritten.

    'tpmdrill import anki FILE' reads a .colpkg, or an .apkg exported from Anki
    with scheduling, or a collection.anki2 (only read, through a copy): the
    review log of the notes tpmdrill exported comes in as reviews in mode anki,
    and those cards are rescheduled from their merged history. Importing the
    same reviews again adds nothing.

    \b
    Examples:
      tpmdrill import history.json
      tpmdrill import anki ~/Downloads/collection.colpkg
    """
    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if p.name == "source")
    if source == ("anki",) and not Path("anki").exists():
        raise click.UsageError("give the Anki file: tpmdrill import anki FILE")
    if len(source) == 2 and source[0] == "anki":
        _import_anki(EXISTING_FILE.convert(source[1], param, ctx), json_)
        return
    if len(source) != 1:
        raise click.UsageError("give one FILE, or 'anki' and one FILE")
    from tpmdrill.merge import merge_document
    from tpmdrill.transfer import read_json

    file = EXISTING_FILE.convert(source[0], param, ctx)
    data = read_json(file)
    store = open_store(load_bundled=False)
    _report(merge_document(store, data, progress_bar), file, json_)


def _import_anki(file: Path, json_: bool) -> None:
    from tpmdrill.anki_import import import_anki

    report = import_anki(open_store(load_bundled=False), file, now(), progress_bar)
    if json_:
        echo_json(report.to_json())
        return
    known = f", {report.known} imported before" if report.known else ""
    entries = plural(report.skipped, "manual Anki entry", "manual Anki entries")
    skipped = f", {entries} left out" if report.skipped else ""
    later = f", {report.later} logged after now left out (is a clock ahead?)" if report.later else ""
    click.echo(
        f"From {file}: {plural(report.reviews, 'new review')} of {plural(report.notes, 'tpmdrill note')}"
        f"{known}{skipped}{later}; {plural(report.replayed, 'card')} rescheduled from their merged history."
    )
    if report.entries == 0:
        click.echo("The file has no review log: in Anki, export with 'Include scheduling information'.", err=True)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("other", type=EXISTING_FILE)
@json_option
@db_option
def merge(other: Path, json_: bool) -> None:
    """Bring in the reviews of another tpmdrill database (a second laptop).

    Reviews are matched by their unique ids, so merging twice changes nothing.
    Cards whose history grew are rescheduled by replaying all their reviews in
    time order. OTHER is only read.

    \b
    Example:
      tpmdrill merge ~/laptop2-tpmdrill.db
    """
    from tpmdrill.merge import merge_database

    store = open_store()
    _report(merge_database(store, other, now(), progress_bar), other, json_)


def _report(report: MergeReport, source: Path, json_: bool) -> None:
    if json_:
        echo_json(report.to_json())
        return
    click.echo(
        f"From {source}: {plural(report.reviews, 'new review')} ({plural(report.verdicts, 'point verdict')}), "
        f"{plural(report.decks, 'deck')}, {plural(report.cards, 'card')}, {plural(report.assessments, 'assessment')}, "
        f"{plural(report.settings, 'setting')}; {plural(report.replayed, 'card')} rescheduled from their merged "
        "history."
    )


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=FILE)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@db_option
def backup(file: Path, force: bool) -> None:
    """Copy the database to FILE, safely, even while a drill is running.

    \b
    Example:
      tpmdrill backup ~/Backups/tpmdrill-$(date +%F).db
    """
    from tpmdrill.backup import backup as take_backup

    take_backup(open_store(load_bundled=False), file, overwrite=force, progress=progress_bar)
    click.echo(f"Backed up to {file}.", err=True)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=EXISTING_FILE)
@db_option
def restore(file: Path) -> None:
    """Replace the database with a backup, keeping the current one aside.

    FILE is checked first (a SQLite file, intact, with tpmdrill's tables); the
    current database is moved to <db>.before-restore-<time>, never deleted.
    Close running drills first.

    \b
    Example:
      tpmdrill restore ~/Backups/tpmdrill-2026-01-31.db
    """
    from tpmdrill.backup import restore as put_back

    aside = put_back(db_path(), file, now())
    kept = f"; the previous database is at {aside}" if aside is not None else ""
    click.echo(f"Restored {file}{kept}.", err=True)
