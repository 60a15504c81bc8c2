"""A drill session in real time: its clock, what comes next, and what is left at the end.

The budget is wall-clock time really spent. Before each card the queue takes the next
one whose expected time at the user's pace (`pace.Pace`) fits what is left; the first
card of a session is always shown. A card whose learning or relearning step falls due
during the session comes back in it, before anything else, as in Anki; when nothing
else is left, one due within LEARN_AHEAD (and within the budget) is shown a little early.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tpmdrill.pace import Pace, duration_text, load_minutes
from tpmdrill.session import QueueItem
from tpmdrill.store import Memory, Store

LEARN_AHEAD = timedelta(minutes=20)
LEARNING_STATES = frozenset({1, 3})


@dataclass
class SessionClock:
    """'Now' during a session: the instant it started plus the time since, by `tick`
    (a monotonic stopwatch in seconds; tests pass a simulated one)."""

    start: datetime
    tick: Callable[[], float]
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.tick()

    def elapsed(self) -> float:
        return self.tick() - self.started

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed())


class SessionQueue:
    """The cards of one session: planned ones, then a reserve used while time remains,
    and the learning cards that come back."""

    def __init__(self, planned: Sequence[QueueItem], reserve: Sequence[QueueItem], pace: Pace,
                 budget_seconds: float | None) -> None:
        self.pending = deque(planned)
        self.reserve = list(reserve)
        self.learning: list[tuple[datetime, QueueItem]] = []
        self.pace = pace
        self.budget = budget_seconds
        self.shown = 0

    def expected(self, item: QueueItem) -> float:
        return self.pace.seconds(item.card.kind, item.card.minutes)

    def left(self) -> int:
        """Cards still planned or coming back (the reserve is not counted)."""
        return len(self.pending) + len(self.learning)

    def next(self, now: datetime, elapsed: float) -> QueueItem | None:
        """The next card to show, or None when the session is over (or the budget spent)."""
        room = float("inf") if self.budget is None else self.budget - elapsed
        if self.shown and room <= 0:
            return None
        ahead = LEARN_AHEAD if self.budget is None else min(LEARN_AHEAD, timedelta(seconds=max(0.0, room)))
        item = self._learning_due(now, room) or self._planned(room) or self._learning_due(now + ahead, room)
        if item is not None:
            self.shown += 1
        return item

    def _learning_due(self, until: datetime, room: float) -> QueueItem | None:
        ready = [entry for entry in self.learning if entry[0] <= until]
        if not ready:
            return None
        entry = min(ready, key=lambda e: (e[0], e[1].card.full_id))
        if self.shown and self.expected(entry[1]) > room:
            return None
        self.learning.remove(entry)
        return entry[1]

    def _planned(self, room: float) -> QueueItem | None:
        for source in (self.pending, self.reserve):
            for item in list(source):
                if not self.shown or self.expected(item) <= room:
                    source.remove(item)
                    return item
        return None

    def reviewed(self, item: QueueItem, memory: Memory | None) -> None:
        """After a review: a card left in a learning step comes back when it falls due."""
        if memory is not None and memory.state in LEARNING_STATES and item.reason != "weak":
            self.learning.append((memory.due, QueueItem(item.card, "learning", memory)))

    def put_back(self, item: QueueItem) -> None:
        """An undone card is shown again first."""
        self.learning = [e for e in self.learning if e[1].card.full_id != item.card.full_id]
        self.pending.appendleft(item)
        self.shown = max(0, self.shown - 1)

    def extend(self, seconds: float, elapsed: float) -> None:
        """Another `seconds` of budget, and at least enough for the next card waiting."""
        if self.budget is None:
            return
        waiting = [*self.pending, *self.reserve]
        needed = elapsed + self.expected(waiting[0]) if waiting else 0.0
        self.budget = max(self.budget + seconds, needed)

    def out_of_time(self, elapsed: float) -> bool:
        """Whether the session ended on its budget, with time spent or cards left over."""
        if self.budget is None:
            return False
        return elapsed >= self.budget or bool(self.pending or self.reserve or self.learning)


@dataclass(frozen=True)
class Backlog:
    """What is still due when a session ends, and the time it needs at the user's pace."""

    cards: int
    minutes: float

    def text(self) -> str:
        if not self.cards:
            return "nothing due"
        return f"{self.cards} due, about {duration_text(self.minutes)} at your pace"

    def to_json(self) -> dict[str, object]:
        return {"cards": self.cards, "minutes": round(self.minutes, 1)}


def backlog(store: Store, now: datetime, pace: Pace) -> Backlog:
    """Every active card due now, and the sum of their minutes at the user's pace."""
    rows = store.due_load(None, now + timedelta(microseconds=1))
    return Backlog(sum(r[2] for r in rows), load_minutes(pace, ((r[1], r[3]) for r in rows)))
