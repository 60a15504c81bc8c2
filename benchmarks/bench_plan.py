"""How long planning to an interview 60 days out takes on a large database.

    python benchmarks/synth.py --cards 50000 --reviews 1000000 --db /tmp/large.db
    python benchmarks/bench_plan.py --db /tmp/large.db [--days 60] [--daily-minutes 45] [--runs 5]

Sets the interview date (`--days` after synth's "now") and the daily budget on the
database given (it is changed: use a copy you can spare), then times, as medians over
the runs: the whole plan (`interview.interview_plan`: pace, card rows, values, the
plan itself), its parts, and `interview status`'s standing on top. The target is a
whole plan under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth import DEFAULT_NOW
from tpmdrill.clock import parse_instant
from tpmdrill.interview import interview_plan, new_card_values, plan_curve, plan_status
from tpmdrill.pace import measured
from tpmdrill.plan import make_plan, plan_cards, utc_day
from tpmdrill.store import Store


def median_seconds(task: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU time is what a shared, busy machine distorts least)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        task()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--now", default=DEFAULT_NOW)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--daily-minutes", type=int, default=45)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    now = parse_instant(args.now)
    store = Store.open(args.db)
    day = utc_day(now) + timedelta(days=args.days)
    store.put_setting("interview_date", day.isoformat())
    store.put_setting("daily_minutes", args.daily_minutes)
    plan = interview_plan(store, now)
    assert plan is not None
    planned = sum(len(d.cards) for d in plan.days)
    print(f"{len(store.plan_rows()):,} cards, {store.review_count():,} reviews; interview {day} "
          f"({args.days} days), {args.daily_minutes} min a day: {planned:,} reviews and first looks planned, "
          f"{len(plan.not_fitting):,} cards not fitting")
    pace = measured(store, now)
    before = datetime.combine(day, datetime.min.time(), UTC)
    rows = store.plan_rows(before)
    values = new_card_values(store, rows, args.days)
    cards = plan_cards(rows, pace, values, day)
    parts = {
        "pace": lambda: measured(store, now),
        "card rows": lambda: store.plan_rows(before),
        "values": lambda: new_card_values(store, rows, args.days),
        "make_plan": lambda: make_plan(cards, utc_day(now), day, args.daily_minutes, plan_curve(store)),
    }
    for name, task in parts.items():
        wall, cpu = median_seconds(task, args.runs)
        print(f"  {name:<10} median {wall:.3f} s wall, {cpu:.3f} s CPU")
    wall, cpu = median_seconds(lambda: interview_plan(store, now), args.runs)
    status, _ = median_seconds(lambda: plan_status(store, now), args.runs)
    print(f"median of {args.runs}: whole plan {wall:.3f} s wall ({wall:.2f}x the 1 s target), {cpu:.3f} s CPU; "
          f"interview status's plan part {status:.3f} s")
    store.close()


if __name__ == "__main__":
    main()
