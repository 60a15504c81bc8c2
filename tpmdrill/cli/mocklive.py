"""`tpmdrill mock --live`: the terminal side of a live mock (tpmdrill.mocklive decides).

On a terminal the top line is kept for the clocks (a scroll region below it), redrawn
every half second by a small thread: the question's countdown and the total clock.
Every prompt line repeats the countdown, so piped runs see it too. Deck text reaches
the terminal only through rich `Text`, which strips control sequences.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from dataclasses import dataclass, field
from time import monotonic
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import now
from tpmdrill.cli.display import Screen, show_model_answer, show_verdict
from tpmdrill.drill import clock_text
from tpmdrill.mocklive import (
    LiveAnswer,
    LiveRecorder,
    LiveSummary,
    LiveVerdict,
    countdown_text,
    grade_answer,
    is_over,
    summarize,
    total_text,
)
from tpmdrill.ratings import rating_choice
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.mock import MockQuestion, MockSet
    from tpmdrill.store import Store

INTERRUPTED = 130


@dataclass
class Clocks:
    """When the mock and the current question started, and the status line that shows them."""

    budget: int
    started: float = field(default_factory=monotonic)
    question_started: float = field(default_factory=monotonic)
    box: int = 0
    label: str = ""
    live_line: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def status(self) -> str:
        moment = monotonic()
        return (f"{self.label} · {countdown_text(self.box, moment - self.question_started)} · "
                f"{total_text(self.budget, moment - self.started)}")

    def question(self, label: str, box: int) -> None:
        self.label, self.box, self.question_started = label, box, monotonic()

    @property
    def over(self) -> bool:
        return is_over(self.box, monotonic() - self.question_started)

    def start_line(self) -> None:
        """Keep the terminal's top line for the clocks, when there is a terminal."""
        if not (sys.stdout.isatty() and sys.stdin.isatty()) or os.environ.get("TERM") == "dumb":
            return
        self.live_line, rows = True, shutil.get_terminal_size().lines
        self._write(f"\x1b[2;{rows}r\x1b[{rows};1H")
        self._stop.clear()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._thread.start()

    def stop_line(self) -> None:
        if not self.live_line:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        rows = shutil.get_terminal_size().lines
        self._write(f"\x1b7\x1b[1;1H\x1b[2K\x1b8\x1b[r\x1b[{rows};1H")
        self.live_line = False

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            self._write(f"\x1b7\x1b[1;1H\x1b[2K\x1b[1m{self.status()}\x1b[0m\x1b8")

    @staticmethod
    def _write(text: str) -> None:
        os.write(sys.stdout.fileno(), text.encode())


def sit(store: Store, mock: MockSet) -> None:
    screen = Screen.open()
    clocks = Clocks(mock.minutes)
    recorder = LiveRecorder(store, mock)
    try:
        _intro(screen, mock)
        clocks.start_line()
        answers = _answer_all(screen, clocks, mock)
        clocks.stop_line()
        spent = monotonic() - clocks.started
        _grade_all(screen, recorder, answers)
        _show_summary(screen, summarize(recorder.mock, recorder.confirmed, spent))
    except KeyboardInterrupt:
        clocks.stop_line()
        kept = len(recorder.confirmed)
        where = f" (sheet {recorder.mock.sheet})" if recorder.mock.sheet else ""
        screen.say(f"\nStopped. {plural(kept, 'confirmed answer')} kept as mock reviews{where}; "
                   "nothing else was written.", "yellow")
        raise click.exceptions.Exit(INTERRUPTED) from None
    finally:
        clocks.stop_line()


def _intro(screen: Screen, mock: MockSet) -> None:
    screen.say(f"Live mock · {mock.round} round · {plural(len(mock.questions), 'question')} · {mock.total_minutes} of "
               f"{plural(mock.minutes, 'minute')} · seed {mock.seed}", "bold")
    screen.say("One question at a time, against its time box. Write each answer and end it with a line "
               "holding only '.' (or type 'e' on the first line for $EDITOR). The interviewer may follow up. "
               "Grading comes at the end. Ctrl-C stops at any time.", "dim")


def _answer_all(screen: Screen, clocks: Clocks, mock: MockSet) -> list[LiveAnswer]:
    answers = []
    for position, question in enumerate(mock.questions, start=1):
        answer = _answer(screen, clocks, question, position, len(mock.questions))
        if answer is None:
            screen.say("Input ended: the mock stops here; the answers so far are graded.", "yellow")
            break
        answers.append(answer)
    return answers


def _answer(screen: Screen, clocks: Clocks, question: MockQuestion, position: int, total: int) -> LiveAnswer | None:
    from tpmdrill.mock import category_title

    clocks.question(f"Q{position}/{total}", question.minutes)
    screen.say()
    screen.say(f"Question {position}/{total} · {category_title(question.category)} · time box "
               f"{question.minutes} min", "bold")
    screen.say(question.card.prompt)
    main = _read(screen, clocks, question.card.prompt)
    if main is None:
        return None
    follow_answers = []
    for follow_up in question.follow_ups:
        screen.say()
        screen.say(f"Interviewer follows up: {follow_up.prompt}", "bold magenta")
        text = _read(screen, clocks, follow_up.prompt)
        if text is None:
            return None
        follow_answers.append(text)
    seconds = monotonic() - clocks.question_started
    if is_over(question.minutes, seconds):
        screen.say(f"Over the time box by {clock_text(seconds - question.minutes * 60)}; the overrun is recorded.",
                   "yellow")
    return LiveAnswer(question, position, main, tuple(follow_answers), seconds, now())


def _read(screen: Screen, clocks: Clocks, prompt: str) -> str | None:
    """Lines up to one holding only '.', or the editor's text (opened with `prompt` as a
    comment); None when input ends first."""
    lines: list[str] = []
    warned = False
    while True:
        if clocks.over and not warned:
            warned = True
            screen.say("\a⚠ Time box over: wrap up (you may go on; the overrun is recorded).", "bold yellow")
        line = screen.ask(f"[{countdown_text(clocks.box, monotonic() - clocks.question_started)}] > ")
        if line is None:
            return "\n".join(lines) if lines else None
        if not lines and line.strip() == "e":
            edited = _edit(clocks, prompt)
            if edited is not None:
                return edited
            screen.say("Nothing saved in the editor; type the answer here instead.", "yellow")
            continue
        if line.strip() == ".":
            return "\n".join(lines)
        lines.append(line)


def _edit(clocks: Clocks, prompt: str) -> str | None:
    from tpmdrill.editing import editor_file

    file = editor_file(prompt, sql=False)
    was_live = clocks.live_line
    clocks.stop_line()
    try:
        text = click.edit(file.text, extension=".md")
    except click.ClickException:  # the editor is missing or failed: type the answer instead
        text = None
    finally:
        if was_live:
            clocks.start_line()
    return file.answer(text) or None


# ---- grading at the end ---------------------------------------------------------------


def _grade_all(screen: Screen, recorder: LiveRecorder, answers: list[LiveAnswer]) -> None:
    from tpmdrill.sqlcheck import BrokenCard

    if not answers:
        return
    screen.say()
    screen.say("Time's up. Now the grading, question by question: confirm or override each suggestion; "
               "each confirmed answer is recorded at once as a mock review.", "bold")
    for answer in answers:
        screen.say()
        screen.say(f"Question {answer.position} · {answer.question.card.full_id} · took "
                   f"{clock_text(answer.seconds)} of {answer.question.minutes}:00", "bold")
        screen.say(answer.question.card.prompt)
        try:
            verdict = grade_answer(answer)
        except BrokenCard as ex:
            screen.say(f"This card cannot be checked: {ex}. Not recorded; fix its deck file.", "yellow")
            continue
        show_verdict(screen, verdict)
        rating = _confirm(screen, verdict)
        if rating is None:
            screen.say("Grading stopped; the answers confirmed so far are recorded.", "yellow")
            return
        recorder.confirm(verdict, rating, now())
        show_model_answer(screen, verdict.card)


def _confirm(screen: Screen, verdict: LiveVerdict) -> str | None:
    """The rating confirmed (Enter takes the suggestion); 't N' toggles a point; None at end of input."""
    accept = f"Enter: accept {verdict.suggested} · " if verdict.suggested else ""
    toggle = " · t N: toggle point N" if verdict.points else ""
    while True:
        key = screen.ask(f"{accept}1 again · 2 hard · 3 good · 4 easy{toggle} > ")
        if key is None:
            return None
        text = key.strip().lower()
        choice = verdict.suggested if text == "" else rating_choice(text)
        if choice is not None:
            return choice
        numbers = text[1:].replace(",", " ").split()
        if text.startswith("t") and numbers and all(n.isdigit() for n in numbers):
            _toggle(screen, verdict, [int(n) for n in numbers])
        else:
            screen.say(f"Not a choice: {key!r}", "yellow")


def _toggle(screen: Screen, verdict: LiveVerdict, numbers: list[int]) -> None:
    from tpmdrill.errors import BadValue

    try:
        for number in numbers:
            verdict.toggle(number)
    except BadValue as ex:
        screen.say(str(ex), "yellow")
    show_verdict(screen, verdict)


def _show_summary(screen: Screen, summary: LiveSummary) -> None:
    screen.say()
    screen.say(f"Mock summary · sheet {summary.sheet or '(nothing recorded)'} · {clock_text(summary.seconds)} "
               f"of {summary.budget_minutes}:00 · {summary.over_box} over their box", "bold")
    for line in summary.lines:
        over = f"  over by {clock_text(line.over_seconds)}" if line.over_seconds > 0 else ""
        score = f"{line.score:.0%}" if line.score is not None else "–"
        screen.say(f" {line.number}. {line.card}  {clock_text(line.seconds)} / {line.box_minutes}:00{over}  "
                   f"{score}  {line.rating}")
    if summary.unanswered:
        screen.say(f" {plural(summary.unanswered, 'question')} not answered or not recorded.", "dim")
    if summary.categories:
        screen.say("Score per category: " + " · ".join(f"{c} {s:.0%}" for c, s in summary.categories))
    if summary.weakest:
        screen.say("Weakest points:", "bold")
        for card, text in summary.weakest:
            screen.say(f" ✘ {text}  ({card})", "red")
