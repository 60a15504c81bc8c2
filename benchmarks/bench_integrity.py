"""What the damaged-database check costs: `tpmdrill due` when the file changed outside
tpmdrill (the quick check runs) against the usual case (sealed: no check), as medians.

    python benchmarks/bench_integrity.py --large /tmp/large.db

The database is copied first, so the one given is never touched. The check reads every
page once; the ratio says how much slower the first command after an outside change is.
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


def timed(command: list[str], env: dict[str, str], before: object = None) -> float:
    if callable(before):
        before()
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=Path, required=True, help="a database built by synth.py")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "copy.db"
        shutil.copyfile(args.large, db)
        env = dict(os.environ, TPMDRILL_NOW=NOW, XDG_CACHE_HOME=str(Path(folder) / "cache"))
        command = [*tpmdrill(), "--db", str(db), "due", "--json"]
        timed(command, env)  # migrates if needed, then seals
        sealed = statistics.median(timed(command, env) for _ in range(args.runs))
        changed = statistics.median(timed(command, env, before=lambda: os.utime(db)) for _ in range(args.runs))
    size = args.large.stat().st_size / 2**20
    print(f"database: {size:,.0f} MB")
    print(f"tpmdrill due --json, sealed (no check):        {sealed * 1000:8.0f} ms")
    print(f"tpmdrill due --json, after an outside change:  {changed * 1000:8.0f} ms")
    print(f"ratio changed / sealed: {changed / sealed:.2f}; the check: {(changed - sealed) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
