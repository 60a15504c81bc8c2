"""tpmdrill.grading.shape.is_notes: when an answer is written as notes, not sentences."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.decks import RubricPoint
from tpmdrill.grading import grade
from tpmdrill.grading.matcher import Answer
from tpmdrill.grading.shape import MIN_NOTES_WORDS, TERSE_SHARE, is_notes


def notes(text: str) -> bool:
    answer = Answer(text)
    return is_notes(answer.stream, answer.text)


# A story told as notes keeps "I", "to" and "the" (about one word in ten), so the share
# of the small words of prose alone does not tell it from sentences; its shorthand does.
STORY_NOTES = (
    "Ctx: payments co, I was TPM, checkout redesign due before Xmas promo, ~2M orders/mo. "
    "Me: called it red same day -> laid out 2 opts for director w/ costs, pulled A/B data: "
    "Apple Pay = 31% of mobile orders. Recommended slip to Jan + hotfix on old flow. "
    "Result: shipped 8 Jan, conversion up 4%. Lesson: dependency map in wk 1, shd have done it earlier."
)
STORY_PROSE = (
    "I was the TPM for a checkout redesign at a payments company, and it was due before the "
    "Christmas promotion, when about two million orders a month go through the app. I called it "
    "red on the same day and laid out two options to the director with their costs. I pulled the "
    "data from the A/B test: Apple Pay was 31% of mobile orders, so we could not drop it. We shipped "
    "on 8 January and conversion rose by 4%. The lesson was to map dependencies in the first week."
)


def test_story_notes_that_keep_i_and_the_are_notes_by_their_shorthand() -> None:
    assert notes(STORY_NOTES)
    assert not notes(STORY_PROSE)


def test_prose_with_an_estimate_or_a_q_and_a_is_not_notes() -> None:
    estimate = (
        "I would start from the users: about 3,000 reviews are written a day and each is read "
        "roughly 1,000 times, so reads are 3,000 x 1,000 = 3,000,000 a day and the ratio is "
        "about 1,000 to 1. I ran a Q&A with the team, and we checked it against the logs, which "
        "showed ~2.8 million reads on a normal day. That is close enough to trust for sizing."
    )
    assert not notes(estimate)


def test_shorthand_marks_count_only_between_words() -> None:
    # One word in ten a small word of prose: notes if "+" and "=" stand for "and" and "is",
    # not where they join figures ("4 + 5", "3 = 3").
    rest = "churn flat, finance signed off, I owned the rollout plan, vendor swapped, support trained."
    assert notes("Ops + design shipped redesign, conversion = up, " + rest)
    assert not notes("Ops 4 + 5 shipped redesign, conversion 3 = 3 up, " + rest)


def test_notes_cap_holds_story_notes_at_good() -> None:
    rubric = [RubricPoint("p", "point p", ("{first-person actions}",), 1, 1.0, False)]
    graded = grade(rubric, STORY_NOTES)
    assert graded.flags == ("notes",) and graded.suggested_rating == "good"
    assert grade(rubric, STORY_PROSE).suggested_rating == "easy"


WORDS = st.sampled_from(["the", "I", "was", "to", "shipped", "scope", "date", "team", "froze", "vendor", "spike"])


@given(st.lists(WORDS, min_size=MIN_NOTES_WORDS, max_size=80), st.integers(0, 30))
def test_shorthand_only_makes_an_answer_more_notes(words: list[str], marks: int) -> None:
    text = " ".join(words)
    marked = text + " " + " ".join(["eng -> ops"] * marks)
    if notes(text):
        assert notes(marked)


@given(st.lists(WORDS, min_size=MIN_NOTES_WORDS, max_size=80))
def test_sentences_full_of_small_words_are_never_notes(words: list[str]) -> None:
    text = " ".join(words) + " " + " the I was " * len(words) + " w/ -> " * len(words)
    assert _prose_share(text) >= TERSE_SHARE
    assert not notes(text)


def _prose_share(text: str) -> float:
    stream = Answer(text).stream
    return sum(word in {"the", "i", "was"} for word in stream) / len(stream)
