"""How long this user really takes: each card's expected minutes, refined by their pace.

A card states the minutes an answer is expected to take. Once the user has at least
MIN_TIMED timed reviews of a kind of card among their latest READ timed reviews of the
last WINDOW_DAYS, that kind's pace is the median, over their latest RECENT timed reviews
of it, of the seconds really taken
divided by the seconds expected; a card's estimate is its expected minutes times that
factor. (For a kind whose cards all expect the same minutes, this is exactly the
median of the recorded seconds.) Voided reviews do not count.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tpmdrill.store import Store

MIN_TIMED = 5
RECENT = 50
WINDOW_DAYS = 90
READ = 1000  # timed reviews read at most, latest first: a kind not among them keeps 1.0


@dataclass(frozen=True)
class Pace:
    """Per kind of card: real time over expected time (1.0 until measured)."""

    factors: Mapping[str, float] = field(default_factory=dict)

    def factor(self, kind: str) -> float:
        return self.factors.get(kind, 1.0)

    def seconds(self, kind: str, minutes: float) -> float:
        """Expected seconds for a card of `kind` that states `minutes`."""
        return minutes * 60.0 * self.factor(kind)

    def minutes(self, kind: str, minutes: float) -> float:
        return minutes * self.factor(kind)

    def to_json(self) -> dict[str, float]:
        return {kind: round(value, 3) for kind, value in sorted(self.factors.items())}


def factor_of(timings: Iterable[tuple[float, int]]) -> float | None:
    """The median ratio of seconds taken to seconds expected; None below MIN_TIMED."""
    ratios = [seconds / (minutes * 60.0) for seconds, minutes in timings if minutes > 0]
    if len(ratios) < MIN_TIMED:
        return None
    return float(statistics.median(ratios))


def measured(store: Store, now: datetime) -> Pace:
    """The user's pace from their recent timed reviews."""
    by_kind: dict[str, list[tuple[float, int]]] = {}
    for kind, seconds, minutes in store.timed_reviews(now - timedelta(days=WINDOW_DAYS), READ):
        timings = by_kind.setdefault(kind, [])
        if len(timings) < RECENT:
            timings.append((seconds, minutes))
    factors = {kind: value for kind, timings in by_kind.items() if (value := factor_of(timings)) is not None}
    return Pace(factors)


def load_minutes(pace: Pace, rows: Iterable[tuple[str, int]]) -> float:
    """Minutes at the user's pace for (kind, expected minutes summed over cards of it)."""
    return sum(pace.minutes(kind, minutes) for kind, minutes in rows)


def duration_text(minutes: float) -> str:
    """'25 min', '1 h 50 min', '3 h'."""
    whole = max(0, round(minutes))
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
