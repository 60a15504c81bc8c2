"""Every JSON shape DESIGN.md's "Contracts" section promises, pinned in one place.

A shape is a dict of the keys promised (more keys may be added, never taken away or
changed), `[shape]` for "a list of" (`[shape, ...]`: and not empty here, so its items
are checked), a type or tuple of types for a value.
Commands that add a JSON contract add a row to SHAPES.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import Invoke

NOW = "2025-03-01T09:00:00+00:00"
NUMBER = (int, float)
OPTIONAL_NUMBER = (int, float, type(None))
OPTIONAL_TEXT = (str, type(None))

POINT = {"id": str, "hit": bool, "matched": [str]}
SHAPES: dict[str, tuple[list[str], Any]] = {
    "grade --json": (
        ["grade", "mini/idempotency", "--answer-file", "{answer}", "--json"],
        {"card": str, "score": NUMBER, "suggested_rating": str, "points": [POINT, ...], "sql": type(None)},
    ),
    "grade --json (sql card)": (
        ["grade", "data/sql-funnel-steps", "--answer-file", "{answer}", "--json"],
        {"card": str, "score": NUMBER, "suggested_rating": str, "points": [POINT],
         "sql": {"correct": bool, "error": OPTIONAL_TEXT, "rows": int}},
    ),
    "decks list --json": (
        ["decks", "list", "--json"],
        [{"id": str, "title": str, "category": str, "cards": int}, ...],
    ),
    "cards --json": (
        ["cards", "--json"],
        [{"id": str, "deck": str, "category": str, "kind": str, "prompt": str, "minutes": int,
          "tags": [str], "skills": [str]}, ...],
    ),
    "card --json": (
        ["card", "mini/idempotency", "--json"],
        {"due": str, "state": str, "stability": NUMBER, "difficulty": NUMBER,
         "reviews": [{"id": str, "reviewed_at": str, "rating": int, "mode": str}, ...]},
    ),
    "mock --format json": (
        ["mock", "--minutes", "45", "--seed", "3", "--format", "json"],
        {"minutes": int, "seed": int,
         "questions": [{"card": str, "category": str, "kind": str, "minutes": int, "prompt": str}, ...]},
    ),
    "interview status --json": (
        ["interview", "status", "--json"],
        {"date": str, "days_left": int, "predicted_recall": OPTIONAL_NUMBER, "categories": {"api-design": NUMBER}},
    ),
}


def conforms(value: Any, shape: Any, where: str = "$") -> list[str]:
    """Where `value` breaks `shape`; empty when it keeps every promise."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        missing = [f"{where}.{key}: missing" for key in shape if key not in value]
        present = [key for key in shape if key in value]
        return missing + [p for key in present for p in conforms(value[key], shape[key], f"{where}.{key}")]
    if isinstance(shape, list):
        if not isinstance(value, list) or (shape[-1] is Ellipsis and not value):
            return [f"{where}: not a{' non-empty' if shape[-1] is Ellipsis else ''} list"]
        return [p for index, item in enumerate(value) for p in conforms(item, shape[0], f"{where}[{index}]")]
    if isinstance(value, bool) and shape in (int, NUMBER, OPTIONAL_NUMBER):
        return [f"{where}: a boolean, not a number"]
    return [] if isinstance(value, shape) else [f"{where}: {type(value).__name__}, not {shape}"]


@pytest.fixture
def studied(mini: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """One review recorded and an interview date set, so every shape has content."""
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    assert mini("review", "mini/idempotency", "--rating", "good").exit_code == 0
    assert mini("interview", "set", "2025-04-01").exit_code == 0
    return mini


@pytest.mark.parametrize("name", SHAPES)
def test_json_keeps_the_shape_design_promises(studied: Invoke, tmp_path: Path, name: str) -> None:
    args, shape = SHAPES[name]
    answer = tmp_path / "answer.md"
    answer.write_text("SELECT 1; same result on retry with an idempotency key")
    result = studied(*[arg.format(answer=answer) for arg in args])
    assert result.exit_code == 0, result.output
    assert conforms(json.loads(result.stdout), shape) == []


def test_the_shape_checker_reports_what_breaks() -> None:
    shape = {"id": str, "cards": int, "tags": [str, ...], "notes": [str]}
    assert conforms({"id": "x", "cards": 3, "tags": ["a"], "notes": [], "extra": 1}, shape) == []
    assert conforms({"id": 1, "cards": True, "tags": [], "notes": []}, shape) == [
        "$.id: int, not <class 'str'>", "$.cards: a boolean, not a number", "$.tags: not a non-empty list"]
    assert conforms({"cards": 3, "tags": ["a"], "notes": [1]}, shape) == [
        "$.id: missing", "$.notes[0]: int, not <class 'str'>"]
