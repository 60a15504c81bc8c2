"""An answer written in $EDITOR: the file starts with the question as a comment (`#`
lines for a written answer, `--` lines for a query), which is removed when the file is
read back, so the answer is only what the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EditorFile:
    """The text the editor opens with, and how to read the user's answer out of it."""

    marker: str  # what starts a comment line: "#" or "--"
    text: str

    def answer(self, edited: str | None) -> str:
        """The answer in the saved file: the leading comment lines (ours, however edited)
        dropped, and the blank lines around what is left."""
        if edited is None:
            return ""
        lines = edited.replace("\r\n", "\n").split("\n")
        start = 0
        while start < len(lines) and not lines[start].strip():
            start += 1
        while start < len(lines) and lines[start].lstrip().startswith(self.marker):
            start += 1
        return "\n".join(lines[start:]).strip()


def editor_file(prompt: str, *, sql: bool, previous: str = "", what: str = "answer") -> EditorFile:
    """The file for answering `prompt`: an explanation on the first line, the prompt
    commented out below it, a blank line, then `previous` (a query being revised)."""
    marker = "--" if sql else "#"
    head = (f"{marker} Write your {what} below. Lines starting with '{marker}' at the top are "
            "removed when you save and quit.")
    question = [f"{marker} {line}".rstrip() for line in _plain(prompt).split("\n")]
    body = previous.strip("\n")
    return EditorFile(marker, "\n".join([head, marker, *question, "", body]) + ("\n" if body else ""))


def _plain(prompt: str) -> str:
    """The prompt as lines of text: control characters out, blank lines at the ends dropped."""
    kept = "".join(c if c.isprintable() or c in "\n\t" else " " for c in prompt.replace("\r\n", "\n"))
    return kept.strip("\n") or "(no prompt)"
