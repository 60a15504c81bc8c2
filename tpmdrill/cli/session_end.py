"""The end of a drill session's budget: what is left, and continue, stop or set
tomorrow's plan (`u` undoes the last review there too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.cli.drill import DrillSession


def offer_more(session: DrillSession) -> bool:
    """At the end of the budget: what is left, and continue, stop or set tomorrow's plan."""
    from tpmdrill.budget import backlog
    from tpmdrill.pace import duration_text

    left = backlog(session.store, session.clock.now(), session.pace)
    spent = duration_text(session.log.seconds / 60)
    budget = duration_text((session.queue.budget or 0) / 60)
    missed = session.queue.left()
    unreached = f"; {plural(missed, 'card')} of this session not reached" if missed else ""
    over = session.log.seconds >= (session.queue.budget or 0)
    head = "Time's up" if over else "The next cards do not fit the time left"
    session.screen.say(f"\n{head}: {spent} spent of {budget}{unreached}. Left: {left.text()}.", "yellow")
    while True:
        answer = session.screen.ask("c: continue · s: stop · t: set tomorrow's plan · u: undo the last review > ")
        choice = (answer or "s").strip().lower()[:1] or "s"
        if choice == "u":
            session.undo(None)
            continue
        if choice == "c":
            _continue(session)
            return True
        if choice == "t":
            _set_tomorrow(session, left.minutes)
        return False


def _continue(session: DrillSession) -> None:
    """Another budget of the same length, with whatever is due and new now."""
    from tpmdrill.session import plan_session

    if not (session.queue.pending or session.queue.reserve):
        more = plan_session(session.store, session.clock.now(), filters=session.filters, pace=session.pace)
        session.queue.reserve.extend(more.items)
    session.queue.extend((session.plan.minutes or 0) * 60.0, session.clock.elapsed())


def _set_tomorrow(session: DrillSession, backlog_minutes: float) -> None:
    from tpmdrill.errors import BadValue
    from tpmdrill.settings import effective, parse_setting

    current = effective(session.store.settings())["daily_minutes"] or session.plan.minutes or 20
    answer = session.screen.ask(f"Minutes a day from tomorrow [{current}]: ")
    try:
        minutes = parse_setting("daily_minutes", (answer or "").strip() or str(current))
    except BadValue as ex:
        session.screen.say(f"{ex}; tomorrow's plan is unchanged.", "yellow")
        return
    session.store.put_setting("daily_minutes", minutes)
    if minutes:
        days = max(1, -(-round(backlog_minutes) // minutes))
        session.screen.say(f"Tomorrow's plan: {minutes} min a day (daily_minutes); what is due now needs "
                           f"about {plural(days, 'day')} at that.", "cyan")
