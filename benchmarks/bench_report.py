"""Time and peak memory of `tpmdrill report` (HTML) on a large database, as medians.

    python benchmarks/bench_report.py --large /tmp/large.db

Works on a copy of the database (the first run migrates it and the interview date is
set in it), so the original stays as other benchmarks expect it. Each run is a fresh
process, timed from start to exit; peak memory is its maximum resident set size.
Targets on the 1M-review database: under 3 s and under 300 MB. `tpmdrill weak` and
`tpmdrill mock` are measured the same way for reference.
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

NOW = "2026-11-25T08:00:00+00:00"


def tpmdrill() -> list[str]:
    found = shutil.which("tpmdrill")
    return [found] if found else [sys.executable, "-m", "tpmdrill"]


def one_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak resident megabytes) of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def measure(name: str, command: list[str], env: dict[str, str], runs: int) -> None:
    one_run(command, env)  # warm the page cache
    results = [one_run(command, env) for _ in range(runs)]
    seconds = statistics.median(r[0] for r in results)
    memory = statistics.median(r[1] for r in results)
    print(f"{name:<34} median {seconds:6.2f} s   peak memory median {memory:6.0f} MB"
          f" (max {max(r[1] for r in results):.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=Path, required=True, help="a database built by synth.py")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.large.parent) as folder:
        db = Path(folder) / "report.db"
        shutil.copyfile(args.large, db)
        env = dict(os.environ, TPMDRILL_NOW=NOW, TPMDRILL_DB=str(db))
        started = time.perf_counter()
        subprocess.run([*tpmdrill(), "interview", "set", "2026-12-20"], env=env, check=True, capture_output=True)
        print(f"migrate the copy and set the interview date: {time.perf_counter() - started:.1f} s (once)")
        out = Path(folder) / "report.html"
        measure("tpmdrill report (HTML)", [*tpmdrill(), "report", "-o", str(out)], env, args.runs)
        print(f"{'':<34} {out.stat().st_size / 1e3:.0f} kB of HTML")
        measure("tpmdrill report --format md", [*tpmdrill(), "report", "--format", "md"], env, args.runs)
        measure("tpmdrill weak --json", [*tpmdrill(), "weak", "--json"], env, args.runs)
        measure("tpmdrill mock --format json", [*tpmdrill(), "mock", "--seed", "1", "--format", "json"], env, args.runs)


if __name__ == "__main__":
    main()
