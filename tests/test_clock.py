"""The one parser of times and days people give, and how times are shown to them."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from tpmdrill.clock import DAY_EXAMPLE, INSTANT_EXAMPLES, human_time, parse_day, parse_instant
from tpmdrill.errors import BadValue


@contextmanager
def time_zone(name: str) -> Iterator[None]:
    """This machine's local time zone is `name` for a while (TZ, then tzset)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture
def paris() -> Iterator[None]:
    """Local time is Paris: UTC+1 in winter, +2 in summer."""
    with time_zone("Europe/Paris"):
        yield


@pytest.mark.usefixtures("paris")
@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-12-06T09:30+01:00", datetime(2026, 12, 6, 8, 30, tzinfo=UTC)),  # an offset says it all
        ("2026-12-06T09:30:00Z", datetime(2026, 12, 6, 9, 30, tzinfo=UTC)),
        ("2026-12-06T09:30", datetime(2026, 12, 6, 8, 30, tzinfo=UTC)),  # no offset: Paris in winter
        ("2026-07-06 09:30", datetime(2026, 7, 6, 7, 30, tzinfo=UTC)),  # ... and in summer
        ("2026-12-06", datetime(2026, 12, 5, 23, 0, tzinfo=UTC)),  # a date: its local midnight
        ("  2026-12-06T09:30  ", datetime(2026, 12, 6, 8, 30, tzinfo=UTC)),
    ],
)
def test_instants_with_and_without_offsets(text: str, utc: datetime) -> None:
    parsed = parse_instant(text, "--at")
    assert parsed == utc
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026-12-06T25:00", "", "12/06/2026"])
def test_a_bad_time_names_formats_that_really_parse(text: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_instant(text, "--at")
    message = str(caught.value)
    assert message.startswith(f"--at {text!r} is not a date or time; give one like ")
    offered = re.findall(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?:[+-]\d\d:\d\d)?)?", message.split("give one like")[1])
    assert offered == list(INSTANT_EXAMPLES)
    for example in offered:
        parse_instant(example)  # each suggestion is accepted


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+00:00", "9999-12-31", "3000-01-02T00:00"])
def test_times_outside_the_calendar_it_can_schedule_are_refused(text: str) -> None:
    with pytest.raises(BadValue, match="is outside the years 1970 to 2999"):
        parse_instant(text, "--at")


def test_days() -> None:
    assert parse_day(" 2026-12-07 ") == date(2026, 12, 7)
    assert parse_day(DAY_EXAMPLE) == date(2026, 12, 7)
    with pytest.raises(BadValue, match=r"^interview date 'next friday' is not a date like 2026-12-07$"):
        parse_day("next friday", "interview date")


@pytest.mark.usefixtures("paris")
def test_human_time_is_local_with_its_offset() -> None:
    assert human_time(datetime(2026, 12, 1, 9, 30, 12, 345678, tzinfo=UTC)) == "2026-12-01 10:30 +01:00"
    assert human_time(datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == "2026-07-01 11:30 +02:00"


def test_human_time_says_utc_when_local_time_is_utc() -> None:
    with time_zone("UTC"):
        assert human_time(datetime(2026, 12, 1, 9, 30, tzinfo=UTC)) == "2026-12-01 09:30 UTC"
