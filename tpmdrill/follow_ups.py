"""Follow-up questions and rotating prompts: what the drill asks of a card this time.

A card with several prompts (a user's story answers several questions) or several
follow-ups shows the next one at each review, so repeated reviews do not rehearse one
phrasing. After the main answer is judged, one follow-up is asked and graded against its
own points; the confirmed rating then covers both (see `drill.CardVerdict`).
"""

from __future__ import annotations

from dataclasses import replace

from tpmdrill.decks import Card, FollowUp
from tpmdrill.drill import CardVerdict, PointCall


def prompt_for(card: Card, reviews: int) -> str:
    """The prompt to show at the card's review number `reviews` (0 for a new card)."""
    prompts = card.all_prompts
    return prompts[reviews % len(prompts)]


def follow_up_for(card: Card, reviews: int) -> FollowUp | None:
    """The follow-up to ask at this review, rotating; None for a card without any."""
    if not card.follow_ups:
        return None
    return card.follow_ups[reviews % len(card.follow_ups)]


def with_follow_up(verdict: CardVerdict, follow_up: FollowUp, answer: str) -> CardVerdict:
    """The verdict with the follow-up's answer graded and its points added after the main ones."""
    from tpmdrill.grading import grade

    graded = grade(follow_up.rubric, answer)
    first = len(verdict.points) + 1
    added = [
        PointCall(first + n, p.id, p.point, p.required, v.hit, v.hit, v.matched)
        for n, (p, v) in enumerate(zip(follow_up.rubric, graded.points, strict=True))
    ]
    return replace(verdict, points=[*verdict.points, *added], follow_up=follow_up, follow_up_answer=answer)
