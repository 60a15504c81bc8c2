"""The .apkg export imports into real Anki (the `anki` package), and re-importing updates notes."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.anki_helpers import anki_collection, import_package
from tests.conftest import MINI_DECKS, Invoke
from tpmdrill.library import ensure_bundled_decks
from tpmdrill.store import Store


def tpmdrill_notes(collection: Any) -> dict[str, Any]:
    """Notes by their tpmdrill card id (the 'Card' field)."""
    return {collection.get_note(nid)["Card"]: collection.get_note(nid) for nid in collection.find_notes("")}


def test_export_imports_into_anki_with_one_note_per_card_and_named_decks(mini: Invoke, tmp_path: Path) -> None:
    package = tmp_path / "tpmdrill.apkg"
    result = mini("export", "--format", "apkg", "-o", str(package), env={"TPMDRILL_NOW": "2025-01-01T00:00:00+00:00"})
    assert result.exit_code == 0, result.output
    cards = {card["id"]: card for card in json.loads(mini("cards", "--json").stdout)}
    titles = {deck["id"]: deck["title"] for deck in json.loads(mini("decks", "list", "--json").stdout)}

    with anki_collection(tmp_path / "collection.anki2") as collection:
        import_package(collection, package)
        notes = tpmdrill_notes(collection)
        assert sorted(notes) == sorted(cards)
        assert collection.note_count() == len(cards)
        deck_names = {deck.name for deck in collection.decks.all_names_and_ids()}
        assert {f"tpmdrill::{title}" for title in titles.values()} <= deck_names
        note = notes["mini/idempotency"]
        assert note["Prompt"] == "<p>Explain idempotency to an engineer.</p>"
        assert "Repeating the call has the same effect as doing it once <b>(required)</b>" in note["Rubric"]
        assert note.tags == ["reliability"]
        [card] = note.cards()
        assert collection.decks.name(card.did) == "tpmdrill::Mini deck"


def test_reexport_after_an_edit_updates_notes_instead_of_duplicating(
    mini: Invoke, tmp_path: Path
) -> None:
    first = tmp_path / "first.apkg"
    assert mini("export", "--deck", "mini", "-o", str(first),
                env={"TPMDRILL_NOW": "2025-01-01T00:00:00+00:00"}).exit_code == 0
    edited = tmp_path / "decks"
    shutil.copytree(MINI_DECKS, edited)
    deck_file = edited / "mini.toml"
    deck_file.write_text(deck_file.read_text().replace(
        "Explain idempotency to an engineer.", "Explain idempotency to a new engineer."))
    assert mini("decks", "add", str(edited)).exit_code == 0
    second = tmp_path / "second.apkg"
    assert mini("export", "--deck", "mini", "-o", str(second),
                env={"TPMDRILL_NOW": "2025-01-02T00:00:00+00:00"}).exit_code == 0

    with anki_collection(tmp_path / "collection.anki2") as collection:
        import_package(collection, first)
        import_package(collection, second)
        notes = tpmdrill_notes(collection)
        assert collection.note_count() == 2
        assert notes["mini/idempotency"]["Prompt"] == "<p>Explain idempotency to a new engineer.</p>"
        names = {deck.name for deck in collection.decks.all_names_and_ids(skip_empty_default=True)}
        assert names == {"tpmdrill", "tpmdrill::Mini deck"}


def test_unknown_deck_is_an_error(mini: Invoke, tmp_path: Path) -> None:
    result = mini("export", "--format", "apkg", "--deck", "nope", "-o", str(tmp_path / "x.apkg"))
    assert result.exit_code == 1
    assert result.stderr == "Error: no deck 'nope'; 'tpmdrill decks list' lists decks\n"


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "a & b < c"])
def test_card_text_is_escaped_for_anki(text: str) -> None:
    from tpmdrill.anki import rubric_html
    from tpmdrill.decks import Card, RubricPoint

    card = Card("d", "c", "concept", "p", 3, (), (), "a", rubric=(RubricPoint("x", text, ("k",)),))
    assert "<script>" not in rubric_html(card)
    assert "&lt;" in rubric_html(card)


def test_a_sql_note_shows_its_tables_on_the_front_and_the_solution_on_the_back() -> None:
    from tpmdrill.anki import answer_html, schema_html

    store = Store.memory()
    ensure_bundled_decks(store, datetime(2025, 1, 1, tzinfo=UTC))
    card = store.card("data/sql-orders-per-month")
    front = schema_html(card)
    assert "<caption>orders · 20 rows</caption>" in front
    assert "<th>order_ts TEXT</th>" in front and "<td>2024-01-02 10:00:00</td>" in front
    assert "SQLite; timestamps are TEXT &#x27;YYYY-MM-DD HH:MM:SS&#x27; in UTC" in front
    back = answer_html(card)
    assert back.count("GROUP BY strftime(&#x27;%Y-%m&#x27;, order_ts)") == 1
    assert schema_html(store.card("data/p-value-explained")) == ""


MARKDOWN_DECK = """[deck]
id = "md"
title = "Data::SQL practice"
category = "data"

[[card]]
id = "joins"
kind = "concept"
prompt = "Explain **inner** and `LEFT` joins. <img src=x onerror=alert(1)>"
answer = """ + '"""' + """An **inner join** keeps matches; a `LEFT JOIN` keeps every left row.

- rows *without* a match get NULLs
- <script>alert(1)</script> stays text

```sql
SELECT a.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.id IS NULL;
```

| join | keeps |
|---|---|
| inner | matches |
| left | all of a |

[a link](javascript:alert(1)) and ![pixel](https://example.com/track.png)
""" + '"""' + """

  [[card.rubric]]
  id = "left"
  point = "Says a `LEFT JOIN` keeps **every** left row"
  keywords = ["left join", "every|all"]
  min_hits = 2
  examples = ["a left join keeps every row of the left table", "all rows on the left survive a left join"]
"""


def test_notes_render_markdown_to_escaped_html_and_a_colon_title_stays_one_deck(run: Invoke, tmp_path: Path) -> None:
    deck = tmp_path / "md.toml"
    deck.write_text(MARKDOWN_DECK)
    assert run("decks", "add", str(deck)).exit_code == 0, run("decks", "validate", str(deck)).output
    package = tmp_path / "md.apkg"
    result = run("export", "--deck", "md", "-o", str(package), env={"TPMDRILL_NOW": "2025-01-01T00:00:00+00:00"})
    assert result.exit_code == 0, result.output

    with anki_collection(tmp_path / "collection.anki2") as collection:
        import_package(collection, package)
        note = tpmdrill_notes(collection)["md/joins"]
        names = {d.name for d in collection.decks.all_names_and_ids(skip_empty_default=True)}
        [card] = note.cards()
        assert collection.decks.name(card.did) == "tpmdrill::Data: SQL practice"
        assert names == {"tpmdrill", "tpmdrill::Data: SQL practice"}  # no "Data" deck with "SQL practice" inside
        prompt, back, rubric = note["Prompt"], note["Answer"], note["Rubric"]

    assert prompt == ("<p>Explain <strong>inner</strong> and <code>LEFT</code> joins. "
                      "&lt;img src=x onerror=alert(1)&gt;</p>")
    assert "<p>An <strong>inner join</strong> keeps matches; a <code>LEFT JOIN</code> keeps every left row.</p>" in back
    assert "<li>rows <em>without</em> a match get NULLs</li>" in back
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt; stays text</li>" in back
    assert ('<pre><code class="language-sql">SELECT a.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.id IS NULL;\n'
            "</code></pre>") in back
    assert "<th>join</th>" in back and "<td>all of a</td>" in back
    assert "href=\"javascript" not in back and "[a link](javascript:alert(1))" in back  # text, not a link
    assert "<img" not in back and "<img" not in prompt
    assert "<script" not in back
    assert rubric == "<li>Says a <code>LEFT JOIN</code> keeps <strong>every</strong> left row</li>"


@pytest.mark.parametrize(("title", "name"), [
    ("Data::SQL", "tpmdrill::Data: SQL"), ("a ::: b", "tpmdrill::a: b"), ("::edge::", "tpmdrill::edge"),
    ("Mini deck", "tpmdrill::Mini deck"), ("ratio 2:1", "tpmdrill::ratio 2:1"), (":::", "tpmdrill::untitled"),
    ("tab\there\x1b[2J", "tpmdrill::tab here [2J"),
])
def test_deck_titles_map_to_one_anki_deck(title: str, name: str) -> None:
    from tpmdrill.anki import anki_deck_name

    assert anki_deck_name(title) == name
    assert anki_deck_name(title).count("::") == 1
