"""`tpmdrill optimize`: fit personal FSRS parameters, or suggest a desired retention."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, open_store
from tpmdrill.cli.portability import progress_bar
from tpmdrill.wording import noun, plural

if TYPE_CHECKING:
    from tpmdrill.optimizer import Fit, RetentionAdvice


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--retention", is_flag=True, help="Suggest a desired retention from the workload it implies.")
@click.option("--minutes", type=click.FloatRange(min=1), help="With --retention: minutes a day you can spend.")
@json_option
@db_option
def optimize(retention: bool, minutes: float | None, json_: bool) -> None:
    """Fit FSRS parameters to your own reviews and reschedule every card.

    The new parameters are kept only when they predict your recall better
    than the current ones (lower log loss). With --retention, simulate a year
    at several desired retentions and suggest one.

    \b
    Examples:
      tpmdrill optimize
      tpmdrill optimize --retention --minutes 30
      tpmdrill config set desired_retention 0.85
    """
    if minutes is not None and not retention:
        raise click.UsageError("--minutes goes with --retention")
    store = open_store()
    if retention:
        from tpmdrill.optimizer import suggest_retention

        advice = suggest_retention(store, minutes, progress_bar)
        _show_retention(advice, json_)
        if minutes is not None and not json_ and all(w.minutes_per_day > minutes for w in advice.workloads):
            click.echo(f"No retention fits in {minutes:g} {noun(minutes, 'minute')} a day; the lightest is shown.",
                       err=True)
        return
    from tpmdrill.optimizer import optimize as fit

    _show_fit(fit(store, progress_bar), json_)


def _show_fit(fit: Fit, json_: bool) -> None:
    if json_:
        echo_json(fit.to_json())
        return
    click.echo(f"Fitted to {plural(fit.reviews, 'review')}.")
    click.echo("  w    old      new")
    for index, (old, new) in enumerate(zip(fit.old, fit.new, strict=True)):
        click.echo(f"  {index:<3}{old:>8.4f} {new:>8.4f}")
    click.echo(f"Log loss (lower predicts your recall better): {fit.log_loss_before:.4f} -> {fit.log_loss_after:.4f}")
    if fit.adopted:
        click.echo(f"Kept the new parameters and rescheduled {plural(fit.rescheduled, 'card')}.")
    else:
        click.echo("The new parameters predict no better; kept the current ones.")


def _show_retention(advice: RetentionAdvice, json_: bool) -> None:
    if json_:
        echo_json(advice.to_json())
        return
    suggested = advice.suggested
    click.echo("retention  reviews/day  minutes/day  cards known after a year")
    for w in advice.workloads:
        mark = "  <- suggested" if w.retention == suggested else ""
        click.echo(f"{w.retention:>9.2f} {w.reviews_per_day:>12.1f} {w.minutes_per_day:>12.1f}"
                   f" {w.memorized:>12.0f}{mark}")
    click.echo(f"Suggested: tpmdrill config set desired_retention {suggested:.2f}")
