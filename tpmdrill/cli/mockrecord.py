"""`tpmdrill mock record` without a file: the interviewer's verdicts, asked point by point.

The answers are gathered into the same shape as a verdicts file and checked by the core
(`mocksheets.check_records`), so both ways of recording share every rule.
"""

from __future__ import annotations

from typing import Any

import click

from tpmdrill.cli.display import Screen
from tpmdrill.errors import BadValue
from tpmdrill.mocksheets import SheetQuestion, suggested_rating
from tpmdrill.ratings import RATINGS, rating_choice
from tpmdrill.wording import plural


def ask_verdicts(questions: list[SheetQuestion]) -> dict[str, Any]:
    screen = Screen.open()
    screen.say("For each question: was it asked, which points did the answer cover, the rating, notes. "
               "Nothing is written until you confirm at the end.", "dim")
    entries = []
    for number, question in enumerate(questions, start=1):
        entry = _ask_question(screen, question, number, len(questions))
        if entry is not None:
            entries.append(entry)
    if not entries:
        raise BadValue("no question was marked as asked; nothing recorded")
    if not _yes(_ask(screen, f"Record {plural(len(entries), 'mock review')}? [Y/n] "), True):
        raise click.ClickException("not recorded; nothing was written")
    return {"questions": entries}


def _ask_question(screen: Screen, question: SheetQuestion, number: int, total: int) -> dict[str, Any] | None:
    screen.say()
    screen.say(f"Question {number}/{total} · {question.card.full_id} · {question.minutes} min", "bold")
    screen.say(question.card.prompt)
    if not _yes(_ask(screen, "Asked? [Y/n] "), True):
        return None
    main = {p.id for p in question.card.rubric}
    points: dict[str, bool] = {}
    for index, point in enumerate(question.points, start=1):
        where = "" if point.id in main else " (follow-up)"
        required = " (required)" if point.required else ""
        points[point.id] = _yes(_ask(screen, f"  {index}. {point.point}{required}{where} covered? [y/N] "), False)
    suggestion = suggested_rating(question, points)
    rating = _ask_rating(screen, suggestion)
    minutes = _ask(screen, "Minutes taken (Enter: not timed): ").strip()
    notes = _ask(screen, "Notes (Enter: none): ").strip()
    entry: dict[str, Any] = {"card": question.card.full_id, "rating": rating, "points": points, "notes": notes}
    if minutes:
        entry["minutes"] = _number(minutes)
    return entry


def _ask_rating(screen: Screen, suggestion: str) -> str:
    while True:
        text = _ask(screen, f"Rating ({' / '.join(RATINGS)}; Enter: {suggestion}, what the ticks suggest): ")
        choice = text.strip().lower() or suggestion
        matches = [name for name in RATINGS if name.startswith(choice)]
        named = rating_choice(choice) or (matches[0] if len(matches) == 1 else None)
        if named is not None:
            return named
        screen.say(f"Type one of {', '.join(RATINGS)} (or 1-4).", "yellow")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise BadValue(f"minutes taken {text!r} is not a number; nothing recorded") from None


def _ask(screen: Screen, prompt: str) -> str:
    line = screen.ask(prompt)
    if line is None:
        raise BadValue("input ended before the sheet was recorded; nothing was written")
    return line


def _yes(answer: str, default: bool) -> bool:
    text = answer.strip().lower()
    return default if not text else text in {"y", "yes"}
