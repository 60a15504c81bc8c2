"""`tpmdrill undo`: void the latest review and restore the memory state before it."""

from __future__ import annotations

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, now, open_store
from tpmdrill.clock import human_time


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--yes", is_flag=True, help="Undo without asking for confirmation.")
@json_option
@db_option
def undo(yes: bool, json_: bool) -> None:
    """Undo the latest review: it is voided (kept, marked undone) and the card's
    memory state from before it comes back exactly.

    \b
    Example:
      tpmdrill undo --yes
    """
    from tpmdrill.undo import describe, latest_review, undo_latest

    store = open_store(load_bundled=False)
    target = latest_review(store)
    if not yes and not _confirmed(f"Undo {describe(target)}?"):
        raise click.ClickException("nothing undone")
    undone = undo_latest(store, now(), expected=target.id)
    if json_:
        echo_json(undone.to_json())
        return
    click.echo(f"Undone: {describe(target)}.")
    if undone.memory is None:
        click.echo(f"{undone.card} is new again.")
    else:
        how = "" if undone.exact else " (recomputed from its remaining reviews)"
        click.echo(f"{undone.card} is due {human_time(undone.memory.due)} again{how}.")


def _confirmed(question: str) -> bool:
    """Ask on stderr; the end of input (no answer) counts as no."""
    try:
        return click.confirm(question, default=False, err=True)
    except click.Abort:
        click.echo(err=True)
        return False
