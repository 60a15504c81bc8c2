"""`tpmdrill sql`: an interactive sandboxed prompt over a sql card's fixture."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, complete_card, db_option, now, open_store
from tpmdrill.clock import human_time
from tpmdrill.wording import plural

if TYPE_CHECKING:
    from tpmdrill.cli.display import Screen
    from tpmdrill.sqlrepl import Reply, SqlSession
    from tpmdrill.store import Store


@click.command("sql", context_settings=CONTEXT_SETTINGS)
@click.argument("card_id", shell_complete=complete_card)
@db_option
def sql(card_id: str) -> None:
    """Explore a sql card's tables in a sandbox, then submit a query to grade it.

    Shows the card's prompt, its tables (columns, types, sample rows) and the
    dialect, then runs any read-only query you type against the card's data: a
    fresh in-memory copy, never your database. End a query with ';'. Helpers:
    .tables, .schema [TABLE], .sample [TABLE], .history, .help, .quit. 'submit'
    grades the last query like 'tpmdrill grade' and offers to record it as a
    review (Enter records the suggested rating, 1-4 another, n nothing).
    CARD_ID is deck/card, or any shorter name only one card has (see 'tpmdrill card --help').

    \b
    Examples:
      tpmdrill sql data/sql-orders-per-month
      printf 'SELECT COUNT(*) FROM orders;\\n.quit\\n' | tpmdrill sql data/sql-orders-per-month
    """
    from tpmdrill.cli.display import Screen
    from tpmdrill.lookup import find_card
    from tpmdrill.sqlrepl import SqlSession

    store = open_store()
    card = find_card(store, card_id)
    session = SqlSession.start(card)
    screen = Screen.open()
    screen.say(card.full_id, "bold")
    screen.markdown(card.prompt)
    screen.say()
    for line in session.opening_lines():
        screen.say(line, "dim" if line.startswith("Type .help") else None)
    _loop(store, screen, session)


def _loop(store: Store, screen: Screen, session: SqlSession) -> None:
    """Read, run, print until .quit or end of input; Ctrl-C drops what is under way
    (a half-typed query, a running query, a rating not yet given) and carries on."""
    started = time.monotonic()
    while True:
        try:
            if _step(store, screen, session, started):
                return
        except KeyboardInterrupt:
            session.cancel()
            screen.say("\nInterrupted; nothing recorded. .quit or Ctrl-D leaves.", "yellow")


def _step(store: Store, screen: Screen, session: SqlSession, started: float) -> bool:
    """One line of input and its reply; True when the session is over."""
    line = screen.ask_line("   ...> " if session.continuing else "sql> ")
    if line is None:
        screen.say("")
        return True
    reply = session.feed(line)
    if reply is None:
        return False
    _show(screen, reply)
    return reply.quit or (reply.submit and _submit(store, screen, session, time.monotonic() - started))


def _show(screen: Screen, reply: Reply) -> None:
    for text in reply.lines:
        screen.say(text, "red" if reply.error else None)


def _submit(store: Store, screen: Screen, session: SqlSession, seconds: float) -> bool:
    """Grade the last query; True when it was recorded (the session then ends, with the
    model answer and the solution; until then they stay hidden, so you can try again)."""
    from tpmdrill.cli.display import show_model_answer, show_verdict
    from tpmdrill.drill import verdict_for

    assert session.last_query is not None
    verdict = verdict_for(session.card, session.last_query)
    show_verdict(screen, verdict)
    rating = _rating(screen, verdict.suggested)
    if rating is None:
        screen.say("Not recorded; keep exploring, submit again, or .quit.", "dim")
        return False
    from tpmdrill.scheduler import interval_text
    from tpmdrill.sqlrepl import record

    moment = now()
    _, due = record(store, session, verdict, rating, moment, seconds)
    show_model_answer(screen, session.card)  # as in the drill: the solution once the rating is in
    later = f"; next review {interval_text(due - moment)} ({human_time(due)})" if due else ""
    screen.say(f"Recorded {rating} for {session.card.full_id} after {plural(session.submits, 'attempt')}{later}.",
               "cyan")
    return True


def _rating(screen: Screen, suggested: str | None) -> str | None:
    from tpmdrill.ratings import rating_choice

    accept = f"Enter: record {suggested} · " if suggested else ""
    while True:
        key = screen.ask(f"Record it as a review? {accept}1 again · 2 hard · 3 good · 4 easy · n: no > ")
        text = "n" if key is None else key.strip().lower()
        if text in {"n", "no", "q"}:
            return None
        if text == "" and suggested:
            return suggested
        choice = rating_choice(text)
        if choice is not None:
            return choice
        screen.say(f"Not a choice: {plain_key(text)!r}", "yellow")


def plain_key(text: str) -> str:
    from tpmdrill.sqlschema import plain

    return plain(text)
