"""benchmarks/synth.py builds databases at every size it accepts: a card's timeline
stays inside the calendar however many reviews it gets."""

from __future__ import annotations

import importlib.util
import random
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

SYNTH = Path(__file__).parent.parent / "benchmarks" / "synth.py"


def _synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", SYNTH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("reviews", [1, 30, 400])
def test_a_card_with_many_reviews_never_leaves_the_calendar(reviews: int) -> None:
    synth = _synth()
    rng = random.Random(1)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    [deck] = synth.make_decks(1, rng)
    steps = synth.history(deck.cards[0], reviews, now, rng)
    times = [review.reviewed_at for review, _memory in steps]
    assert len(times) == reviews
    assert times == sorted(times)
    assert now - synth.HISTORY_SPAN - synth.timedelta(days=31) <= times[0] and times[-1] <= now


def test_synth_builds_a_small_database_that_optimize_reads(tmp_path: Path) -> None:
    from tpmdrill.optimizer import training_items
    from tpmdrill.store import Store

    synth = _synth()
    db = tmp_path / "s.db"
    synth.build(db, 20, 600, datetime(2026, 11, 1, tzinfo=UTC), seed=3)
    store = Store.open(db)
    items, eligible = training_items(store.scheduling_histories())
    store.close()
    assert 0 < eligible == len(items) <= 600 - 20
