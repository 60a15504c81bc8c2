"""Shell completion of card ids, deck ids and config keys, through click's own completion
machinery (the `_TPMDRILL_COMPLETE` protocol the README's shell lines use)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import Invoke
from tpmdrill.cli import cli
from tpmdrill.store.lookup import card_names, deck_names


def complete(line: str, shell: str = "bash", **env: str) -> list[str]:
    """What the shell would be offered for the last word of `line` (a trailing space:
    a new, empty word), as click prints it for `shell`."""
    words = line.split()
    cword = str(len(words) if line.endswith(" ") else len(words) - 1)
    if shell == "fish":  # fish passes the word being completed itself, not its position
        cword = "" if line.endswith(" ") else words[-1]
    result = CliRunner().invoke(cli, [], prog_name="tpmdrill", env={
        "_TPMDRILL_COMPLETE": f"{shell}_complete", "COMP_WORDS": line, "COMP_CWORD": cword, **env,
    }, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout.splitlines()


def bash_values(line: str, **env: str) -> list[str]:
    lines = [entry for entry in complete(line, **env) if entry]  # nothing to offer: one empty line
    assert all(entry.startswith("plain,") for entry in lines), lines
    return [entry.removeprefix("plain,") for entry in lines]


@pytest.fixture
def loaded(run: Invoke) -> Invoke:
    assert run("decks", "list").exit_code == 0  # the bundled decks, in the database
    return run


def test_card_ids_complete_for_every_command_that_takes_one(loaded: Invoke) -> None:
    for command in ("card", "grade", "review", "sql", "drill --card"):
        assert bash_values(f"tpmdrill {command} api-design/idem") == ["api-design/idempotency-keys"], command
    assert "data/sql-orders-per-month" in bash_values("tpmdrill sql data/sql-")


def test_a_short_id_completes_to_the_full_ids_it_names(loaded: Invoke) -> None:
    assert bash_values("tpmdrill card idempoten") == ["api-design/idempotency-keys", "data/idempotent-backfill"]


def test_deck_ids_complete_for_the_deck_options(loaded: Invoke) -> None:
    for command in ("cards", "drill", "export"):
        assert bash_values(f"tpmdrill {command} --deck sys") == ["system-design"], command
    every = bash_values("tpmdrill cards --deck ")
    assert {"api-design", "data", "system-design", "trade-offs"} <= set(every)


def test_config_keys_complete_from_the_settings_registry(run: Invoke, db_path: Path) -> None:
    from tpmdrill.settings import PUBLIC_SETTINGS

    assert bash_values("tpmdrill config set desired") == ["desired_retention"]
    assert bash_values("tpmdrill config get ") == list(PUBLIC_SETTINGS)
    assert "fsrs_parameters" not in bash_values("tpmdrill config set f")  # internal: config set refuses it
    assert not db_path.exists()  # settings need no database


def test_zsh_and_fish_get_each_id_with_what_it_is(loaded: Invoke) -> None:
    zsh = complete("tpmdrill card api-design/idem", "zsh")
    assert zsh[:2] == ["plain", "api-design/idempotency-keys"]
    assert zsh[2].startswith("Explain idempotency to an engineer new to API work")
    assert len(zsh[2]) <= 70
    fish = complete("tpmdrill drill --deck sys", "fish")
    assert fish == ["plain,system-design\tSystem design"]


def test_db_typed_on_the_line_is_the_one_read(loaded: Invoke, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert loaded("--db", str(other), "decks", "add", str(Path("tests/fixtures/decks").resolve())).exit_code == 0
    assert bash_values(f"tpmdrill --db {other} card mini/") == ["mini/idempotency", "mini/ride-sharing"]
    assert bash_values("tpmdrill card mini/") == []


def test_no_database_yet_offers_nothing_and_creates_nothing(db_path: Path) -> None:
    assert bash_values("tpmdrill card api") == []
    assert bash_values("tpmdrill drill --deck ") == []
    assert not db_path.exists()
    assert list(db_path.parent.glob("*.db*")) == []


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x07" * 500])
def test_a_file_that_is_not_a_database_offers_nothing(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    assert bash_values("tpmdrill card api") == []
    assert db_path.read_bytes() == content


def test_completion_reads_without_writing_or_leaving_files(loaded: Invoke, db_path: Path) -> None:
    before = db_path.read_bytes()
    files = sorted(db_path.parent.iterdir())
    assert bash_values("tpmdrill card api-design/idem") == ["api-design/idempotency-keys"]
    assert db_path.read_bytes() == before
    assert sorted(db_path.parent.iterdir()) == files  # no -wal or -shm left beside it


def test_completion_imports_none_of_the_heavy_libraries(loaded: Invoke, db_path: Path) -> None:
    script = (
        "import os, sys\n"
        "os.environ.update(_TPMDRILL_COMPLETE='bash_complete', COMP_WORDS='tpmdrill card api-design/idem',"
        " COMP_CWORD='2')\n"
        "from tpmdrill.cli import cli\n"
        "try:\n"
        "    cli(prog_name='tpmdrill')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('fsrs', 'rapidfuzz', 'jinja2', 'rich', 'sqlite_utils', 'numpy', 'wordllama', 'markdown_it')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={"TPMDRILL_DB": str(db_path), "PATH": "/usr/bin:/bin", "HOME": str(db_path.parent)})
    assert done.stdout.splitlines() == ["plain,api-design/idempotency-keys", "[]"]


def test_lookups_match_by_prefix_and_skip_retired_cards(run: Invoke, db_path: Path, tmp_path: Path) -> None:
    deck = tmp_path / "d.toml"
    body = '[deck]\nid = "d"\ntitle = "D"\ncategory = "data"\n'
    card = '[[card]]\nid = "{0}"\nkind = "concept"\nprompt = "Why {0}?"\nanswer = "Because."\n'
    deck.write_text(body + card.format("alpha") + card.format("alps"))
    assert run("decks", "add", str(deck)).exit_code == 0
    assert [n.value for n in card_names(db_path, "d/al")] == ["d/alpha", "d/alps"]
    assert card_names(db_path, "d/alp")[1].help == "Why alps?"
    deck.write_text(body + card.format("alpha"))
    assert run("decks", "add", str(deck)).exit_code == 0  # alps is retired now
    assert [n.value for n in card_names(db_path, "alp")] == ["d/alpha"]
    assert [n.value for n in deck_names(db_path, "d")][:1] == ["d"]
    assert card_names(db_path, "%") == [] and card_names(db_path, "_") == []  # no LIKE wildcards
    assert card_names(tmp_path / "missing.db", "") == []


@pytest.mark.e2e
def test_the_readme_bash_line_completes_in_a_real_bash(loaded: Invoke, db_path: Path) -> None:
    import os
    import shutil

    installed = shutil.which("tpmdrill")
    assert installed is not None, "tpmdrill is not installed on PATH"
    script = (
        'eval "$(_TPMDRILL_COMPLETE=bash_source tpmdrill)"\n'
        "complete -p tpmdrill\n"
        "COMP_WORDS=(tpmdrill card idempoten); COMP_CWORD=2; _tpmdrill_completion tpmdrill\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "TPMDRILL_DB": str(db_path), "PATH": f"{Path(installed).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.splitlines() == [
        "complete -o nosort -F _tpmdrill_completion tpmdrill",
        "api-design/idempotency-keys", "data/idempotent-backfill",
    ]
