"""Bringing another device's history in: `tpmdrill merge OTHER.db` and `tpmdrill import FILE`.

Both read the other side as an export document (see `transfer`) and add what this
database lacks, matched by unique ids: decks and cards (ours win where both have one),
reviews with their point verdicts, settings not set here, and assessments by the
moment they were taken.

A card's memory state is a function of its merged review history:
- if the merged history is exactly one side's, that side's stored state is kept as it
  is (so importing into an empty database is lossless, and merging twice changes
  nothing);
- otherwise it is recomputed by replaying the merged reviews in time order through
  the scheduler, cram reviews (rescheduled = 0) left out, with this database's
  parameters, desired retention and interview date.

Replay runs with fuzz off. Stability and difficulty never depend on fuzz, only the
final due date does, and a fuzzed date would depend on a random draw: with fuzz off,
merging A into B and B into A give the same states to the second. The card's next
live review brings fuzz back.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from tpmdrill.errors import BadValue
from tpmdrill.progress import Progress, quiet
from tpmdrill.scheduler import SchedulerConfig, interview_deadline, replay_history
from tpmdrill.store import Memory, Store, memory_from_row
from tpmdrill.transfer import check_document, mock_sheet_rows, review_rows, snapshot, to_row

Choice = Literal["keep", "theirs", "replay"]


@dataclass(frozen=True)
class MergeReport:
    decks: int = 0
    cards: int = 0
    reviews: int = 0
    verdicts: int = 0
    settings: int = 0
    assessments: int = 0
    mock_sheets: int = 0
    voids: int = 0  # reviews undone on the other side, voided here too
    copied: int = 0  # memory states taken as the other side stored them
    replayed: int = 0  # memory states recomputed from the merged history

    def to_json(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def merge_database(store: Store, other: Path, now: datetime, progress: Progress = quiet) -> MergeReport:
    """Merge the database file `other` (only read, never changed) into `store`."""
    here = store.file_path()
    if here is not None and other.resolve() == here.resolve():
        raise BadValue(f"{other} is the database being merged into; give the other device's copy")
    source = Store.copy_of(other)
    try:
        data = snapshot(source, now, progress)
    finally:
        source.close()
    return merge_document(store, data, progress)


def merge_document(store: Store, data: dict[str, Any], progress: Progress = quiet) -> MergeReport:
    """Merge an export document into `store` in one transaction: all of it or none."""
    check_document(data, "the file")
    our_voids = store.voided_ids()
    their_voids = {row["review"] for row in data.get("voids", [])}
    ours = {card: ids - our_voids for card, ids in store.review_ids_by_card().items()}
    our_memory = {row["card"]: row for row in store.table_rows("memory")}
    theirs: dict[str, set[str]] = {}
    for review in data["reviews"]:
        ids = theirs.setdefault(review["card"], set())
        if review["id"] not in their_voids:
            ids.add(review["id"])
    their_memory = {row["card"]: row for row in data["memory"]}
    voided = frozenset(our_voids | their_voids)
    try:
        with store.writing():
            added = _add_rows(store, data)
            copied, replayed = _settle_memory(store, (ours, theirs), (our_memory, their_memory), voided, progress)
    except (sqlite3.IntegrityError, KeyError, TypeError) as ex:
        raise BadValue(f"the data to merge is inconsistent ({ex}); nothing was changed") from None
    return dataclasses.replace(added, copied=copied, replayed=replayed)


def _add_rows(store: Store, data: dict[str, Any]) -> MergeReport:
    reviews, verdicts = review_rows(data["reviews"])
    settings = [{"key": key, "value": json.dumps(value)} for key, value in data["settings"].items()]
    return MergeReport(
        decks=store.insert_rows("decks", data["decks"]),
        cards=store.insert_rows("cards", [to_row("cards", card) for card in data["cards"]]),
        reviews=store.insert_rows("reviews", reviews),
        verdicts=store.insert_rows("verdicts", verdicts),
        settings=store.insert_rows("settings", settings),
        assessments=_add_assessments(store, data["assessments"]),
        mock_sheets=_add_mock_sheets(store, data.get("mock_sheets", [])),
        voids=store.insert_rows("voids", data.get("voids", [])),
    )


def _add_mock_sheets(store: Store, sheets: list[dict[str, Any]]) -> int:
    """Sheets not here yet, with their questions (after the reviews they point to)."""
    sheet_rows, question_rows = mock_sheet_rows(sheets)
    added = store.insert_rows("mock_sheets", sheet_rows)
    store.insert_rows("mock_questions", question_rows)
    return added


def _add_assessments(store: Store, assessments: list[dict[str, Any]]) -> int:
    """Add assessments taken at moments this database has none; keep their ids where free."""
    rows = store.table_rows("assessments")
    taken = {row["taken_at"] for row in rows}
    used = {row["id"] for row in rows}
    added = 0
    for assessment in assessments:
        if assessment["taken_at"] in taken:
            continue
        number = assessment["id"] if assessment["id"] not in used else store.free_assessment_id()
        used.add(number)
        head = {k: v for k, v in assessment.items() if k not in ("ratings", "carried")} | {"id": number}
        store.insert_rows("assessments", [head])
        carried = set(assessment.get("carried") or ())  # absent in files from before m011
        store.insert_rows("assessment_ratings", [
            {"assessment": number, "skill": skill, "rating": rating, "carried": int(skill in carried)}
            for skill, rating in assessment["ratings"].items()
        ])
        added += 1
    return added


def choose_memory(
    ours: set[str], theirs: set[str], our_memory: dict[str, Any] | None, their_memory: dict[str, Any] | None,
    voided: frozenset[str] = frozenset(),
) -> Choice:
    """Which memory state a card gets after merging; symmetric in the two sides.

    `ours` and `theirs` are each side's live reviews of the card; a review voided on
    either side (`voided`) is voided after the merge."""
    merged = (ours | theirs) - voided
    if merged == ours and merged == theirs:
        return "keep" if our_memory == their_memory else "replay"
    if merged == ours:
        return "keep"
    if merged == theirs:
        return "theirs"
    return "replay"


def _settle_memory(
    store: Store,
    reviews: tuple[dict[str, set[str]], dict[str, set[str]]],
    memories: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]],
    voided: frozenset[str],
    progress: Progress,
) -> tuple[int, int]:
    (ours, theirs), (our_memory, their_memory) = reviews, memories
    cards = sorted(set(theirs) | set(their_memory))
    settings = store.settings()
    config = dataclasses.replace(SchedulerConfig.from_settings(settings), fuzz=False)
    deadline = interview_deadline(settings)
    kinds = {row["id"]: row["kind"] for row in store.table_rows("cards")}
    copied = replayed = 0
    with progress("Settling memory states", len(cards)) as advance:
        for card in cards:
            choice = choose_memory(ours.get(card, set()), theirs.get(card, set()),
                                   our_memory.get(card), their_memory.get(card), voided)
            if choice == "theirs":
                _put_memory(store, card, memory_from_row(their_memory.get(card)))
                copied += 1
            elif choice == "replay":
                _put_memory(store, card, replay(store, card, kinds[card], config, deadline))
                replayed += 1
            advance(1)
    return copied, replayed


def replay(
    store: Store, card_id: str, kind: str, config: SchedulerConfig,
    deadline: tuple[datetime, float] | None = None,
) -> Memory | None:
    """The memory state a card's scheduled reviews lead to, applied in time order."""
    return replay_history(kind, store.scheduling_history(card_id), config, deadline)


def _put_memory(store: Store, card_id: str, memory: Memory | None) -> None:
    if memory is None:
        store.forget_memory(card_id)
    else:
        store.put_memory(card_id, memory)
