"""The user's own stories: the STAR template, validation, the story deck and `tpmdrill story`."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Invoke
from tpmdrill.decks import load_deck
from tpmdrill.grading import grade
from tpmdrill.store import Store
from tpmdrill.stories import StoryProblems, new_card_id, parse_story, story_card, story_text, template
from tpmdrill.story_deck import coverage, save_story, stories_path

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BEHAVIOURAL = FIXTURES / "behavioural" / "beh-mini.toml"
STORY = """\
Title: Moving billing off the monolith
Competencies: technical judgement, Conflict
# a comment line is ignored

== Prompts ==
beh-mini/disagree-engineering
- Describe a risky migration you led.

== Situation ==
Our billing ran inside a ten-year-old monolith; every release risked invoices for 40,000 customers.

== Task ==
I owned the plan to move billing into its own service without missing an invoice run.

== Action ==
I pushed back on the big-bang rewrite and proposed a strangler migration with dual writes.

I named the trade-off: three extra months against a rollback path at every step.

== Result ==
We moved in four months with zero missed invoices; billing incidents fell by 60%.

== Lesson ==
I now write down the rollback path before choosing the migration shape.

== Key beats ==
- Strangler migration instead of a big-bang rewrite
- Named the trade-off: time against rollback safety :: trade-off, rollback
- Zero missed invoices, incidents down 60% :: zero missed invoices, 60%
"""
DISAGREE = "Tell me about a time you disagreed with engineering on a technical decision."
KNOWN = {"beh-mini/disagree-engineering": DISAGREE}
PLAIN_STORY = STORY.replace("beh-mini/disagree-engineering", DISAGREE)  # for a database without beh-mini


def test_a_complete_story_parses_into_a_story_card() -> None:
    story = parse_story(STORY, KNOWN)
    assert story.title == "Moving billing off the monolith"
    assert story.competencies == ("technical-judgement", "conflict")
    assert story.prompts == (KNOWN["beh-mini/disagree-engineering"], "Describe a risky migration you led.")
    assert story.beats[1] == ("Named the trade-off: time against rollback safety", ("trade-off", "rollback"))
    assert story.beats[0][1] == ("strangler", "migration", "big-bang", "instead")
    card = story_card(story, "billing")
    assert (card.kind, card.deck, card.prompt, card.prompts) == (
        "story", "my-stories", story.prompts[0], ("Describe a risky migration you led.",))
    assert card.tags == story.competencies
    assert [p.id for p in card.rubric] == ["beat-1", "beat-2", "beat-3"]
    assert "**Action.** I pushed back" in card.answer
    assert grade(card.rubric, card.answer).score == 1.0, "the story itself hits every beat"


def test_a_story_card_turns_back_into_the_same_story() -> None:
    card = story_card(parse_story(STORY, KNOWN), "billing")
    again = parse_story(story_text(card))
    assert story_card(again, "billing") == card


def test_every_gap_is_named_at_once() -> None:
    with pytest.raises(StoryProblems) as info:
        parse_story("Title:\n== Situation ==\nSomething.\n== Epilogue ==\nx\n")
    assert info.value.problems == [
        "give the story a title ('Title: ...')",
        "name at least one competency ('Competencies: ownership, conflict')",
        "list at least one prompt the story answers under '== Prompts =='",
        "write the task under '== Task =='",
        "write the action under '== Action =='",
        "write the result under '== Result =='",
        "list at least one key beat under '== Key beats =='",
        "unknown section '== epilogue =='",
    ]


def test_text_outside_the_sections_is_a_problem_not_lost() -> None:
    text = PLAIN_STORY.replace("Competencies: technical judgement, Conflict", "Competencies:\nconflict, ownership")
    with pytest.raises(StoryProblems) as info:
        parse_story(text)
    assert info.value.problems == [
        "'conflict, ownership' is outside any section: put it after 'Title:' or 'Competencies:' on the same "
        "line, or under a '== Section =='",
        "name at least one competency ('Competencies: ownership, conflict')",
    ]


def test_a_card_id_that_no_card_has_is_a_problem() -> None:
    with pytest.raises(StoryProblems) as info:
        parse_story(STORY, {})
    assert info.value.problems == [
        "prompt 'beh-mini/disagree-engineering' looks like a card id, but no behavioural card has it"]


def test_the_template_offers_unanswered_prompts_and_is_itself_incomplete() -> None:
    text = template([("beh-mini/failure", "Tell me about a project that failed.")])
    assert "# beh-mini/failure: Tell me about a project that failed." in text
    with pytest.raises(StoryProblems):
        parse_story(text)


def test_new_ids_never_collide() -> None:
    assert new_card_id("Moving billing!", set()) == "moving-billing"
    assert new_card_id("Moving billing!", {"moving-billing", "moving-billing-2"}) == "moving-billing-3"
    assert new_card_id("!!!", set()) == "story"


def test_saving_writes_a_valid_deck_and_loads_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    path = stories_path(tmp_path / "t.db")
    card = save_story(store, path, parse_story(STORY, KNOWN), NOW)
    assert load_deck(path).cards == (card,)
    assert store.card("my-stories/moving-billing-off-the-monolith") == card
    second = save_story(store, path, parse_story(STORY.replace("Title: Moving", "Title: Moving"), KNOWN), NOW)
    assert second.id == "moving-billing-off-the-monolith-2"
    assert [c.id for c in load_deck(path).cards] == [card.id, second.id]
    assert not list(tmp_path.glob(".stories.toml.*")), "no temporary file left behind"
    store.close()


def test_a_beat_the_story_never_tells_is_refused(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    text = STORY + "- Quoted the CFO's praise :: cfo\n"
    with pytest.raises(StoryProblems) as info:
        save_story(store, stories_path(tmp_path / "t.db"), parse_story(text, KNOWN), NOW)
    assert info.value.problems == [
        "key beat \"Quoted the CFO's praise\" is not in your story: tell it in the story, or choose its words "
        "with ':: word'"]
    assert not stories_path(tmp_path / "t.db").exists()
    store.close()


def test_coverage_finds_the_prompts_no_story_answers(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    store.sync_deck(load_deck(BEHAVIOURAL), NOW)
    save_story(store, stories_path(tmp_path / "t.db"), parse_story(STORY, KNOWN), NOW)
    found = coverage(store)
    assert found.competencies == ["conflict", "technical-judgement"]
    assert found.competencies_open == ["failure", "ambiguity"], "those beh-mini probes, in the usual order"
    assert [c.full_id for c in found.unanswered] == ["beh-mini/failure", "beh-mini/ambiguity"]
    assert found.answered["beh-mini/disagree-engineering"] == ["my-stories/moving-billing-off-the-monolith"]
    store.close()


# ---- the commands ------------------------------------------------------------------------


class Editor:
    """Stands in for click.edit: returns the scripted texts in turn, keeps what it was shown."""

    def __init__(self) -> None:
        self.script: list[str | None] = []
        self.shown: list[str] = []

    def __call__(self, text: str = "", **_: object) -> str | None:
        self.shown.append(text)
        return self.script.pop(0)


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch) -> Editor:
    fake = Editor()
    monkeypatch.setattr("click.edit", fake)
    return fake


def test_story_new_saves_a_card_that_story_list_shows(run: Invoke, db_path: Path, editor: Editor) -> None:
    assert run("decks", "add", str(BEHAVIOURAL)).exit_code == 0
    editor.script += [STORY]
    result = run("story", "new", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Saved my-stories/moving-billing-off-the-monolith: Tell me about a time")
    assert "# beh-mini/failure: Tell me about a project that failed." in editor.shown[0]
    listed = json.loads(run("story", "list", "--json").stdout)
    assert listed["competencies"] == ["conflict", "technical-judgement"]
    assert [u["card"] for u in listed["unanswered"]] == ["beh-mini/failure", "beh-mini/ambiguity"]
    assert listed["behavioural_prompts"] == 3
    assert listed["stories"][0]["title"] == "Moving billing off the monolith"
    human = run("story", "list").stdout
    assert "Behavioural prompts no story answers yet: 2 of 3\n  beh-mini/failure  Tell me about a project" in human
    deck = tomllib.loads((db_path.parent / "stories.toml").read_text(encoding="utf-8"))
    assert deck["deck"]["id"] == "my-stories"


def test_an_incomplete_story_is_edited_again_then_saved(run: Invoke, editor: Editor) -> None:
    editor.script += ["Title: Half a story\n", PLAIN_STORY]
    result = run("story", "new", input="\n", catch_exceptions=False)
    assert result.exit_code == 0
    assert "The story is not complete yet:\n  - name at least one competency" in result.stdout
    assert editor.shown[1] == "Title: Half a story\n", "the second edit starts from what was written"
    assert "Saved my-stories/" in result.stdout


def test_an_incomplete_story_can_be_kept_as_a_draft_and_continued(
    run: Invoke, db_path: Path, editor: Editor
) -> None:
    editor.script += ["Title: Half a story\n"]
    result = run("story", "new", input="d\n", catch_exceptions=False)
    assert result.exit_code == 0
    draft = db_path.parent / "story-draft.txt"
    assert draft.read_text(encoding="utf-8") == "Title: Half a story\n"
    assert f"Draft kept in {draft}" in result.stdout
    editor.script += [PLAIN_STORY]
    again = run("story", "new", catch_exceptions=False)
    assert again.stdout.startswith(f"Continuing your draft from {draft}.")
    assert editor.shown[-1] == "Title: Half a story\n"
    assert not draft.exists(), "the draft goes once its story is saved"


def test_input_ending_keeps_the_draft(run: Invoke, db_path: Path, editor: Editor) -> None:
    editor.script += ["Title: Half a story\n"]
    result = run("story", "new", input="")
    assert result.exit_code == 1
    draft = db_path.parent / "story-draft.txt"
    assert result.stderr == f"Error: input ended; the story is kept as a draft in {draft}\n"
    assert draft.read_text(encoding="utf-8") == "Title: Half a story\n"


def test_closing_the_editor_without_saving_writes_nothing(run: Invoke, db_path: Path, editor: Editor) -> None:
    editor.script += [None]
    result = run("story", "new", catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (0, "No changes saved in the editor; no story written.\n")
    assert not (db_path.parent / "stories.toml").exists()


def test_editing_a_story_keeps_its_reviews(run: Invoke, db_path: Path, editor: Editor) -> None:
    editor.script += [PLAIN_STORY]
    run("story", "new", catch_exceptions=False)
    card_id = "my-stories/moving-billing-off-the-monolith"
    assert run("review", card_id, "--rating", "good", catch_exceptions=False).exit_code == 0
    editor.script += [PLAIN_STORY.replace("fell by 60%", "fell by 60% within a quarter")]
    result = run("story", "edit", card_id, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "== Result ==\nWe moved in four months" in editor.shown[-1]
    view = json.loads(run("card", card_id, "--json").stdout)
    assert "within a quarter" in view["answer"]
    assert len(view["reviews"]) == 1
    assert len(load_deck(db_path.parent / "stories.toml").cards) == 1


def test_only_your_stories_can_be_edited(mini: Invoke) -> None:
    result = mini("story", "edit", "mini/idempotency")
    assert result.exit_code == 1
    assert result.stderr == "Error: 'mini/idempotency' is not one of your stories; 'tpmdrill story list' lists them\n"


def test_story_list_without_a_behavioural_deck(run: Invoke) -> None:
    result = run("story", "list", catch_exceptions=False)
    assert result.stdout == (
        "Your stories: 0\nCompetencies covered: none yet\n"
        "Competencies no story covers yet: ownership, conflict, influence, failure, ambiguity, prioritisation, "
        "delivery, technical-judgement, stakeholders, customer-focus, leadership, data-driven\n"
        "No behavioural deck is loaded, so there are no prompts to check your stories against.\n"
    )


@pytest.mark.parametrize("args", [["story"], ["story", "new"], ["story", "edit"], ["story", "list"]])
def test_every_story_command_has_help_with_an_example(run: Invoke, args: list[str]) -> None:
    result = run(*args, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_the_story_list_examples_run(run: Invoke) -> None:
    assert run("story", "list", catch_exceptions=False).exit_code == 0
    assert json.loads(run("story", "list", "--json", catch_exceptions=False).stdout)["stories"] == []
