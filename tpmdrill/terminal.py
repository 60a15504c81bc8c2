"""Text for the terminal: deck and user text never reaches it with control sequences.

A deck can hold any character; printed raw, an escape sequence in a prompt could set
the window title, clear the screen or write the clipboard (OSC 52). `visible` shows
every control character as its escape (`\\x1b`), so nothing is hidden and nothing acts.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional
# overrides and isolates that reorder what is shown.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character shown as its escape instead of acting."""
    return CONTROL.sub(_escape, text)
