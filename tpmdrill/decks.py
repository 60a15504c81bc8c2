"""The deck file format: TOML, one deck per file, parsed into frozen dataclasses.

Validation collects every problem in a file before giving up, so an author fixes a
deck in one pass; each problem names the file, the card and the key.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tpmdrill.deckfields import KEBAB, Problems
from tpmdrill.deckfields import strings_field as _strings
from tpmdrill.deckfields import text_field as _text
from tpmdrill.deckfields import words_field as _words
from tpmdrill.enums import CardKind
from tpmdrill.errors import DeckError
from tpmdrill.paths import read_regular_file
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


DECK_KEYS = {"id", "title", "category", "description"}
CARD_KEYS = {
    "id", "kind", "prompt", "minutes", "tags", "skills", "answer", "rubric",
    "fixture", "solution", "ordered", "difficulty", "prompts", "follow_up", "value", "unit", "tolerance",
}
SQL_ONLY_KEYS = {"fixture", "solution", "ordered"}
ESTIMATE_ONLY_KEYS = {"value", "unit", "tolerance"}
POINT_KEYS = {"id", "point", "keywords", "min_hits", "weight", "required", "examples"}
FOLLOW_UP_KEYS = {"prompt", "rubric"}
# Not a deck: the shared thesaurus of the grader sits beside the bundled decks.
THESAURUS_FILE = "thesaurus.toml"


@dataclass(frozen=True)
class RubricPoint:
    id: str
    point: str
    keywords: tuple[str, ...]
    min_hits: int = 1
    weight: float = 1.0
    required: bool = False
    examples: tuple[str, ...] = ()  # short phrasings a candidate might write that hit the point

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


MAX_DECK_BYTES = 4_000_000
MAX_FIXTURE_BYTES = 1_000_000
MAX_RUBRIC_CHARS = 20_000  # all of a card's rubric text: its points and keywords
MAX_WEIGHT = 1000  # a rubric point's weight (inf and 400-digit numbers are refused)


def load_deck(path: Path, *, self_check: bool = False) -> Deck:
    """Parse and validate one deck file; raise DeckError listing every problem.

    With `self_check`, the rubrics are also checked against themselves
    (tpmdrill.grading.selfcheck): `decks validate` asks for it. Loading does not, so
    a user is never locked out of their own deck or story by a grading-quality check."""
    problems = Problems(path)
    try:
        raw = read_regular_file(path, MAX_DECK_BYTES)
    except ValueError as ex:
        raise DeckError([f"{path}: cannot read: {ex}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))  # a byte-order mark is fine
    except UnicodeDecodeError:
        raise DeckError([f"{path}: not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as ex:
        raise DeckError([f"{path}: malformed TOML: {ex}"]) from None
    except RecursionError:
        raise DeckError([f"{path}: malformed TOML: nested too deeply"]) from None
    deck = _parse_deck(data, path, problems, hashlib.sha256(raw).hexdigest())
    if problems.items or deck is None:
        raise DeckError(problems.items)
    if not self_check:
        return deck
    from tpmdrill.grading.selfcheck import check_deck

    for card, point, message in check_deck(deck):
        problems.add(message, card=card, point=point)
    if problems.items:
        raise DeckError(problems.items)
    return deck


def deck_paths(folder: Path) -> list[Path]:
    """The deck files of a folder, in name order (the thesaurus is not a deck)."""
    return sorted(p for p in folder.glob("*.toml") if p.name != THESAURUS_FILE)


def deck_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into the *.toml files they hold, in name order."""
    for path in paths:
        if path.is_dir():
            yield from deck_paths(path)
        elif path.name != THESAURUS_FILE:
            yield path


def load_decks(paths: Iterable[Path], *, self_check: bool = False) -> list[Deck]:
    """Load every deck under `paths`; problems across all files are reported together."""
    decks: list[Deck] = []
    problems: list[str] = []
    files = list(deck_files(paths))
    if not files:
        raise DeckError([f"{', '.join(map(str, paths))}: no deck files (*.toml) found"])
    for path in files:
        try:
            decks.append(load_deck(path, self_check=self_check))
        except DeckError as ex:
            problems.extend(ex.problems)
    problems.extend(_thesaurus_problems(paths))
    seen: dict[str, str] = {}
    for deck in decks:
        if deck.id in seen:
            problems.append(f"{deck.source}: key 'id': deck id {deck.id!r} is also used by {seen[deck.id]}")
        seen.setdefault(deck.id, deck.source)
    if problems:
        raise DeckError(problems)
    return decks


def _thesaurus_problems(paths: Iterable[Path]) -> list[str]:
    """A thesaurus given, or found in a folder given, is validated with the decks."""
    from tpmdrill.grading.selfcheck import check_thesaurus
    from tpmdrill.grading.thesaurus import load_thesaurus

    problems: list[str] = []
    for path in paths:
        found = path / THESAURUS_FILE if path.is_dir() else path
        if found.name == THESAURUS_FILE and found.exists():
            try:
                problems.extend(check_thesaurus(load_thesaurus(found)))
            except DeckError as ex:
                problems.extend(ex.problems)
    return problems


def _parse_deck(data: dict[str, Any], path: Path, problems: Problems, digest: str) -> Deck | None:
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
    cards = _parse_cards(raw_cards, deck_id or "", path, problems)
    return Deck(
        id=deck_id or "",
        title=title or "",
        category=category or "",
        description=description or "",
        cards=tuple(cards),
        source=str(path),
        digest=digest,
    )


def _parse_cards(raw_cards: list[dict[str, Any]], deck_id: str, path: Path, problems: Problems) -> list[Card]:
    cards: list[Card] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_cards, start=1):
        card = _parse_card(raw, deck_id, index, path, problems)
        if card is None:
            continue
        if card.id in seen:
            problems.add("duplicate card id", card=card.id, key="id")
        seen.add(card.id)
        cards.append(card)
    return cards


def _parse_card(
    raw: dict[str, Any], deck_id: str, index: int, path: Path, problems: Problems
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
    if sum(len(p.point) + sum(map(len, p.keywords)) for p in rubric) > MAX_RUBRIC_CHARS:
        problems.add(f"rubric text is longer than the limit of {MAX_RUBRIC_CHARS:,} characters", card=label,
                     key="rubric")
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
    raw: dict[str, Any], kind: str | None, label: str, problems: Problems, seen_points: set[str]
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
    raw: dict[str, Any], kind: str | None, label: str, path: Path, problems: Problems
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
        fixture = _read_fixture(path, fixture_name, label, problems)
    return fixture, solution, ordered


def _read_fixture(deck_path: Path, name: str, label: str, problems: Problems) -> str | None:
    """A fixture file's text: inside the deck's folder (no '..', absolute path or symlink
    out), a regular file under the size limit, UTF-8."""
    folder = deck_path.parent.resolve()
    try:
        if "\0" in name or Path(name).is_absolute():
            raise ValueError("must be a file name relative to the deck's folder")
        resolved = (folder / name).resolve()
        if not resolved.is_relative_to(folder):
            raise ValueError("must stay inside the deck's folder")
        return read_regular_file(resolved, MAX_FIXTURE_BYTES).decode("utf-8-sig")
    except (ValueError, OSError) as ex:
        problems.add(f"cannot read fixture file {name!r}: {ex}", card=label, key="fixture")
    except UnicodeDecodeError:
        problems.add(f"cannot read fixture file {name!r}: not UTF-8 text", card=label, key="fixture")
    return None


def _parse_estimate(raw: dict[str, Any], kind: str | None, label: str, problems: Problems) -> EstimateTarget | None:
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


def _parse_follow_ups(raw: Any, label: str, problems: Problems, seen: set[str]) -> tuple[FollowUp, ...]:
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
    raw: Any, label: str, problems: Problems, seen: set[str], prefix: str = ""
) -> tuple[RubricPoint, ...]:
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        problems.add("rubric must be [[card.rubric]] tables", card=label, key=f"{prefix}rubric")
        return ()
    return tuple(
        _parse_point(entry, f"{prefix}rubric[{index}]", label, problems, seen)
        for index, entry in enumerate(raw, start=1)
    )


def _parse_point(entry: dict[str, Any], where: str, label: str, problems: Problems, seen: set[str]) -> RubricPoint:
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
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= MAX_WEIGHT:
        problems.add(f"weight must be a positive number up to {MAX_WEIGHT}", card=label, key=f"{where}.weight")
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
