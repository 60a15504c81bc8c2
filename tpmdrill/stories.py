"""The user's own stories: a STAR template to fill in, its validation, and the story card it becomes.

A story is written as plain text with `== Section ==` headings (see TEMPLATE). It becomes
a `story` card: its prompt rotates through the questions it answers, its model answer
is the story itself and its rubric is the key beats to remember. Everything a story
holds is kept in the card (competencies as tags, sections as headed paragraphs of the
answer), so the card can be opened for editing again from the deck file alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tpmdrill.decks import KEBAB, Card, RubricPoint
from tpmdrill.enums import CardKind
from tpmdrill.errors import TpmdrillError

STORY_DECK_ID = "my-stories"
CARD_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*")
STAR = ("situation", "task", "action", "result", "lesson")
SECTIONS = ("prompts", *STAR, "key beats")
HEAD_FIELDS = ("title", "competencies")
COMMON_COMPETENCIES = (
    "ownership", "conflict", "influence", "failure", "ambiguity", "prioritisation", "delivery",
    "technical-judgement", "stakeholders", "customer-focus", "leadership", "data-driven",
)
_STOPWORD_TEXT = (
    "a an and are as at be been but by for from had has have how i in into is it its me my of on or our so "
    "that the their them then there they this to was we were what when which who why will with would you "
    "your not no did do does than too very just also about after before over under more most less "
    "mention say said explain name named state stated show remember"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


class StoryProblems(TpmdrillError):
    """A story that cannot be saved yet; `problems` says what to fix, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the story is not complete: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Story:
    title: str
    competencies: tuple[str, ...]
    prompts: tuple[str, ...]
    sections: dict[str, str]  # situation, task, action, result, lesson -> text
    beats: tuple[tuple[str, tuple[str, ...]], ...]  # (beat, its keywords)


def template(unanswered: list[tuple[str, str]], competencies: tuple[str, ...] = COMMON_COMPETENCIES) -> str:
    """The text opened in $EDITOR for a new story. `unanswered` are (card id, prompt) of
    bundled behavioural prompts no story answers yet, offered as comments."""
    offered = "\n".join(f"# {card}: {prompt}" for card, prompt in unanswered[:15])
    return TEMPLATE.format(
        competencies=", ".join(competencies),
        offered=offered or "# (no bundled behavioural prompts to offer)",
    )


TEMPLATE = """\
# A story from your own career, in STAR form. Lines starting with '#' are ignored.
# Fill in every section; save and close the editor to check and store it.

Title:
Competencies:
# Comma-separated, e.g. {competencies}

== Prompts ==
# The interview questions this story answers, one per line (at least one). The drill
# asks them in turn. A bundled card id (deck/card) stands for its prompt; unanswered ones:
{offered}

== Situation ==
# Where, when, and what was at stake.

== Task ==
# What you had to achieve, and why it was yours.

== Action ==
# What *you* did (I, not we): the options, the trade-off you named, who you brought along.

== Result ==
# The outcome, with a number.

== Lesson ==
# What you learnt, and what you do differently since.

== Key beats ==
# One per line: what you must not forget to say. Optionally end a line with
# ':: word, other|synonym' to choose the words that show you said it.
"""


def parse_story(text: str, known_prompts: dict[str, str] | None = None) -> Story:
    """Read a filled-in template; raise StoryProblems naming every gap at once.
    `known_prompts` maps card ids to prompts, so a line 'behavioural/x' stands for one."""
    problems: list[str] = []
    head, sections = _split(text, problems)
    title = head.get("title", "")
    if not title:
        problems.append("give the story a title ('Title: ...')")
    competencies = tuple(_kebab(c) for c in head.get("competencies", "").split(",") if c.strip())
    if not competencies:
        problems.append("name at least one competency ('Competencies: ownership, conflict')")
    problems += [f"competency {c!r} must be words or kebab-case" for c in competencies if not KEBAB.match(c)]
    known = known_prompts or {}
    lines = _lines(sections.get("prompts", ""))
    problems += [f"prompt {line!r} looks like a card id, but no behavioural card has it" for line in lines
                 if CARD_ID.fullmatch(line) and line not in known]
    prompts = tuple(dict.fromkeys(known.get(line, line) for line in lines))
    if not prompts:
        problems.append("list at least one prompt the story answers under '== Prompts =='")
    star = {name: sections.get(name, "").strip() for name in STAR}
    problems += [f"write the {name} under '== {name.title()} =='" for name in STAR[:4] if not star[name]]
    beats = tuple(_beat(line, problems) for line in _lines(sections.get("key beats", "")))
    if not beats:
        problems.append("list at least one key beat under '== Key beats =='")
    problems += [f"unknown section '== {name} =='" for name in sections if name not in SECTIONS]
    if problems:
        raise StoryProblems(problems)
    return Story(title, tuple(dict.fromkeys(competencies)), prompts, star, beats)


def _split(text: str, problems: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    head: dict[str, str] = {}
    sections: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        heading = re.fullmatch(r"\s*==\s*(.+?)\s*==\s*", line)
        if heading:
            current = heading.group(1).lower()
            sections.setdefault(current, "")
        elif current is not None:
            sections[current] += line + "\n"
        elif line.partition(":")[0].strip().lower() in HEAD_FIELDS and ":" in line:
            key, _, value = line.partition(":")
            head[key.strip().lower()] = value.strip()
        elif line.strip():
            problems.append(f"{line.strip()[:40]!r} is outside any section: put it after 'Title:' or "
                            "'Competencies:' on the same line, or under a '== Section =='")
    return head, sections


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("-*• ").strip() for line in text.splitlines() if line.strip().lstrip("-*• ")]


def _kebab(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _beat(line: str, problems: list[str]) -> tuple[str, tuple[str, ...]]:
    beat, _, chosen = line.partition("::")
    keywords = tuple(k.strip() for k in chosen.split(",") if k.strip()) if chosen else _keywords(beat)
    if not keywords:
        problems.append(f"key beat {beat.strip()!r} has no word to listen for; add ':: word'")
    return beat.strip(), keywords


def _keywords(beat: str) -> tuple[str, ...]:
    """The beat's telling words: longest content words first, at most four."""
    words = [w for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9'-]*", beat) if w.lower() not in STOPWORDS]
    distinct = list(dict.fromkeys(w.lower() for w in words if len(w) > 2 or w.isupper()))
    return tuple(sorted(distinct, key=lambda w: (-len(w), distinct.index(w)))[:4])


# ---- a story as a card, and back ----------------------------------------------------


def story_card(story: Story, card_id: str) -> Card:
    rubric = tuple(
        RubricPoint(f"beat-{n}", beat, keywords, min_hits=max(1, (len(keywords) + 1) // 2))
        for n, (beat, keywords) in enumerate(story.beats, start=1)
    )
    return Card(
        deck=STORY_DECK_ID, id=card_id, kind=CardKind.STORY, prompt=story.prompts[0], minutes=5,
        tags=story.competencies, skills=(), answer=story_answer(story), rubric=rubric, prompts=story.prompts[1:],
    )


def story_answer(story: Story) -> str:
    parts = [f"**{story.title}**"]
    parts += [f"**{name.title()}.** {story.sections[name]}" for name in STAR if story.sections.get(name)]
    return "\n\n".join(parts)


def story_text(card: Card) -> str:
    """A saved story card as the template text, to edit it again."""
    title, sections = _answer_sections(card.answer)
    lines = [f"Title: {title}", f"Competencies: {', '.join(card.tags)}", "", "== Prompts ==", *card.all_prompts]
    for name in STAR:
        lines += ["", f"== {name.title()} ==", sections.get(name, "")]
    lines += ["", "== Key beats =="]
    lines += [f"- {p.point} :: {', '.join(p.keywords)}" for p in card.rubric]
    return "\n".join(lines) + "\n"


def _answer_sections(answer: str) -> tuple[str, dict[str, str]]:
    title = ""
    sections: dict[str, str] = {}
    for block in answer.split("\n\n"):
        match = re.match(r"\*\*(\w+)\.\*\* ", block)
        if match and match.group(1).lower() in STAR:
            sections[match.group(1).lower()] = block[match.end():]
        elif not title and block.startswith("**") and block.endswith("**"):
            title = block[2:-2]
        elif sections:  # a paragraph break inside the section before
            last = list(sections)[-1]
            sections[last] += "\n\n" + block
    return title, sections


def new_card_id(title: str, taken: set[str]) -> str:
    base = _kebab(title)[:48].strip("-") or "story"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
