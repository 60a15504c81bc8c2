"""Driving a real Anki collection (the `anki` package) for the tests of Anki export and import."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any


@contextmanager
def anki_collection(path: Path) -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the anki package's own deprecations are not ours
        from anki.collection import Collection

        collection = Collection(str(path))
    try:
        yield collection
    finally:
        collection.close()


def import_package(collection: Any, package: Path) -> Any:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    return collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=False)))


def card_of(collection: Any, full_id: str) -> int:
    """The Anki card id of the note tpmdrill exported for `full_id`."""
    # Not a search: `card:` is Anki's search keyword for a card template.
    [note] = [nid for nid in collection.find_notes("") if collection.get_note(nid)["Card"] == full_id]
    [card] = collection.get_note(note).card_ids()
    return int(card)


def answer(collection: Any, full_id: str, answers: Sequence[tuple[datetime, int, int]]) -> None:
    """Answer the card of `full_id` in Anki: (when, tpmdrill rating 1-4, milliseconds) each."""
    card_id = card_of(collection, full_id)
    for at, rating, millis in answers:
        card = collection.get_card(card_id)
        card.start_timer()
        states = collection._backend.get_scheduling_states(card_id)
        # Anki's answer buttons count from 0 (again) where FSRS and tpmdrill count from 1.
        reply = collection.sched.build_answer(card=card, states=states, rating=rating - 1)
        reply.answered_at_millis = int(at.timestamp() * 1000)
        reply.milliseconds_taken = millis
        collection.sched.answer_card(reply)


def export_colpkg(collection: Any, path: Path, *, legacy: bool = False) -> None:
    collection.export_collection_package(str(path), include_media=False, legacy=legacy)


def export_apkg(collection: Any, path: Path) -> None:
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    collection.export_anki_package(out_path=str(path), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False))
