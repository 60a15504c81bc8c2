"""How long-running core operations report progress without knowing about the terminal.

A core function takes a `Progress`; the CLI passes one that draws a bar, tests and
library callers pass nothing and get `quiet`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

Advance = Callable[[int], None]


class Progress(Protocol):
    def __call__(self, label: str, total: int) -> AbstractContextManager[Advance]:
        """A context for one task of `total` steps; the value it yields advances it by n."""
        ...


@contextmanager
def quiet(label: str, total: int) -> Iterator[Advance]:
    """Report nothing."""
    yield _ignore


def _ignore(_steps: int) -> None:
    return None
