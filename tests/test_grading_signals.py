"""Signals: the evidence a story's rubric names in braces (tpmdrill.grading.signals)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.decks import Card, RubricPoint
from tpmdrill.enums import CardKind
from tpmdrill.grading import grade
from tpmdrill.grading.matcher import Answer
from tpmdrill.grading.selfcheck import check_card
from tpmdrill.grading.signals import (
    SIGNALS,
    checkable_results,
    first_person_actions,
    lessons_drawn,
    measured_results,
    stakes_figures,
)


def shown(spans: list[tuple[int, int]], text: Answer) -> list[str]:
    return [text.text_of(span) for span in spans]


def actions(answer: str) -> list[str]:
    text = Answer(answer)
    return shown(first_person_actions(text), text)


@pytest.mark.parametrize(("answer", "expected"), [
    ("I pulled the order data and I proposed a hybrid.", ["I pulled", "I proposed"]),
    ("I was running the rollout, and I didn't flag the SDK upgrade.", ["I was running", "I did not flag"]),
    ("I'd size it with the lead and I'd show what it cost.", ["I would size", "I would show"]),
    ("I went to sales myself, reset the date, explained why and kept backing it.",
     ["I went", "reset", "explained", "kept"]),
    ("Me: froze the v1 baseline -> posted the change log weekly.", ["froze", "posted"]),
    ("- Ran a 3-day spike\n- Recommended the vendor", ["Ran", "Recommended"]),
])
def test_first_person_actions_whatever_the_verb(answer: str, expected: list[str]) -> None:
    assert actions(answer) == expected


@pytest.mark.parametrize("answer", [
    "I think communication is key. I was the TPM. I would have done it earlier.",  # no action
    "We had a lot of meetings, got everyone aligned and we delivered.",  # "we", not "I"
    "I made sure to be friendly.",  # one action is not step by step
    "I pushed for it. Later I pushed again.",  # the same action twice
    "I learned that data beats opinion and I felt better.",  # a lesson and a feeling
    "I don't really disagree with them.",  # a present state, negated
])
def test_what_is_not_first_person_action(answer: str) -> None:
    assert actions(answer) == []


def test_a_measured_result_is_a_figure_where_the_outcome_is_told() -> None:
    text = Answer("The team had 1,200 drivers. We launched on 28 October with 17 items. "
                  "Oversells fell from 3.1% to 0.4%. It was a hard quarter.")
    assert shown(measured_results(text), text) == ["28 October", "17 items", "3.1", "0.4"]


def test_no_measured_result_without_a_figure_or_an_outcome() -> None:
    assert measured_results(Answer("In the end we delivered and everyone was happy.")) == []
    assert measured_results(Answer("We only had ten engineers and it felt too early.")) == []


@pytest.mark.parametrize(("answer", "expected"), [
    ("We shipped on the date we had promised.", ["on the date"]),
    ("It went live on time and the customer signed on those terms.", ["on time", "signed"]),
    ("We have had no repeat incident since.", ["since"]),
    ("It never happened again.", ["again"]),
    ("We turned the old API off for good, done.", ["for good"]),
])
def test_a_checkable_result_is_definite_without_a_figure(answer: str, expected: list[str]) -> None:
    text = Answer(answer)
    assert shown(checkable_results(text), text) == expected


@pytest.mark.parametrize("answer", [
    "In the end we delivered and everyone was happy.",  # no definite result
    "It eventually launched on time.",  # hedged
    "There was not a lot we could do since it was their dependency.",  # "since" gives a reason
    "We needed to be on time for the launch.",  # no outcome reported
])
def test_no_checkable_result_in_a_vague_or_hedged_outcome(answer: str) -> None:
    assert checkable_results(Answer(answer)) == []


def test_stakes_figures_are_in_the_opening() -> None:
    opening = "About 40k new accounts a month were blocked by the regulatory deadline in April. "
    text = Answer(opening + "We worked hard on it together. " * 20 + "It took 3 weeks.")
    assert shown(stakes_figures(text), text) == ["40k", "April"]


def lessons(answer: str) -> list[str]:
    text = Answer(answer)
    return shown(lessons_drawn(text), text)


@pytest.mark.parametrize(("answer", "expected"), [
    ("I learned to quantify the pain before pitching my fix.", ["I learned"]),
    ("Lesson: lead w/ his goal, not my worry.", ["Lesson"]),
    ("I learned trust comes from protecting focus.", ["I learned"]),
    ("I learned that a no lands better with an alternative.", ["I learned"]),  # more than the wish
    ("Looking back, I'd have enlisted the tech lead earlier.", ["Looking back", "I would have"]),
    ("What I took away: de-risk the biggest unknown first.", ["took away"]),
    ("Since then I always ask people to play it back.", ["Since then I"]),
])
def test_a_lesson_drawn_says_what_was_learnt(answer: str, expected: list[str]) -> None:
    assert lessons(answer) == expected


@pytest.mark.parametrize("answer", [
    "We learned to be more data-driven going forward.",  # a wish for more of a virtue
    "I think the lesson is just to have better dependency management.",
    "I learned that communication is key.",
    "Next time I'd communicate better.",
    "I learned a lot.",
    "Lessons learned.",
    "This was a hard lesson.",
    "Lessons learned: I should plan better.",
    "Once I realised, I set up weekly sessions.",  # finding out, not a lesson
])
def test_no_lesson_in_a_platitude_or_a_bare_lesson_word(answer: str) -> None:
    assert lessons(answer) == []


@given(st.lists(st.sampled_from(["more", "better", "key", "lot", "the", "to", "is", "really"]), max_size=12))
def test_a_lesson_of_vague_and_empty_words_is_never_drawn(words: list[str]) -> None:
    assert lessons("I learned " + " ".join(words) + ".") == []


@given(st.text(max_size=300))
def test_signals_never_fail_and_point_inside_the_answer(answer: str) -> None:
    text = Answer(answer)
    for _, find in SIGNALS.values():
        for first, last in find(text):
            assert 0 <= first <= last < len(text.stream)


def story_point(keywords: tuple[str, ...], min_hits: int = 1) -> RubricPoint:
    return RubricPoint("own-actions", "Tells what they did themselves", keywords, min_hits, examples=(
        "I pulled the data and I wrote the proposal", "I called the lead, then I drafted the plan"))


def test_a_point_credits_its_signal_and_names_it_in_feedback() -> None:
    point = story_point(("{first-person actions}",))
    hit = grade([point], "I called the vendor and I negotiated a refund.").points[0]
    assert hit.hit and hit.matched == ("I called", "I negotiated")
    missed = grade([point], "We called the vendor.").points[0]
    assert not missed.hit and missed.missing == ("things you did yourself (I ...)",)


def card_with(point: RubricPoint) -> Card:
    return Card(deck="d", id="c", kind=CardKind.STORY, prompt="Tell me about a time.", minutes=5, tags=(),
                skills=(), answer="I pulled the data and I wrote the proposal, then I called the lead.",
                rubric=(point,))


@pytest.mark.parametrize("keyword", ["{first-person action}", "{measured result}|result"])
def test_validation_names_an_unknown_or_mixed_signal(keyword: str) -> None:
    problems = list(check_card(card_with(story_point((keyword,)))))
    assert any("must be exactly one signal" in message and point == "own-actions"
               for _, point, message in problems), problems


def test_a_known_signal_passes_validation() -> None:
    assert list(check_card(card_with(story_point(("{first-person actions}",))))) == []

