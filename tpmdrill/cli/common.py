"""What every command shares: the database option, opening the store, JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tpmdrill import clock
from tpmdrill.errors import BadValue, DatabaseProblem

if TYPE_CHECKING:  # the store itself is imported only when a command opens it
    from click.shell_completion import CompletionItem

    from tpmdrill.store import Store

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

F = TypeVar("F", bound=Callable[..., Any])


def _remember_db(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.find_root().meta["tpmdrill.db"] = value


def db_option(command: F) -> F:
    """`--db PATH`, accepted before or after the subcommand name."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        expose_value=False,
        is_eager=True,
        callback=_remember_db,
        help="SQLite database to use (default: tpmdrill.db in your user data folder; env TPMDRILL_DB).",
    )(command)


def difficulty_option(command: F) -> F:
    return click.option(
        "--difficulty", type=click.IntRange(1, 3), help="Only cards of this level: 1 foundation, 2 core, 3 senior."
    )(command)


def json_option(command: F) -> F:
    return click.option("json_", "--json", is_flag=True, help="Print JSON for scripts.")(command)


def rating_option(command: F) -> F:
    """`--rating`: again, hard, good, easy or 1-4 (the drill's keys), as the rating's
    name; anything else is a usage error (exit 2)."""
    return click.option(
        "--rating", required=True, metavar="[again|hard|good|easy|1-4]", callback=_rating,
        help="How well you answered: again, hard, good, easy, or 1-4 as in the drill.",
    )(command)


def _rating(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from tpmdrill.enums import Rating

    try:
        return None if value is None else Rating.parse(value).label
    except BadValue as ex:
        raise click.BadParameter(str(ex)) from None


def day_value(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """An option's callback for a calendar day (YYYY-MM-DD), parsed like every day a user
    gives (`clock.parse_day`); a bad one is a usage error (exit 2)."""
    try:
        return None if value is None else clock.parse_day(value)
    except BadValue as ex:
        raise click.BadParameter(str(ex)) from None


def db_path() -> Path:
    from tpmdrill.paths import default_db_path

    chosen = click.get_current_context().find_root().meta.get("tpmdrill.db")
    return Path(chosen) if chosen is not None else default_db_path()


def now() -> datetime:
    return clock.now()


def open_store(*, load_bundled: bool = True) -> Store:
    """Open the user's database, creating its folder for the default location only."""
    from tpmdrill.library import ensure_bundled_decks
    from tpmdrill.paths import default_db_path
    from tpmdrill.store import Store

    path = db_path()
    if path == default_db_path() and not os.environ.get("TPMDRILL_DB"):  # unset or empty: the default
        path.parent.mkdir(parents=True, exist_ok=True)
    moment = now()
    store = Store.open(path)
    ctx = click.get_current_context()
    ctx.call_on_close(store.close)
    if load_bundled:
        try:
            ensure_bundled_decks(store, moment)
        except OSError as ex:
            raise DatabaseProblem(f"cannot read the bundled decks: {ex}") from None
    return store


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def read_text_file(path: str) -> str:
    """Read an answer from a file, or from stdin when `path` is '-'."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as ex:
        raise click.ClickException(f"cannot read {path}: {ex.strerror or ex}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        source = "standard input" if path == "-" else path
        raise click.ClickException(f"{source} is not UTF-8 text") from None


def echo(text: str = "", *, err: bool = False, **style: Any) -> None:
    """Print a line of deck or user text, its control characters made visible."""
    from tpmdrill.terminal import visible

    if style:
        click.secho(visible(text), err=err, **style)
    else:
        click.echo(visible(text), err=err)


def output_format(given: str | None, output: Path | None, allowed: tuple[str, ...], default: str | None) -> str:
    """The format to write (see `tpmdrill.formats.choose_format`); a --format that
    contradicts -o's extension is a usage error, a default the name did not pick a note."""
    from tpmdrill.formats import FormatMismatch, choose_format
    from tpmdrill.paths import output_target, protect_database

    if output is not None and str(output) != "-":
        protect_database(db_path())  # the live database or a folder is refused before anything else
        output_target(output)
    try:
        choice = choose_format(given, output, allowed, default)
    except FormatMismatch as ex:
        raise click.UsageError(str(ex)) from None
    if choice.note is not None:
        echo(f"Note: {choice.note}.", err=True)
    return choice.format


def write_output(text: str, path: Path | None) -> None:
    """Write to `path` and print where, or to stdout when there is no path (or '-')."""
    if path is None or str(path) == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    from tpmdrill.paths import write_atomically

    write_atomically(path, text)
    click.echo(str(path.resolve()))


# ---- shell completion (see README, "Shell completion") ------------------------------


def _completion_db(ctx: click.Context) -> Path:
    chosen = ctx.find_root().meta.get("tpmdrill.db")  # --db, when typed before the word
    if chosen is not None:
        return Path(chosen)
    from tpmdrill.paths import default_db_path

    return default_db_path()


def _items(names: Sequence[tuple[str, str]]) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(value, help=text if len(text) <= 70 else text[:69] + "…") for value, text in names]


def complete_card(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Card ids from the database (read-only; nothing when it does not exist yet)."""
    from tpmdrill.store.lookup import card_names

    return _items(card_names(_completion_db(ctx), incomplete))


def complete_deck(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Deck ids from the database (read-only; nothing when it does not exist yet)."""
    from tpmdrill.store.lookup import deck_names

    return _items(deck_names(_completion_db(ctx), incomplete))


def complete_setting(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The settings `config` reads and changes, from the settings registry."""
    from tpmdrill.settings import PUBLIC_SETTINGS

    return _items([(name, setting.help) for name, setting in PUBLIC_SETTINGS.items() if name.startswith(incomplete)])
