"""The meaning signal beside the words (tpmdrill.grading.meaning): when it may complete
a point the words half-support, and when it may not."""

from __future__ import annotations

import pytest

from tpmdrill.decks import RubricPoint
from tpmdrill.grading import PointVerdict, grade
from tpmdrill.grading.meaning import available

RETRIES = RubricPoint(
    "retries", "Retries failed calls with exponential backoff and jitter",
    ("retry|retries", "exponential backoff|backoff|jitter"), min_hits=2,
    examples=("retry with exponential backoff", "back off exponentially between retries"),
)


def verdict(answer: str) -> PointVerdict:
    return grade([RETRIES], answer).points[0]


def test_the_rest_of_the_point_said_in_other_words_completes_it() -> None:
    found = verdict("We retry failed calls with exponentially longer waits.")
    assert (found.hit, found.by_meaning, found.found) == (True, True, ("retry",))
    assert "the rest said in other words" in found.ideas_text()


@pytest.mark.parametrize("answer", ["We add retries.", "Retries of failed calls."])
def test_the_found_idea_s_own_words_are_not_the_rest_of_the_point(answer: str) -> None:
    # The whole sentence reads like the point (the word "retries" is in both); what it
    # says besides that word does not.
    assert not verdict(answer).hit


def test_a_negated_mention_is_not_read_for_its_meaning() -> None:
    assert not verdict("We would not retry failed calls with exponentially longer waits.").hit


def test_meaning_alone_never_hits_a_point() -> None:
    assert not verdict("Failed calls wait exponentially longer each time, randomised.").hit


def test_the_model_ships_with_the_wheel() -> None:
    assert available()


def test_a_keyword_list_gets_nothing_from_meaning() -> None:
    result = grade([RETRIES], "retries, longer waits, random delays, timeouts")
    assert result.flags == ("keyword-list",)
    assert not result.points[0].hit
