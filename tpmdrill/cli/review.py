"""`tpmdrill review`: record one review without the interactive loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, db_option, echo_json, json_option, now, open_store, read_text_file
from tpmdrill.enums import CardKind
from tpmdrill.scheduler import RATINGS

if TYPE_CHECKING:
    from tpmdrill.decks import Card
    from tpmdrill.enums import Rating
    from tpmdrill.store import PointVerdictRow


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("card_id")
@click.option("--rating", required=True, type=click.Choice(RATINGS, case_sensitive=False),
              help="How well you answered.")
@click.option("--answer-file", help="Your answer, kept with the review and graded against the rubric ('-': stdin).")
@click.option("--at", "at_text", metavar="ISO", help="When the review happened (ISO 8601 with offset; default now).")
@json_option
@db_option
def review(card_id: str, rating: str, answer_file: str | None, at_text: str | None, json_: bool) -> None:
    """Record one review of CARD_ID and schedule its next one.

    \b
    Examples:
      tpmdrill review api-design/idempotency-keys --rating good
      tpmdrill review data/ab-test-checkout-redesign --rating hard --answer-file answer.md
    """
    from tpmdrill.clock import parse_instant
    from tpmdrill.enums import ReviewMode
    from tpmdrill.scheduler import RecordedReview, interval_text, rating_value, record_review

    at = parse_instant(at_text, "--at") if at_text else now()
    answer = read_text_file(answer_file) if answer_file else None
    store = open_store()
    card = store.card(card_id)
    graded = _grade(card, answer)
    saved, memory = record_review(
        store, card_id, rating_value(rating), at, mode=ReviewMode.REVIEW, answer=answer,
        suggested=graded[0], score=graded[1], verdicts=graded[2],
    )
    assert memory is not None
    if json_:
        echo_json(RecordedReview(saved, memory).to_json())
        return
    click.echo(f"Recorded {rating.lower()} for {card_id}; next review {interval_text(memory.due - at)} "
               f"({memory.due.isoformat(timespec='minutes')}).")


def _grade(card: Card, answer: str | None) -> tuple[Rating | None, float | None, tuple[PointVerdictRow, ...]]:
    """The automatic verdicts for an answer given with a review; none without one."""
    if answer is None or (not card.rubric and card.kind not in (CardKind.SQL, CardKind.ESTIMATE)):
        return None, None, ()
    from tpmdrill.judging import judge
    from tpmdrill.scheduler import rating_value
    from tpmdrill.store import PointVerdictRow

    result = judge(card, answer)
    verdicts = tuple(PointVerdictRow(p.id, p.hit, p.hit, p.matched) for p in result.points)
    return rating_value(result.suggested_rating), result.score, verdicts
