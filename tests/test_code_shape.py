"""The size limits of COMMON/STYLE, checked over the source with `ast`: no module over
500 lines, no class over 300, no function over 40. Shipped migrations are excepted:
they are never edited, so they are never split either."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tpmdrill"
LIMITS = {"module": 500, "class": 300, "function": 40}
MIGRATION = re.compile(r"^m\d{3}_")


def sizes() -> list[tuple[str, str, int]]:
    """(kind, name, lines) of every module, class and function in tpmdrill/."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PACKAGE.parent))
        found.append(("module", name, len(text.splitlines())))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                found.append(("class", f"{name}:{node.name}", node.end_lineno - node.lineno + 1))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if path.name == "migrations.py" and MIGRATION.match(node.name):
                    continue
                found.append(("function", f"{name}:{node.name}", node.end_lineno - node.lineno + 1))
    return found


def test_no_module_class_or_function_is_over_its_limit() -> None:
    over = [f"{kind} {name}: {lines} lines (limit {LIMITS[kind]})"
            for kind, name, lines in sizes() if lines > LIMITS[kind]]
    assert not over, "\n".join(over)


def test_the_walk_sees_every_kind() -> None:
    kinds = {kind for kind, _, _ in sizes()}
    assert kinds == set(LIMITS)
    assert any(name.endswith("store/connection.py:StoreBase") for _, name, _ in sizes())
