"""Reading an answer in the drill: typed lines or $EDITOR, the keys that stand for
quit, skip and undo, and the size limit, so a bad answer never ends the session."""

from __future__ import annotations

import click

from tpmdrill.cli.display import Screen

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
