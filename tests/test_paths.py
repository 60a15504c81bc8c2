"""The one atomic-output helper: all or nothing, never over the live database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tpmdrill.errors import BadValue
from tpmdrill.paths import atomic_output, protect_database, write_atomically


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("good\n")

    def half_written() -> None:
        with atomic_output(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        half_written()
    assert target.read_text() == "good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_disk_full_is_one_clear_error_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "sheet.html"
    target.write_text("previous")

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(BadValue, match="No space left on device; the previous file is unchanged"):
        write_atomically(target, "new content")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.html"]


def test_the_live_database_and_its_side_files_are_refused_through_symlinks(tmp_path: Path) -> None:
    database = tmp_path / "live.db"
    database.write_bytes(b"x")
    protect_database(database)
    (tmp_path / "alias").symlink_to(database)
    os.link(database, tmp_path / "hard")
    for name in ("live.db", "live.db-wal", "live.db-shm", "alias", "hard"):
        with pytest.raises(BadValue, match="live database"):
            write_atomically(tmp_path / name, "overwrite")
    assert database.read_bytes() == b"x"


def test_a_symlink_to_an_ordinary_file_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    (tmp_path / "link.md").symlink_to(real)
    write_atomically(tmp_path / "link.md", "new")
    assert (tmp_path / "link.md").is_symlink()
    assert real.read_text() == "new"


def test_a_nul_in_the_path_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadValue, match="NUL"):
        write_atomically(tmp_path / "a\0b", "x")


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--format", "md", "-o"),
        ("mock", "-o"),
        ("export", "--format", "json", "-o"),
        ("export", "--format", "apkg", "-o"),
    ],
)
def test_no_output_option_overwrites_the_live_database(mini: Invoke, db_path: Path, args: tuple[str, ...]) -> None:
    before = db_path.read_bytes()
    result = mini(*args, str(db_path))
    assert result.exit_code == 1
    assert "live database" in result.stderr
    assert db_path.read_bytes() == before


def test_backup_never_deletes_the_users_partial_file(mini: Invoke, tmp_path: Path) -> None:
    mine = tmp_path / "copy.db.partial"
    mine.write_text("my notes")
    result = mini("backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 0, result.stderr
    assert mine.read_text() == "my notes"
    assert (tmp_path / "copy.db").stat().st_size > 0
