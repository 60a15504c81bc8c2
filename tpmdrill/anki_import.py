"""`tpmdrill import anki FILE`: reviews done in Anki (on a phone, say) count here too.

FILE is what Anki writes: a `.colpkg` or an `.apkg` exported with scheduling (a zip
holding `collection.anki21b`, zstd-compressed, or the older plain-SQLite
`collection.anki21`/`collection.anki2`), or a `collection.anki2` itself. It is never
opened in place: its collection is copied into a temporary folder and read there.

Only notes tpmdrill exported are looked at, recognised by the GUID `anki.note_guid`
derives from the card's id, so they are found whatever deck or note type they were
moved to. Each of their review-log entries becomes a review in mode `anki` at the
moment Anki logged it, with Anki's rating and answer time. The review's id is derived
from the card and Anki's revlog id (the millisecond it was logged), so importing the
same reviews again, from the same file or a later one, adds nothing.

Cards whose history grew get their memory state as `merge` gives it: all their
scheduled reviews, tpmdrill's and Anki's, replayed in time order (`merge.replay`).
Anki's manual entries (set due date, forget, reschedule) and previews in filtered
decks that do not reschedule are not reviews of memory: the first are left out, the
second come in as cram reviews (rescheduled = 0).
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tpmdrill.anki import note_guid
from tpmdrill.clock import to_text
from tpmdrill.enums import MemoryState, Rating, ReviewMode
from tpmdrill.errors import BadValue
from tpmdrill.merge import replay
from tpmdrill.progress import Progress, quiet
from tpmdrill.scheduler import SchedulerConfig, interview_deadline, next_memory
from tpmdrill.store import Memory, Store

# Fixed forever: the ids of reviews already imported are derived from it.
REVIEW_NAMESPACE = uuid.UUID("5f0c3d52-7a55-4d3e-9a43-2b8f6f1a7c11")
# Collections inside a package, newest format first (a modern export also holds an
# old-format `collection.anki2` that only says "please update Anki").
PACKAGE_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_SQLITE_HEADER = b"SQLite format 3\x00"
# Anki's revlog `type`: 0 learning, 1 review, 2 relearning, 3 filtered deck, 4 manual, 5 rescheduled.
_FILTERED, _MANUAL, _RESCHEDULED = 3, 4, 5
# A review logged later than this after now is left out: a phone whose clock runs
# ahead would otherwise put the card's last review in the future, and every review
# done here before then would be refused.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class AnkiReview:
    """One entry of Anki's review log, on a card tpmdrill exported."""

    revlog_id: int
    card: str
    reviewed_at: datetime
    rating: Rating
    seconds: float | None
    rescheduled: bool

    @property
    def id(self) -> str:
        return uuid.uuid5(REVIEW_NAMESPACE, f"{self.card}\n{self.revlog_id}").hex


@dataclass(frozen=True)
class AnkiImportReport:
    notes: int = 0  # tpmdrill's notes found in the file
    entries: int = 0  # review-log entries of those notes
    reviews: int = 0  # new reviews added
    known: int = 0  # entries imported before
    skipped: int = 0  # manual entries (set due date, forget), not reviews
    later: int = 0  # entries logged after now (a clock ahead), left out until then
    replayed: int = 0  # cards rescheduled from their merged history

    def to_json(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def import_anki(store: Store, path: Path, now: datetime, progress: Progress = quiet) -> AnkiImportReport:
    """Add the Anki reviews in `path` that `store` lacks, in one transaction; reschedule."""
    cards = {row["id"]: row["kind"] for row in store.table_rows("cards")}
    guids = {note_guid(card): card for card in cards}
    with collection_copy(path) as conn:
        notes, rows = read_review_log(conn, guids, path)
    if not notes:
        raise BadValue(f"{path} holds no notes exported by tpmdrill "
                       "('tpmdrill export --format apkg' makes them); nothing was imported")
    reviews = [review for review in map(review_from_entry, rows) if review is not None]
    found = [review for review in reviews if review.reviewed_at <= now + CLOCK_SLACK]
    report = AnkiImportReport(notes=notes, entries=len(rows), skipped=len(rows) - len(reviews),
                              later=len(reviews) - len(found))
    with store.writing():  # the read of what is here included, so a concurrent review is not lost
        settings = store.settings()
        config = dataclasses.replace(SchedulerConfig.from_settings(settings), fuzz=False)
        ours = store.review_ids_by_card()
        new = [review for review in found if review.id not in ours.get(review.card, set())]
        by_card: dict[str, list[AnkiReview]] = {}
        for review in new:
            by_card.setdefault(review.card, []).append(review)
        rows_in = [row for card, group in by_card.items()
                   for row in review_rows(store, cards[card], group, config)]
        added = store.insert_rows("reviews", rows_in)
        replayed = _reschedule(store, {card: cards[card] for card in by_card}, config,
                               interview_deadline(settings), progress)
    return dataclasses.replace(report, reviews=added, known=len(found) - len(new), replayed=replayed)


@contextmanager
def collection_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """The Anki collection in `path`, copied to a temporary folder and opened there."""
    with tempfile.TemporaryDirectory(prefix="tpmdrill-anki-") as folder:
        copy = Path(folder) / "collection.sqlite"
        _extract(path, copy)
        conn = sqlite3.connect(copy)
        # Anki's own collation; some of its indexes use it, so SQLite needs it to read.
        conn.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
        try:
            yield conn
        finally:
            conn.close()


def _extract(path: Path, target: Path) -> None:
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
        if header == _SQLITE_HEADER:
            _copy_database(path, target)
        elif zipfile.is_zipfile(path):
            _unpack(path, target)
        else:
            raise BadValue(f"{path} is not an Anki file (a .colpkg, an .apkg or a collection.anki2)")
    except OSError as ex:
        raise BadValue(f"cannot read {path}: {ex.strerror or ex}") from None
    except (zipfile.BadZipFile, sqlite3.DatabaseError, EOFError) as ex:
        raise BadValue(f"{path} is damaged: {ex}") from None


def _copy_database(path: Path, target: Path) -> None:
    """A consistent copy of a collection file (and its WAL), read-only on the original."""
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _unpack(path: Path, target: Path) -> None:
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        member = next((name for name in PACKAGE_MEMBERS if name in names), None)
        if member is None:
            raise BadValue(f"{path} holds no Anki collection (none of {', '.join(PACKAGE_MEMBERS)})")
        with package.open(member) as source, target.open("wb") as out:
            if member.endswith("b"):
                _decompress(source, out, path)
            else:
                shutil.copyfileobj(source, out)


def _decompress(source: Any, out: Any, path: Path) -> None:
    try:
        import zstandard
    except ImportError:
        raise BadValue(f"{path} is in Anki's compressed format, which needs the zstandard package "
                       "(pip install zstandard); or export again with 'Support older Anki versions'") from None

    try:
        zstandard.ZstdDecompressor().copy_stream(source, out)
    except zstandard.ZstdError as ex:
        raise BadValue(f"{path} is damaged: {ex}") from None


def read_review_log(conn: sqlite3.Connection, guids: dict[str, str], path: Path) -> tuple[int, list[tuple[Any, ...]]]:
    """How many of tpmdrill's notes the collection holds, and their review-log entries
    as (revlog id, card, ease, type, factor, milliseconds), oldest first."""
    try:
        notes = [(nid, guids[guid]) for nid, guid in conn.execute("SELECT id, guid FROM notes") if guid in guids]
        conn.execute("CREATE TEMP TABLE ours (nid INTEGER PRIMARY KEY, card TEXT NOT NULL)")
        conn.executemany("INSERT INTO temp.ours VALUES (?, ?)", notes)
        rows = conn.execute(
            "SELECT r.id, o.card, r.ease, r.type, r.factor, r.time FROM revlog r"
            " JOIN cards c ON c.id = r.cid JOIN temp.ours o ON o.nid = c.nid ORDER BY r.id"
        ).fetchall()
    except sqlite3.DatabaseError as ex:
        raise BadValue(f"{path} is not an Anki collection ({ex})") from None
    return len(notes), rows


def review_from_entry(row: tuple[Any, ...]) -> AnkiReview | None:
    """The review an entry records; None for Anki's manual entries, which rate nothing."""
    revlog_id, card, ease, kind, factor, millis = row
    if kind in (_MANUAL, _RESCHEDULED) or ease not in (1, 2, 3, 4) or not isinstance(revlog_id, int):
        return None
    return AnkiReview(
        revlog_id=revlog_id, card=card,
        reviewed_at=datetime.fromtimestamp(revlog_id / 1000, UTC),
        rating=Rating(ease),
        seconds=millis / 1000 if isinstance(millis, int | float) and millis > 0 else None,
        # A preview in a filtered deck that does not reschedule is logged with factor 0.
        rescheduled=not (kind == _FILTERED and factor == 0),
    )


def review_rows(store: Store, kind: str, new: Sequence[AnkiReview], config: SchedulerConfig) -> list[dict[str, Any]]:
    """Rows for the reviews table, each with the memory state before and after it, as
    walking the card's merged history in time order gives them."""
    events: list[tuple[datetime, AnkiReview | None, int]] = [
        (at, None, rating) for at, rating in store.scheduling_history(new[0].card)
    ]
    events += [(review.reviewed_at, review, review.rating) for review in new]
    memory: Memory | None = None
    rows: list[dict[str, Any]] = []
    for at, review, rating in sorted(events, key=lambda event: (event[0], event[1] is not None)):
        before = memory
        if review is None or review.rescheduled:
            memory = next_memory(kind, memory, rating, at, config)
        if review is not None:
            rows.append(_row(review, before, memory if review.rescheduled else None))
    return rows


def _row(review: AnkiReview, before: Memory | None, after: Memory | None) -> dict[str, Any]:
    return {
        "id": review.id, "card": review.card, "reviewed_at": to_text(review.reviewed_at),
        "rating": int(review.rating), "suggested": None, "score": None, "answer": None,
        "seconds": review.seconds, "mode": str(ReviewMode.ANKI), "rescheduled": int(review.rescheduled),
        "state_before": int(MemoryState(before.state)) if before is not None else None,
        "due_after": to_text(after.due) if after is not None else None,
        "stability_after": after.stability if after is not None else None,
        "difficulty_after": after.difficulty if after is not None else None,
    }


def _reschedule(store: Store, kinds: dict[str, str], config: SchedulerConfig,
                deadline: tuple[datetime, float] | None, progress: Progress) -> int:
    with progress("Rescheduling from Anki's reviews", len(kinds)) as advance:
        for card, kind in sorted(kinds.items()):
            memory = replay(store, card, kind, config, deadline)
            if memory is None:
                store.forget_memory(card)
            else:
                store.put_memory(card, memory)
            advance(1)
    return len(kinds)
