"""The user's story deck: a TOML deck file in the user data folder, written atomically,
loaded like any user deck, and the coverage of behavioural prompts it gives.

Cards keep their ids across edits, so a story's reviews survive every rewrite of it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tpmdrill.decks import Card, load_deck
from tpmdrill.errors import TpmdrillError
from tpmdrill.store import Store
from tpmdrill.stories import COMMON_COMPETENCIES, STORY_DECK_ID, Story, StoryProblems, new_card_id, story_card

DECK_TITLE = "My stories"
DECK_CATEGORY = "behavioural"
DRAFT_NAME = "story-draft.txt"
MATCH_AT = 90  # rapidfuzz token_set_ratio at which a story's prompt answers a bundled one


def stories_path(db_path: Path) -> Path:
    """Beside the database: the user data folder by default, a test's own folder otherwise."""
    return db_path.parent / "stories.toml"


def draft_path(db_path: Path) -> Path:
    return db_path.parent / DRAFT_NAME


def load_stories(path: Path) -> list[Card]:
    return list(load_deck(path).cards) if path.exists() else []


def save_story(store: Store, path: Path, story: Story, now: datetime, *, card_id: str | None = None) -> Card:
    """Add the story (or replace card `card_id`), write the deck file atomically, load it."""
    cards = load_stories(path)
    if card_id is None:
        card_id = new_card_id(story.title, {c.id for c in cards})
    card = story_card(story, card_id)
    _check_beats(card)
    kept = [card if c.id == card_id else c for c in cards]
    if card_id not in {c.id for c in cards}:
        kept.append(card)
    write_atomically(path, deck_toml(kept))
    store.sync_deck(load_deck(path), now)
    return card


def _check_beats(card: Card) -> None:
    """Every key beat must be heard in the story itself, or it could never be credited."""
    from tpmdrill.grading import grade

    graded = grade(card.rubric, card.answer)
    missing = [p.point for p, v in zip(card.rubric, graded.points, strict=True) if not v.hit]
    if missing:
        raise StoryProblems([
            f"key beat {beat!r} is not in your story: tell it in the story, or choose its words with ':: word'"
            for beat in missing
        ])


def sync_stories(store: Store, path: Path, now: datetime) -> None:
    """Load the story file if it exists (after a hand edit, say); cards removed from it retire."""
    if path.exists():
        store.sync_deck(load_deck(path), now)


def deck_toml(cards: list[Card]) -> str:
    """The story deck as TOML. JSON strings are TOML basic strings once DEL is escaped too."""
    lines = ["[deck]", f"id = {_q(STORY_DECK_ID)}", f"title = {_q(DECK_TITLE)}", f"category = {_q(DECK_CATEGORY)}",
             f"description = {_q('Stories from my own career, written with tpmdrill story new.')}"]
    for card in cards:
        lines += ["", "[[card]]", f"id = {_q(card.id)}", 'kind = "story"', f"prompt = {_q(card.prompt)}",
                  f"prompts = {_q(list(card.prompts))}", f"minutes = {card.minutes}", f"tags = {_q(list(card.tags))}",
                  f"answer = {_q(card.answer)}"]
        for point in card.rubric:
            lines += ["", "  [[card.rubric]]", f"  id = {_q(point.id)}", f"  point = {_q(point.point)}",
                      f"  keywords = {_q(list(point.keywords))}", f"  min_hits = {point.min_hits}"]
    return "\n".join(lines) + "\n"


def _q(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename it over: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as ex:
        Path(temporary).unlink(missing_ok=True)
        raise TpmdrillError(f"cannot write {path}: {ex.strerror or ex}") from None


# ---- coverage ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryCoverage:
    stories: list[Card]
    behavioural: list[Card]  # the bundled (and other non-story-deck) behavioural cards
    answered: dict[str, list[str]]  # behavioural card id -> ids of the stories answering it

    @property
    def competencies(self) -> list[str]:
        return sorted({tag for card in self.stories for tag in card.tags})

    @property
    def competencies_open(self) -> list[str]:
        """The usual competencies (those the behavioural cards probe, when loaded) no story covers yet."""
        probed = {tag for card in self.behavioural for tag in card.tags}
        usual = [c for c in COMMON_COMPETENCIES if c in probed or not self.behavioural]
        return [c for c in usual if c not in set(self.competencies)]

    @property
    def unanswered(self) -> list[Card]:
        return [card for card in self.behavioural if not self.answered.get(card.full_id)]

    def to_json(self) -> dict[str, Any]:
        """`story list --json`."""
        return {
            "stories": [{"id": c.full_id, "title": _title(c), "competencies": list(c.tags),
                         "prompts": list(c.all_prompts)} for c in self.stories],
            "competencies": self.competencies,
            "competencies_open": self.competencies_open,
            "behavioural_prompts": len(self.behavioural),
            "unanswered": [{"card": c.full_id, "prompt": c.prompt} for c in self.unanswered],
        }


def coverage(store: Store) -> StoryCoverage:
    """The user's stories, and which behavioural prompts they answer (by close wording)."""
    from rapidfuzz import fuzz

    stories = store.cards(deck=STORY_DECK_ID)
    behavioural = [c for c in store.cards(category=DECK_CATEGORY) if c.deck != STORY_DECK_ID]
    answered = {
        card.full_id: [
            story.full_id for story in stories
            if any(fuzz.token_set_ratio(card.prompt.lower(), p.lower()) >= MATCH_AT for p in story.all_prompts)
        ]
        for card in behavioural
    }
    return StoryCoverage(stories, behavioural, answered)


def _title(card: Card) -> str:
    first = card.answer.split("\n\n", 1)[0]
    return first[2:-2] if first.startswith("**") and first.endswith("**") else card.id


def known_prompts(store: Store) -> dict[str, str]:
    """Behavioural card ids -> prompts, so a story can name a prompt by its card id."""
    return {c.full_id: c.prompt for c in store.cards(category=DECK_CATEGORY) if c.deck != STORY_DECK_ID}


def write_story(store: Store, db_path: Path, text: str, now: datetime, *, card_id: str | None = None) -> Card:
    """Check a filled-in template and save it as a story card; the draft is dropped once saved.

    Raises StoryProblems (nothing written) when the story is incomplete."""
    from tpmdrill.stories import parse_story

    story = parse_story(text, known_prompts(store))
    card = save_story(store, stories_path(db_path), story, now, card_id=card_id)
    draft_path(db_path).unlink(missing_ok=True)
    return card
