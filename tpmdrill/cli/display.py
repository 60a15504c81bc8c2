"""The terminal side shared by the commands that show graded answers (drill, grade)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from tpmdrill.decks import Card
    from tpmdrill.drill import CardVerdict
    from tpmdrill.sqlcheck import SqlVerdict


class Screen:
    """The terminal: rich output (colour on a TTY unless NO_COLOR), line input."""

    def __init__(self, console: Console) -> None:
        self.console = console

    @classmethod
    def open(cls) -> Screen:
        from rich.console import Console

        # soft_wrap: long lines are left to the terminal, so piped output is not re-wrapped.
        return cls(Console(highlight=False, soft_wrap=True))

    def say(self, text: str = "", style: str | None = None) -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style or ""))

    def markdown(self, text: str) -> None:
        """Rendered on a terminal; as written (already readable Markdown) when piped."""
        if not self.console.is_terminal:
            self.console.print(text, markup=False)
            return
        from rich.markdown import Markdown

        self.console.print(Markdown(text), soft_wrap=False)

    def ask(self, prompt: str) -> str | None:
        """One line of input without its newline; None at end of input."""
        from rich.text import Text

        self.console.print(Text(prompt, style="bold cyan"), end="")
        self.console.file.flush()
        line = sys.stdin.readline()
        return None if line == "" else line.rstrip("\r\n")


def show_verdict(screen: Screen, verdict: CardVerdict) -> None:
    follow_up_ids = {p.id for p in verdict.follow_up.rubric} if verdict.follow_up else set()
    for point in verdict.points:
        if point.id in follow_up_ids and point.number == len(verdict.points) - len(follow_up_ids) + 1:
            screen.say(" Follow-up:", "bold")
        mark, style = ("✔", "green") if point.hit else ("✘", "red")
        changed = " (you changed this)" if point.hit != point.auto_hit else ""
        required = " (required)" if point.required else ""
        matched = f"  [{', '.join(point.matched)}]" if point.matched else ""
        screen.say(f" {mark} {point.number}. {point.text}{required}{matched}{changed}", style)
    judgement = verdict.judgement
    if judgement is not None and judgement.sql is not None:
        show_sql(screen, judgement.sql)
    if judgement is not None and judgement.estimate is not None:
        estimate = judgement.estimate
        mark, style = ("✔", "green") if estimate.within_tolerance else ("✘", "red")
        screen.say(f" {mark} {estimate.summary()}", style)
    if judgement is not None and judgement.grade is not None and judgement.grade.stuffing:
        screen.say(" This reads like a list of keywords; explain how they fit together.", "yellow")
    if verdict.suggested is not None:
        score = f"Score {verdict.score:.0%} · " if verdict.score is not None else ""
        screen.say(f"{score}suggested rating: {verdict.suggested}", "bold")


def show_sql(screen: Screen, sql_verdict: SqlVerdict) -> None:
    if sql_verdict.error is not None:
        screen.say(f" ✘ The query failed: {sql_verdict.error}", "red")
    elif sql_verdict.correct:
        screen.say(f" ✔ Correct: the query returns the expected {_rows(sql_verdict.rows)}.", "green")
    else:
        screen.say(f" ✘ Incorrect: {_rows(sql_verdict.rows)}, not the expected result. First differences:", "red")
        for expected, got in sql_verdict.first_differences():
            screen.say(f"     expected {_row(expected)}   got {_row(got)}")


def _row(row: tuple[object, ...] | None) -> str:
    return "(no row)" if row is None else "(" + ", ".join(repr(value) for value in row) + ")"


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def show_model_answer(screen: Screen, card: Card) -> None:
    screen.say("\nModel answer", "bold underline")
    screen.markdown(card.answer)
    if card.solution:
        screen.say("\nSolution", "bold underline")
        screen.say(card.solution.strip())
    if card.estimate is not None:
        target = card.estimate
        screen.say(f"\nReference estimate: {target.value:,.6g} {target.unit} "
                   f"(right within ×/÷ {target.tolerance:g})", "bold")
