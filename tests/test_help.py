"""Every command has help, every leaf command an `Example:` block, and every example runs.

Commands are found by walking the CLI, so a new command is covered without editing
this file. The examples run in a shell (they use pipes, `~` and `$(date)`) in the
order `tpmdrill --help` lists commands, against one fresh database (holding a
synthetic history long enough for `optimize`), in a folder that holds the files they
name; each must exit 0. Interactive ones read "s" (skip) lines, then end of input.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from tpmdrill.cli import cli
from tpmdrill.store import Store

from .anki_helpers import anki_collection, answer, export_colpkg, import_package
from .conftest import MINI_DECKS, Invoke
from .synthetic_history import fill, histories

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-25T08:00:00+00:00"  # before the interview date the examples set


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command below `group`, groups included, in the order help lists them."""
    context = click.Context(group)
    paths: list[tuple[str, ...]] = []
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


def help_text(path: tuple[str, ...]) -> str:
    result = subprocess.run(  # the installed command, as a user sees it
        [sys.executable, "-m", "tpmdrill", *path, "--help"], capture_output=True, text=True, check=True
    )
    return result.stdout


def examples(text: str) -> list[str]:
    """The commands of a help text's `Example:`/`Examples:` block (an aside after two
    spaces, as in `tpmdrill report     writes ...`, is not part of the command)."""
    found: list[str] = []
    in_block = False
    for line in text.splitlines():
        if re.match(r"^\s*Examples?:\s*$", line):
            in_block = True
        elif in_block and line.strip().startswith(("tpmdrill ", "echo ")):
            found.append(re.split(r"\s{2,}", line.strip())[0])
        elif in_block and line.strip():
            in_block = False
    return found


def test_the_walk_finds_every_command_and_group() -> None:
    paths = command_paths()
    assert len(paths) >= 20
    assert ("interview", "set") in paths and ("decks", "validate") in paths and ("config",) in paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help_and_every_leaf_an_example(run: Invoke, path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    context = click.Context(cli)
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(context, name)
    assert command is not None and command.help, f"{' '.join(path)} has no help"
    if not isinstance(command, click.Group):
        assert examples(result.stdout), f"{' '.join(path)} --help has no Example: block"


CARD_COMMANDS = {("card",), ("grade",), ("review",), ("sql",), ("story", "edit")}  # CARD_ID comes next
ID_TOKEN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_TOKEN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?$")  # not a CARD placeholder


def bundled_ids() -> tuple[set[str], set[str], dict[str, int]]:
    """The bundled decks' ids, their cards' full ids, and how many cards have each own id."""
    from tpmdrill.decks import load_decks
    from tpmdrill.paths import bundled_decks_dir

    decks = load_decks([bundled_decks_dir()])
    cards = {card.full_id for deck in decks for card in deck.cards}
    own: dict[str, int] = {}
    for card in cards:
        own[card.split("/")[1]] = own.get(card.split("/")[1], 0) + 1
    return {deck.id for deck in decks}, cards, own


def named_ids(line: str) -> tuple[list[str], list[str]]:
    """The card ids and deck ids an example command names (CARD_ID arguments, --card,
    --deck, and anything shaped deck/card)."""
    import itertools
    import shlex

    text = line.split("|")[-1].split("  #")[0]
    try:
        words = shlex.split(text)
    except ValueError:  # prose in a document, with an apostrophe
        words = text.replace("`", " ").split()
    cards = [w for w in words if ID_TOKEN.match(w)]
    decks = [after for before, after in itertools.pairwise(words) if before == "--deck"]
    cards += [after for before, after in itertools.pairwise(words) if before == "--card"]
    if "tpmdrill" in words:
        rest = [w for w in words[words.index("tpmdrill") + 1:] if not w.startswith("-")]
        for command in CARD_COMMANDS:
            if tuple(rest[:len(command)]) == command and len(rest) > len(command):
                cards.append(rest[len(command)])
    return [c for c in cards if NAME_TOKEN.match(c)], [d for d in decks if NAME_TOKEN.match(d)]


def misnamed(line: str, decks: set[str], cards: set[str], own: dict[str, int]) -> list[str]:
    """What `line` names that is not exactly a bundled card or deck (ids of other decks,
    such as your own stories, cannot be checked and are let through)."""
    named_cards, named_decks = named_ids(line)
    wrong = [c for c in named_cards if ("/" in c and c.split("/")[0] in decks and c not in cards)
             or ("/" not in c and own.get(c) != 1)]
    return wrong + [d for d in named_decks if d not in decks]


def test_every_card_and_deck_an_example_names_exists_exactly() -> None:
    """Examples name real cards: a full id, or (to show the short form) an own id only one
    card has. A near miss such as api-design/idempotency would still run, resolved as a
    prefix, so it is caught here rather than by running it. The README and docs/ too."""
    decks, cards, own = bundled_ids()
    texts = [example for path in command_paths() for example in examples(help_text(path))]
    for doc in (REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))):
        texts += [line.replace('"', " ").replace(",", " ") for line in doc.read_text(encoding="utf-8").splitlines()
                  if "tpmdrill " in line or '"card"' in line or line.startswith("card = ")]
    wrong = [f"{text}: {', '.join(bad)}" for text in texts if (bad := misnamed(text, decks, cards, own))]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("line", [
    "tpmdrill card api-design/idempotency",  # the near misses issue 17 found in help texts
    "tpmdrill review data/ab-test-design --rating good",
    "tpmdrill grade data/conversion-by-variant --answer-file a.md",
    "tpmdrill drill --card idempotency",
    "tpmdrill cards --deck api",
    'card = "system-design/url-shortener"',
])
def test_the_check_catches_near_misses(line: str) -> None:
    assert misnamed(line.replace('"', " "), *bundled_ids())


def sandbox(root: Path) -> dict[str, str]:
    """A home and a working folder holding what the examples name; their environment."""
    home, work = root / "home", root / "work"
    (home / "Backups").mkdir(parents=True)
    (work / "decks").mkdir(parents=True)
    shutil.copytree(MINI_DECKS, work / "my-decks")
    shutil.copy(REPO / "decks" / "api-design.toml", work / "decks")
    (work / "answer.md").write_text("Same result on retry: an idempotency key, a control group and a metric.\n")
    (work / "ratings.toml").write_text('sql = 2\napi-design = 4\ncaching = "skip"\n')
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "HOME": str(home), "TPMDRILL_NOW": NOW, "TPMDRILL_DB": str(root / "fresh.db"),
           "PATH": path, "NO_COLOR": "1"}
    store = Store.open(root / "fresh.db")
    fill(store, histories(120, 6, seed=4))
    for other in (home / "laptop2-tpmdrill.db", home / "Backups" / "tpmdrill-2026-01-31.db"):
        store.backup_to(other)  # what `merge` and `restore` read: the same history
    anki_export(store, home / "Downloads" / "collection.colpkg")  # what `import anki` reads
    store.close()
    env["SANDBOX"] = str(work)
    return env


def anki_export(store: Store, target: Path) -> None:
    """A collection package as Anki writes it after a review of one of tpmdrill's notes."""
    from datetime import datetime

    from tpmdrill.anki import export_apkg

    target.parent.mkdir(parents=True)
    package = target.with_name("tpmdrill.apkg")
    export_apkg(store, package, datetime.fromisoformat(NOW))
    with anki_collection(target.with_name("collection.anki2")) as collection:
        import_package(collection, package)
        answer(collection, store.cards()[0].full_id, [(datetime.fromisoformat(NOW), 3, 9000)])
        export_colpkg(collection, target)


def write_verdicts(env: dict[str, str]) -> None:
    """The interviewer's file for the newest sheet the `mock` examples made: what a
    friend would fill in after the mock (its first question, rated good)."""
    store = Store.open(Path(env["TPMDRILL_DB"]))
    try:
        sheet = store.latest_unrecorded_sheet()
        assert sheet is not None, "the mock examples made no sheet to record"
        first = store.mock_questions(sheet)[0].card
    finally:
        store.close()
    Path(env["SANDBOX"], "verdicts.toml").write_text(f'[[questions]]\ncard = "{first}"\nrating = "good"\n')


@pytest.mark.e2e
def test_every_example_in_every_help_runs(tmp_path: Path) -> None:
    env = sandbox(tmp_path)
    if shutil.which("tpmdrill", path=env["PATH"]) is None:
        pytest.fail("the tpmdrill command is not installed next to this Python")
    failures = []
    for path in command_paths():
        if path == ("mock", "record"):
            write_verdicts(env)
        for line in examples(help_text(path)):
            done = subprocess.run(["bash", "-c", line], env=env, cwd=env["SANDBOX"], capture_output=True,
                                  text=True, input="s\n" * 40, timeout=300)
            if done.returncode != 0:
                failures.append(f"{line}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    assert not failures, "\n".join(failures)
