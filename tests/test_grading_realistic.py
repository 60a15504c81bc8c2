"""The grader against blind-written, human-labelled whole answers (tests/grading_realistic):
the labels are frozen by checksum, fit the bundled cards, and the grader must reach the
targets of issue 12 (benchmarks/grading_realistic.py prints the figures per deck)."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from tpmdrill.decks import CATEGORIES

SET_DIR = Path(__file__).with_name("grading_realistic")
DEV_DIR = Path(__file__).with_name("grading_dev")  # rubric work was tuned on it: not held out
SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "grading_realistic.py"


@cache
def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("grading_realistic", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@cache
def measured() -> object:
    bench = benchmark()
    return bench.figures(bench.evaluate(bench.load_labels(), bench.bundled_cards()))


@pytest.mark.parametrize("folder", [SET_DIR, DEV_DIR], ids=["held-out", "dev"])
def test_the_labels_are_frozen(folder: Path) -> None:
    sums = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        sums[name] = digest
    files = sorted(p.name for p in folder.glob("*.toml"))
    assert files == sorted(sums)
    for name in files:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sums[name], name


def test_the_dev_set_fits_the_cards_and_none_of_the_held_out_ones() -> None:
    bench = benchmark()
    dev, held_out, cards = bench.load_labels(DEV_DIR), bench.load_labels(), bench.bundled_cards()
    assert bench.problems(dev, cards) == []
    assert all(bench.points_fit(label, cards[label.card]) for label in dev)
    assert not {label.card for label in dev} & {label.card for label in held_out}


def test_the_set_is_large_covers_every_kind_and_fits_the_cards() -> None:
    bench = benchmark()
    labels, cards = bench.load_labels(), bench.bundled_cards()
    assert bench.problems(labels, cards) == []
    assert len(labels) >= 240
    assert sum(bench.points_fit(label, cards[label.card]) for label in labels) >= 240
    assert len({label.card for label in labels}) >= 60
    kinds = {"concept", "design", "trade-off", "sql", "estimate", "story"}
    assert {cards[label.card].kind for label in labels} == kinds
    assert {label.card.split("/")[0] for label in labels} == set(CATEGORIES)
    assert {label.style for label in labels} == {"strong", "decent", "weak", "shorthand", "keyword-list"}


def test_keyword_lists_are_never_suggested_above_hard() -> None:
    assert measured().lists_above_hard == 0  # type: ignore[attr-defined]


def test_point_verdicts_reach_the_targets() -> None:
    figures = measured()
    assert figures.precision >= 0.90, figures  # type: ignore[attr-defined]
    assert figures.f1 >= 0.85, figures  # type: ignore[attr-defined]


def test_suggested_ratings_reach_the_targets() -> None:
    figures = measured()
    assert figures.within_one >= 0.90, figures  # type: ignore[attr-defined]
    assert figures.exact >= 0.65, figures  # type: ignore[attr-defined]
    assert abs(figures.bias) <= 0.3, figures  # type: ignore[attr-defined]
