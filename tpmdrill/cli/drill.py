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

from tpmdrill.cli.answering import (
    QUIT,
    REVISE,
    SKIP,
    UNDO,
    confirm_rating,
    editor_prompt,
    read_answer,
    really_quit,
    show_elapsed,
)
from tpmdrill.cli.common import (
    CONTEXT_SETTINGS,
    complete_card,
    complete_deck,
    db_option,
    difficulty_option,
    now,
    open_store,
)
from tpmdrill.cli.display import Screen, show_model_answer, show_verdict
from tpmdrill.cli.session_end import offer_more
from tpmdrill.clock import human_time
from tpmdrill.decks import CATEGORIES, KINDS
from tpmdrill.enums import CardKind
from tpmdrill.wording import plural

if TYPE_CHECKING:

    from tpmdrill.budget import SessionClock, SessionQueue
    from tpmdrill.drill import Reviewed, SessionLog, SessionSummary
    from tpmdrill.judging import CardVerdict
    from tpmdrill.pace import Pace
    from tpmdrill.session import Filters, Plan, QueueItem
    from tpmdrill.store import Store

# The session's stopwatch; tests replace it to make time pass.
monotonic: Callable[[], float] = time.monotonic


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--minutes", type=click.IntRange(1, 600),
              help="Time budget in real minutes (default: what is left of daily_minutes, if set).")
@click.option("--deck", shell_complete=complete_deck,
              help="Only cards of this deck (its id, or a prefix only one deck has).")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only cards of this category.")
@click.option("--kind", type=click.Choice(KINDS), help="Only cards of this kind.")
@difficulty_option
@click.option("--weak", is_flag=True, help="Cram the weakest cards, due or not (schedule left alone).")
@click.option("--reschedule", is_flag=True, help="With --weak: let the cram reviews move the schedule too.")
@click.option("card_id", "--card", metavar="CARD_ID", shell_complete=complete_card,
              help="Drill this one card now, due or not (deck/card, or any shorter name only one card has).")
@click.option("resume", "--continue", is_flag=True, help="Resume today's plan: the cards it still holds.")
@db_option
def drill(minutes: int | None, deck: str | None, category: str | None, kind: str | None,
          difficulty: int | None, weak: bool, reschedule: bool, card_id: str | None, resume: bool) -> None:
    """The daily session: answer due cards, then new ones, graded as you go.

    Type an answer over several lines and end it with a line holding a single
    '.' (or Ctrl-D); 'e' writes it in $EDITOR (below the prompt, as a comment),
    's' skips the card, 'q' quits. Each rubric point is marked hit or missed;
    accept the suggested rating with Enter, pick another with 1-4 (again, hard,
    good, easy) or toggle points with 't N' ('q' there asks first: an answer
    is recorded only with a rating). 'u' at the next prompt undoes the review. On a sql
    card, the tables and sample rows show before you answer, and 'r' revises the
    query (as often as you like) before you rate it. Quitting keeps every review
    you confirmed.

    The budget is real time at your pace; cards in a learning step come back in
    the session when due. With an interview plan, the session follows today's part.

    \b
    Examples:
      tpmdrill drill --minutes 20
      tpmdrill drill --deck api-design --kind concept
      tpmdrill drill --difficulty 1 --minutes 10
      tpmdrill drill --weak --minutes 15
      tpmdrill drill --card api-design/ride-sharing-api
      tpmdrill drill --continue
    """
    from tpmdrill.lookup import resolve_deck
    from tpmdrill.session import Filters

    if reschedule and not weak:
        raise click.UsageError("--reschedule only applies to cram sessions (--weak)")
    if sum((weak, resume, card_id is not None)) > 1:
        raise click.UsageError("choose one of --weak, --card and --continue")
    store = open_store()
    filters = Filters(resolve_deck(store, deck) if deck is not None else None, category, kind, difficulty)
    screen = Screen.open()
    plan = _choose_plan(store, screen, filters, minutes, weak, card_id, resume)
    if plan is None:
        return
    _run(store, screen, plan, filters, reschedule=reschedule)


# ---- choosing what to drill ----------------------------------------------------------


def _choose_plan(store: Store, screen: Screen, filters: Filters, minutes: int | None, weak: bool,
                 card_id: str | None, resume: bool) -> Plan | None:
    from tpmdrill.session import plan_card, plan_cram, plan_session, remember_today

    moment = now()
    if card_id is not None:
        from tpmdrill.lookup import resolve_card

        return plan_card(store, resolve_card(store, card_id), moment)
    if weak:
        plan = plan_cram(store, moment, filters=filters, minutes=minutes)
        if not plan.items:
            screen.say("No weak cards yet: cards whose points you missed or that you forgot come here.")
            return None
        return plan
    if resume:
        return _resume(store, screen, filters, minutes, moment)
    budget = _budget(store, screen, minutes, moment)
    if budget == 0:
        return None
    plan = plan_session(store, moment, filters=filters, minutes=budget)
    remember_today(store, plan, moment)
    if plan.due:
        return plan
    return _nothing_due(store, screen, plan, filters, moment)


def _budget(store: Store, screen: Screen, minutes: int | None, moment: datetime) -> float | None:
    """--minutes, else what is left of today's daily_minutes (0: used up, said so)."""
    from tpmdrill.session import todays_budget

    if minutes is not None:
        return minutes
    left = todays_budget(store, moment)
    if left is not None and left < 1:
        screen.say("Today's study time (daily_minutes) is used up. Go on with 'tpmdrill drill --continue'"
                   " or 'tpmdrill drill --minutes N'.", "bold")
        return 0
    return left


def _resume(store: Store, screen: Screen, filters: Filters, minutes: int | None, moment: datetime) -> Plan | None:
    from tpmdrill.session import plan_session, resume_today

    plan = resume_today(store, moment, minutes)
    if plan is not None:
        screen.say(f"Resuming today's plan: {plural(len(plan.items) + len(plan.reserve), 'card')} left.", "bold")
        return plan
    screen.say("Nothing is left of today's plan; going on with what is due and new.", "bold")
    plan = plan_session(store, moment, filters=filters, minutes=minutes)
    return plan if plan.due else _nothing_due(store, screen, plan, filters, moment)


def _nothing_due(store: Store, screen: Screen, plan: Plan, filters: Filters, moment: datetime) -> Plan | None:
    """Say when the next card is due, and offer new cards (and cramming) instead."""
    from tpmdrill.session import extra_new_cards, plan_session

    screen.say(f"Nothing due. {_next_due_text(store, moment)}", "bold")
    _suggest_assessment(store, screen)
    fresh = len(plan.items)
    if fresh:
        offer, default_yes = f"Learn {plural(fresh, 'new card')} now? [Y/n] ", True
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
    return f"The next card is due {interval_text(due - moment)} ({human_time(due)})."


# ---- the session -----------------------------------------------------------------------


class DrillSession:
    """One running session: its clock, its queue and its log."""

    def __init__(self, store: Store, screen: Screen, plan: Plan, filters: Filters, *, reschedule: bool) -> None:
        from tpmdrill.budget import SessionClock, SessionQueue
        from tpmdrill.drill import SessionLog
        from tpmdrill.pace import measured

        self.store, self.screen, self.plan, self.filters = store, screen, plan, filters
        self.reschedule = reschedule or not plan.cram
        self.clock: SessionClock = SessionClock(now(), monotonic)
        self.pace: Pace = measured(store, self.clock.start)
        budget = None if plan.minutes is None else plan.minutes * 60.0
        self.queue: SessionQueue = SessionQueue(plan.items, plan.reserve, self.pace, budget)
        self.log: SessionLog = SessionLog()
        self.shown = 0

    def run(self) -> None:
        from tpmdrill.drill import banner_lines

        banner = banner_lines(self.store, self.clock.start)
        while True:
            self.log.seconds = self.clock.elapsed()
            item = self.queue.next(self.clock.now(), self.log.seconds)
            if item is None:
                if self.queue.out_of_time(self.log.seconds) and offer_more(self):
                    continue
                break
            self.shown += 1
            _header(self, item, banner)
            outcome = _drill_card(self, item)
            self.log.seconds = self.clock.elapsed()
            if outcome == QUIT:
                break
            if outcome == UNDO:
                self.undo(item)
            elif outcome == SKIP:
                self.log.skipped.append(item.card.full_id)
            elif not isinstance(outcome, str):
                self.log.reviewed.append(outcome)
                self.queue.reviewed(item, outcome.memory)

    def undo(self, current: QueueItem | None) -> None:
        """Undo the last confirmed review; its card comes back first, then `current`."""
        from tpmdrill.drill import undo_last
        from tpmdrill.session import QueueItem

        if current is not None:
            self.queue.put_back(current)
            self.shown -= 1
        from tpmdrill.undo import NothingToUndo

        try:
            undone = undo_last(self.store, self.log, self.clock.now())
        except NothingToUndo as ex:  # another process recorded a review meanwhile
            self.screen.say(f"Not undone: {ex}.", "yellow")
            return
        if undone is None:
            self.screen.say("Nothing to undo in this session ('tpmdrill undo' undoes older reviews).", "yellow")
            return
        card = self.store.card(undone.card)
        self.queue.put_back(QueueItem(card, "undone", self.store.memory_of(undone.card)))
        self.shown -= 1
        self.screen.say(f"Undone: {undone.rating} on {undone.card}; its schedule is back as it was. "
                        "It comes again now.", "yellow")


def _run(store: Store, screen: Screen, plan: Plan, filters: Filters, *, reschedule: bool) -> None:
    session = DrillSession(store, screen, plan, filters, reschedule=reschedule)
    try:
        session.run()
    except KeyboardInterrupt:
        screen.say("\nInterrupted; the reviews you confirmed are saved.", "yellow")
        _print_summary(session)
        click.get_current_context().exit(130)
    _print_summary(session)


def _header(session: DrillSession, item: QueueItem, banner: list[str]) -> None:
    from tpmdrill.drill import budget_left, clock_text, last_seen_text

    store, screen, plan, card = session.store, session.screen, session.plan, item.card
    screen.say()
    for line in banner:
        screen.say(line, "magenta")
    total = session.shown + session.queue.left()
    # The full id, so `tpmdrill card ID` or `drill --card ID` can find this card later.
    screen.say(f"Card {session.shown}/{total} · {card.full_id} · {store.category_of(card.deck)} · {card.kind}, "
               f"{card.minutes} min", "bold")
    budget_minutes = None if session.queue.budget is None else session.queue.budget / 60
    left = budget_left(budget_minutes, session.log.seconds)
    shown_budget = plan.minutes if budget_minutes is None else round(budget_minutes)
    budget = f"{clock_text(left.total_seconds())} of {shown_budget} min left" if left is not None else ""
    seen = last_seen_text(store, card.full_id, session.clock.now())
    parts = [p for p in (budget, seen, _reason(item)) if p]
    screen.say(" · ".join(parts), "dim")
    screen.say()
    from tpmdrill.follow_ups import prompt_for

    screen.markdown(prompt_for(card, store.reviews_of(card.full_id)))
    if card.kind == CardKind.SQL:
        from tpmdrill.cli.display import show_schema
        from tpmdrill.sqlschema import schema_of

        show_schema(screen, schema_of(card))


def _reason(item: QueueItem) -> str:
    if item.reason == "weak":
        return "cram"
    if item.reason == "learning":
        return "back from its learning step"
    if item.recall is not None:
        return f"predicted recall {item.recall:.0%}"
    return ""


def _drill_card(session: DrillSession, item: QueueItem) -> Reviewed | str:
    from tpmdrill.drill import verdict_for
    from tpmdrill.sqlcheck import BrokenCard

    screen, card = session.screen, item.card
    start = session.clock.elapsed()
    answer = read_answer(screen, card.kind == CardKind.SQL, prompt=editor_prompt(session.store, card))
    if answer in (QUIT, SKIP, UNDO) or answer is None:
        return QUIT if answer is None else answer
    show_elapsed(screen, session.clock.elapsed() - start, card.minutes)
    try:
        verdict = verdict_for(card, answer)
    except BrokenCard as ex:  # the deck's fault, not the answer's: the session goes on
        screen.say(f"This card cannot be checked: {ex}. Skipped; fix its deck file.", "yellow")
        return SKIP
    show_verdict(screen, verdict)
    followed = _ask_follow_up(session.store, screen, verdict)
    if followed is None:
        return QUIT
    verdict, rating, attempts = _settle(session, followed, start)
    if rating is None:
        return QUIT
    return _save(session, verdict, rating, session.clock.elapsed() - start, attempts)


def _settle(
    session: DrillSession, verdict: CardVerdict, start: float
) -> tuple[CardVerdict, str | None, int | None]:
    """Take the rating for a verdict already shown; on a sql card 'r' revises the query and
    judges it again, as often as wanted (the card's clock keeps running). Returns the
    final verdict, the rating (None to quit) and, for a sql card, how many queries it took."""
    from tpmdrill.drill import clock_text, verdict_for

    screen = session.screen
    sql = verdict.card.kind == CardKind.SQL
    attempts = 1
    while True:
        rating = confirm_rating(screen, verdict)
        if rating != REVISE:
            return verdict, rating, attempts if sql else None
        revised = read_answer(screen, True, previous=verdict.answer, prompt=editor_prompt(session.store, verdict.card))
        if revised is None or revised in (QUIT, SKIP) or not revised.strip():
            screen.say("Revision dropped; the last query stands.", "yellow")
            continue
        attempts += 1
        verdict = verdict_for(verdict.card, revised)
        screen.say(f"Attempt {attempts}: {clock_text(session.clock.elapsed() - start)} on this card so far.", "bold")
        show_verdict(screen, verdict)


def _ask_follow_up(store: Store, screen: Screen, verdict: CardVerdict) -> CardVerdict | None:
    """Ask this review's follow-up (issue 14) and add its graded points; None to quit."""
    from tpmdrill.follow_ups import follow_up_for, with_follow_up

    follow_up = follow_up_for(verdict.card, store.reviews_of(verdict.card.full_id))
    if follow_up is None or verdict.judgement is None:
        return verdict
    screen.say("\nFollow-up", "bold underline")
    screen.markdown(follow_up.prompt)
    answer = read_answer(screen, False, prompt=follow_up.prompt)
    while answer == QUIT and not really_quit(screen):
        screen.say("Back to the follow-up; 's' skips it.", "dim")
        answer = read_answer(screen, False, prompt=follow_up.prompt)
    if answer is None or answer == QUIT:
        return None
    if answer in (SKIP, UNDO):
        screen.say("Follow-up skipped: the rating covers the main answer only.", "dim")
        return verdict
    followed = with_follow_up(verdict, follow_up, answer)
    show_verdict(screen, followed)
    return followed


def _save(
    session: DrillSession, verdict: CardVerdict, rating: str, seconds: float, attempts: int | None = None
) -> Reviewed:
    from tpmdrill.drill import comes_back, save

    store, moment = session.store, session.clock.now()
    reviewed = save(store, verdict, rating, moment, seconds, cram=session.plan.cram, reschedule=session.reschedule,
                    attempts=attempts)
    show_model_answer(session.screen, verdict.card)
    session.screen.say(comes_back(reviewed, moment, store.memory_of(verdict.card.full_id)), "cyan")
    return reviewed


# ---- the end ------------------------------------------------------------------------------


def _print_summary(session: DrillSession) -> None:
    from tpmdrill.drill import summarize_session

    moment = session.clock.now()
    summary = summarize_session(session.store, session.log, moment, session.pace)
    _show_summary(session.screen, summary, session.store, moment)


def _show_summary(screen: Screen, summary: SessionSummary, store: Store, moment: datetime) -> None:
    from tpmdrill.drill import clock_text

    screen.say()
    ratings = ", ".join(f"{name} {count}" for name, count in summary.ratings.items()) or "no ratings"
    skipped = f", {summary.skipped} skipped" if summary.skipped else ""
    screen.say(f"Session: {plural(summary.cards, 'card')} in "
               f"{clock_text(summary.seconds)} ({ratings}{skipped}).", "bold")
    if summary.most_missed:
        screen.say("Most missed today:")
        for card, point, times in summary.most_missed:
            screen.say(f"  {point} — {card} ({times}×)")
    if summary.due_now:
        at_pace = f", {summary.backlog.text().split(', ', 1)[1]}" if summary.backlog else ""
        screen.say(f"Still due now: {plural(summary.due_now, 'card')}{at_pace}.")
    if summary.due_tomorrow:
        screen.say(f"Due tomorrow: {plural(summary.due_tomorrow, 'card')}.")
    else:
        screen.say(f"Nothing due tomorrow. {_next_due_text(store, moment)}")
