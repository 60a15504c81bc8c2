"""The decks a user drills: the bundled ones, loaded on first use, and their own."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from tpmdrill.decks import deck_paths, load_deck, load_decks
from tpmdrill.errors import DeckError
from tpmdrill.paths import bundled_decks_dir
from tpmdrill.store import DeckSync, Store


def ensure_bundled_decks(store: Store, now: datetime) -> list[DeckSync]:
    """Load bundled decks that are new or changed since they were last loaded.

    Only file digests are compared on the common path, so an unchanged install costs
    a few small file reads and no TOML parsing.
    """
    known = store.deck_digests()
    changed: list[DeckSync] = []
    for path in deck_paths(bundled_decks_dir()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        deck_id = path.stem
        if known.get(deck_id) == digest:
            continue
        deck = load_deck(path, self_check=False)
        changed.append(store.sync_deck(deck, now))
    return changed


def add_decks(store: Store, paths: Iterable[Path], now: datetime) -> list[DeckSync]:
    """Validate every file first, then load them all; nothing is loaded if any is bad."""
    decks = load_decks(paths)
    bundled = {path.stem: path.resolve() for path in deck_paths(bundled_decks_dir())}
    # A user deck under a bundled id would be overwritten by the bundled one at the
    # next start, and the two would replace each other's cards back and forth.
    taken = [
        f"{deck.source}: key 'id': deck id {deck.id!r} belongs to a bundled deck; choose another id"
        for deck in decks
        if deck.id in bundled and Path(deck.source).resolve() != bundled[deck.id]
    ]
    if taken:
        raise DeckError(taken)
    with store.writing():  # several files: all of them load, or none
        return [store.sync_deck(deck, now) for deck in decks]
