"""Issue 14 in a real terminal: a story written with a scripted $EDITOR is served by the
next drill, and a drill asks a follow-up and records both sets of verdicts."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.test_e2e_tmux import Terminal, terminal  # noqa: F401 - the fixture is used by name
from tests.test_stories import PLAIN_STORY
from tpmdrill.store import Store

pytestmark = pytest.mark.e2e

NOW = "2025-03-01T09:00:00+00:00"


def installed() -> str:
    found = shutil.which("tpmdrill")
    assert found is not None, "tpmdrill is not installed on PATH"
    return found


def command(env: dict[str, str], line: str) -> str:
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return f"env -u NO_COLOR {assignments} sh -c {shlex.quote(line)}"


def test_story_new_makes_a_card_the_next_drill_serves(terminal: Terminal, tmp_path: Path) -> None:  # noqa: F811
    story_file = tmp_path / "story.txt"
    story_file.write_text(PLAIN_STORY, encoding="utf-8")
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\ncp {shlex.quote(str(story_file))} \"$1\"\n", encoding="utf-8")
    editor.chmod(0o755)
    db = tmp_path / "e2e.db"
    env = {"TPMDRILL_DB": str(db), "TPMDRILL_NOW": NOW, "EDITOR": str(editor), "VISUAL": str(editor)}
    tpm = shlex.quote(installed())
    terminal.start(command(env, f"{tpm} story new && {tpm} drill"))  # a plain drill, every deck loaded

    terminal.wait_for("Saved my-stories/moving-billing-off-the-monolith")
    terminal.wait_for("new cards now? [Y/n]")
    terminal.type_line("")
    terminal.wait_for("Tell me about a time you disagreed with engineering on a technical decision.")
    terminal.type_line("I pushed for a strangler migration, not a big-bang rewrite, with a rollback path.")
    terminal.type_line("Zero missed invoices; incidents fell 60%.")
    terminal.type_line(".")
    terminal.wait_for("Enter: accept")
    terminal.type_line("")
    terminal.wait_for("Write your answer", after="Card 2/")
    terminal.type_line("q")
    screen = terminal.wait_for("Session: 1 card in")

    assert "Card 1/5 · my-stories/moving-billing-off-the-monolith · behavioural · story, 5 min" in screen
    assert "✔ 1. Strangler migration instead of a big-bang rewrite" in screen
    assert "Situation. Our billing ran inside a ten-year-old monolith" in screen  # rendered Markdown
    assert (db.parent / "stories.toml").exists()
    store = Store.open(db)
    try:
        [review] = store.history("my-stories/moving-billing-off-the-monolith")
        assert review["mode"] == "drill"
        assert sorted(p["point"] for p in review["points"]) == ["beat-1", "beat-2", "beat-3"]
    finally:
        store.close()


def test_a_drill_asks_a_follow_up_and_records_both_verdicts(terminal: Terminal, tmp_path: Path) -> None:  # noqa: F811
    db = tmp_path / "e2e.db"
    env = {"TPMDRILL_DB": str(db), "TPMDRILL_NOW": NOW}
    subprocess.run([installed(), "decks", "add", str(FIXTURES / "follow_ups")], env={**os.environ, **env},
                   check=True, capture_output=True)
    terminal.start(command(env, f"{shlex.quote(installed())} drill --deck fu"))

    terminal.wait_for("Learn 1 new card now? [Y/n]")
    terminal.type_line("")
    terminal.wait_for("Design the checkout of an online shop.")
    terminal.type_line("A cart service hands the order to an order service, which calls the payment provider")
    terminal.type_line("with an idempotency key.")
    terminal.type_line(".")
    terminal.wait_for("Traffic triples on Black Friday. What changes?")
    terminal.type_line("Autoscale ahead of the day and queue orders behind a buffer.")
    terminal.type_line(".")
    terminal.wait_for("Enter: accept easy")
    terminal.type_line("")
    screen = terminal.wait_for("Session: 1 card in")

    assert "✔ 3. Scales out ahead of the peak" in screen
    assert "✔ 4. Queues orders to absorb the burst" in screen
    store = Store.open(db)
    try:
        [review] = store.history("fu/checkout")
        assert (review["rating"], review["suggested"]) == (4, 4)
        assert sorted((p["point"], p["hit"]) for p in review["points"]) == [
            ("autoscaling", True), ("idempotency", True), ("queue", True), ("services", True)]
    finally:
        store.close()
