"""The terminal side shared by the commands that show graded answers (drill, grade)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tpmdrill.terminal import visible
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from rich.console import Console

    from tpmdrill.decks import Card
    from tpmdrill.judging import CardVerdict, PointCall
    from tpmdrill.sqlcheck import SqlVerdict
    from tpmdrill.sqlschema import Schema


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

        self.console.print(Text(visible(text), style=style or ""))

    def markdown(self, text: str) -> None:
        """Rendered on a terminal; as written (already readable Markdown) when piped."""
        if not self.console.is_terminal:
            self.console.print(visible(text), markup=False)
            return
        from rich.markdown import Markdown

        self.console.print(Markdown(visible(text)), soft_wrap=False)

    def ask(self, prompt: str) -> str | None:
        """One line of input without its newline; None at end of input."""
        from rich.text import Text

        self.console.print(Text(visible(prompt), style="bold cyan"), end="")
        self.console.file.flush()
        line = _read_line()
        return None if line == "" else line.rstrip("\r\n")

    def ask_line(self, prompt: str) -> str | None:
        """Like `ask`, with line editing and a history of this session's lines when
        the input is a terminal and readline is available."""
        if not sys.stdin.isatty():
            return self.ask(prompt)
        try:
            import readline  # noqa: F401  (importing it gives input() editing and history)
        except ImportError:
            return self.ask(prompt)
        try:
            return input(prompt)
        except EOFError:
            return None


def _read_line() -> str:
    """One line of stdin; bytes that are not UTF-8 become U+FFFD instead of failing
    the read (and losing the answer around them)."""
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None and getattr(sys.stdin, "errors", "strict") == "strict":
        reconfigure(errors="replace")
    return sys.stdin.readline()


def show_verdict(screen: Screen, verdict: CardVerdict) -> None:
    follow_up_ids = {p.id for p in verdict.follow_up.rubric} if verdict.follow_up else set()
    for point in verdict.points:
        if point.id in follow_up_ids and point.number == len(verdict.points) - len(follow_up_ids) + 1:
            screen.say(" Follow-up:", "bold")
        show_point(screen, point)
    judgement = verdict.judgement
    if judgement is not None and judgement.sql is not None:
        show_sql(screen, judgement.sql)
    if judgement is not None and judgement.estimate is not None:
        estimate = judgement.estimate
        mark, style = ("✔", "green") if estimate.within_tolerance else ("✘", "red")
        screen.say(f" {mark} {estimate.summary()}", style)
    if judgement is not None and judgement.grade is not None and judgement.grade.stuffing:
        screen.say(" This reads like a list of keywords, not an explanation: say how they fit together "
                   "and why.", "yellow")
    if judgement is not None and judgement.grade is not None and judgement.grade.held_by_notes:
        screen.say(" Written as notes, so Good at most: say it in sentences, as you would in the room, "
                   "for Easy.", "yellow")
    show_suggestion(screen, verdict)


def show_point(screen: Screen, point: PointCall) -> None:
    """The point's mark and text, the words that matched, and which ideas were found."""
    mark, style = ("✔", "green") if point.hit else ("✘", "red")
    changed = " (you changed this)" if point.hit != point.auto_hit else ""
    required = " (required)" if point.required else ""
    matched = f"  [{', '.join(_marked(point))}]" if point.matched else ""
    screen.say(f" {mark} {point.number}. {point.text}{required}{matched}{changed}", style)
    if point.ideas and (not point.hit or not point.auto_hit or point.by_meaning):
        screen.say(f"      {point.ideas}", "dim")


def _marked(point: PointCall) -> list[str]:
    negated = {n.casefold() for n in point.negated}
    return [f"{m} (negated)" if m.casefold() in negated else m for m in point.matched]


def show_suggestion(screen: Screen, verdict: CardVerdict) -> None:
    if verdict.suggested is not None:
        score = f"Score {verdict.score:.0%} · " if verdict.score is not None else ""
        screen.say(f"{score}suggested rating: {verdict.suggested}", "bold")


def show_schema(screen: Screen, schema: Schema | None) -> None:
    """A sql card's tables (columns, types, sample rows) and dialect line."""
    if schema is None:
        return
    screen.say()
    for line in schema.text_lines():
        screen.say(line, "cyan" if line and not line.startswith(" ") else None)
    screen.say()


def show_sql(screen: Screen, sql_verdict: SqlVerdict) -> None:
    from tpmdrill.sqlschema import plain, result_lines

    if sql_verdict.error is not None:
        screen.say(f" ✘ The query failed: {plain(sql_verdict.error)}", "red")
        return
    screen.say(" Your result:", "dim")
    for line in result_lines(sql_verdict.columns, sql_verdict.got, limit=RESULT_PREVIEW):
        screen.say("   " + line)
    if sql_verdict.correct:
        screen.say(f" ✔ Correct: the query returns the expected {_rows(sql_verdict.rows)}.", "green")
    else:
        screen.say(f" ✘ Incorrect: {_rows(sql_verdict.rows)}, not the expected result. First differences:", "red")
        for expected, got in sql_verdict.first_differences():
            screen.say(f"     expected {_row(expected)}   got {_row(got)}")


RESULT_PREVIEW = 8  # rows of the answer's result shown with its verdict


def _row(row: tuple[object, ...] | None) -> str:
    # repr tells '1' from 1 and shows control characters escaped, never raw.
    return "(no row)" if row is None else "(" + ", ".join(_short(repr(value)) for value in row) + ")"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _rows(count: int) -> str:
    return plural(count, "row")


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
