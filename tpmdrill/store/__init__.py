"""The only package that speaks SQL to the user's database.

`Store` is one connection with a part for each group of users, so a caller holds one
object while each module stays about one thing:

- `connection`: opening, migrating, write transactions, settings (everyone)
- `migrations`: the numbered schema history
- `catalog`: decks, cards, self-assessments (`library`, `cards`, `assess`)
- `reviews`: recording reviews, a card's record, undo's voiding entries (`scheduler`, `card`, `undo`)
- `queue`: due, new and troubled cards (`session`, `drill`, `interview`)
- `aggregates`: grouped reads for `weak`, `report`, `mock`, `gaps` (`analytics`, `mock`)
- `tables`: whole tables and histories (`transfer`, `merge`, `optimizer`)
- `files`: backups and copies of the file (`backup`, `merge`)
- `mocks`: mock sheets and how their questions went (`mocksheets`, `mocklive`)
- `planning`: timed reviews, time studied, due load, the planner's rows (`pace`, `plan`)
- `rows`: the records every part returns, and the row converters
- `integrity`: the quick check that refuses a damaged file before anything reads or writes it
- `lookup`: card and deck ids for shell completion, read-only without opening a store

Times are stored as fixed-width UTC ISO 8601 text (see `clock.to_text`), so comparing
text compares instants and indexes serve range scans.
"""

from __future__ import annotations

from tpmdrill.store import migrations
from tpmdrill.store.aggregates import AggregateStore
from tpmdrill.store.catalog import CatalogStore
from tpmdrill.store.connection import BUSY_TIMEOUT_SECONDS
from tpmdrill.store.files import FileStore, check_database_file, checkpoint_database_file, copy_database_file
from tpmdrill.store.mocks import MockStore
from tpmdrill.store.planning import PlanningStore
from tpmdrill.store.rows import (
    CardName,
    DeckSync,
    Memory,
    MockOutcomeRow,
    MockQuestionRow,
    MockSheetRow,
    PointVerdictRow,
    Review,
    ReviewToUndo,
    memory_from_row,
)
from tpmdrill.store.tables import EXPORT_ORDER, TableStore

_EXPORT_ORDER = EXPORT_ORDER  # the name the export round-trip test imports

__all__ = [
    "BUSY_TIMEOUT_SECONDS", "EXPORT_ORDER", "CardName", "DeckSync", "Memory", "MockOutcomeRow", "MockQuestionRow",
    "MockSheetRow", "PointVerdictRow", "Review", "ReviewToUndo", "Store",
    "check_database_file", "checkpoint_database_file", "copy_database_file", "memory_from_row", "migrations",
]


class Store(CatalogStore, AggregateStore, TableStore, FileStore, MockStore, PlanningStore):
    """The user's database: decks, cards, memory states, reviews, settings, assessments."""
