"""Choosing an output format from --format and -o's extension (tpmdrill.formats)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.formats import EXTENSIONS, FormatChoice, FormatMismatch, choose_format, format_of_name

REPORT = ("html", "md")
MOCK = ("html", "md", "json")
EXPORT = ("apkg", "json")


@pytest.mark.parametrize(("name", "allowed", "expected"), [
    ("r.md", REPORT, "md"), ("r.MARKDOWN", REPORT, "md"), ("r.html", REPORT, "html"), ("r.htm", REPORT, "html"),
    ("m.json", MOCK, "json"), ("m.md", MOCK, "md"), ("m.html", MOCK, "html"),
    ("x.apkg", EXPORT, "apkg"), ("x.json", EXPORT, "json"), ("dir.d/x.Json", EXPORT, "json"),
])
def test_the_extension_picks_the_format(name: str, allowed: tuple[str, ...], expected: str) -> None:
    assert choose_format(None, Path(name), allowed, allowed[0]) == FormatChoice(expected)


def test_an_explicit_format_that_agrees_or_a_name_without_a_format_is_kept() -> None:
    assert choose_format("md", Path("r.md"), REPORT, "html") == FormatChoice("md")
    assert choose_format("md", None, REPORT, "html") == FormatChoice("md")
    assert choose_format("md", Path("-"), REPORT, "html") == FormatChoice("md")
    assert choose_format("md", Path("notes.txt"), REPORT, "html") == FormatChoice("md")


def test_a_format_that_contradicts_the_extension_is_refused() -> None:
    with pytest.raises(FormatMismatch) as raised:
        choose_format("html", Path("r.md"), REPORT, "html")
    assert str(raised.value) == ("--format html contradicts r.md, which names Markdown; drop --format or end "
                                 "the file name in .html or .htm")


def test_an_extension_of_a_format_the_command_does_not_write_is_refused() -> None:
    with pytest.raises(FormatMismatch) as raised:
        choose_format(None, Path("r.json"), REPORT, "html")
    assert str(raised.value) == ("r.json names JSON, which this command does not write; give a file ending in "
                                 ".html, .htm, .md or .markdown")
    with pytest.raises(FormatMismatch):
        choose_format("html", Path("r.apkg"), REPORT, "html")


def test_an_unknown_extension_keeps_the_default_and_says_so() -> None:
    choice = choose_format(None, Path("notes.txt"), REPORT, "html")
    assert choice.format == "html"
    assert choice.note == ("notes.txt: its extension names no format, so it gets HTML; "
                           "--format html or --format md chooses")
    assert choose_format(None, Path("report"), REPORT, "html").note is not None
    assert choose_format(None, Path("-"), REPORT, "html") == FormatChoice("html")
    assert choose_format(None, None, MOCK, "html") == FormatChoice("html")


def test_without_a_default_a_name_that_picks_nothing_is_refused() -> None:
    with pytest.raises(FormatMismatch) as raised:
        choose_format(None, Path("backup.txt"), EXPORT, None)
    assert str(raised.value) == "give --format apkg or --format json (or an -o file ending in .json or .apkg)"


@given(stem=st.text(alphabet="abcxyz-_ ", min_size=1, max_size=8), extension=st.sampled_from(sorted(EXTENSIONS)),
       upper=st.booleans(), given_format=st.sampled_from([None, "html", "md", "json", "apkg"]))
def test_a_choice_never_disagrees_with_the_extension(
    stem: str, extension: str, upper: bool, given_format: str | None
) -> None:
    path = Path(stem + (extension.upper() if upper else extension))
    assert format_of_name(path) == EXTENSIONS[extension]
    try:
        choice = choose_format(given_format, path, MOCK, "html")
    except FormatMismatch:
        assert EXTENSIONS[extension] not in MOCK or given_format not in (None, EXTENSIONS[extension])
        return
    assert choice.format == EXTENSIONS[extension]
    assert choice.note is None
