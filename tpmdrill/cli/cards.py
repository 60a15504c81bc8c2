"""`tpmdrill cards` and `tpmdrill card`: browse cards and look at one closely."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tpmdrill.cli.common import (
    CONTEXT_SETTINGS,
    complete_card,
    complete_deck,
    db_option,
    difficulty_option,
    echo,
    echo_json,
    json_option,
    now,
    open_store,
)
from tpmdrill.decks import CATEGORIES, KINDS

if TYPE_CHECKING:
    from tpmdrill.sqlschema import Schema


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--deck", shell_complete=complete_deck, help="Only this deck (an id from 'tpmdrill decks list').")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only this category.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind of card.")
@difficulty_option
@json_option
@db_option
def cards(deck: str | None, category: str | None, kind: str | None, difficulty: int | None, json_: bool) -> None:
    """List active cards: id, deck, category, kind, minutes and prompt.

    \b
    Examples:
      tpmdrill cards --deck api-design
      tpmdrill cards --kind sql --json
      tpmdrill cards --difficulty 3
    """
    from tpmdrill.browse import card_list

    found = [entry.to_json() for entry in card_list(
        open_store(), deck=deck, category=category, kind=kind, difficulty=difficulty
    )]
    if json_:
        echo_json(found)
        return
    for row in found:
        echo(f"{row['id']:<42} {row['kind']:<9} {row['minutes']:>3} min  {row['prompt']}")
    echo(f"{len(found)} cards", err=True)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("card_id", shell_complete=complete_card)
@json_option
@db_option
def card(card_id: str, json_: bool) -> None:
    """Show a card: prompt, rubric, model answer, memory state and history.

    \b
    Example:
      tpmdrill card api-design/idempotency-keys --json
    """
    from tpmdrill.browse import card_detail

    detail = card_detail(open_store(), card_id, now())
    view = detail.to_json()
    if json_:
        echo_json(view)
        return
    _print_card(view, detail.schema)


def _print_card(view: dict[str, Any], schema: Schema | None) -> None:
    echo(view["id"], bold=True)
    echo(f"{view['category']} · {view['kind']} · {view['minutes']} min · tags: {', '.join(view['tags'])}")
    echo(f"\n{view['prompt']}\n")
    if schema is not None:
        echo("\n".join(schema.text_lines()) + "\n")
    for index, point in enumerate(view["rubric"], start=1):
        flags = " (required)" if point["required"] else ""
        echo(f"  {index}. {point['point']}{flags}")
    _print_card_extras(view)
    if view["state"] == "new":
        echo("\nNot studied yet.")
    else:
        echo(
            f"\nState {view['state']}, due {view['due']}, stability {view['stability']:.1f} days, "
            f"recall now {view['recall_now']}, {view['reps']} reviews, {view['lapses']} lapses, "
            f"{view['learning_agains']} Again{'s' if view['learning_agains'] != 1 else ''} while learning."
        )
    for review in view["reviews"][-10:]:
        voided = "  (undone)" if review.get("voided") else ""
        echo(f"  {review['reviewed_at'][:16]}  {review['mode']:<6} rating {review['rating']}{voided}")


def _print_card_extras(view: dict[str, Any]) -> None:
    """Issue 14: the card's level, its estimate's reference and its follow-ups."""
    from tpmdrill.decks import DIFFICULTIES

    echo(f"\nDifficulty {view['card_difficulty']} ({DIFFICULTIES[view['card_difficulty']]}).")
    if view["estimate"]:
        estimate = view["estimate"]
        echo(f"Reference estimate: {estimate['value']:,.6g} {estimate['unit']} "
                   f"(right within ×/÷ {estimate['tolerance']:g}).")
    for follow_up in view["follow_ups"]:
        echo(f"\nFollow-up: {follow_up['prompt']}")
        for point in follow_up["rubric"]:
            echo(f"  - {point['point']}{' (required)' if point['required'] else ''}")
