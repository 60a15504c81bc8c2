"""`tpmdrill review`: record one review without the interactive loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import (
    CONTEXT_SETTINGS,
    complete_card,
    db_option,
    echo_json,
    json_option,
    now,
    open_store,
    rating_option,
    read_text_file,
)
from tpmdrill.clock import human_time
from tpmdrill.enums import CardKind

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.enums import Rating
    from tpmdrill.store import PointVerdictRow


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("card_id", shell_complete=complete_card)
@rating_option
@click.option("--answer-file", help="Your answer, kept with the review and graded against the rubric ('-': stdin).")
@click.option("--at", "at_text", metavar="TIME",
              help="When the review happened (default now): 2026-12-06T09:30+01:00, or without an offset "
              "(2026-12-06T09:30, or a date for its midnight) in this machine's local time zone.")
@click.option("--force", is_flag=True, help="Accept an --at in the future (a deliberate replay).")
@json_option
@db_option
def review(
    card_id: str, rating: str, answer_file: str | None, at_text: str | None, force: bool, json_: bool
) -> None:
    """Record one review of CARD_ID and schedule its next one.

    CARD_ID is deck/card, or any shorter name only one card has (see 'tpmdrill card --help').

    \b
    Examples:
      tpmdrill review api-design/idempotency-keys --rating good
      tpmdrill review data/ab-test-checkout-redesign --rating hard --answer-file answer.md
    """
    from tpmdrill.clock import parse_instant
    from tpmdrill.enums import ReviewMode
    from tpmdrill.lookup import find_card
    from tpmdrill.scheduler import RecordedReview, check_review_time, interval_text, rating_value, record_review

    at = check_review_time(parse_instant(at_text, "--at"), now(), force=force) if at_text else None
    answer = read_text_file(answer_file) if answer_file else None
    store = open_store()
    card = find_card(store, card_id)
    graded = _grade(card, answer)
    # Without --at the review's time is read once the write lock is held.
    saved, memory = record_review(
        store, card.full_id, rating_value(rating), at or now(), mode=ReviewMode.REVIEW, answer=answer,
        suggested=graded[0], score=graded[1], verdicts=graded[2], clock=None if at else now,
    )
    at = saved.reviewed_at
    assert memory is not None
    if json_:
        echo_json(RecordedReview(saved, memory).to_json())
        return
    click.echo(f"Recorded {rating} for {card.full_id}; next review {interval_text(memory.due - at)} "
               f"({human_time(memory.due)}).")


def _grade(card: Card, answer: str | None) -> tuple[Rating | None, float | None, tuple[PointVerdictRow, ...]]:
    """The automatic verdicts for an answer given with a review; none without one."""
    if answer is None or (not card.rubric and card.kind not in (CardKind.SQL, CardKind.ESTIMATE)):
        return None, None, ()
    from tpmdrill.judging import judge, under_confirmation
    from tpmdrill.scheduler import rating_value

    judgement = judge(card, answer)
    return rating_value(judgement.suggested_rating), judgement.score, \
        under_confirmation(card, answer, judgement).verdict_rows()
