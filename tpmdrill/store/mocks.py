"""Mock sheets and their questions (issue 15): what `mock`, `mock record`, `mock --live`
and the report's "Mock interviews" section read and write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tpmdrill.clock import to_text
from tpmdrill.store.connection import StoreBase
from tpmdrill.store.rows import (
    MOCK_QUESTION_COLUMNS,
    MOCK_SHEET_COLUMNS,
    MockCandidate,
    MockOutcomeRow,
    MockQuestionRow,
    MockSheetRow,
    mock_question_from_row,
    mock_sheet_from_row,
)


class MockStore(StoreBase):
    """Every mock sheet with its questions in asking order, and how each question went."""

    def mock_candidates(self) -> list[MockCandidate]:
        """Every active card as a mock set chooses from it, by id, without rubrics and answers."""
        return [MockCandidate(r["id"], r["category"], r["kind"], int(r["minutes"]), int(r["difficulty"]),
                              int(r["follow_ups"])) for r in self._rows(
            "SELECT c.id, d.category, c.kind, c.minutes, c.difficulty, json_array_length(c.follow_ups) AS follow_ups"
            " FROM cards c JOIN decks d ON d.id = c.deck WHERE c.retired = 0 ORDER BY c.id"
        )]

    def mock_sheet_exists(self, sheet_id: str) -> bool:
        return self._value("SELECT 1 FROM mock_sheets WHERE id = ?", [sheet_id]) is not None

    def insert_mock_sheet(self, sheet: MockSheetRow, questions: Sequence[MockQuestionRow]) -> None:
        """Store a sheet and its questions; call inside `writing()`."""
        self.conn.execute(
            "INSERT INTO mock_sheets (id, created_at, seed, minutes, round, focus, source, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [sheet.id, to_text(sheet.created_at), sheet.seed, sheet.minutes, sheet.round, sheet.focus,
             sheet.source, to_text(sheet.recorded_at) if sheet.recorded_at else None],
        )
        self.conn.executemany(
            "INSERT INTO mock_questions (sheet, position, card, category, kind, minutes, role)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[sheet.id, q.position, q.card, q.category, q.kind, q.minutes, q.role] for q in questions],
        )

    def mock_sheet(self, sheet_id: str) -> MockSheetRow | None:
        row = self._rows(f"SELECT {MOCK_SHEET_COLUMNS} FROM mock_sheets s WHERE s.id = ?",  # noqa: S608
                         [sheet_id]).fetchone()
        return None if row is None else mock_sheet_from_row(row)

    def mock_questions(self, sheet_id: str) -> list[MockQuestionRow]:
        return [mock_question_from_row(r) for r in self._rows(
            f"SELECT {MOCK_QUESTION_COLUMNS} FROM mock_questions q WHERE q.sheet = ?"  # noqa: S608
            " ORDER BY q.position", [sheet_id],
        )]

    def record_mock_question(self, sheet_id: str, position: int, outcome: MockOutcomeRow) -> None:
        """Tie a recorded review to its question; call inside `writing()` with the review."""
        self.conn.execute(
            "UPDATE mock_questions SET review = ?, seconds = ?, score = ?, notes = ?"
            " WHERE sheet = ? AND position = ?",
            [outcome.review, outcome.seconds, outcome.score, outcome.notes, sheet_id, position],
        )

    def mark_mock_recorded(self, sheet_id: str, at: datetime) -> None:
        self.conn.execute("UPDATE mock_sheets SET recorded_at = ? WHERE id = ?", [to_text(at), sheet_id])

    def recorded_mocks(self, since: datetime | None = None) -> list[tuple[MockSheetRow, list[MockQuestionRow]]]:
        """Recorded sheets, oldest first, each with its questions (answered ones carry their review)."""
        sheets = [mock_sheet_from_row(r) for r in self._rows(
            f"SELECT {MOCK_SHEET_COLUMNS} FROM mock_sheets s"  # noqa: S608
            " WHERE s.recorded_at IS NOT NULL AND s.recorded_at >= ? ORDER BY s.recorded_at, s.id",
            [to_text(since) if since else ""],
        )]
        return [(sheet, self.mock_questions(sheet.id)) for sheet in sheets]
