"""Cost of grading an estimate card, measured in one run and printed as medians.

    python benchmarks/bench_estimates.py

pint is imported only when an estimate is graded, so the first estimate of a session
pays for building its unit registry; later ones reuse it. Prints the cold cost (a
fresh interpreter grading one estimate, against one grading a concept card), the warm
cost per estimate, and the parse-only cost (no pint) for comparison.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

ANSWER = """Assume 50 M daily users and 60 requests each: 3 B requests a day.
Over 86,400 s that is about 35k requests per second on average; peak is about twice that.
Answer: 70k rps"""

COLD = """
import time
started = time.perf_counter()
from tpmdrill.decks import EstimateTarget
from tpmdrill.estimates import check_estimate
check_estimate(EstimateTarget(70000, "requests/second", 2), {answer!r})
print(time.perf_counter() - started)
"""
BASELINE = """
import time
started = time.perf_counter()
from tpmdrill.decks import RubricPoint
from tpmdrill.grading import grade
grade((RubricPoint("peak", "Peak", ("peak",)),), {answer!r})
print(time.perf_counter() - started)
"""


def cold(script: str, runs: int) -> float:
    timings = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", script.format(answer=ANSWER)], capture_output=True,
                              text=True, check=True)
        timings.append(float(done.stdout))
    return statistics.median(timings)


def warm(runs: int) -> tuple[float, float]:
    from tpmdrill.decks import EstimateTarget
    from tpmdrill.estimates import check_estimate
    from tpmdrill.quantities import mentions

    target = EstimateTarget(70000, "requests/second", 2)
    check_estimate(target, ANSWER)
    graded, parsed = [], []
    for _ in range(runs):
        started = time.perf_counter()
        check_estimate(target, ANSWER)
        graded.append(time.perf_counter() - started)
        started = time.perf_counter()
        mentions(ANSWER, frozenset({"request"}))
        parsed.append(time.perf_counter() - started)
    return statistics.median(graded), statistics.median(parsed)


def main() -> None:
    estimate_cold = cold(COLD, 5)
    rubric_cold = cold(BASELINE, 5)
    graded, parsed = warm(200)
    print(f"cold: first estimate {estimate_cold * 1000:.0f} ms, first rubric grade {rubric_cold * 1000:.0f} ms, "
          f"ratio {estimate_cold / rubric_cold:.1f}")
    print(f"warm: estimate {graded * 1e6:.0f} µs, parse only {parsed * 1e6:.0f} µs, ratio {graded / parsed:.1f}")


if __name__ == "__main__":
    main()
