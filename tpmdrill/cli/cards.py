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
@click.option("--deck", shell_complete=complete_deck,
              help="Only this deck (an id from 'tpmdrill decks list', or a prefix only one deck has).")
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
    from tpmdrill.lookup import resolve_deck
    from tpmdrill.wording import plural

    store = open_store()
    chosen = resolve_deck(store, deck) if deck is not None else None
    found = [entry.to_json() for entry in card_list(
        store, deck=chosen, category=category, kind=kind, difficulty=difficulty
    )]
    if json_:
        echo_json(found)
        return
    for row in found:
        echo(f"{row['id']:<42} {row['kind']:<9} {row['minutes']:>3} min  {row['prompt']}")
    echo(plural(len(found), "card"), err=True)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("card_id", shell_complete=complete_card)
@json_option
@db_option
def card(card_id: str, json_: bool) -> None:
    """Show a card: prompt, rubric, model answer, memory state and history.

    CARD_ID is the full id (deck/card), or any shorter name only one card has: its
    id without the deck, or the start of either ('tpmdrill cards' lists the ids).
    Times are in this machine's local time zone.

    \b
    Examples:
      tpmdrill card api-design/idempotency-keys --json
      tpmdrill card idempotency-keys
    """
    from tpmdrill.browse import card_detail
    from tpmdrill.lookup import resolve_card

    store = open_store()
    detail = card_detail(store, resolve_card(store, card_id), now())
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
    _print_answer(view)
    _print_memory(view)


def _print_answer(view: dict[str, Any]) -> None:
    """The model answer (Markdown, as written) and a sql card's reference solution."""
    echo("\nModel answer:", bold=True)
    echo(view["answer"].strip() or "(none)")
    if view.get("solution"):
        echo("\nSolution:", bold=True)
        echo(view["solution"].strip())


def _print_memory(view: dict[str, Any]) -> None:
    """The memory state, then the latest reviews: local times, rating names."""
    from tpmdrill.clock import from_text, human_time
    from tpmdrill.ratings import rating_name
    from tpmdrill.wording import plural

    if view["state"] == "new":
        echo("\nNot studied yet.")
    else:
        echo(
            f"\nState {view['state']}, due {human_time(from_text(view['due']))}, stability "
            f"{view['stability']:.1f} days, recall now {view['recall_now']}, {plural(view['reps'], 'review')}, "
            f"{plural(view['lapses'], 'lapse')}, {plural(view['learning_agains'], 'Again')} while learning."
        )
    reviews = view["reviews"]
    shown = reviews[-HISTORY_SHOWN:]
    if shown:
        latest = f" (the latest {len(shown)} of {len(reviews)}; --json lists all)" if len(shown) < len(reviews) else ""
        echo(f"History{latest}:")
    for review in shown:
        voided = "  (undone)" if review.get("voided") else ""
        score = f"  score {review['score']:.0%}" if review.get("score") is not None else ""
        when = human_time(from_text(review["reviewed_at"]))
        echo(f"  {when}  {review['mode']:<6} {rating_name(review['rating']):<5}{score}{voided}".rstrip())


HISTORY_SHOWN = 10  # reviews the card view lists (--json has them all)


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
