"""The lossless JSON export: everything in the user's database as one versioned document.

The format is documented in docs/export-format.md. Each table's rows keep their stored
column names; columns holding JSON text are decoded and 0/1 flags become booleans, so
the file reads naturally and converts back to the identical rows. Columns added by
later migrations travel as extra keys, and an older tpmdrill ignores keys it lacks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from tpmdrill.clock import to_text
from tpmdrill.errors import BadValue
from tpmdrill.progress import Progress, quiet
from tpmdrill.store import Store

FORMAT = "tpmdrill-export"
VERSION = 1
LISTS = ("decks", "cards", "memory", "reviews", "assessments")

_JSON_COLUMNS = {
    "cards": ("tags", "skills", "rubric", "prompts", "follow_ups", "estimate"), "verdicts": ("matched",),
    "reviews": ("memory_before",),
}
_FLAG_COLUMNS = {"cards": ("ordered", "retired"), "reviews": ("rescheduled",), "verdicts": ("auto_hit", "hit")}


def snapshot(store: Store, now: datetime, progress: Progress = quiet) -> dict[str, Any]:
    """The whole database as the export document (plain JSON types only)."""
    with progress("Reading the database", 8) as advance:
        data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": to_text(now)}
        for table in ("decks", "cards", "memory"):
            data[table] = [_to_json(table, row) for row in store.table_rows(table)]
            advance(1)
        data["reviews"] = _reviews_with_verdicts(store)
        advance(2)
        data["settings"] = {row["key"]: json.loads(row["value"]) for row in store.table_rows("settings")}
        data["assessments"] = _assessments_with_ratings(store)
        data["mock_sheets"] = _mock_sheets_with_questions(store)
        data["voids"] = store.table_rows("voids")
        advance(3)
    return data


def _reviews_with_verdicts(store: Store) -> list[dict[str, Any]]:
    verdicts: dict[str, list[dict[str, Any]]] = {}
    for row in store.table_rows("verdicts"):
        verdicts.setdefault(row.pop("review"), []).append(_to_json("verdicts", row))
    voided = store.voided_ids()
    reviews = []
    for row in store.table_rows("reviews"):
        review = _to_json("reviews", row)
        review["verdicts"] = verdicts.get(row["id"], [])
        review["voided"] = row["id"] in voided  # for readers; `voids` is what import reads
        reviews.append(review)
    return reviews


def _assessments_with_ratings(store: Store) -> list[dict[str, Any]]:
    ratings: dict[int, dict[str, int | None]] = {}
    carried: dict[int, list[str]] = {}
    for row in store.table_rows("assessment_ratings"):
        ratings.setdefault(row["assessment"], {})[row["skill"]] = row["rating"]
        if row.get("carried"):
            carried.setdefault(row["assessment"], []).append(row["skill"])
    return [{**row, "ratings": ratings.get(row["id"], {}), "carried": sorted(carried.get(row["id"], []))}
            for row in store.table_rows("assessments")]


def _mock_sheets_with_questions(store: Store) -> list[dict[str, Any]]:
    questions: dict[str, list[dict[str, Any]]] = {}
    for row in store.table_rows("mock_questions"):
        questions.setdefault(row.pop("sheet"), []).append(row)
    return [{**row, "questions": questions.get(row["id"], [])} for row in store.table_rows("mock_sheets")]


def mock_sheet_rows(sheets: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for the mock_sheets table and, separately, for mock_questions (inverse of the export)."""
    sheet_table: list[dict[str, Any]] = []
    question_table: list[dict[str, Any]] = []
    for sheet in sheets:
        sheet_table.append({k: v for k, v in sheet.items() if k != "questions"})
        question_table.extend({"sheet": sheet["id"], **q} for q in sheet.get("questions", ()))
    return sheet_table, question_table


def _to_json(table: str, row: dict[str, Any]) -> dict[str, Any]:
    converted = dict(row)
    for column in _JSON_COLUMNS.get(table, ()):
        if converted.get(column) is not None:
            try:
                converted[column] = json.loads(converted[column])
            except (TypeError, ValueError, RecursionError):
                where = converted.get("id", converted.get("review", "?"))
                raise BadValue(f"{table} row {where!r}: {column} is not valid JSON; nothing was written") from None
    for column in _FLAG_COLUMNS.get(table, ()):
        if converted.get(column) is not None:
            converted[column] = bool(converted[column])
    return converted


def to_row(table: str, item: dict[str, Any]) -> dict[str, Any]:
    """An export item back into the row the store keeps (inverse of the export conversion)."""
    row = dict(item)
    for column in _JSON_COLUMNS.get(table, ()):
        if row.get(column) is not None:
            row[column] = json.dumps(row[column])
    for column in _FLAG_COLUMNS.get(table, ()):
        if row.get(column) is not None:
            row[column] = int(row[column])
    return row


def review_rows(reviews: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for the reviews table and, separately, for the verdicts table."""
    review_table: list[dict[str, Any]] = []
    verdict_table: list[dict[str, Any]] = []
    for review in reviews:
        row = to_row("reviews", {k: v for k, v in review.items() if k != "verdicts"})
        review_table.append(row)
        verdict_table.extend({"review": row["id"], **to_row("verdicts", v)} for v in review.get("verdicts", ()))
    return review_table, verdict_table


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write the document through a temporary file, so a failed write leaves no half file."""
    from tpmdrill.paths import atomic_output

    with atomic_output(path) as temporary, temporary.open("w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False, indent=1)


def read_json(path: Path) -> dict[str, Any]:
    """Read and check an export document; raise BadValue naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))  # a byte-order mark is fine
    except OSError as ex:
        raise BadValue(f"cannot read {path}: {ex.strerror or ex}") from None
    except ValueError:  # not UTF-8, not JSON
        raise BadValue(f"{path} is not a tpmdrill JSON export (not valid JSON)") from None
    except RecursionError:
        raise BadValue(f"{path} is not a tpmdrill JSON export (nested too deeply)") from None
    check_document(data, str(path))
    return data  # type: ignore[no-any-return]


def check_document(data: Any, name: str) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadValue(f"{name} is not a tpmdrill JSON export (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadValue(f"{name} has export format version {version!r}; versions are whole numbers from 1")
    if version > VERSION:
        raise BadValue(f"{name} has export format version {version!r}; this tpmdrill reads up to {VERSION},"
                       " upgrade tpmdrill to import it")
    for key in LISTS:
        if not isinstance(data.get(key), list):
            raise BadValue(f"{name}: {key!r} must be a list")
    if not isinstance(data.get("mock_sheets", []), list):  # exports before issue 15 have none
        raise BadValue(f"{name}: 'mock_sheets' must be a list")
    if not isinstance(data.get("voids", []), list):  # absent from files written before undo
        raise BadValue(f"{name}: 'voids' must be a list")
    if not isinstance(data.get("settings"), dict):
        raise BadValue(f"{name}: 'settings' must be an object")
    from tpmdrill.rowcheck import check_rows

    check_rows(data, name)
