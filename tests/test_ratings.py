import pytest

from tpmdrill.errors import BadValue
from tpmdrill.ratings import RATINGS, rating_name, rating_value


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
