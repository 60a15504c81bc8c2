from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tpmdrill.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
MINI_DECKS = FIXTURES / "decks"
LOOP_DECKS = FIXTURES / "loop"  # design cards with follow-ups, mixed difficulty, story cards


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the real home directory or a pinned clock it did not ask for."""
    db = tmp_path / "tpmdrill.db"
    monkeypatch.setenv("TPMDRILL_DB", str(db))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TPMDRILL_NOW", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return db


@pytest.fixture
def db_path(isolated_env: Path) -> Path:
    return isolated_env


Invoke = Callable[..., Result]


@pytest.fixture
def run() -> Invoke:
    """Invoke the CLI in-process; pass `input=`/`env=` through, never swallow a bug's traceback."""

    def invoke(*args: str, **kwargs: object) -> Result:
        runner = CliRunner()
        options: dict[str, object] = {"catch_exceptions": False, **kwargs}
        return runner.invoke(cli, list(args), prog_name="tpmdrill", **options)  # type: ignore[arg-type]

    return invoke


@pytest.fixture
def mini(run: Invoke) -> Invoke:
    """A database holding the bundled decks plus the small test deck `mini`."""
    result = run("decks", "add", str(MINI_DECKS))
    assert result.exit_code == 0, result.output
    return run
