"""Showing a graded answer in the terminal: verdicts per point, the query result, the model answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.judging import Judgement
    from tpmdrill.sqlcheck import SqlVerdict


def show_judgement(card: Card, judgement: Judgement, *, model_answer: bool = True) -> None:
    for number, (point, verdict) in enumerate(zip(card.rubric, judgement.points, strict=True), start=1):
        mark = click.style("✔", fg="green") if verdict.hit else click.style("✘", fg="red")
        matched = f"  [{', '.join(verdict.matched)}]" if verdict.matched else ""
        required = " (required)" if point.required else ""
        click.echo(f" {mark} {number}. {point.point}{required}{click.style(matched, dim=True)}")
    if judgement.sql is not None:
        show_query_result(judgement.sql)
    if judgement.grade is not None and judgement.grade.stuffing:
        click.secho("  This reads like a list of keywords; explain how they fit together.", fg="yellow")
    click.echo(f"\nScore {judgement.score:.0%} · suggested rating: "
               + click.style(judgement.suggested_rating, bold=True))
    if model_answer:
        click.secho("\nModel answer", bold=True)
        show_markdown(card.answer)
        if card.solution:
            click.secho("\nSolution", bold=True)
            click.echo(card.solution)


def show_query_result(verdict: SqlVerdict) -> None:
    if verdict.error is not None:
        click.secho(f" ✘ The query failed: {verdict.error}", fg="red")
        return
    rows = f"{verdict.rows} row{'s' if verdict.rows != 1 else ''}"
    if verdict.correct:
        click.secho(f" ✔ The query returns the right {rows}.", fg="green")
        return
    click.secho(f" ✘ The query returns {rows}, which differ from the expected result:", fg="red")
    for expected, got in verdict.first_differences():
        click.echo(f"     expected {_row(expected)}   got {_row(got)}")


def _row(row: tuple[object, ...] | None) -> str:
    return "(no row)" if row is None else "(" + ", ".join(repr(value) for value in row) + ")"


def show_markdown(text: str) -> None:
    """Markdown rendered by rich on a terminal; the plain text when piped."""
    if not click.get_text_stream("stdout").isatty():
        click.echo(text)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(text))
