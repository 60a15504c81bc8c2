"""The installed `tpmdrill drill` in a real terminal: tmux on a private socket."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import MINI_DECKS
from tpmdrill.store import Store

pytestmark = pytest.mark.e2e

DEADLINE_S = 30.0


class Terminal:
    """One tmux session on its own server, so nothing touches the user's tmux."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.socket_path: Path | None = None

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def start(self, command: str) -> None:
        self.tmux("new-session", "-d", "-s", "drill", "-x", "160", "-y", "60", command)
        self.tmux("set-option", "-t", "drill", "remain-on-exit", "on")
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-1000", "-t", "drill")

    def wait_for(self, text: str, *, after: str = "") -> str:
        """Poll the screen until `text` appears (after the last `after`), or fail at the deadline."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            screen = self.screen()
            tail = screen[screen.rfind(after):] if after else screen
            if text in tail:
                return screen
            if time.monotonic() > deadline or self.exited():
                pytest.fail(f"{text!r} never appeared on the terminal:\n{self.screen()}")
            time.sleep(0.05)

    def exited(self) -> bool:
        return self.tmux("display-message", "-p", "-t", "drill", "#{pane_dead}").strip() == "1"

    def type_line(self, text: str) -> None:
        if text:
            self.tmux("send-keys", "-t", "drill", "-l", text)
        self.tmux("send-keys", "-t", "drill", "Enter")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"tpmdrill-test-{uuid.uuid4().hex[:12]}")
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, check=False)
        if term.socket_path is not None:  # tmux can leave the socket file behind
            term.socket_path.unlink(missing_ok=True)


def test_drill_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    installed = shutil.which("tpmdrill")
    assert installed is not None, "tpmdrill is not installed on PATH"
    db = tmp_path / "e2e.db"
    env = {"TPMDRILL_DB": str(db), "TPMDRILL_NOW": "2025-03-01T09:00:00+00:00"}
    subprocess.run([installed, "decks", "add", str(MINI_DECKS)], env={**os.environ, **env}, check=True,
                   capture_output=True)
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # A terminal as a user has it: colour allowed, the test suite's NO_COLOR removed.
    terminal.start(f"env -u NO_COLOR {assignments} {shlex.quote(installed)} drill --deck mini")

    terminal.wait_for("Learn 2 new cards now? [Y/n]")
    terminal.type_line("")
    terminal.wait_for("Explain idempotency to an engineer.")
    terminal.type_line("Repeating the call has the same effect, so a retry is safe.")
    terminal.type_line("Clients send an idempotency key.")
    terminal.type_line(".")
    terminal.wait_for("Enter: accept easy")
    terminal.type_line("")
    terminal.wait_for("Write your answer", after="Card 2/2")
    terminal.type_line("q")
    screen = terminal.wait_for("Session: 1 card in")

    assert "✔ 1. Repeating the call has the same effect as doing it once (required)" in screen
    assert "Next review in " in screen
    store = Store.open(db)
    try:
        [review] = store.history("mini/idempotency")
        assert (review["rating"], review["suggested"], review["mode"]) == (4, 4, "drill")
        assert [p["hit"] for p in review["points"]] == [True, True]
        assert store.history("mini/ride-sharing") == []
    finally:
        store.close()


def test_a_live_mock_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    """A short system-design mock: the clocks on screen, an answer typed, the follow-ups
    asked, the grading confirmed at the end, the reviews stored with mode mock."""
    from tests.conftest import LOOP_DECKS
    from tpmdrill.decks import load_decks
    from tpmdrill.mock import choose

    installed = shutil.which("tpmdrill")
    assert installed is not None, "tpmdrill is not installed on PATH"
    db = tmp_path / "e2e.db"
    env = {"TPMDRILL_DB": str(db), "TPMDRILL_NOW": "2025-03-01T09:00:00+00:00"}
    subprocess.run([installed, "decks", "add", str(LOOP_DECKS)], env={**os.environ, **env}, check=True,
                   capture_output=True)
    store = Store.open(db)
    try:
        moment = datetime.fromisoformat(env["TPMDRILL_NOW"])
        assert load_decks([LOOP_DECKS])
        seed = next(s for s in range(300) if choose(store, moment, minutes=24, seed=s, focus="even",
                                                     round="system-design").questions[0].card.id == "chat-design")
    finally:
        store.close()
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    terminal.start(f"env -u NO_COLOR {assignments} {shlex.quote(installed)} mock --live --round system-design "
                   f"--minutes 24 --seed {seed} --focus even")

    terminal.wait_for("Design a group chat service for a mid-sized company.")
    terminal.wait_for("Q1/1 · ")  # the clock line the ticker keeps at the top
    screen = terminal.wait_for("left of 24:00 · total ")
    assert "[24:00 left of 24:00] > " in screen or "left of 24:00] > " in screen
    terminal.type_line("Clients keep a websocket to a gateway; messages are stored in a database")
    terminal.type_line("partitioned by channel.")
    terminal.wait_for("23:5", after="Q1/1 · ")  # the countdown moves on its own
    terminal.type_line(".")
    terminal.wait_for("Interviewer follows up: A channel has 50,000 members.")
    terminal.type_line("Fan out on read for the biggest channels.")
    terminal.type_line(".")
    terminal.wait_for("Interviewer follows up: Messages must never be lost.")
    terminal.type_line("Acks from the client and retries, with idempotent delivery.")
    terminal.type_line(".")
    terminal.wait_for("Enter: accept", after="Time's up.")
    screen = terminal.screen()
    assert "✔ 1. Keeps persistent connections (WebSockets) through a gateway" in screen
    assert "✔ 3. Fans out on read for very large channels" in screen
    terminal.type_line("")
    screen = terminal.wait_for("Score per category: System design 100%", after="Mock summary")
    assert "1. loop/chat-design  0:0" in screen and " / 24:00  100%  easy" in screen

    store = Store.open(db)
    try:
        [review] = store.history("loop/chat-design")
        assert review["mode"] == "mock"
        assert [p["hit"] for p in sorted(review["points"], key=lambda p: p["point"])] == [True, True, True, True]
    finally:
        store.close()
