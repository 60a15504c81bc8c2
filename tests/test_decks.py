from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpmdrill.decks import (
    CATEGORIES,
    DIFFICULTIES,
    KINDS,
    Card,
    Deck,
    EstimateTarget,
    FollowUp,
    RubricPoint,
    load_deck,
    load_decks,
)
from tpmdrill.errors import DeckError
from tpmdrill.paths import bundled_decks_dir
from tpmdrill.skills import SKILLS

from .conftest import MINI_DECKS


def write(tmp_path: Path, text: str, name: str = "deck.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = '[deck]\nid = "d"\ntitle = "D"\ncategory = "data"\n'
CARD = '[[card]]\nid = "c"\nkind = "concept"\nprompt = "P?"\nanswer = "A."\n'


def problems(path: Path) -> list[str]:
    with pytest.raises(DeckError) as info:
        load_deck(path)
    return info.value.problems


def test_mini_deck_loads() -> None:
    deck = load_deck(MINI_DECKS / "mini.toml")
    assert deck.id == "mini"
    assert [c.full_id for c in deck.cards] == ["mini/idempotency", "mini/ride-sharing"]
    point = deck.cards[1].rubric[0]
    assert point == RubricPoint("resources", "Names the core resources",
                                ("rider|passenger", "driver", "ride|trip", "payment|billing"), 3, 2.0, False)


def test_defaults_by_kind(tmp_path: Path) -> None:
    deck = load_deck(write(tmp_path, HEADER + CARD))
    assert deck.cards[0].minutes == 3
    assert deck.cards[0].tags == ()


def test_every_problem_is_reported_with_file_card_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + """
[[card]]
id = "Bad_Id"
kind = "essay"
prompt = "P"
answer = "A"
colour = "blue"
skills = ["sql", "juggling"]
  [[card.rubric]]
  id = "p"
  point = "x"
  keywords = []
  weight = -1

[[card]]
id = "dup"
kind = "concept"
prompt = "P"
answer = "A"

[[card]]
id = "dup"
kind = "concept"
prompt = "Q"
""")
    found = problems(path)
    assert f"{path}: card 'Bad_Id': key 'colour': unknown key" in found
    assert f"{path}: card 'Bad_Id': key 'id': card id 'Bad_Id' is not kebab-case" in found
    kinds = "concept, design, trade-off, sql, estimate, story"
    assert f"{path}: card 'Bad_Id': key 'kind': kind 'essay' is not one of {kinds}" in found
    assert f"{path}: card 'Bad_Id': key 'skills': unknown skill 'juggling'" in found
    assert any("rubric[1].keywords" in p for p in found)
    assert any("rubric[1].weight" in p for p in found)
    assert f"{path}: card 'dup': key 'answer': missing required key" in found
    assert len(found) >= 7


def test_duplicate_card_ids(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + CARD + CARD)
    assert problems(path) == [f"{path}: card 'c': key 'id': duplicate card id"]


def test_malformed_toml_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[deck\nid = ")
    [line] = problems(path)
    assert line.startswith(f"{path}: malformed TOML")
    assert "\n" not in line


def test_unknown_top_level_and_deck_keys(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + 'author = "me"\n' + CARD + "[extra]\n")
    assert problems(path) == [
        f"{path}: key 'extra': unknown top-level key",
        f"{path}: key 'author': unknown key in [deck]",
    ]


def test_sql_card_reads_its_fixture(tmp_path: Path) -> None:
    (tmp_path / "f.sql").write_text("CREATE TABLE t (x);", encoding="utf-8")
    path = write(tmp_path, HEADER + '[[card]]\nid = "q"\nkind = "sql"\nprompt = "P"\nanswer = "A"\n'
                 'fixture = "f.sql"\nsolution = "SELECT 1"\n')
    card = load_deck(path).cards[0]
    assert (card.fixture, card.solution, card.ordered) == ("CREATE TABLE t (x);", "SELECT 1", False)


def test_sql_keys_on_other_kinds_and_missing_fixture(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + CARD + 'solution = "SELECT 1"\n'
                 '[[card]]\nid = "q"\nkind = "sql"\nprompt = "P"\nanswer = "A"\nfixture = "nope.sql"\n')
    found = problems(path)
    assert f"{path}: card 'c': key 'solution': only sql cards take this key" in found
    assert f"{path}: card 'q': key 'solution': missing required key" in found
    assert any("key 'fixture': cannot read fixture file" in p for p in found)


def test_duplicate_deck_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, HEADER + CARD, "a.toml")
    write(tmp_path, HEADER + CARD, "b.toml")
    with pytest.raises(DeckError) as info:
        load_decks([tmp_path])
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    assert info.value.problems == [f"{second}: key 'id': deck id 'd' is also used by {first}"]


def test_bundled_decks_are_valid_and_named_by_id() -> None:
    for path in sorted(bundled_decks_dir().glob("*.toml")):
        deck = load_deck(path)
        assert deck.id == path.stem, "bundled decks are found by file name"
        assert deck.category in CATEGORIES


# ---- round trip: any valid deck written as TOML parses back to itself -------

kebab = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s
)
point = st.builds(
    RubricPoint,
    id=kebab,
    point=text,
    keywords=st.lists(text.filter(lambda s: "|" not in s), min_size=3, max_size=3).map(tuple),
    min_hits=st.integers(1, 3),
    weight=st.sampled_from([1.0, 2.0, 0.5]),
    required=st.booleans(),
    examples=st.lists(text, max_size=2).map(tuple),
)
units = st.sampled_from(["requests/second", "TB/day", "servers", "USD/month", "photos per user per day"])


@st.composite
def cards(draw: st.DrawFn) -> Card:
    """A valid card of any kind but sql, with follow-ups whose point ids are unique in the card."""
    all_points = draw(st.lists(point, max_size=6, unique_by=lambda p: p.id))
    split = draw(st.integers(0, len(all_points)))
    main, rest = tuple(all_points[:split]), all_points[split:]
    follow_ups = tuple(
        FollowUp(draw(text), (p,)) for p in rest
    )
    kind = draw(st.sampled_from([k for k in KINDS if k != "sql"]))
    estimate = None
    if kind == "estimate":
        estimate = EstimateTarget(draw(st.floats(0.001, 1e15)), draw(units), draw(st.sampled_from([2.0, 1.5, 10.0])))
    return Card(
        deck="deck", id=draw(kebab), kind=kind, prompt=draw(text), minutes=draw(st.integers(1, 120)),
        tags=draw(st.lists(kebab, unique=True, max_size=3).map(tuple)),
        skills=draw(st.lists(st.sampled_from(sorted(SKILLS)), unique=True, max_size=3).map(tuple)),
        answer=draw(text), rubric=main, difficulty=draw(st.sampled_from(sorted(DIFFICULTIES))),
        prompts=draw(st.lists(text, max_size=2).map(tuple)), follow_ups=follow_ups, estimate=estimate,
    )


def _point_lines(table: str, p: RubricPoint) -> list[str]:
    q = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 - JSON strings are TOML strings
    return [f"[[{table}]]", f"id = {q(p.id)}", f"point = {q(p.point)}",
            f"keywords = {q(list(p.keywords))}", f"min_hits = {p.min_hits}",
            f"weight = {p.weight}", f"required = {q(p.required)}", f"examples = {q(list(p.examples))}"]


def to_toml(deck: Deck) -> str:
    q = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 - JSON strings are TOML strings
    lines = ["[deck]", f"id = {q(deck.id)}", f"title = {q(deck.title)}",
             f"category = {q(deck.category)}", f"description = {q(deck.description)}"]
    for card in deck.cards:
        lines += ["[[card]]", f"id = {q(card.id)}", f"kind = {q(card.kind)}", f"prompt = {q(card.prompt)}",
                  f"minutes = {card.minutes}", f"tags = {q(list(card.tags))}",
                  f"skills = {q(list(card.skills))}", f"answer = {q(card.answer)}",
                  f"difficulty = {card.difficulty}", f"prompts = {q(list(card.prompts))}"]
        if card.estimate is not None:
            lines += [f"value = {card.estimate.value!r}", f"unit = {q(card.estimate.unit)}",
                      f"tolerance = {card.estimate.tolerance!r}"]
        for p in card.rubric:
            lines += _point_lines("card.rubric", p)
        for follow_up in card.follow_ups:
            lines += ["[[card.follow_up]]", f"prompt = {q(follow_up.prompt)}"]
            for p in follow_up.rubric:
                lines += _point_lines("card.follow_up.rubric", p)
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    title=text,
    category=st.sampled_from(CATEGORIES),
    description=text,
    cards=st.lists(cards(), min_size=1, max_size=4, unique_by=lambda c: c.id),
)
def test_deck_round_trips_through_toml(
    title: str, category: str, description: str, cards: list[Card]
) -> None:
    import tempfile

    deck = Deck("deck", title, category, description, tuple(cards))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.toml"
        path.write_text(to_toml(deck), encoding="utf-8")
        loaded = load_deck(path)
    assert (loaded.id, loaded.title, loaded.category, loaded.description, loaded.cards) == (
        deck.id, deck.title, deck.category, deck.description, deck.cards)
