"""The `tpmdrill` command: a thin click layer over the core library.

Subcommands are imported only when run, so `tpmdrill due` does not pay for the
grading, rendering or scheduling imports of other commands.
"""

from __future__ import annotations

import importlib
import importlib.util
import sqlite3
from typing import Any

import click

from tpmdrill import __version__
from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option
from tpmdrill.errors import TpmdrillError

# name -> "module:attribute", in the order `tpmdrill --help` lists them.
# A name whose module does not exist yet is simply not offered.
COMMANDS: dict[str, str] = {
    "drill": "tpmdrill.cli.drill:drill",
    "due": "tpmdrill.cli.due:due",
    "cards": "tpmdrill.cli.cards:cards",
    "card": "tpmdrill.cli.cards:card",
    "grade": "tpmdrill.cli.grade:grade",
    "review": "tpmdrill.cli.review:review",
    "weak": "tpmdrill.cli.report:weak",
    "report": "tpmdrill.cli.report:report",
    "mock": "tpmdrill.cli.mock:mock",
    "interview": "tpmdrill.cli.interview:interview",
    "assess": "tpmdrill.cli.assess:assess",
    "gaps": "tpmdrill.cli.assess:gaps",
    "decks": "tpmdrill.cli.decks:decks",
    "export": "tpmdrill.cli.portability:export",
    "import": "tpmdrill.cli.portability:import_",
    "backup": "tpmdrill.cli.portability:backup",
    "restore": "tpmdrill.cli.portability:restore",
    "merge": "tpmdrill.cli.portability:merge",
    "optimize": "tpmdrill.cli.optimize:optimize",
    "config": "tpmdrill.cli.config:config",
    "story": "tpmdrill.cli.story:story",
}


class UsageProblem(click.ClickException):
    """A usage error shown as one line, keeping click's exit code 2."""

    exit_code = 2


def _one_line(ex: click.UsageError) -> UsageProblem:
    command = ex.ctx.command_path if ex.ctx else "tpmdrill"
    return UsageProblem(f"{ex.format_message()} (see '{command} --help')")


class TpmdrillGroup(click.Group):
    """Loads subcommands lazily and turns known failures into one line on stderr."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _available(cmd_name):
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as ex:
            raise _one_line(ex) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as ex:
            raise _one_line(ex) from None
        except TpmdrillError as ex:
            raise click.ClickException(str(ex)) from None
        except sqlite3.OperationalError as ex:
            raise click.ClickException(f"database error: {ex}") from None
        except sqlite3.DatabaseError as ex:
            # A file that opens but has damaged pages fails only when a query reaches them.
            raise click.ClickException(
                f"database error: {ex}; 'tpmdrill restore FILE' brings back a backup"
            ) from None


def _available(name: str) -> bool:
    module_name = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=TpmdrillGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="tpmdrill")
@db_option
def cli() -> None:
    """Drill technical product-manager interviews with spaced repetition.

    Question decks on API design, system design, trade-offs and data are
    scheduled by FSRS; answers are graded against rubrics. The bundled decks
    load on first use into a database in your user data folder (override it
    with --db or TPMDRILL_DB).

    \b
    Start here:
      tpmdrill drill --minutes 20     a daily session
      tpmdrill due                    what is due now and soon
      tpmdrill decks list             the decks you have
    """
