"""The deck file format: TOML, one deck per file, parsed into frozen dataclasses.

Validation collects every problem in a file before giving up, so an author fixes a
deck in one pass; each problem names the file, the card and the key.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tpmdrill.enums import CardKind
from tpmdrill.errors import DeckError
from tpmdrill.skills import SKILLS

CATEGORIES = (
    "api-design", "system-design", "trade-offs", "data", "estimation", "behavioural", "program-execution",
)
KINDS = tuple(kind.value for kind in CardKind)
DEFAULT_MINUTES = {
    CardKind.CONCEPT: 3, CardKind.DESIGN: 15, CardKind.TRADE_OFF: 8, CardKind.SQL: 10, CardKind.ESTIMATE: 6,
    CardKind.STORY: 5,
}
DIFFICULTIES = {1: "foundation", 2: "core", 3: "senior"}
DEFAULT_DIFFICULTY = 2
DEFAULT_TOLERANCE = 2.0

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

DECK_KEYS = {"id", "title", "category", "description"}
CARD_KEYS = {
    "id", "kind", "prompt", "minutes", "tags", "skills", "answer", "rubric",
    "fixture", "solution", "ordered", "difficulty", "prompts", "follow_up", "value", "unit", "tolerance",
}
SQL_ONLY_KEYS = {"fixture", "solution", "ordered"}
ESTIMATE_ONLY_KEYS = {"value", "unit", "tolerance"}
POINT_KEYS = {"id", "point", "keywords", "min_hits", "weight", "required", "examples"}
FOLLOW_UP_KEYS = {"prompt", "rubric"}


@dataclass(frozen=True)
class RubricPoint:
    id: str
    point: str
    keywords: tuple[str, ...]
    min_hits: int = 1
    weight: float = 1.0
    required: bool = False
    examples: tuple[str, ...] = ()  # phrasings a candidate might write that must hit this point

    def to_json(self) -> dict[str, Any]:
        """The point as the store keeps it and `card --json` shows it."""
        return {"id": self.id, "point": self.point, "keywords": list(self.keywords),
                "min_hits": self.min_hits, "weight": self.weight, "required": self.required,
                "examples": list(self.examples)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RubricPoint:
        return cls(data["id"], data["point"], tuple(data["keywords"]), data["min_hits"], data["weight"],
                   data["required"], tuple(data.get("examples", ())))


@dataclass(frozen=True)
class FollowUp:
    """A question asked after the main answer, the way an interviewer adds a constraint."""

    prompt: str
    rubric: tuple[RubricPoint, ...]

    def to_json(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "rubric": [p.to_json() for p in self.rubric]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FollowUp:
        return cls(data["prompt"], tuple(RubricPoint.from_json(p) for p in data["rubric"]))


@dataclass(frozen=True)
class EstimateTarget:
    """An estimate card's reference answer: right when within value/tolerance .. value*tolerance."""

    value: float
    unit: str
    tolerance: float = DEFAULT_TOLERANCE

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "tolerance": self.tolerance}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EstimateTarget:
        return cls(float(data["value"]), data["unit"], float(data["tolerance"]))


@dataclass(frozen=True)
class Card:
    deck: str
    id: str
    kind: CardKind
    prompt: str
    minutes: int
    tags: tuple[str, ...]
    skills: tuple[str, ...]
    answer: str
    rubric: tuple[RubricPoint, ...] = ()
    fixture: str | None = None  # the fixture's SQL text, read from its file
    solution: str | None = None
    ordered: bool = False
    difficulty: int = DEFAULT_DIFFICULTY  # 1 foundation, 2 core, 3 senior
    prompts: tuple[str, ...] = ()  # other ways to ask it; the drill rotates through prompt + prompts
    follow_ups: tuple[FollowUp, ...] = ()
    estimate: EstimateTarget | None = None  # estimate cards only

    @property
    def full_id(self) -> str:
        return f"{self.deck}/{self.id}"

    @property
    def all_prompts(self) -> tuple[str, ...]:
        return (self.prompt, *self.prompts)

    @property
    def all_points(self) -> tuple[RubricPoint, ...]:
        """The main rubric's points, then every follow-up's (ids are unique across them)."""
        return self.rubric + tuple(p for f in self.follow_ups for p in f.rubric)


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    category: str
    description: str
    cards: tuple[Card, ...]
    source: str = ""
    digest: str = field(default="", compare=False)


class _Problems:
    """Collects problems, each prefixed with where it was found."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, message: str, card: str | None = None, key: str | None = None) -> None:
        where = [str(self.path)]
        if card is not None:
            where.append(f"card {card!r}")
        if key is not None:
            where.append(f"key {key!r}")
        self.items.append(f"{': '.join(where)}: {message}")


def load_deck(path: Path) -> Deck:
    """Parse and validate one deck file; raise DeckError listing every problem."""
    problems = _Problems(path)
    try:
        raw = path.read_bytes()
    except OSError as ex:
        raise DeckError([f"{path}: cannot read: {ex.strerror or ex}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DeckError([f"{path}: not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as ex:
        raise DeckError([f"{path}: malformed TOML: {ex}"]) from None
    deck = _parse_deck(data, path, problems, hashlib.sha256(raw).hexdigest())
    if problems.items or deck is None:
        raise DeckError(problems.items)
    return deck


def deck_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into the *.toml files they hold, in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.toml"))
        else:
            yield path


def load_decks(paths: Iterable[Path]) -> list[Deck]:
    """Load every deck under `paths`; problems across all files are reported together."""
    decks: list[Deck] = []
    problems: list[str] = []
    files = list(deck_files(paths))
    if not files:
        raise DeckError([f"{', '.join(map(str, paths))}: no deck files (*.toml) found"])
    for path in files:
        try:
            decks.append(load_deck(path))
        except DeckError as ex:
            problems.extend(ex.problems)
    seen: dict[str, str] = {}
    for deck in decks:
        if deck.id in seen:
            problems.append(f"{deck.source}: key 'id': deck id {deck.id!r} is also used by {seen[deck.id]}")
        seen.setdefault(deck.id, deck.source)
    if problems:
        raise DeckError(problems)
    return decks


def _parse_deck(data: dict[str, Any], path: Path, problems: _Problems, digest: str) -> Deck | None:
    for key in sorted(set(data) - {"deck", "card"}):
        problems.add("unknown top-level key", key=key)
    header = data.get("deck")
    if not isinstance(header, dict):
        problems.add("missing [deck] table", key="deck")
        return None
    for key in sorted(set(header) - DECK_KEYS):
        problems.add("unknown key in [deck]", key=key)
    deck_id = _text(header, "id", problems, None, required=True)
    if deck_id and not KEBAB.match(deck_id):
        problems.add(f"deck id {deck_id!r} is not kebab-case", key="id")
    title = _text(header, "title", problems, None, required=True)
    category = _text(header, "category", problems, None, required=True)
    if category and category not in CATEGORIES:
        problems.add(f"category {category!r} is not one of {', '.join(CATEGORIES)}", key="category")
    description = _text(header, "description", problems, None, required=False)
    raw_cards = data.get("card", [])
    if not isinstance(raw_cards, list) or not all(isinstance(c, dict) for c in raw_cards):
        problems.add("cards must be [[card]] tables", key="card")
        raw_cards = []
    if not raw_cards:
        problems.add("the deck has no [[card]]", key="card")
    cards: list[Card] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_cards, start=1):
        card = _parse_card(raw, deck_id or "", index, path, problems)
        if card is None:
            continue
        if card.id in seen:
            problems.add("duplicate card id", card=card.id, key="id")
        seen.add(card.id)
        cards.append(card)
    return Deck(
        id=deck_id or "",
        title=title or "",
        category=category or "",
        description=description or "",
        cards=tuple(cards),
        source=str(path),
        digest=digest,
    )


def _parse_card(
    raw: dict[str, Any], deck_id: str, index: int, path: Path, problems: _Problems
) -> Card | None:
    card_id = raw.get("id")
    label = card_id if isinstance(card_id, str) and card_id else f"#{index}"
    before = len(problems.items)
    for key in sorted(set(raw) - CARD_KEYS):
        problems.add("unknown key", card=label, key=key)
    card_id = _text(raw, "id", problems, label, required=True)
    if card_id and not KEBAB.match(card_id):
        problems.add(f"card id {card_id!r} is not kebab-case", card=label, key="id")
    kind = _text(raw, "kind", problems, label, required=True)
    if kind and kind not in KINDS:
        problems.add(f"kind {kind!r} is not one of {', '.join(KINDS)}", card=label, key="kind")
    prompt = _text(raw, "prompt", problems, label, required=True)
    answer = _text(raw, "answer", problems, label, required=True)
    minutes = raw.get("minutes", DEFAULT_MINUTES.get(CardKind(kind), 5) if kind in KINDS else 5)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 120:
        problems.add("minutes must be a whole number from 1 to 120", card=label, key="minutes")
        minutes = 5
    tags = _words(raw, "tags", problems, label)
    skills = _words(raw, "skills", problems, label)
    for skill in skills:
        if skill not in SKILLS:
            problems.add(f"unknown skill {skill!r}", card=label, key="skills")
    seen_points: set[str] = set()
    rubric = _parse_rubric(raw.get("rubric", []), label, problems, seen_points)
    fixture, solution, ordered = _parse_sql(raw, kind, label, path, problems)
    extras = _parse_extras(raw, kind, label, problems, seen_points)
    if len(problems.items) > before:
        return None
    return Card(
        deck=deck_id, id=card_id or "", kind=CardKind(kind or ""),  # validated above
        prompt=prompt or "", minutes=minutes, tags=tags, skills=skills, answer=answer or "", rubric=rubric,
        fixture=fixture, solution=solution, ordered=ordered, **extras,
    )


def _parse_extras(
    raw: dict[str, Any], kind: str | None, label: str, problems: _Problems, seen_points: set[str]
) -> dict[str, Any]:
    """Issue 14's card keys: difficulty, other prompts, follow-ups and an estimate's reference."""
    difficulty = raw.get("difficulty", DEFAULT_DIFFICULTY)
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or difficulty not in DIFFICULTIES:
        problems.add("difficulty must be 1 (foundation), 2 (core) or 3 (senior)", card=label, key="difficulty")
        difficulty = DEFAULT_DIFFICULTY
    return {
        "difficulty": difficulty,
        "prompts": _strings(raw, "prompts", problems, label),
        "follow_ups": _parse_follow_ups(raw.get("follow_up", []), label, problems, seen_points),
        "estimate": _parse_estimate(raw, kind, label, problems),
    }


def _parse_sql(
    raw: dict[str, Any], kind: str | None, label: str, path: Path, problems: _Problems
) -> tuple[str | None, str | None, bool]:
    if kind != CardKind.SQL:
        for key in sorted(SQL_ONLY_KEYS & set(raw)):
            problems.add("only sql cards take this key", card=label, key=key)
        return None, None, False
    fixture_name = _text(raw, "fixture", problems, label, required=True)
    solution = _text(raw, "solution", problems, label, required=True)
    ordered = raw.get("ordered", False)
    if not isinstance(ordered, bool):
        problems.add("ordered must be true or false", card=label, key="ordered")
        ordered = False
    fixture = None
    if fixture_name:
        fixture_path = path.parent / fixture_name
        try:
            fixture = fixture_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.add(f"cannot read fixture file {fixture_path}", card=label, key="fixture")
    return fixture, solution, ordered


def _parse_estimate(raw: dict[str, Any], kind: str | None, label: str, problems: _Problems) -> EstimateTarget | None:
    if kind != CardKind.ESTIMATE:
        for key in sorted(ESTIMATE_ONLY_KEYS & set(raw)):
            problems.add("only estimate cards take this key", card=label, key=key)
        return None
    value = raw.get("value")
    if value is None:
        problems.add("missing required key", card=label, key="value")
    elif not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        problems.add("value must be a positive number", card=label, key="value")
        value = None
    unit = _text(raw, "unit", problems, label, required=True)
    if unit is not None:
        from tpmdrill.quantities import UnitSyntaxError, parse_unit

        try:
            parse_unit(unit)
        except UnitSyntaxError as ex:
            problems.add(f"unit {unit!r} is not understood: {ex}", card=label, key="unit")
            unit = None
    tolerance = raw.get("tolerance", DEFAULT_TOLERANCE)
    if not isinstance(tolerance, int | float) or isinstance(tolerance, bool) or not tolerance > 1:
        problems.add("tolerance must be a factor above 1 (2 means within x/2 .. x*2)", card=label, key="tolerance")
        tolerance = None
    if value is None or unit is None or tolerance is None:
        return None
    return EstimateTarget(float(value), unit, float(tolerance))


def _parse_follow_ups(raw: Any, label: str, problems: _Problems, seen: set[str]) -> tuple[FollowUp, ...]:
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        problems.add("follow-ups must be [[card.follow_up]] tables", card=label, key="follow_up")
        return ()
    follow_ups: list[FollowUp] = []
    for index, entry in enumerate(raw, start=1):
        where = f"follow_up[{index}]"
        for key in sorted(set(entry) - FOLLOW_UP_KEYS):
            problems.add("unknown key", card=label, key=f"{where}.{key}")
        prompt = _text(entry, "prompt", problems, label, required=True, prefix=where)
        if not entry.get("rubric"):
            problems.add("a follow-up needs its own [[card.follow_up.rubric]] points", card=label,
                         key=f"{where}.rubric")
        rubric = _parse_rubric(entry.get("rubric", []), label, problems, seen, prefix=f"{where}.")
        follow_ups.append(FollowUp(prompt or "", rubric))
    return tuple(follow_ups)


def _parse_rubric(
    raw: Any, label: str, problems: _Problems, seen: set[str], prefix: str = ""
) -> tuple[RubricPoint, ...]:
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        problems.add("rubric must be [[card.rubric]] tables", card=label, key=f"{prefix}rubric")
        return ()
    return tuple(
        _parse_point(entry, f"{prefix}rubric[{index}]", label, problems, seen)
        for index, entry in enumerate(raw, start=1)
    )


def _parse_point(entry: dict[str, Any], where: str, label: str, problems: _Problems, seen: set[str]) -> RubricPoint:
    for key in sorted(set(entry) - POINT_KEYS):
        problems.add("unknown key", card=label, key=f"{where}.{key}")
    point_id = _text(entry, "id", problems, label, required=True, prefix=where)
    if point_id:
        if not KEBAB.match(point_id):
            problems.add(f"point id {point_id!r} is not kebab-case", card=label, key=f"{where}.id")
        if point_id in seen:
            problems.add(f"duplicate point id {point_id!r}", card=label, key=f"{where}.id")
        seen.add(point_id)
    text = _text(entry, "point", problems, label, required=True, prefix=where)
    keywords = entry.get("keywords")
    if (
        not isinstance(keywords, list)
        or not keywords
        or not all(isinstance(k, str) and k.strip() and all(a.strip() for a in k.split("|")) for k in keywords)
    ):
        problems.add("keywords must be a non-empty list of non-empty strings", card=label, key=f"{where}.keywords")
        keywords = []
    min_hits = entry.get("min_hits", 1)
    if not isinstance(min_hits, int) or isinstance(min_hits, bool) or min_hits < 1:
        problems.add("min_hits must be a whole number of at least 1", card=label, key=f"{where}.min_hits")
        min_hits = 1
    elif keywords and min_hits > len(keywords):
        problems.add(
            f"min_hits {min_hits} exceeds the {len(keywords)} keywords", card=label, key=f"{where}.min_hits"
        )
    weight = entry.get("weight", 1)
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not weight > 0:
        problems.add("weight must be a positive number", card=label, key=f"{where}.weight")
        weight = 1
    required = entry.get("required", False)
    if not isinstance(required, bool):
        problems.add("required must be true or false", card=label, key=f"{where}.required")
        required = False
    examples = _strings(entry, "examples", problems, label, prefix=where)
    return RubricPoint(
        point_id or "", text or "", tuple(k.strip() for k in keywords), min_hits, float(weight), required,
        examples,
    )


def _text(
    table: dict[str, Any],
    key: str,
    problems: _Problems,
    card: str | None,
    *,
    required: bool,
    prefix: str | None = None,
) -> str | None:
    name = f"{prefix}.{key}" if prefix else key
    value = table.get(key)
    if value is None:
        if required:
            problems.add("missing required key", card=card, key=name)
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add("must be a non-empty string", card=card, key=name)
        return None
    return value.strip()


def _strings(
    table: dict[str, Any], key: str, problems: _Problems, card: str, *, prefix: str | None = None
) -> tuple[str, ...]:
    """An optional list of non-empty strings (stripped)."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add("must be a list of non-empty strings", card=card, key=f"{prefix}.{key}" if prefix else key)
        return ()
    return tuple(v.strip() for v in value)


def _words(table: dict[str, Any], key: str, problems: _Problems, card: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add("must be a list of strings", card=card, key=key)
        return ()
    for word in value:
        if not KEBAB.match(word):
            problems.add(f"{word!r} is not kebab-case", card=card, key=key)
    if len(set(value)) != len(value):
        problems.add("repeats an entry", card=card, key=key)
    return tuple(value)
