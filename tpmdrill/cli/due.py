"""`tpmdrill due`: what is due now, and how many cards come due in the next days."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo, echo_json, json_option, now, open_store
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.analytics import Readiness
    from tpmdrill.store import Store


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 365),
              help="How many coming days to count.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(0, 1_000_000),
              help="List at most this many due cards (0: all).")
@json_option
@db_option
def due(days: int, limit: int, json_: bool) -> None:
    """Cards due now, earliest first, and counts for the coming days.

    \b
    Example:
      tpmdrill due --json
    """
    from tpmdrill.session import due_overview

    store = open_store()
    moment = now()
    report = due_overview(store, moment, days=days, limit=limit or None)
    ready = _interview(store, moment)
    if ready is not None:
        report["interview"] = ready.to_json()
    if json_:
        echo_json(report)
        return
    if ready is not None:
        from tpmdrill.interview import countdown_text

        echo(countdown_text(ready))
    _print(report)


def _interview(store: Store, moment: datetime) -> Readiness | None:
    """Readiness for the interview date, only when one is set (it reads every card)."""
    if store.setting("interview_date") is None:
        return None
    from tpmdrill.analytics import readiness

    return readiness(store, moment)


def _print(report: dict[str, object]) -> None:
    from tpmdrill.pace import duration_text

    total = report["total_due"]
    need = f" (about {duration_text(report['minutes_due'])} at your pace)" if total else ""  # type: ignore[arg-type]
    echo(f"{plural(total, 'card')} due now{need}, {report['new_available']} new available.")  # type: ignore[arg-type]
    for row in report["due"]:  # type: ignore[attr-defined]
        echo(f"  {row['card']:<42} {row['kind']:<9} {row['minutes']:>3} min  due {row['due'][:16]}")
    echo("Coming days:")
    for day in report["upcoming"]:  # type: ignore[attr-defined]
        need = f"  about {duration_text(day['minutes'])}" if day["count"] else ""
        echo(f"  {day['date']}  {day['count']}{need}")
