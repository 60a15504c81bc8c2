"""Anki packages (.apkg) of the active cards, for drilling on a phone.

One note per card: the prompt (and a sql card's tables) on the front; the model answer
and the rubric as a checklist on the back. Deck Markdown is rendered to HTML with
everything escaped (`tpmdrill.markup`); a deck's title becomes one Anki deck under
`tpmdrill::`, never a nested one. Every id Anki keys on is derived from tpmdrill's ids, never
from the clock, so exporting again and importing into Anki updates the notes already
there instead of adding copies: the note's GUID comes from the card's full id, the
deck's id from the deck id, and the note type's id is a constant.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tpmdrill.decks import Card
from tpmdrill.errors import BadValue
from tpmdrill.progress import Progress, quiet
from tpmdrill.store import Store
from tpmdrill.wording import plural

# Fixed forever: Anki recognises the note type by this id on every later import.
MODEL_ID = 1_607_392_319
MODEL_NAME = "tpmdrill card"
DECK_PREFIX = "tpmdrill::"
FIELDS = ("Prompt", "Answer", "Rubric", "Card", "Kind")

_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left; color: #111; background: #fff; }
.prompt { font-weight: 600; }
.prompt p, .answer p { margin: 0 0 0.6em; }
.answer pre { background: #f4f4f4; padding: 6px 8px; overflow-x: auto; font-size: 14px; }
.answer code, .prompt code, .rubric code { font-family: monospace; background: #f4f4f4; padding: 0 2px; }
.answer pre code { padding: 0; }
.answer table { border-collapse: collapse; margin: 6px 0; }
.answer th, .answer td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
.rubric { padding-left: 1.2em; list-style: none; }
.rubric li::before { content: "\\2610  "; }
.meta { color: #666; font-size: 13px; }
table.sample { border-collapse: collapse; font: 12px monospace; margin: 6px 0; }
table.sample th, table.sample td { border: 1px solid #ccc; padding: 1px 5px; text-align: left; }
table.sample caption { text-align: left; font-weight: 600; }
.solution { font: 13px monospace; white-space: pre-wrap; }
"""
_FRONT = '<div class="prompt">{{Prompt}}</div><div class="meta">{{Kind}} · {{Card}}</div>'
_BACK = '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div><ul class="rubric">{{Rubric}}</ul>'


def export_apkg(store: Store, path: Path, now: datetime, *, deck: str | None = None,
                progress: Progress = quiet) -> int:
    """Write the active cards (of one deck, or all) to an Anki package; return the note count."""
    import genanki

    titles = {row["id"]: row["title"] for row in store.decks()}
    if deck is not None and deck not in titles:
        raise BadValue(f"no deck {deck!r}; 'tpmdrill decks list' shows the deck ids")
    cards = store.cards(deck=deck)
    model = genanki.Model(
        MODEL_ID, MODEL_NAME, fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Prompt", "qfmt": _FRONT, "afmt": _BACK}], css=_CSS,
    )
    anki_decks: dict[str, Any] = {}
    with progress("Building notes", len(cards)) as advance:
        for card in cards:
            if card.deck not in anki_decks:
                anki_decks[card.deck] = genanki.Deck(deck_id(card.deck), anki_deck_name(titles[card.deck]))
            anki_decks[card.deck].add_note(_note(genanki, model, card))
            advance(1)
    _write(genanki.Package(list(anki_decks.values())), path, now)
    return len(cards)


def _note(genanki: Any, model: Any, card: Card) -> Any:
    return genanki.Note(
        model=model,
        fields=[prompt_html(card), answer_html(card), rubric_html(card), card.full_id, card.kind],
        tags=list(card.tags),
        guid=note_guid(card.full_id),
    )


def _write(package: Any, path: Path, now: datetime) -> None:
    from tpmdrill.paths import atomic_output

    with atomic_output(path) as temporary:
        # Anki updates a note on import only when the package's copy is newer.
        package.write_to_file(str(temporary), timestamp=now.timestamp())


def schema_html(card: Card) -> str:
    """A sql card's tables with their sample rows, for the front; empty for other cards."""
    from tpmdrill.sqlschema import schema_of

    schema = schema_of(card)
    if schema is None:
        return ""
    parts = [f'<div class="meta">{html.escape(schema.dialect)}</div>']
    if schema.problem is not None:
        parts.append(f'<div class="meta">The tables cannot be shown: {html.escape(schema.problem)}</div>')
    for table in schema.tables:
        head = "".join(f"<th>{html.escape(f'{c.name} {c.type}'.strip())}</th>" for c in table.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                       for row in table.sample_cells)
        rows = plural(table.rows, "row")
        parts.append(f'<table class="sample"><caption>{html.escape(table.name)} · {rows}</caption>'
                     f"<tr>{head}</tr>{body}</table>")
    return "".join(parts)


def prompt_html(card: Card) -> str:
    """The prompt's Markdown as HTML and, for a sql card, its tables."""
    from tpmdrill.markup import markdown_to_html

    return markdown_to_html(card.prompt).strip() + schema_html(card)


def answer_html(card: Card) -> str:
    """The model answer's Markdown as HTML and, for a sql card, the reference query."""
    from tpmdrill.markup import markdown_to_html

    solution = f'<pre class="solution">{html.escape(card.solution)}</pre>' if card.solution else ""
    return markdown_to_html(card.answer).strip() + solution


def rubric_html(card: Card) -> str:
    from tpmdrill.markup import markdown_inline_html

    items: Sequence[str] = [
        f"<li>{markdown_inline_html(point.point)}{' <b>(required)</b>' if point.required else ''}</li>"
        for point in card.rubric
    ]
    return "".join(items)


def anki_deck_name(title: str) -> str:
    """The Anki deck for a tpmdrill deck: `tpmdrill::<title>`, the title kept as one
    level (Anki nests decks at every `::`, so a run of colons becomes ': ')."""
    printable = "".join(c if c.isprintable() else " " for c in title)
    flat = re.sub(r"\s*:{2,}\s*", ": ", " ".join(printable.split())).strip(" :")
    return DECK_PREFIX + (flat or "untitled")


def note_guid(full_id: str) -> str:
    import genanki

    return str(genanki.guid_for("tpmdrill", full_id))


def deck_id(deck: str) -> int:
    """A stable Anki deck id in the range Anki expects, derived from tpmdrill's deck id."""
    digest = int.from_bytes(hashlib.sha256(f"tpmdrill-deck:{deck}".encode()).digest()[:4], "big")
    return (1 << 30) + digest % (1 << 30)
