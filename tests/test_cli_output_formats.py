"""`report`, `mock` and `export` write the format -o's extension names, and refuse a
--format that contradicts it (one line, exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke

NOW = {"TPMDRILL_NOW": "2026-03-01T09:00:00+00:00"}


@pytest.fixture
def here(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_report_to_a_md_file_is_markdown_and_to_html_is_html(run: Invoke, here: Path) -> None:
    markdown, page = here / "r.md", here / "r.html"
    for path in (markdown, page):
        result = run("report", "-o", str(path), env=NOW)
        assert result.exit_code == 0, result.output
        assert result.stdout == f"{path.resolve()}\n"
        assert result.stderr == ""
    assert markdown.read_text().startswith("# Review report")
    assert page.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("name", "start"), [("m.json", '{\n  "minutes": 30'), ("m.md", "# Mock interview"),
                                              ("m.html", "<!DOCTYPE html>"), ("m.MD", "# Mock interview")])
def test_mock_writes_what_the_extension_names(run: Invoke, here: Path, name: str, start: str) -> None:
    path = here / name
    result = run("mock", "--minutes", "30", "--seed", "3", "-o", str(path), env=NOW)
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith(start)
    if name == "m.json":
        assert json.loads(path.read_text())["seed"] == 3


@pytest.mark.parametrize(("args", "message"), [
    (["report", "--format", "html", "-o", "r.md"],
     "--format html contradicts r.md, which names Markdown; drop --format or end the file name in .html or .htm"),
    (["report", "-o", "r.json"],
     "r.json names JSON, which this command does not write; give a file ending in .html, .htm, .md or .markdown"),
    (["mock", "--format", "json", "-o", "m.md"],
     "--format json contradicts m.md, which names Markdown; drop --format or end the file name in .json"),
    (["mock", "--format", "md", "-o", "m.html"],
     "--format md contradicts m.html, which names HTML; drop --format or end the file name in .md or .markdown"),
    (["export", "--format", "json", "-o", "x.apkg"],
     "--format json contradicts x.apkg, which names an Anki package; drop --format or end the file name in .json"),
    (["export", "--format", "apkg", "-o", "x.json"],
     "--format apkg contradicts x.json, which names JSON; drop --format or end the file name in .apkg"),
    (["export", "-o", "x.txt"], "give --format apkg or --format json (or an -o file ending in .json or .apkg)"),
])
def test_a_contradiction_is_one_line_exit_2_and_nothing_is_written(
    run: Invoke, here: Path, db_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("due").exit_code == 0
    monkeypatch.chdir(here)
    before = db_path.read_bytes()
    result = run(*args, env=NOW)
    assert result.exit_code == 2
    command = args[0]
    assert result.stderr == f"Error: {message} (see 'tpmdrill {command} --help')\n"
    assert result.stdout == ""
    assert list(here.iterdir()) == []
    assert db_path.read_bytes() == before  # no mock sheet stored either


def test_an_unknown_extension_gets_the_default_with_a_note(run: Invoke, here: Path) -> None:
    path = here / "notes.txt"
    result = run("report", "-o", str(path), env=NOW)
    assert result.exit_code == 0, result.output
    assert result.stderr == ("Note: " + str(path) + ": its extension names no format, so it gets HTML; "
                             "--format html or --format md chooses.\n")
    assert path.read_text().startswith("<!DOCTYPE html>")
    explicit = run("report", "--format", "md", "-o", str(path), env=NOW)
    assert explicit.exit_code == 0 and explicit.stderr == ""
    assert path.read_text().startswith("# Review report")


def test_export_takes_its_format_from_the_extension(run: Invoke, here: Path) -> None:
    path = here / "all.json"
    result = run("export", "-o", str(path), env=NOW)
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text())["format"] == "tpmdrill-export"


def test_the_live_database_is_refused_before_any_note(run: Invoke, db_path: Path) -> None:
    assert run("due").exit_code == 0
    before = db_path.read_bytes()
    for args in (["report", "-o", str(db_path)], ["mock", "-o", str(db_path)],
                 ["report", "--format", "md", "-o", f"{db_path}-wal"]):
        result = run(*args, env=NOW)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert "is the live database or one of its files; give a different file" in result.stderr
    assert db_path.read_bytes() == before
