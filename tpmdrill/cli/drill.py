"""`tpmdrill drill`: the interactive daily session in the terminal.

Input is read a line at a time, so the loop works the same in a terminal, under tmux
and from a script. A review is saved only once its rating is confirmed, in one
transaction: quitting or Ctrl-C at any moment keeps every confirmed review and
records nothing half-done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, difficulty_option, now, open_store
from tpmdrill.cli.display import Screen, show_model_answer, show_verdict
from tpmdrill.decks import CATEGORIES, KINDS
from tpmdrill.enums import CardKind

if TYPE_CHECKING:

    from tpmdrill.drill import CardVerdict, Reviewed, SessionLog, SessionSummary
    from tpmdrill.session import Filters, Plan, QueueItem
    from tpmdrill.store import Store

# The session's stopwatch; tests replace it to make time pass.
monotonic: Callable[[], float] = time.monotonic

QUIT, SKIP = "quit", "skip"
RATING_KEYS = {"1": "again", "2": "hard", "3": "good", "4": "easy"}


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--minutes", type=click.IntRange(1, 600), help="Time budget: fill the session by the cards' minutes.")
@click.option("--deck", help="Only cards of this deck.")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only cards of this category.")
@click.option("--kind", type=click.Choice(KINDS), help="Only cards of this kind.")
@difficulty_option
@click.option("--weak", is_flag=True, help="Cram the weakest cards, due or not (schedule left alone).")
@click.option("--reschedule", is_flag=True, help="With --weak: let the cram reviews move the schedule too.")
@db_option
def drill(minutes: int | None, deck: str | None, category: str | None, kind: str | None,
          difficulty: int | None, weak: bool, reschedule: bool) -> None:
    """The daily session: answer due cards, then new ones, graded as you go.

    Type an answer over several lines and end it with a line holding a single
    '.' (or Ctrl-D); 'e' writes it in $EDITOR, 's' skips the card, 'q' quits.
    Each rubric point is marked hit or missed; accept the suggested rating with
    Enter, pick another with 1-4 (again, hard, good, easy) or toggle points with
    't N'. Quitting keeps every review you confirmed.

    \b
    Examples:
      tpmdrill drill --minutes 20
      tpmdrill drill --deck api-design --kind concept
      tpmdrill drill --difficulty 1 --minutes 10
      tpmdrill drill --weak --minutes 15
    """
    from tpmdrill.session import Filters

    if reschedule and not weak:
        raise click.UsageError("--reschedule only applies to cram sessions (--weak)")
    store = open_store()
    _check_deck(store, deck)
    screen = Screen.open()
    filters = Filters(deck, category, kind, difficulty)
    plan = _choose_plan(store, screen, filters, minutes, weak)
    if plan is None:
        return
    _run(store, screen, plan, reschedule=reschedule)


def _check_deck(store: Store, deck: str | None) -> None:
    if deck is not None and deck not in {d["id"] for d in store.decks()}:
        from tpmdrill.errors import UnknownDeck

        raise UnknownDeck(f"no deck {deck!r}; 'tpmdrill decks list' lists decks")


# ---- choosing what to drill ----------------------------------------------------------


def _choose_plan(store: Store, screen: Screen, filters: Filters, minutes: int | None, weak: bool) -> Plan | None:
    from tpmdrill.session import plan_cram, plan_session

    moment = now()
    if weak:
        plan = plan_cram(store, moment, filters=filters, minutes=minutes)
        if not plan.items:
            screen.say("No weak cards yet: cards whose points you missed or that you forgot come here.")
            return None
        return plan
    plan = plan_session(store, moment, filters=filters, minutes=minutes)
    if plan.due:
        return plan
    return _nothing_due(store, screen, plan, filters, moment)


def _nothing_due(store: Store, screen: Screen, plan: Plan, filters: Filters, moment: datetime) -> Plan | None:
    """Say when the next card is due, and offer new cards (and cramming) instead."""
    from tpmdrill.session import extra_new_cards, plan_session

    screen.say(f"Nothing due. {_next_due_text(store, moment)}", "bold")
    _suggest_assessment(store, screen)
    fresh = len(plan.items)
    if fresh:
        offer, default_yes = f"Learn {fresh} new card{'s' if fresh != 1 else ''} now? [Y/n] ", True
    elif plan.new_available:
        more = extra_new_cards(store, plan)
        offer, default_yes = f"Today's new cards are done. Learn {more} more anyway? [y/N] ", False
        plan = plan_session(store, moment, filters=filters, minutes=plan.minutes, new_limit=more)
    else:
        screen.say("No new cards left in this selection either.")
        offer = ""
    if offer and _yes(screen.ask(offer), default_yes):
        return plan
    screen.say("To practise anyway, cram your weakest cards: tpmdrill drill --weak")
    return None


def _suggest_assessment(store: Store, screen: Screen) -> None:
    """A new user who has not rated their skills yet gets new cards in deck order."""
    from tpmdrill.assess import latest_ratings

    if latest_ratings(store) is None:
        screen.say("Tip: run 'tpmdrill assess' first, so new cards for your weakest skills come first.")


def _yes(answer: str | None, default: bool) -> bool:
    if answer is None:
        return False
    text = answer.strip().lower()
    return default if text == "" else text in {"y", "yes"}


def _next_due_text(store: Store, moment: datetime) -> str:
    from tpmdrill.clock import from_text
    from tpmdrill.scheduler import interval_text

    text = store.next_due(moment)
    if text is None:
        return "No card is scheduled yet."
    due = from_text(text)
    return f"The next card is due {interval_text(due - moment)} ({due.isoformat(timespec='minutes')})."


# ---- the session -----------------------------------------------------------------------


def _run(store: Store, screen: Screen, plan: Plan, *, reschedule: bool) -> None:
    from tpmdrill.drill import SessionLog

    log = SessionLog()
    try:
        _loop(store, screen, plan, log, reschedule=reschedule)
    except KeyboardInterrupt:
        screen.say("\nInterrupted; the reviews you confirmed are saved.", "yellow")
        _print_summary(store, screen, log)
        click.get_current_context().exit(130)
    _print_summary(store, screen, log)


def _loop(store: Store, screen: Screen, plan: Plan, log: SessionLog, *, reschedule: bool) -> None:
    from tpmdrill.drill import banner_lines, time_is_up

    started = monotonic()
    banner = banner_lines(store, now())
    for position, item in enumerate(plan.items, start=1):
        log.seconds = monotonic() - started
        if time_is_up(plan.minutes, log.seconds, position):
            left = len(plan.items) - position + 1
            screen.say(f"\nTime's up: {plan.minutes} minutes spent; {left} card(s) left for next time.", "yellow")
            break
        _header(store, screen, plan, item, position, banner, log.seconds)
        outcome = _drill_card(store, screen, item, plan, reschedule=reschedule)
        log.seconds = monotonic() - started
        if outcome == QUIT:
            break
        if outcome == SKIP:
            log.skipped.append(item.card.full_id)
        elif not isinstance(outcome, str):
            log.reviewed.append(outcome)


def _header(store: Store, screen: Screen, plan: Plan, item: QueueItem, position: int,
            banner: list[str], spent: float) -> None:
    from tpmdrill.drill import budget_left, clock_text, last_seen_text

    card = item.card
    screen.say()
    for line in banner:
        screen.say(line, "magenta")
    deck = f"{card.deck} deck · {store.category_of(card.deck)}"
    screen.say(f"Card {position}/{len(plan.items)} · {deck} · {card.kind}, {card.minutes} min", "bold")
    left = budget_left(plan.minutes, spent)
    budget = f"{clock_text(left.total_seconds())} of {plan.minutes} min left" if left is not None else ""
    parts = [p for p in (budget, last_seen_text(store, card.full_id, now()), _reason(item)) if p]
    screen.say(" · ".join(parts), "dim")
    screen.say()
    from tpmdrill.follow_ups import prompt_for

    screen.markdown(prompt_for(card, store.reviews_of(card.full_id)))


def _reason(item: QueueItem) -> str:
    if item.reason == "weak":
        return "cram"
    if item.recall is not None:
        return f"predicted recall {item.recall:.0%}"
    return ""


def _drill_card(store: Store, screen: Screen, item: QueueItem, plan: Plan,
                *, reschedule: bool) -> Reviewed | str:
    from tpmdrill.drill import verdict_for
    from tpmdrill.sqlcheck import BrokenCard

    card = item.card
    start = monotonic()
    answer = _read_answer(screen, card.kind == CardKind.SQL)
    if answer in (QUIT, SKIP) or answer is None:
        return QUIT if answer is None else answer
    _show_elapsed(screen, monotonic() - start, card.minutes)
    try:
        verdict = verdict_for(card, answer)
    except BrokenCard as ex:  # the deck's fault, not the answer's: the session goes on
        screen.say(f"This card cannot be checked: {ex}. Skipped; fix its deck file.", "yellow")
        return SKIP
    show_verdict(screen, verdict)
    followed = _ask_follow_up(store, screen, verdict)
    if followed is None:
        return QUIT
    rating = _confirm(screen, followed)
    if rating is None:
        return QUIT
    verdict = followed
    return _save(store, screen, verdict, rating, monotonic() - start, plan.cram, reschedule or not plan.cram)


def _ask_follow_up(store: Store, screen: Screen, verdict: CardVerdict) -> CardVerdict | None:
    """Ask this review's follow-up (issue 14) and add its graded points; None to quit."""
    from tpmdrill.follow_ups import follow_up_for, with_follow_up

    follow_up = follow_up_for(verdict.card, store.reviews_of(verdict.card.full_id))
    if follow_up is None or verdict.judgement is None:
        return verdict
    screen.say("\nFollow-up", "bold underline")
    screen.markdown(follow_up.prompt)
    answer = _read_answer(screen, False)
    if answer is None or answer == QUIT:
        return None
    if answer == SKIP:
        screen.say("Follow-up skipped: the rating covers the main answer only.", "dim")
        return verdict
    followed = with_follow_up(verdict, follow_up, answer)
    show_verdict(screen, followed)
    return followed


# ---- reading the answer ---------------------------------------------------------------


def _read_answer(screen: Screen, sql: bool) -> str | None:
    """The typed answer, 'quit' or 'skip' ; None when input ended before any answer."""
    what = "your query" if sql else "your answer"
    screen.say(f"Write {what}; end with a line holding only '.' (or Ctrl-D). "
               "e: $EDITOR · s: skip · q: quit", "dim")
    lines: list[str] = []
    while True:
        line = screen.ask("> " if not lines else "  ")
        if line is None:
            return "\n".join(lines) if lines else None
        if not lines and line.strip() in {"q", "s", "e"}:
            command = line.strip()
            if command == "e":
                edited = _edit(sql)
                if edited is not None:
                    return edited
                screen.say("Nothing saved in the editor; type the answer here instead.", "yellow")
                continue
            return QUIT if command == "q" else SKIP
        if line.strip() == ".":
            return "\n".join(lines)
        lines.append(line)


def _edit(sql: bool) -> str | None:
    text = click.edit("", extension=".sql" if sql else ".md")
    return text.strip() if text and text.strip() else None


def _show_elapsed(screen: Screen, seconds: float, minutes: int) -> None:
    from tpmdrill.drill import clock_text

    over = seconds > minutes * 60
    screen.say(f"Answered in {clock_text(seconds)} of {minutes}:00{' (over time)' if over else ''}.",
               "yellow" if over else "green")


# ---- verdicts and the rating ------------------------------------------------------------


def _confirm(screen: Screen, verdict: CardVerdict) -> str | None:
    """The rating the user confirms; None to quit without recording this card."""
    while True:
        key = screen.ask(_keys_prompt(verdict))
        if key is None or key.strip().lower() == "q":
            return None
        choice = _rating_for(key, verdict)
        if choice is not None:
            return choice
        if not _toggle(screen, key, verdict):
            screen.say(f"Not a choice: {key!r}", "yellow")


def _keys_prompt(verdict: CardVerdict) -> str:
    accept = f"Enter: accept {verdict.suggested} · " if verdict.suggested else ""
    toggle = " · t N: toggle point N" if verdict.points else ""
    return f"{accept}1 again · 2 hard · 3 good · 4 easy{toggle} · q: quit > "


def _rating_for(key: str, verdict: CardVerdict) -> str | None:
    text = key.strip().lower()
    if text == "":
        return verdict.suggested
    from tpmdrill.scheduler import RATINGS

    return RATING_KEYS.get(text) or (text if text in RATINGS else None)


def _toggle(screen: Screen, key: str, verdict: CardVerdict) -> bool:
    """Handle 't 2' / 't2 3': flip those points and show the verdict again."""
    from tpmdrill.errors import BadValue

    text = key.strip().lower()
    numbers = text[1:].replace(",", " ").split()
    if not text.startswith("t") or not numbers or not all(n.isdigit() for n in numbers):
        return False
    try:
        for number in numbers:
            verdict.toggle(int(number))
    except BadValue as ex:
        screen.say(str(ex), "yellow")
    show_verdict(screen, verdict)
    return True


def _save(store: Store, screen: Screen, verdict: CardVerdict, rating: str, seconds: float,
          cram: bool, reschedule: bool) -> Reviewed:
    from tpmdrill.drill import comes_back, save

    moment = now()
    reviewed = save(store, verdict, rating, moment, seconds, cram=cram, reschedule=reschedule)
    show_model_answer(screen, verdict.card)
    screen.say(comes_back(reviewed, moment, store.memory_of(verdict.card.full_id)), "cyan")
    return reviewed


# ---- the end ------------------------------------------------------------------------------


def _print_summary(store: Store, screen: Screen, log: SessionLog) -> None:
    from tpmdrill.drill import summarize_session

    moment = now()
    _show_summary(screen, summarize_session(store, log, moment), store, moment)


def _show_summary(screen: Screen, summary: SessionSummary, store: Store, moment: datetime) -> None:
    from tpmdrill.drill import clock_text

    screen.say()
    ratings = ", ".join(f"{name} {count}" for name, count in summary.ratings.items()) or "no ratings"
    skipped = f", {summary.skipped} skipped" if summary.skipped else ""
    screen.say(f"Session: {summary.cards} card{'s' if summary.cards != 1 else ''} in "
               f"{clock_text(summary.seconds)} ({ratings}{skipped}).", "bold")
    if summary.most_missed:
        screen.say("Most missed today:")
        for card, point, times in summary.most_missed:
            screen.say(f"  {point} — {card} ({times}×)")
    if summary.due_now:
        screen.say(f"Still due now: {summary.due_now} card{'s' if summary.due_now != 1 else ''}.")
    if summary.due_tomorrow:
        screen.say(f"Due tomorrow: {summary.due_tomorrow} card{'s' if summary.due_tomorrow != 1 else ''}.")
    else:
        screen.say(f"Nothing due tomorrow. {_next_due_text(store, moment)}")
