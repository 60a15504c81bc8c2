"""A deck's rubrics checked against themselves, run whenever a deck is validated or added.

A rubric that cannot credit its own words cannot credit a candidate's, so:

- every spelling of every keyword matches its own text (a "dead" keyword never can),
  and a keyword in braces names a known signal (`tpmdrill.grading.signals`), alone;
- every `examples` phrasing of a point hits that point;
- the card's model answer scores at least MODEL_ANSWER_SCORE (for a sql card with a
  rubric, the model answer and the solution query together);
- a generic paragraph of buzzwords scores below BUZZWORD_SCORE: a rubric that a
  name-dropping non-answer passes rewards the wrong thing.

Each problem names the card and (where there is one) the point.
"""

from __future__ import annotations

from collections.abc import Iterator

from tpmdrill.decks import Card, Deck, RubricPoint
from tpmdrill.enums import CardKind
from tpmdrill.grading.matcher import Answer
from tpmdrill.grading.rubric import compile_concept
from tpmdrill.grading.signals import SIGNALS, is_signal
from tpmdrill.grading.thesaurus import EMPTY, Thesaurus

MODEL_ANSWER_SCORE = 0.85
BUZZWORD_SCORE = 0.3

# Sounds like an answer to anything, explains nothing. Written as prose, so that only
# the rubric (not the keyword-list flag) can keep it low.
BUZZWORDS = (
    "We would build it as a scalable, reliable and secure cloud-native platform. The services "
    "would be microservices on Kubernetes behind a load balancer, with a cache, a database, a "
    "queue and an API gateway, and we would add monitoring, logging and alerting. We would use "
    "best practices, automate testing in the CI/CD pipeline, keep it performant and cost "
    "effective, and make sure it follows industry standards and meets the business goals."
)

Problem = tuple[str, str | None, str]  # (card id, point id or None, message)


_CHECKED: dict[str, list[Problem]] = {}  # by deck file digest: a file is checked once per process


def check_deck(deck: Deck) -> list[Problem]:
    """Every self-check problem of the deck's cards."""
    if deck.digest and deck.digest in _CHECKED:
        return _CHECKED[deck.digest]
    problems = [p for card in deck.cards for p in check_card(card)]
    if deck.digest:
        _CHECKED[deck.digest] = problems
    return problems


def check_card(card: Card) -> Iterator[Problem]:
    from tpmdrill.grading import grade

    if not card.rubric:
        return
    for point in card.rubric:
        yield from _dead_keywords(card, point)
        yield from _examples(card, point)
    sql = card.kind == CardKind.SQL
    model = f"{card.answer}\n{card.solution or ''}" if sql else card.answer
    prompt = "" if sql else card.prompt  # as judging.judge grades it
    result = grade(card.rubric, model, prompt=prompt, query=sql)
    if result.score < MODEL_ANSWER_SCORE:
        missed = ", ".join(v.id for v in result.points if not v.hit)
        yield (card.id, None, f"the model answer scores {result.score:.2f} on its own rubric, "
               f"under {MODEL_ANSWER_SCORE}; it misses {missed}")
    buzz = grade(card.rubric, BUZZWORDS, prompt=card.prompt)
    if buzz.score >= BUZZWORD_SCORE:
        hit = ", ".join(v.id for v in buzz.points if v.hit)
        yield (card.id, None, f"a generic buzzword paragraph scores {buzz.score:.2f}, at least "
               f"{BUZZWORD_SCORE}; it hits {hit}: make those keywords specific to the card")


def _dead_keywords(card: Card, point: RubricPoint) -> Iterator[Problem]:
    for keyword in point.keywords:
        if any(is_signal(s.strip()) for s in keyword.split("|")):
            if keyword.strip() not in SIGNALS:
                known = ", ".join(SIGNALS)
                yield (card.id, point.id, f"keyword {keyword!r} must be exactly one signal: {known}")
            continue
        for spelling in (s.strip() for s in keyword.split("|")):
            concept = compile_concept(spelling, EMPTY)
            if not Answer(spelling).concept_spans(concept):
                yield (card.id, point.id, f"keyword {spelling!r} cannot match its own text")


def _examples(card: Card, point: RubricPoint) -> Iterator[Problem]:
    from tpmdrill.grading import grade

    sql = card.kind == CardKind.SQL
    prompt = "" if sql else card.prompt  # as judging.judge grades it
    for example in point.examples:
        verdict = grade([point], example, prompt=prompt, query=sql).points[0]
        if not verdict.hit:
            yield (card.id, point.id, f"example {example!r} does not hit its own point ({verdict.ideas_text()})")


def check_thesaurus(thesaurus: Thesaurus) -> list[str]:
    """Terms that cannot match their own text, named with the thesaurus file."""
    problems = []
    for number, terms in enumerate(thesaurus.concepts, start=1):
        for term in terms:
            if not Answer(term).concept_spans(compile_concept(term, EMPTY)):
                problems.append(f"{thesaurus.source}: concept #{number} ({terms[0]!r}): "
                                f"term {term!r} cannot match its own text")
    return problems
