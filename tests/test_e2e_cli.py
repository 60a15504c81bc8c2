"""The installed `tpmdrill` command, run as a user would, in a separate process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tpmdrill.decks import CATEGORIES

pytestmark = pytest.mark.e2e


def tpmdrill(*args: str, env: dict[str, str], input: str | None = None) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("tpmdrill")
    assert executable, "the package must be installed: pip install -e '.[dev]'"
    return subprocess.run([executable, *args], env=env, input=input, capture_output=True, text=True, timeout=60)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, TPMDRILL_DB=str(tmp_path / "e2e.db"), TPMDRILL_NOW="2026-01-05T08:00:00+00:00")


def test_a_first_day_from_the_shell(env: dict[str, str], tmp_path: Path) -> None:
    decks = json.loads(tpmdrill("decks", "list", "--json", env=env).stdout)
    categories = {deck["category"] for deck in decks}
    assert {"api-design", "system-design", "trade-offs", "data"} <= categories <= set(CATEGORIES)
    card = json.loads(tpmdrill("cards", "--kind", "concept", "--json", env=env).stdout)[0]["id"]

    graded = tpmdrill("grade", card, "--answer-file", "-", "--json", env=env, input="I am not sure.")
    assert graded.returncode == 0, graded.stderr
    assert json.loads(graded.stdout)["suggested_rating"] == "again"

    recorded = tpmdrill("review", card, "--rating", "again", env=env)
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout.startswith(f"Recorded again for {card}; next review in 1 minute")

    later = dict(env, TPMDRILL_NOW="2026-01-05T08:05:00+00:00")
    due = json.loads(tpmdrill("due", "--json", env=later).stdout)
    assert [row["card"] for row in due["due"]] == [card]


def test_errors_are_one_line_without_traceback(env: dict[str, str]) -> None:
    result = tpmdrill("review", "nope/nope", "--rating", "good", env=env)
    assert result.returncode == 1
    assert result.stderr == "Error: no card 'nope/nope'; 'tpmdrill cards' lists card ids (deck/card)\n"
    usage = tpmdrill("review", "nope/nope", "--rating", "superb", env=env)
    assert usage.returncode == 2
    assert usage.stderr.count("\n") == 1 and "Traceback" not in usage.stderr
