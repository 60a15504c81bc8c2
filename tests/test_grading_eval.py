"""The grader against the labelled set in grading_eval.toml: precision and recall of
its per-point verdicts must both reach 0.9 (benchmarks/grading_eval.py prints them)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tpmdrill.decks import RubricPoint
from tpmdrill.grading import grade

EVAL_SET = Path(__file__).with_name("grading_eval.toml")


def labels() -> list[tuple[RubricPoint, str, bool]]:
    found = []
    for entry in tomllib.loads(EVAL_SET.read_text(encoding="utf-8"))["point"]:
        point = RubricPoint("p", "point", tuple(entry["keywords"]), entry.get("min_hits", 1))
        found += [(point, answer, True) for answer in entry.get("hits", [])]
        found += [(point, answer, False) for answer in entry.get("misses", [])]
    return found


def test_the_set_is_large_and_covers_every_rule() -> None:
    entries = tomllib.loads(EVAL_SET.read_text(encoding="utf-8"))["point"]
    assert len(labels()) >= 120
    rules = {entry["rule"] for entry in entries}
    assert rules >= {"normalise", "inflection", "typo", "whole-word", "phrase", "concepts", "negation"}
    assert sum(1 for _, _, hit in labels() if not hit) >= 60  # near-misses, not only hits


def test_precision_and_recall_reach_ninety_percent() -> None:
    outcomes = [(grade([point], answer).points[0].hit, hit) for point, answer, hit in labels()]
    true_pos = sum(predicted and hit for predicted, hit in outcomes)
    precision = true_pos / sum(predicted for predicted, _ in outcomes)
    recall = true_pos / sum(hit for _, hit in outcomes)
    assert precision >= 0.9, f"precision {precision:.3f}"
    assert recall >= 0.9, f"recall {recall:.3f}"
