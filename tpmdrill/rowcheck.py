"""Every row of an export document (a file for `import`, another database for `merge`)
checked against the rules the store and the deck parser keep, before anything is
written: the first bad row is named in one line and the document is refused whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from tpmdrill.enums import CardKind, MemoryState, Rating, ReviewMode
from tpmdrill.errors import BadValue

Check = Callable[[Any], str | None]  # None when the value is fine, else what it must be
MAX_INT = 2**63 - 1


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value != "" else "must be non-empty text"


def _optional_text(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "must be text or null"


def _integer(low: int, high: int = MAX_INT) -> Check:
    def check(value: Any) -> str | None:
        good = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if good else f"must be a whole number from {low} to {high}"
    return check


def _number(value: Any) -> str | None:
    good = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return None if good else "must be a finite number"


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _one_of(values: set[Any]) -> Check:
    return lambda value: None if value in values and not isinstance(value, bool) else f"must be one of {sorted(values)}"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _instant(value: Any) -> str | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        return "must be an ISO 8601 time with its UTC offset"
    return None


def _list_of(check: Check) -> Check:
    def checks(value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        return next((f"[{i}] {problem}" for i, item in enumerate(value) if (problem := check(item))), None)
    return checks


def _object(rules: Mapping[str, Check]) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return "must be an object"
        for key, rule in rules.items():
            problem = rule(value.get(key))
            if problem is not None:
                return f"{key} {problem}"
        return None
    return check


POINT = _object({"id": _text, "point": _text, "keywords": _list_of(_text), "weight": _optional(_number),
                 "min_hits": _optional(_integer(0, 1000)), "required": _optional(_flag)})
ROWS: dict[str, Check] = {
    "decks": _object({"id": _text, "title": _text, "category": _text, "description": _optional_text}),
    "cards": _object({
        "id": _text, "deck": _text, "key": _text, "kind": _one_of({k.value for k in CardKind}),
        "prompt": _text, "minutes": _integer(1, 600), "position": _optional(_integer(0)),
        "tags": _list_of(_text), "skills": _list_of(_text), "rubric": _list_of(POINT),
        "difficulty": _optional(_integer(1, 3)), "fixture": _optional_text, "solution": _optional_text,
    }),
    "memory": _object({
        "card": _text, "state": _one_of({s.value for s in MemoryState}), "step": _optional(_integer(0)),
        "stability": _optional(_number), "difficulty": _optional(_number), "due": _instant,
        "last_review": _optional(_instant), "reps": _integer(0), "lapses": _integer(0),
    }),
    "reviews": _object({
        "id": _text, "card": _text, "reviewed_at": _instant, "rating": _one_of({r.value for r in Rating}),
        "suggested": _optional(_one_of({r.value for r in Rating})), "score": _optional(_number),
        "mode": _one_of({m.value for m in ReviewMode}), "seconds": _optional(_number),
        "answer": _optional_text, "verdicts": _optional(_list_of(_object({"point": _text, "hit": _flag}))),
    }),
    "assessments": _object({"taken_at": _instant, "carried": _optional(_list_of(_text))}),
}


def check_rows(data: Mapping[str, Any], name: str) -> None:
    """Raise BadValue naming the first row of `data` that breaks a rule."""
    for table, rule in ROWS.items():
        for index, row in enumerate(data.get(table, ())):
            problem = rule(row)
            if problem is not None:
                where = f"{table}[{index}]" + (f" ({row['id']})" if isinstance(row, dict) and "id" in row else "")
                raise BadValue(f"{name}: {where}: {problem[:200]}; nothing was imported")
    _check_settings(data.get("settings", {}), name)


def _check_settings(settings: Mapping[str, Any], name: str) -> None:
    from tpmdrill.settings import SETTINGS

    for key, value in settings.items():
        setting = SETTINGS.get(key)
        if setting is None:
            continue  # kept as the store keeps unknown keys
        if key == "fsrs_parameters":
            problem = _optional(_list_of(_number))(value)
        elif setting.type is float or setting.type is int:
            problem = _optional(_number)(value)
        else:
            problem = None if value is None or isinstance(value, setting.type) else f"must be {setting.type.__name__}"
        if problem is not None:
            raise BadValue(f"{name}: settings.{key} {problem}; nothing was imported")
