"""Reading an answer in the drill: typed lines or $EDITOR, the keys that stand for
quit, skip and undo, and the size limit, so a bad answer never ends the session; then
the rating prompt, where 'q' asks before the answer is lost."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tpmdrill.cli.display import Screen, show_point, show_suggestion
from tpmdrill.enums import CardKind

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.judging import CardVerdict
    from tpmdrill.store import Store

QUIT, SKIP, UNDO, REVISE = "quit", "skip", "undo", "revise"


def read_answer(screen: Screen, sql: bool, previous: str = "", prompt: str = "") -> str | None:
    """The typed answer, 'quit', 'skip' or 'undo'; None when input ended before any answer.
    With `previous` (revising a query), 'e' opens it in $EDITOR and s/q cancel. The
    $EDITOR file starts with `prompt` as a comment, removed from the answer."""
    if previous:
        screen.say("Revise the query: type it again and end with a line holding only '.', "
                   "or e: edit it in $EDITOR · q: keep the last one", "dim")
    else:
        what = "your query" if sql else "your answer"
        screen.say(f"Write {what}; end with a line holding only '.' (or Ctrl-D). "
                   "e: $EDITOR · s: skip · u: undo the last review · q: quit", "dim")
    lines: list[str] = []
    while True:
        line = screen.ask("> " if not lines else "  ")
        if line is None:
            return "\n".join(lines) if lines else None
        if not lines and line.strip() == "u" and not previous:
            return UNDO
        if not lines and line.strip() in {"q", "s", "e"}:
            command = line.strip()
            if command == "e":
                edited, failure = _edit(sql, previous, prompt)
                if edited is not None and _within_limit(screen, edited):
                    return edited
                if edited is None:
                    screen.say(f"{failure}; type the answer here instead.", "yellow")
                continue
            return QUIT if command == "q" else SKIP
        if line.strip() == ".":
            if _within_limit(screen, "\n".join(lines)):
                return "\n".join(lines)
            lines = []
            continue
        lines.append(line)


def _within_limit(screen: Screen, answer: str) -> bool:
    """Whether the answer can be graded; if not, say so and let the session go on."""
    from tpmdrill.grading import MAX_ANSWER_CHARS

    if len(answer) <= MAX_ANSWER_CHARS:
        return True
    screen.say(f"That answer has {len(answer):,} characters, over the limit of {MAX_ANSWER_CHARS:,};"
               " write a shorter one.", "yellow")
    return False


def editor_prompt(store: Store, card: Card) -> str:
    """What the $EDITOR file shows as a comment: the prompt asked, and a sql card's tables."""
    from tpmdrill.follow_ups import prompt_for

    prompt = prompt_for(card, store.reviews_of(card.full_id))
    if card.kind != CardKind.SQL:
        return prompt
    from tpmdrill.sqlschema import schema_of

    schema = schema_of(card)
    return prompt if schema is None else "\n".join([prompt, "", *schema.text_lines()])


def _edit(sql: bool, previous: str = "", prompt: str = "") -> tuple[str | None, str]:
    """The answer written in $EDITOR (the prompt's comment lines removed), or None and why
    there is none."""
    from tpmdrill.editing import editor_file

    file = editor_file(prompt, sql=sql, previous=previous, what="query" if sql else "answer")
    try:
        text = click.edit(file.text, extension=".sql" if sql else ".md")
    except click.ClickException as ex:  # the editor is missing or exited with an error
        return None, f"The editor failed ({ex.format_message()})"
    answer = file.answer(text)
    if not answer:
        return None, "Nothing saved in the editor"
    return answer, ""


def show_elapsed(screen: Screen, seconds: float, minutes: int) -> None:
    from tpmdrill.drill import clock_text

    over = seconds > minutes * 60
    screen.say(f"Answered in {clock_text(seconds)} of {minutes}:00{' (over time)' if over else ''}.",
               "yellow" if over else "green")


# ---- verdicts and the rating ------------------------------------------------------------


def confirm_rating(screen: Screen, verdict: CardVerdict) -> str | None:
    """The rating the user confirms (or REVISE for a sql card's 'r'); None to quit without
    recording this card ('q' asks first: the answer typed for it would be lost)."""
    while True:
        key = screen.ask(_keys_prompt(verdict))
        if key is None:
            screen.say("Input ended before a rating: this answer was not recorded.", "yellow")
            return None
        if key.strip().lower() == "q":
            if really_quit(screen):
                return None
            continue
        choice = _rating_for(key, verdict)
        if choice is not None:
            return choice
        if not _toggle(screen, key, verdict):
            screen.say(f"Not a choice: {key!r}", "yellow")


def really_quit(screen: Screen) -> bool:
    """Whether to quit and lose the answer just written (not recorded without a rating)."""
    reply = screen.ask("Quit without recording this answer? It is lost unless you rate it. "
                       "y: quit · Enter: back to rating > ")
    if reply is None or reply.strip().lower() in {"y", "yes"}:
        screen.say("Not recorded.", "yellow")
        return True
    return False


def _keys_prompt(verdict: CardVerdict) -> str:
    accept = f"Enter: accept {verdict.suggested} · " if verdict.suggested else ""
    toggle = " · t N: toggle point N" if verdict.points else ""
    revise = " · r: revise the query" if verdict.card.kind == CardKind.SQL else ""
    return f"{accept}1 again · 2 hard · 3 good · 4 easy{toggle}{revise} · q: quit > "


def _rating_for(key: str, verdict: CardVerdict) -> str | None:
    text = key.strip().lower()
    if text == "":
        return verdict.suggested
    if text == "r" and verdict.card.kind == CardKind.SQL:
        return REVISE
    from tpmdrill.ratings import rating_choice

    return rating_choice(text)


def _toggle(screen: Screen, key: str, verdict: CardVerdict) -> bool:
    """Handle 't 2' / 't2 3': flip those points, show them and the new suggestion
    (not the whole rubric again)."""
    from tpmdrill.errors import BadValue

    text = key.strip().lower()
    numbers = text[1:].replace(",", " ").split()
    if not text.startswith("t") or not numbers or not all(n.isdigit() for n in numbers):
        return False
    try:
        for number in numbers:
            show_point(screen, verdict.toggle(int(number)))
    except BadValue as ex:
        screen.say(str(ex), "yellow")
    show_suggestion(screen, verdict)
    return True
