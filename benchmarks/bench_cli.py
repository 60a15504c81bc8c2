"""Start-up and query cost of the CLI, measured in one run and printed as medians.

    python benchmarks/bench_cli.py --large /tmp/large.db

Compares `tpmdrill --help`, `tpmdrill due --json` on a 100-card database and on a
large one (see synth.py), against `python -c "import sqlite3"` as the floor any
Python command pays. Targets: due(large) / due(small) <= 1.5 and
due(small) / bare python <= 8.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = "2026-11-25T08:00:00+00:00"


def tpmdrill() -> list[str]:
    found = shutil.which("tpmdrill")
    return [found] if found else [sys.executable, "-m", "tpmdrill"]


def median_seconds(command: list[str], env: dict[str, str], runs: int) -> float:
    subprocess.run(command, env=env, check=True, capture_output=True)  # warm caches, load decks
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=Path, required=True, help="a database built by synth.py")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.db"
        subprocess.run([sys.executable, str(HERE / "synth.py"), "--cards", "100", "--reviews", "2000",
                        "--db", str(small), "--now", NOW], check=True, capture_output=True)
        env = dict(os.environ, TPMDRILL_NOW=NOW)
        figures = {
            "python -c 'import sqlite3'": median_seconds([sys.executable, "-c", "import sqlite3"], env, args.runs),
            "tpmdrill --help": median_seconds([*tpmdrill(), "--help"], env, args.runs),
            "tpmdrill due --json (100 cards)": median_seconds(
                [*tpmdrill(), "--db", str(small), "due", "--json"], env, args.runs),
            "tpmdrill due --json (large)": median_seconds(
                [*tpmdrill(), "--db", str(args.large), "due", "--json"], env, args.runs),
        }
    for name, seconds in figures.items():
        print(f"{name:<36} median {seconds * 1000:7.1f} ms")
    base = figures["python -c 'import sqlite3'"]
    small_due = figures["tpmdrill due --json (100 cards)"]
    large_due = figures["tpmdrill due --json (large)"]
    print(f"due large / due small: {large_due / small_due:.2f}x (target <= 1.5)")
    print(f"due small / bare python: {small_due / base:.2f}x (target <= 8)")


if __name__ == "__main__":
    main()
