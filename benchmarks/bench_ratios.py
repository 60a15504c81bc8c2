"""The commands that read the most history, as ratios to one full scan of the reviews table.

    python benchmarks/bench_ratios.py --large /tmp/large.db

Ratios, unlike seconds, carry over between machines: each command is timed as a fresh
process from start to exit (median of --runs), and divided by the median time of
`select count(*), avg(rating), max(reviewed_at) from reviews` on the same database,
in-process with a warm cache. `tpmdrill due --json` on the large database is divided by
the same command on a 100-card one. Works on a copy of --large (migrated by the
tpmdrill under test, with an interview date set), so the original stays as built.

Targets: report <= 5x the scan, weak --json <= 3.5x, due large / due small <= 1.2x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = "2026-11-25T08:00:00+00:00"
SCAN_SQL = "select count(*), avg(rating), max(reviewed_at) from reviews"
TARGETS = {"report": 5.0, "weak --json": 3.5, "due large / due small": 1.2}


def tpmdrill() -> list[str]:
    found = shutil.which("tpmdrill")
    return [found] if found else [sys.executable, "-m", "tpmdrill"]


def median_of(action: Callable[[], object], runs: int) -> float:
    action()  # warm the page cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def command(args: list[str], env: dict[str, str]) -> Callable[[], object]:
    return lambda: subprocess.run([*tpmdrill(), *args], env=env, check=True, capture_output=True)


def scan(db: Path) -> Callable[[], object]:
    def run() -> object:
        conn = sqlite3.connect(db)
        try:
            return conn.execute(SCAN_SQL).fetchone()
        finally:
            conn.close()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=Path, required=True, help="a database built by synth.py")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.large.parent) as folder:
        large, small = Path(folder) / "large.db", Path(folder) / "small.db"
        shutil.copyfile(args.large, large)
        subprocess.run([sys.executable, str(HERE / "synth.py"), "--cards", "100", "--reviews", "2000",
                        "--db", str(small), "--now", NOW], check=True, capture_output=True)
        env = dict(os.environ, TPMDRILL_NOW=NOW, TPMDRILL_DB=str(large))
        subprocess.run([*tpmdrill(), "interview", "set", "2026-12-20"], env=env, check=True, capture_output=True)
        seconds = {
            "scan": median_of(scan(large), args.runs),
            "report": median_of(command(["report", "-o", str(Path(folder) / "report.html")], env), args.runs),
            "weak --json": median_of(command(["weak", "--json"], env), args.runs),
            "due large": median_of(command(["due", "--json"], env), args.runs),
            "due small": median_of(command(["--db", str(small), "due", "--json"], env), args.runs),
        }
    for name, value in seconds.items():
        print(f"{name:<24} median {value * 1000:8.1f} ms")
    ratios = {
        "report": seconds["report"] / seconds["scan"],
        "weak --json": seconds["weak --json"] / seconds["scan"],
        "due large / due small": seconds["due large"] / seconds["due small"],
    }
    for name, ratio in ratios.items():
        verdict = "ok" if ratio <= TARGETS[name] else "over"
        base = "" if name.startswith("due") else " x the scan"
        print(f"{name:<24} {ratio:6.2f}{base:<11} target <= {TARGETS[name]}  {verdict}")


if __name__ == "__main__":
    main()
