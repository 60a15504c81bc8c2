"""`tpmdrill story`: write your own stories as cards, and see what they cover."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import (
    CONTEXT_SETTINGS,
    db_option,
    db_path,
    echo_json,
    json_option,
    now,
    open_store,
    read_text_file,
)
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.store import Store

def _plain(text: str) -> str:
    """User text for the terminal, its control sequences made visible."""
    from tpmdrill.terminal import visible

    return visible(text)


@click.group(context_settings=CONTEXT_SETTINGS)
@db_option
def story() -> None:
    """Your own stories from your career, drilled as behavioural cards.

    Write one with 'tpmdrill story new' (it opens $EDITOR); see what your stories
    cover with 'tpmdrill story list'.

    \b
    Examples:
      tpmdrill story list --json
      tpmdrill story new --template > story.txt
    """


@story.command("new", context_settings=CONTEXT_SETTINGS)
@click.option("--template", "template_", is_flag=True, help="Print the blank STAR template and stop.")
@click.option("--file", "file_", help="Read the filled-in template from this file ('-' reads standard input) "
              "instead of opening $EDITOR.")
@db_option
def new(template_: bool, file_: str | None) -> None:
    """Write a story in $EDITOR from a STAR template and save it as a card.

    The template asks for a title, the competencies and interview prompts the
    story answers, situation, task, action, result, lesson and the key beats to
    remember. An incomplete story is shown with what to fix; edit it again or keep
    it as a draft that the next 'story new' continues. To write it in another
    editor, print the template, fill it in, then load it with
    'tpmdrill story new --file story.txt'.

    \b
    Examples:
      tpmdrill story new --template > story.txt
      EDITOR=nano tpmdrill story new
    """
    from tpmdrill.stories import template
    from tpmdrill.story_deck import coverage, draft_path, write_story

    store = open_store()
    if file_ is not None:
        card = write_story(store, db_path(), read_text_file(file_), now())
        _saved(card)
        return
    blank = template([(c.full_id, c.prompt) for c in coverage(store).unanswered])
    if template_:
        click.echo(blank, nl=False)
        return
    draft = draft_path(db_path())
    if draft.exists():
        click.echo(f"Continuing your draft from {draft}.")
    _edit_until_saved(store, draft.read_text(encoding="utf-8") if draft.exists() else blank, None)


@story.command("edit", context_settings=CONTEXT_SETTINGS)
@click.argument("card_id", required=False)
@db_option
def edit(card_id: str | None) -> None:
    """Edit one of your stories in $EDITOR; its reviews are kept.

    Without CARD_ID, pick the story from a numbered list.

    \b
    Examples:
      tpmdrill story edit
    """
    from tpmdrill.errors import UnknownCard
    from tpmdrill.lookup import find_card
    from tpmdrill.stories import STORY_DECK_ID, story_text

    store = open_store()
    card = find_card(store, card_id) if card_id is not None else _pick(store)
    if card is None:
        return
    if card.deck != STORY_DECK_ID:
        raise UnknownCard(f"{card_id!r} is not one of your stories; 'tpmdrill story list' lists them")
    _edit_until_saved(store, story_text(card), card.id)


def _pick(store: Store) -> Card | None:
    """The story the user picks by number; None when there is none or they skip."""
    from tpmdrill.story_deck import coverage

    stories = coverage(store).stories
    if not stories:
        click.echo("You have no stories yet; 'tpmdrill story new' writes one.")
        return None
    for number, card in enumerate(stories, start=1):
        click.echo(f"  {number}. {card.full_id}  {_plain(card.prompt)}")
    choice = click.prompt("Number of the story to edit (s: skip)", default="s", show_default=False,
                          prompt_suffix=" > ").strip().lower()
    if choice.isdigit() and 1 <= int(choice) <= len(stories):
        return stories[int(choice) - 1]
    click.echo("No story edited.")
    return None


def _saved(card: Card) -> None:
    click.echo(f"Saved {card.full_id}: {_plain(card.prompt)}")
    click.echo(f"It comes up in drills like any card: tpmdrill drill --deck {card.deck}")


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
        _saved(card)
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
        click.echo(f"      competencies: {', '.join(card.tags)} · answers {plural(len(card.all_prompts), 'prompt')}")
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
