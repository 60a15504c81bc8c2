"""Issue 14's deck format: new categories and kinds, difficulty, examples, follow-ups, estimates."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tpmdrill.decks import DEFAULT_MINUTES, EstimateTarget, FollowUp, load_deck
from tpmdrill.errors import DeckError
from tpmdrill.store import Store

from .conftest import FIXTURES, MINI_DECKS, Invoke

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HEADER = '[deck]\nid = "d"\ntitle = "D"\ncategory = "estimation"\n'
ESTIMATE = '''
[[card]]
id = "peak-rps"
kind = "estimate"
prompt = "Peak requests per second of a chat service with 50 M daily users?"
answer = "About 35k rps."
value = 35000
unit = "requests/second"
difficulty = 3
prompts = ["How many requests a second does a 50 M DAU chat app peak at?"]

  [[card.rubric]]
  id = "assumptions"
  point = "States assumptions"
  keywords = ["assume|assumption"]
  examples = ["I assume 50 M users send 20 messages a day"]

  [[card.follow_up]]
  prompt = "Traffic triples on New Year's Eve. What changes?"

    [[card.follow_up.rubric]]
    id = "headroom"
    point = "Plans headroom for the spike"
    keywords = ["headroom|buffer", "autoscale|scale out"]
    min_hits = 1
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DeckError) as info:
        load_deck(path)
    return info.value.problems


def test_an_estimate_card_with_follow_up_parses_every_field(tmp_path: Path) -> None:
    [card] = load_deck(write(tmp_path, HEADER + ESTIMATE)).cards
    assert card.kind == "estimate"
    assert card.difficulty == 3
    assert card.estimate == EstimateTarget(35000.0, "requests/second", 2.0)
    assert card.minutes == DEFAULT_MINUTES["estimate"]
    assert card.all_prompts == (card.prompt, "How many requests a second does a 50 M DAU chat app peak at?")
    assert card.rubric[0].examples == ("I assume 50 M users send 20 messages a day",)
    [follow_up] = card.follow_ups
    assert follow_up.prompt == "Traffic triples on New Year's Eve. What changes?"
    assert [p.id for p in follow_up.rubric] == ["headroom"]
    assert [p.id for p in card.all_points] == ["assumptions", "headroom"]


def test_old_deck_files_stay_valid_with_defaults() -> None:
    deck = load_deck(MINI_DECKS / "mini.toml")
    assert {c.difficulty for c in deck.cards} == {2}
    assert all(c.follow_ups == () and c.estimate is None and c.prompts == () for c in deck.cards)
    assert all(p.examples == () for c in deck.cards for p in c.rubric)


@pytest.mark.parametrize("category", ["estimation", "behavioural", "program-execution"])
def test_the_new_categories_are_accepted(tmp_path: Path, category: str) -> None:
    text = f'[deck]\nid = "d"\ntitle = "D"\ncategory = "{category}"\n'
    text += '[[card]]\nid = "s"\nkind = "story"\nprompt = "Tell me about a time."\nanswer = "A story."\n'
    [card] = load_deck(write(tmp_path, text)).cards
    assert (card.kind, card.minutes) == ("story", DEFAULT_MINUTES["story"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("difficulty = 3", "difficulty = 4"),
         "key 'difficulty': difficulty must be 1 (foundation), 2 (core) or 3 (senior)"),
        (("difficulty = 3", 'difficulty = "hard"'),
         "key 'difficulty': difficulty must be 1 (foundation), 2 (core) or 3 (senior)"),
        (("value = 35000", "value = -1"), "key 'value': value must be a positive number"),
        (("value = 35000", ""), "key 'value': missing required key"),
        (('unit = "requests/second"', 'unit = "requests/%"'), "key 'unit': unit 'requests/%' is not understood"),
        (('unit = "requests/second"', 'unit = "requests/second"\ntolerance = 1'),
         "key 'tolerance': tolerance must be a factor above 1"),
        (('examples = ["I assume 50 M users send 20 messages a day"]', "examples = [3]"),
         "key 'rubric[1].examples': must be a list of non-empty strings"),
        (('id = "headroom"', 'id = "assumptions"'),
         "key 'follow_up[1].rubric[1].id': duplicate point id 'assumptions'"),
        (("min_hits = 1", "colour = 1"), "key 'follow_up[1].rubric[1].colour': unknown key"),
        (('prompt = "Traffic', 'colour = 2\nprompt = "Traffic'), "key 'follow_up[1].colour': unknown key"),
        (('prompt = "Traffic triples on New Year\'s Eve. What changes?"', ""),
         "key 'follow_up[1].prompt': missing required key"),
        (('prompts = ["How many', 'prompts = [""]\nx = ["How many'), "key 'prompts': must be a list of non-empty"),
    ],
)
def test_bad_new_fields_name_file_card_and_key(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in ESTIMATE
    path = write(tmp_path, HEADER + ESTIMATE.replace(old, new, 1))
    found = problems(path)
    assert any(p.startswith(f"{path}: card 'peak-rps': {message}") for p in found), found


def test_a_follow_up_without_points_is_an_error(tmp_path: Path) -> None:
    text = HEADER + '[[card]]\nid = "c"\nkind = "design"\nprompt = "P"\nanswer = "A"\n'
    text += '[[card.follow_up]]\nprompt = "And if the vendor is down?"\n'
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}: card 'c': key 'follow_up[1].rubric': a follow-up needs its own [[card.follow_up.rubric]] points"
    ]


def test_estimate_keys_belong_to_estimate_cards(tmp_path: Path) -> None:
    text = HEADER + '[[card]]\nid = "c"\nkind = "concept"\nprompt = "P"\nanswer = "A"\nvalue = 3\nunit = "servers"\n'
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}: card 'c': key 'unit': only estimate cards take this key",
        f"{path}: card 'c': key 'value': only estimate cards take this key",
    ]


def test_the_store_keeps_every_new_field(tmp_path: Path) -> None:
    deck = load_deck(write(tmp_path, HEADER + ESTIMATE))
    store = Store.open(tmp_path / "t.db")
    store.sync_deck(deck, NOW)
    assert store.card("d/peak-rps") == deck.cards[0]
    assert store.cards(kind="estimate") == list(deck.cards)
    store.close()


def test_changing_only_the_new_fields_counts_as_an_update(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    store.sync_deck(load_deck(write(tmp_path, HEADER + ESTIMATE)), NOW)
    easier = HEADER + ESTIMATE.replace("difficulty = 3", "difficulty = 1")
    sync = store.sync_deck(load_deck(write(tmp_path, easier)), NOW)
    assert (sync.added, sync.updated) == (0, 1)
    assert store.card("d/peak-rps").difficulty == 1
    assert store.card("d/peak-rps").follow_ups == (FollowUp(
        "Traffic triples on New Year's Eve. What changes?", store.card("d/peak-rps").follow_ups[0].rubric),)
    store.close()


def test_an_old_database_gains_the_columns_with_defaults(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "v1.db", path)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
    store = Store.open(path)
    store.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT difficulty, prompts, follow_ups, estimate FROM cards").fetchall()
    assert len(rows) == before > 0
    assert set(rows) == {(2, "[]", "[]", None)}


def test_cards_filters_by_difficulty_and_shows_it(tmp_path: Path, run: Invoke) -> None:
    import json

    path = write(tmp_path, HEADER + ESTIMATE)
    assert run("decks", "add", str(path)).exit_code == 0
    result = run("cards", "--difficulty", "3", "--json", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["d/peak-rps"]
    assert rows[0]["difficulty"] == 3
    everything = json.loads(run("cards", "--json").stdout)
    assert {r["difficulty"] for r in everything if r["deck"] != "d"} == {2}
    assert run("cards", "--difficulty", "4").exit_code == 2


def test_card_json_shows_follow_ups_and_the_estimate(tmp_path: Path, run: Invoke) -> None:
    import json

    assert run("decks", "add", str(write(tmp_path, HEADER + ESTIMATE))).exit_code == 0
    view = json.loads(run("card", "d/peak-rps", "--json", catch_exceptions=False).stdout)
    assert view["card_difficulty"] == 3
    assert view["difficulty"] is None  # the memory's FSRS difficulty, as before: not studied yet
    assert view["estimate"] == {"value": 35000.0, "unit": "requests/second", "tolerance": 2.0}
    assert view["follow_ups"][0]["rubric"][0]["id"] == "headroom"
    assert view["rubric"][0]["examples"] == ["I assume 50 M users send 20 messages a day"]


def test_every_toml_example_in_the_deck_docs_is_a_valid_deck(tmp_path: Path) -> None:
    import re

    docs = (Path(__file__).parent.parent / "docs" / "decks.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", docs, re.S)
    assert len(blocks) >= 4
    for number, block in enumerate(blocks):
        text = block if block.startswith("[deck]") else HEADER + block
        path = tmp_path / f"example-{number}.toml"
        path.write_text(text, encoding="utf-8")
        assert load_deck(path).cards, block
