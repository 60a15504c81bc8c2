"""Precision, recall and F1 of the grader on the labelled set in tests/grading_eval.toml.

Run: python benchmarks/grading_eval.py [--errors]
Each label is (answer, rubric point, hit?); the grader's verdict on that one point is
compared with the label. Prints the totals, a per-rule breakdown, and with --errors
every disagreement.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tpmdrill.decks import RubricPoint
from tpmdrill.grading import grade

EVAL_SET = Path(__file__).resolve().parent.parent / "tests" / "grading_eval.toml"


@dataclass(frozen=True)
class Label:
    rule: str
    keywords: tuple[str, ...]
    min_hits: int
    answer: str
    hit: bool


@dataclass(frozen=True)
class Outcome:
    label: Label
    predicted: bool
    matched: tuple[str, ...]


def load_labels(path: Path = EVAL_SET) -> list[Label]:
    labels: list[Label] = []
    for point in tomllib.loads(path.read_text(encoding="utf-8"))["point"]:
        keywords = tuple(point["keywords"])
        min_hits = point.get("min_hits", 1)
        for key, hit in (("hits", True), ("misses", False)):
            labels.extend(
                Label(point["rule"], keywords, min_hits, answer, hit) for answer in point.get(key, [])
            )
    return labels


def evaluate(labels: list[Label]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for label in labels:
        point = RubricPoint("p", "point", label.keywords, label.min_hits)
        verdict = grade([point], label.answer).points[0]
        outcomes.append(Outcome(label, verdict.hit, verdict.matched))
    return outcomes


def metrics(outcomes: list[Outcome]) -> tuple[float, float, float]:
    """Precision, recall and F1 of predicted hits against labelled hits."""
    true_pos = sum(o.predicted and o.label.hit for o in outcomes)
    false_pos = sum(o.predicted and not o.label.hit for o in outcomes)
    false_neg = sum(not o.predicted and o.label.hit for o in outcomes)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: list[str]) -> int:
    outcomes = evaluate(load_labels())
    positives = sum(o.label.hit for o in outcomes)
    precision, recall, f1 = metrics(outcomes)
    print(f"labels: {len(outcomes)} ({positives} hits, {len(outcomes) - positives} misses)")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    for rule in sorted({o.label.rule for o in outcomes}):
        some = [o for o in outcomes if o.label.rule == rule]
        wrong = sum(o.predicted != o.label.hit for o in some)
        p, r, f = metrics(some)
        print(f"  {rule:<12} {len(some):>4} labels  {wrong:>2} wrong  P {p:.2f}  R {r:.2f}  F1 {f:.2f}")
    if "--errors" in argv:
        for o in outcomes:
            if o.predicted != o.label.hit:
                kind = "false hit " if o.predicted else "false miss"
                print(f"{kind} {'|'.join(o.label.keywords)!r}: {o.label.answer!r} -> {o.matched}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
