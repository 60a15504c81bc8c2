"""The generated parts of the docs match the code: the CLI reference, and the README's
module map and index of behaviours (cog regenerates both; see README "Development")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("document", ["README.md", "docs/cli.md"])
def test_generated_docs_are_current(document: str) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", document], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"run 'cog -r {document}': {result.stdout}{result.stderr}"
