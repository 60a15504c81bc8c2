"""How long `tpmdrill optimize` takes on 100,000 reviews.

    python benchmarks/bench_optimize.py [--cards 10000] [--reviews-per-card 10] [--runs 3]

Builds a database of synthetic histories generated from known FSRS parameters
(tests/synthetic_history.py), then times, as medians over the runs: reading the
training items, fitting alone, and the whole `optimize` (read, fit, log loss before
and after, store, reschedule every card).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.synthetic_history import fill, histories
from tpmdrill.optimizer import PARAMETERS_SETTING, fit_parameters, optimize, training_items
from tpmdrill.store import Store


def median_seconds(task: Callable[[], object], runs: int, before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        task()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews-per-card", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        started = time.perf_counter()
        fill(store, histories(args.cards, args.reviews_per_card, seed=11))
        total = store.review_count()
        print(f"built {total:,} reviews of {args.cards:,} cards in {time.perf_counter() - started:.1f} s")
        items, long_term = training_items(store.scheduling_histories())
        print(f"{len(items):,} training items, {long_term:,} long-term reviews")

        def forget() -> None:
            store.put_setting(PARAMETERS_SETTING, None)

        read = median_seconds(lambda: training_items(store.scheduling_histories()), args.runs)
        fit = median_seconds(lambda: fit_parameters(items), args.runs)
        whole = median_seconds(lambda: optimize(store), args.runs, before=forget)
        print(f"median of {args.runs}: read {read:.2f} s, fit {fit:.2f} s, whole optimize {whole:.2f} s "
              f"({total:,} reviews)")
        store.close()


if __name__ == "__main__":
    main()
