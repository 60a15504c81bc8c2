"""`tpmdrill story`: write your own stories as cards, and see what they cover."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, db_path, echo_json, json_option, now, open_store

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.store import Store

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(text: str) -> str:
    """User text for the terminal, without control sequences."""
    return CONTROL.sub("", text)


@click.group(context_settings=CONTEXT_SETTINGS)
@db_option
def story() -> None:
    """Your own stories from your career, drilled as behavioural cards.

    \b
    Examples:
      tpmdrill story new
      tpmdrill story list --json
    """


@story.command("new", context_settings=CONTEXT_SETTINGS)
@db_option
def new() -> None:
    """Write a story in $EDITOR from a STAR template and save it as a card.

    The template asks for a title, the competencies and interview prompts the
    story answers, situation, task, action, result, lesson and the key beats to
    remember. An incomplete story is shown with what to fix; edit it again or keep
    it as a draft that the next 'story new' continues.

    \b
    Example:
      EDITOR=nano tpmdrill story new
    """
    from tpmdrill.stories import template
    from tpmdrill.story_deck import coverage, draft_path

    store = open_store()
    draft = draft_path(db_path())
    if draft.exists():
        click.echo(f"Continuing your draft from {draft}.")
        text = draft.read_text(encoding="utf-8")
    else:
        text = template([(c.full_id, c.prompt) for c in coverage(store).unanswered])
    _edit_until_saved(store, text, None)


@story.command("edit", context_settings=CONTEXT_SETTINGS)
@click.argument("card_id")
@db_option
def edit(card_id: str) -> None:
    """Edit one of your stories in $EDITOR; its reviews are kept.

    \b
    Example:
      tpmdrill story edit my-stories/billing-migration
    """
    from tpmdrill.errors import UnknownCard
    from tpmdrill.stories import STORY_DECK_ID, story_text

    store = open_store()
    card = store.card(card_id)
    if card.deck != STORY_DECK_ID:
        raise UnknownCard(f"{card_id!r} is not one of your stories; 'tpmdrill story list' lists them")
    _edit_until_saved(store, story_text(card), card.id)


def _edit_until_saved(store: Store, text: str, card_id: str | None) -> None:
    from tpmdrill.stories import StoryProblems
    from tpmdrill.story_deck import write_story

    while True:
        edited = click.edit(text, extension=".txt", require_save=True)
        if edited is None:
            click.echo("No changes saved in the editor; no story written.")
            return
        text = edited
        try:
            card = write_story(store, db_path(), text, now(), card_id=card_id)
        except StoryProblems as ex:
            if not _again(ex.problems, text):
                return
            continue
        click.echo(f"Saved {card.full_id}: {_plain(card.prompt)}")
        click.echo(f"It comes up in drills like any card: tpmdrill drill --deck {card.deck}")
        return


def _again(problems: list[str], text: str) -> bool:
    """Show what to fix; True to edit again. The text is kept as a draft otherwise."""
    from tpmdrill.story_deck import draft_path, write_atomically

    click.echo("The story is not complete yet:")
    for problem in problems:
        click.echo(f"  - {_plain(problem)}")
    draft = draft_path(db_path())
    try:
        answer = click.prompt("Enter: edit again · d: keep it as a draft and stop", default="",
                              show_default=False, prompt_suffix=" > ").strip().lower()
    except click.Abort:  # input ended: keep the text rather than lose it
        write_atomically(draft, text)
        raise click.ClickException(f"input ended; the story is kept as a draft in {draft}") from None
    if answer in {"", "e"}:
        return True
    write_atomically(draft, text)
    click.echo(f"Draft kept in {draft}; 'tpmdrill story new' continues it.")
    return False


@story.command("list", context_settings=CONTEXT_SETTINGS)
@json_option
@db_option
def list_(json_: bool) -> None:
    """Your stories, the competencies they cover, and the behavioural prompts none answers yet.

    \b
    Examples:
      tpmdrill story list
      tpmdrill story list --json
    """
    from tpmdrill.story_deck import coverage, stories_path, sync_stories

    store = open_store()
    sync_stories(store, stories_path(db_path()), now())
    found = coverage(store)
    if json_:
        echo_json(found.to_json())
        return
    view = found.to_json()
    click.echo(f"Your stories: {len(found.stories)}")
    for card, row in zip(found.stories, view["stories"], strict=True):
        click.echo(f"  {card.full_id}  {_plain(row['title'])}")
        click.echo(f"      competencies: {', '.join(card.tags)} · answers {len(card.all_prompts)} prompt(s)")
    click.echo(f"Competencies covered: {', '.join(found.competencies) or 'none yet'}")
    click.echo(f"Competencies no story covers yet: {', '.join(found.competencies_open) or 'none'}")
    _print_unanswered(found.behavioural, found.unanswered)


def _print_unanswered(behavioural: list[Card], unanswered: list[Card]) -> None:
    if not behavioural:
        click.echo("No behavioural deck is loaded, so there are no prompts to check your stories against.")
        return
    click.echo(f"Behavioural prompts no story answers yet: {len(unanswered)} of {len(behavioural)}")
    for card in unanswered:
        click.echo(f"  {card.full_id}  {_plain(card.prompt)}")
