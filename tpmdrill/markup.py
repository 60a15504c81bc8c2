"""Deck Markdown (model answers, prompts, rubric points) as HTML, for the mock sheets and
the Anki notes.

CommonMark with tables and strikethrough. Nothing from a deck reaches the HTML raw:
HTML written in the text is escaped, not passed through; markdown-it refuses
javascript:, vbscript: and data: links; images are not made (a deck cannot make a
reader's Anki or browser fetch anything), so `![x](url)` shows as text and a link.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


def markdown_to_html(text: str) -> str:
    """Block Markdown (paragraphs, lists, code blocks, tables) as HTML."""
    return str(_parser().render(text))


def markdown_inline_html(text: str) -> str:
    """One line of Markdown (emphasis, code, links) as HTML, with no paragraph around it."""
    return str(_parser().renderInline(text))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).disable("image")
