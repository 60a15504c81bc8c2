import pytest

from tpmdrill.errors import BadValue
from tpmdrill.ratings import RATINGS, rating_choice, rating_name, rating_value


def test_names_and_numbers_round_trip() -> None:
    assert [rating_value(rating_name(n)) for n in range(1, 5)] == [1, 2, 3, 4]
    assert rating_value("GOOD") == 3
    assert RATINGS == ("again", "hard", "good", "easy")


@pytest.mark.parametrize("bad", [0, 5, -1])
def test_numbers_outside_the_scale_are_refused(bad: int) -> None:
    with pytest.raises(BadValue):
        rating_name(bad)


def test_unknown_names_are_refused() -> None:
    with pytest.raises(BadValue, match="rating 'great' is not one of again, hard, good, easy"):
        rating_value("great")


@pytest.mark.parametrize(("typed", "rating"), [("1", "again"), (" 2 ", "hard"), ("3", "good"), ("4", "easy"),
                                               ("Easy", "easy"), (" again", "again")])
def test_numbers_and_names_are_one_parser(typed: str, rating: str) -> None:
    """`review --rating`, the drill's keys, `sql` and `mock --live` read ratings alike."""
    assert rating_value(typed).label == rating
    assert rating_choice(typed) == rating


@pytest.mark.parametrize("typed", ["0", "5", "10", "-1", "3.0", "٣", "", "t 2", "q", "goo"])
def test_anything_else_is_not_a_rating(typed: str) -> None:
    assert rating_choice(typed) is None
    with pytest.raises(BadValue, match=r"is not one of again, hard, good, easy \(or 1-4\)"):
        rating_value(typed)
