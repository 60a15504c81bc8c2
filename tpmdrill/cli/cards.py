"""`tpmdrill cards` and `tpmdrill card`: browse cards and look at one closely."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, now, open_store
from tpmdrill.decks import CATEGORIES, KINDS
from tpmdrill.enums import CardKind

if TYPE_CHECKING:
    from tpmdrill.decks import Card


def card_summary(card: Card, category: str) -> dict[str, Any]:
    return {
        "id": card.full_id, "deck": card.deck, "category": category, "kind": card.kind,
        "prompt": card.prompt, "minutes": card.minutes, "tags": list(card.tags),
        "skills": list(card.skills),
    }


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--deck", help="Only this deck (an id from 'tpmdrill decks list').")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only this category.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind of card.")
@json_option
@db_option
def cards(deck: str | None, category: str | None, kind: str | None, json_: bool) -> None:
    """List active cards: id, deck, category, kind, minutes and prompt.

    \b
    Examples:
      tpmdrill cards --deck api-design
      tpmdrill cards --kind sql --json
    """
    store = open_store()
    categories = {row["id"]: row["category"] for row in store.decks()}
    if deck is not None and deck not in categories:
        from tpmdrill.errors import UnknownDeck

        raise UnknownDeck(f"no deck {deck!r}; 'tpmdrill decks list' lists decks")
    found = [card_summary(c, categories[c.deck]) for c in store.cards(deck=deck, category=category, kind=kind)]
    if json_:
        echo_json(found)
        return
    for row in found:
        click.echo(f"{row['id']:<42} {row['kind']:<9} {row['minutes']:>3} min  {row['prompt']}")
    click.echo(f"{len(found)} cards", err=True)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("card_id")
@json_option
@db_option
def card(card_id: str, json_: bool) -> None:
    """Show a card: prompt, rubric, model answer, memory state and history.

    \b
    Example:
      tpmdrill card api-design/idempotency --json
    """
    from tpmdrill.scheduler import SchedulerConfig, retrievability, state_name

    store = open_store()
    found = store.card(card_id)
    memory = store.memory_of(card_id)
    moment = now()
    config = SchedulerConfig.from_settings(store.settings())
    view = card_summary(found, store.category_of(found.deck)) | {
        "answer": found.answer,
        "rubric": [p.to_json() for p in found.rubric],
        "retired": store.is_retired(card_id),
        "state": state_name(memory),
        "due": memory.due.isoformat() if memory else None,
        "last_review": memory.last_review.isoformat() if memory and memory.last_review else None,
        "stability": memory.stability if memory else None,
        "difficulty": memory.difficulty if memory else None,
        "retrievability": round(retrievability(found.kind, memory, moment, config), 4),
        "reps": memory.reps if memory else 0,
        "lapses": memory.lapses if memory else 0,
        "reviews": store.history(card_id),
    }
    if found.kind == CardKind.SQL:
        view["solution"] = found.solution
        view["ordered"] = found.ordered
    if json_:
        echo_json(view)
        return
    _print_card(view)


def _print_card(view: dict[str, Any]) -> None:
    click.secho(view["id"], bold=True)
    click.echo(f"{view['category']} · {view['kind']} · {view['minutes']} min · tags: {', '.join(view['tags'])}")
    click.echo(f"\n{view['prompt']}\n")
    for index, point in enumerate(view["rubric"], start=1):
        flags = " (required)" if point["required"] else ""
        click.echo(f"  {index}. {point['point']}{flags}")
    if view["state"] == "new":
        click.echo("\nNot studied yet.")
    else:
        click.echo(
            f"\nState {view['state']}, due {view['due']}, stability {view['stability']:.1f} days, "
            f"recall now {view['retrievability']:.0%}, {view['reps']} reviews, {view['lapses']} lapses."
        )
    for review in view["reviews"][-10:]:
        click.echo(f"  {review['reviewed_at'][:16]}  {review['mode']:<6} rating {review['rating']}")
