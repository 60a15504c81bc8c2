"""Undo: void the latest review and bring back the memory state from before it.

Reviews stay append-only. An undone review gets a voiding entry (the `voids` table);
analytics, pacing and scheduling then read as if it never happened. The memory row a
review replaced is kept with the review, so it comes back exactly (due date, stability,
difficulty, step, counts). When that row cannot be trusted (a review recorded before
undo existed, or a history that a merge has since changed under it), the state is
recomputed from the card's remaining reviews instead, as a merge does, with fuzz off.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from tpmdrill.clock import human_time
from tpmdrill.errors import TpmdrillError
from tpmdrill.ratings import rating_name
from tpmdrill.scheduler import SchedulerConfig, interview_deadline, replay_history
from tpmdrill.store import Memory, ReviewToUndo, Store


class NothingToUndo(TpmdrillError):
    pass


@dataclass(frozen=True)
class Undone:
    review: str
    card: str
    rating: str
    reviewed_at: datetime
    memory: Memory | None  # the card's memory state now
    exact: bool  # restored from the recorded row (False: recomputed from history)

    def to_json(self) -> dict[str, object]:
        return {
            "review": self.review, "card": self.card, "rating": self.rating,
            "reviewed_at": self.reviewed_at.isoformat(), "exact": self.exact,
            "due": self.memory.due.isoformat() if self.memory else None,
        }


def latest_review(store: Store) -> ReviewToUndo:
    target = store.latest_live_review()
    if target is None:
        raise NothingToUndo("there is no review to undo")
    return target


def describe(target: ReviewToUndo) -> str:
    """'good on api-design/idempotency at 2025-03-01 09:00 (drill)'."""
    when = human_time(target.reviewed_at)
    return f"{rating_name(target.rating)} on {target.card} at {when} ({target.mode})"


def undo_latest(store: Store, now: datetime, *, expected: str | None = None) -> Undone:
    """Void the latest live review and restore its card's memory, in one transaction.

    `expected` is the id the user confirmed; if another review has become the latest
    meanwhile, nothing is changed.
    """
    with store.writing():
        target = latest_review(store)
        if expected is not None and target.id != expected:
            raise NothingToUndo("a newer review was recorded meanwhile; run undo again to see it")
        store.void_review(target.id, now)
        memory, exact = store.memory_of(target.card), True
        if target.rescheduled:
            memory, exact = restored_memory(store, target)
            if memory is None:
                store.forget_memory(target.card)
            else:
                store.put_memory(target.card, memory)
    return Undone(target.id, target.card, rating_name(target.rating), target.reviewed_at, memory, exact)


def restored_memory(store: Store, target: ReviewToUndo) -> tuple[Memory | None, bool]:
    """The state before `target` (already voided) and whether it is the recorded one."""
    if target.was_new and target.prior_scheduled == 0:
        return None, True
    before = target.memory_before
    if before is not None and before.reps == target.prior_scheduled and before.last_review == target.prior_last:
        return before, True
    settings = store.settings()
    config = dataclasses.replace(SchedulerConfig.from_settings(settings), fuzz=False)
    kind = store.card(target.card).kind
    return replay_history(kind, store.scheduling_history(target.card), config, interview_deadline(settings)), False
