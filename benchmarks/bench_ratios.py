"""The commands that read the most history, as ratios to one full scan of the reviews table.

    python benchmarks/bench_ratios.py --large /tmp/large.db

Ratios, unlike seconds, carry over between machines: each command is timed as a fresh
process from start to exit (median of --runs), and divided by the median time of
`select count(*), avg(rating), max(reviewed_at) from reviews` on the same database,
in-process with a warm cache. `tpmdrill due --json` on the large database is divided by
the same command on a 100-card one, both before an interview date is set. Works on a
copy of --large (migrated by the tpmdrill under test, then with an interview date set,
as the report benchmark does), so the original stays as built.

Each figure is given twice: wall-clock time, and CPU time (user + system, of the child
process for a command, of this process for the scan). On a machine shared with other
work the wall-clock ratios swing with the load; the CPU ratios barely move.

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


Timing = tuple[float, float]  # (wall-clock seconds, CPU seconds)


def median_of(action: Callable[[], Timing], runs: int) -> Timing:
    action()  # warm the page cache
    timings = [action() for _ in range(runs)]
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def command(args: list[str], env: dict[str, str]) -> Callable[[], Timing]:
    def run() -> Timing:
        started = time.perf_counter()
        process = subprocess.Popen([*tpmdrill(), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"tpmdrill {' '.join(args)} failed: {process.stderr.read() if process.stderr else ''!r}")
        return time.perf_counter() - started, usage.ru_utime + usage.ru_stime

    return run


def scan(db: Path) -> Callable[[], Timing]:
    def run() -> Timing:
        started, cpu = time.perf_counter(), time.process_time()
        conn = sqlite3.connect(db)
        try:
            conn.execute(SCAN_SQL).fetchone()
        finally:
            conn.close()
        return time.perf_counter() - started, time.process_time() - cpu

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
        seconds = {  # `due` first: with an interview date it also computes readiness
            "due large": median_of(command(["due", "--json"], env), args.runs),
            "due small": median_of(command(["--db", str(small), "due", "--json"], env), args.runs),
        }
        subprocess.run([*tpmdrill(), "interview", "set", "2026-12-20"], env=env, check=True, capture_output=True)
        seconds |= {
            "scan": median_of(scan(large), args.runs),
            "report": median_of(command(["report", "-o", str(Path(folder) / "report.html")], env), args.runs),
            "weak --json": median_of(command(["weak", "--json"], env), args.runs),
        }
    for name, (wall, cpu) in seconds.items():
        print(f"{name:<24} median {wall * 1000:8.1f} ms wall, {cpu * 1000:8.1f} ms CPU")
    for clock, index in (("wall", 0), ("CPU", 1)):
        ratios = {
            "report": seconds["report"][index] / seconds["scan"][index],
            "weak --json": seconds["weak --json"][index] / seconds["scan"][index],
            "due large / due small": seconds["due large"][index] / seconds["due small"][index],
        }
        for name, ratio in ratios.items():
            verdict = "ok" if ratio <= TARGETS[name] else "over"
            base = "" if name.startswith("due") else " x the scan"
            print(f"{name:<24} {clock:<5} {ratio:6.2f}{base:<11} target <= {TARGETS[name]}  {verdict}")


if __name__ == "__main__":
    main()
