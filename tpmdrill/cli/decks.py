"""`tpmdrill decks`: list, add and validate deck files."""

from __future__ import annotations

from pathlib import Path

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo, echo_json, json_option, now, open_store
from tpmdrill.wording import plural


@click.group(context_settings=CONTEXT_SETTINGS)
def decks() -> None:
    """List, add and validate question decks."""


@decks.command(name="list", context_settings=CONTEXT_SETTINGS)
@json_option
@db_option
def list_(json_: bool) -> None:
    """List decks with their category and number of active cards.

    \b
    Example:
      tpmdrill decks list --json
    """
    from tpmdrill.browse import deck_list

    rows = [entry.to_json() for entry in deck_list(open_store())]
    if json_:
        echo_json(rows)
        return
    for row in rows:
        echo(f"{row['id']:<20} {row['category']:<14} {plural(row['cards'], 'card', digits='>4'):<11} {row['title']}")


@decks.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
def add(paths: tuple[Path, ...]) -> None:
    """Validate deck files (or folders of them) and load them.

    Nothing is loaded unless every file is valid. Loading a deck again updates
    its cards by id, keeps every review, and retires cards that left the file.

    \b
    Example:
      tpmdrill decks add my-decks/
    """
    from tpmdrill.library import add_decks

    store = open_store()
    for sync in add_decks(store, paths, now()):
        echo(
            f"{sync.deck}: {sync.added} added, {sync.updated} updated, "
            f"{sync.retired} retired, {sync.unchanged} unchanged"
        )


@decks.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check deck files without loading them; exit 1 listing every problem.

    Beyond the format, each sql card's fixture must load and its solution must
    run and return rows.

    \b
    Example:
      tpmdrill decks validate decks/api-design.toml
    """
    from tpmdrill.decks import load_decks
    from tpmdrill.errors import DeckError
    from tpmdrill.sqlschema import sql_problems

    found = load_decks(paths, self_check=True)
    problems = [problem for deck in found for problem in sql_problems(deck)]  # every fixture built, solution run
    if problems:
        raise DeckError(problems)
    for deck in found:
        echo(f"{deck.source}: ok, deck {deck.id!r} with {plural(len(deck.cards), 'card')}")
