from __future__ import annotations

import pytest

from tpmdrill.drill import time_is_up


@pytest.mark.parametrize(
    ("minutes", "spent", "position", "up"),
    [
        (None, 10_000.0, 5, False),  # no budget: never
        (10, 600.0, 1, False),  # the first card is always shown
        (10, 599.9, 2, False),
        (10, 600.0, 2, True),
        (1, 61.0, 3, True),
    ],
)
def test_time_is_up_only_with_a_budget_spent_after_the_first_card(
    minutes: int | None, spent: float, position: int, up: bool
) -> None:
    assert time_is_up(minutes, spent, position) is up
