""""Now" for every command, pinned by TPMDRILL_NOW for tests and replays."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from tpmdrill.errors import BadValue

# Instants a user may give (TPMDRILL_NOW, --at): far enough from the calendar's ends
# that a century of intervals added to them still is a date.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


def parse_instant(text: str, what: str = "time") -> datetime:
    """Parse an ISO 8601 instant that carries its UTC offset; return it in UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadValue(f"{what} {text!r} is not an ISO 8601 date and time") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadValue(
            f"{what} {text!r} has no UTC offset; add one, e.g. {text.strip()}+00:00"
        )
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        value = EARLIEST - timedelta(days=1)
    if not EARLIEST <= value <= LATEST:
        raise BadValue(f"{what} {text!r} is outside the years {EARLIEST.year} to {LATEST.year}")
    return value


def now() -> datetime:
    """The current instant in UTC, or TPMDRILL_NOW when it is set."""
    pinned = os.environ.get("TPMDRILL_NOW")
    if pinned:
        return parse_instant(pinned, "TPMDRILL_NOW")
    return datetime.now(UTC)


def to_text(value: datetime) -> str:
    """The fixed-width UTC text the store keeps, so text order is time order."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)
