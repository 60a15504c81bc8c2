""""Now" for every command, pinned by TPMDRILL_NOW for tests and replays."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from tpmdrill.errors import BadValue

# Instants a user may give (TPMDRILL_NOW, --at): far enough from the calendar's ends
# that a century of intervals added to them still is a date.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


# What error messages offer as formats: each one parses (tests/test_clock.py checks).
INSTANT_EXAMPLES = ("2026-12-06", "2026-12-06T09:30", "2026-12-06T09:30+01:00")
DAY_EXAMPLE = "2026-12-07"


def parse_instant(text: str, what: str = "time") -> datetime:
    """Parse a time a person gives (--at, TPMDRILL_NOW); return it in UTC.

    ISO 8601 with a UTC offset (`2026-12-06T09:30+01:00`, `...Z`) is that instant; a
    time without an offset (`2026-12-06T09:30`) or a bare date (`2026-12-06`, its
    midnight) is read in this machine's local time zone, which is what a person means.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadValue(
            f"{what} {text!r} is not a date or time; give one like {', '.join(INSTANT_EXAMPLES[:-1])}"
            f" (your local time) or {INSTANT_EXAMPLES[-1]}"
        ) from None
    try:
        value = value.astimezone(UTC)  # a naive value is taken as local time
    except (OverflowError, OSError, ValueError):
        value = EARLIEST - timedelta(days=1)
    if not EARLIEST <= value <= LATEST:
        raise BadValue(f"{what} {text!r} is outside the years {EARLIEST.year} to {LATEST.year}")
    return value


def parse_day(text: str, what: str = "date") -> date:
    """Parse a calendar day a person gives (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadValue(f"{what} {text!r} is not a date like {DAY_EXAMPLE}") from None


def now() -> datetime:
    """The current instant in UTC, or TPMDRILL_NOW when it is set."""
    pinned = os.environ.get("TPMDRILL_NOW")
    if pinned:
        return parse_instant(pinned, "TPMDRILL_NOW")
    return datetime.now(UTC)


def human_time(value: datetime) -> str:
    """An instant as a person reads it: this machine's local time to the minute, with
    its offset ("2026-12-01 10:30 +01:00"), or "UTC" when local time is UTC."""
    local = value.astimezone()
    offset = local.utcoffset()
    zone = "UTC" if not offset else local.strftime("%z")
    zone = zone if zone == "UTC" else f"{zone[:3]}:{zone[3:5]}"
    return f"{local:%Y-%m-%d %H:%M} {zone}"


def to_text(value: datetime) -> str:
    """The fixed-width UTC text the store keeps, so text order is time order."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)
