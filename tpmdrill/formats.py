"""Output formats and the file extensions that name them: `report`, `mock` and `export`
choose what to write from `-o FILE`'s extension unless `--format` says, and refuse the
two when they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tpmdrill.errors import TpmdrillError

# Every extension tpmdrill recognises, whichever command writes it.
EXTENSIONS: dict[str, str] = {
    ".html": "html", ".htm": "html",
    ".md": "md", ".markdown": "md",
    ".json": "json",
    ".apkg": "apkg",
}
NAMES = {"html": "HTML", "md": "Markdown", "json": "JSON", "apkg": "an Anki package"}


class FormatMismatch(TpmdrillError):
    """--format and the output file's extension (or the command) disagree: nothing is written."""


@dataclass(frozen=True)
class FormatChoice:
    """The format to write, and a note for stderr when it was a default the name did not pick."""

    format: str
    note: str | None = None


def format_of_name(path: Path | None) -> str | None:
    """The format a file name's extension names (any command's), or None."""
    if path is None or str(path) == "-":
        return None
    return EXTENSIONS.get(path.suffix.lower())


def choose_format(given: str | None, output: Path | None, allowed: tuple[str, ...],
                  default: str | None) -> FormatChoice:
    """The format for `output`: `given` (--format) if any, else the extension's, else `default`.

    An extension that names another format than `given`, or one this command does not
    write, is a FormatMismatch; so is a file whose name picks nothing when there is no
    default. An unrecognised extension with a default writes the default, with a note
    saying so (standard output, '-', takes the default silently).
    """
    named = format_of_name(output)
    choices = " or ".join(f"--format {name}" for name in allowed)
    if named is not None and named not in allowed:
        raise FormatMismatch(f"{output} names {NAMES[named]}, which this command does not write; "
                             f"give a file ending in {_endings(allowed)}")
    if given is not None:
        if named is not None and named != given:
            raise FormatMismatch(f"--format {given} contradicts {output}, which names {NAMES[named]}; "
                                 f"drop --format or end the file name in {_endings((given,))}")
        return FormatChoice(given)
    if named is not None:
        return FormatChoice(named)
    if default is None:
        raise FormatMismatch(f"give {choices} (or an -o file ending in {_endings(allowed)})")
    if output is None or str(output) == "-":
        return FormatChoice(default)
    return FormatChoice(default, f"{output}: its extension names no format, so it gets {NAMES[default]}; "
                                 f"{choices} chooses")


def _endings(formats: tuple[str, ...]) -> str:
    endings = [extension for extension, name in EXTENSIONS.items() if name in formats]
    return ", ".join(endings[:-1]) + f" or {endings[-1]}" if len(endings) > 1 else endings[0]
