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


def _start_mini_drill(terminal: Terminal, tmp_path: Path) -> Path:
    """`tpmdrill drill --deck mini` started in the terminal on a fresh database with the
    mini decks; returns the database."""
    installed = shutil.which("tpmdrill")
    assert installed is not None, "tpmdrill is not installed on PATH"
    db = tmp_path / "e2e.db"
    env = {"TPMDRILL_DB": str(db), "TPMDRILL_NOW": "2025-03-01T09:00:00+00:00"}
    subprocess.run([installed, "decks", "add", str(MINI_DECKS)], env={**os.environ, **env}, check=True,
                   capture_output=True)
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # A terminal as a user has it: colour allowed, the test suite's NO_COLOR removed.
    terminal.start(f"env -u NO_COLOR {assignments} {shlex.quote(installed)} drill --deck mini")
    return db


def test_drill_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    db = _start_mini_drill(terminal, tmp_path)

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


def _bundled_env(tmp_path: Path) -> tuple[str, dict[str, str]]:
    installed = shutil.which("tpmdrill")
    assert installed is not None, "tpmdrill is not installed on PATH"
    env = {"TPMDRILL_DB": str(tmp_path / "e2e.db"), "TPMDRILL_NOW": "2025-03-01T09:00:00+00:00"}
    subprocess.run([installed, "due"], env={**os.environ, **env}, check=True, capture_output=True)
    return installed, env


def test_sql_drill_shows_tables_then_revises_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    installed, env = _bundled_env(tmp_path)
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    terminal.start(f"env -u NO_COLOR {assignments} {shlex.quote(installed)} drill --deck data --kind sql")

    terminal.wait_for("Learn ")
    terminal.type_line("")
    screen = terminal.wait_for("Write your query")
    assert screen.index("orders(order_id INTEGER") < screen.index("Write your query")
    assert "2024-01-02 10:00:00" in screen
    terminal.type_line("SELECT strftime('%Y-%m', order_ts), COUNT(*), SUM(amount) FROM orders GROUP BY 1")
    terminal.type_line(".")
    terminal.wait_for("r: revise the query")
    terminal.type_line("r")
    terminal.wait_for("Revise the query")
    terminal.type_line("SELECT strftime('%Y-%m', order_ts), COUNT(*), SUM(amount) FROM orders")
    terminal.type_line("WHERE status = 'completed' GROUP BY 1")
    terminal.type_line(".")
    screen = terminal.wait_for("Enter: accept", after="Attempt 2:")
    assert "✔ Correct: the query returns the expected 2 rows." in screen[screen.rfind("Attempt 2:"):]
    terminal.type_line("3")
    terminal.wait_for("Write your query", after="Card 2/")
    terminal.type_line("q")
    terminal.wait_for("Session: 1 card in")
    store = Store.open(Path(env["TPMDRILL_DB"]))
    try:
        [review] = store.history("data/sql-orders-per-month")
        assert (review["rating"], review["attempts"]) == (3, 2)
        assert review["answer"].endswith("WHERE status = 'completed' GROUP BY 1")
    finally:
        store.close()


def test_sql_prompt_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    installed, env = _bundled_env(tmp_path)
    db = Path(env["TPMDRILL_DB"])
    before = db.read_bytes()
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    terminal.start(f"env -u NO_COLOR {assignments} {shlex.quote(installed)} sql data/sql-orders-per-month")

    terminal.wait_for("sql> ")
    # tmux reads a ';' that ends an argument as its own command separator: each query
    # below ends with '; ' instead.
    terminal.type_line(".schema")
    terminal.wait_for("order_items(order_id INTEGER, product_id INTEGER, quantity INTEGER)")
    terminal.type_line(".tables")
    terminal.wait_for("order_items  (27 rows)")
    terminal.tmux("send-keys", "-t", "drill", "Up")  # readline: the previous line comes back
    terminal.type_line("")
    deadline = time.monotonic() + DEADLINE_S
    while terminal.screen().count("order_items  (27 rows)") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert terminal.screen().count("order_items  (27 rows)") == 2
    terminal.type_line("SELECT status, COUNT(*) AS n")
    terminal.wait_for("...> ")
    terminal.type_line("FROM orders GROUP BY status ORDER BY n DESC; ")
    terminal.wait_for("(3 rows)")
    terminal.type_line("ATTACH DATABASE '/tmp/x.db' AS x; ")
    terminal.wait_for("Error: not allowed in an answer: ATTACH")
    terminal.type_line("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c; ")
    terminal.wait_for("Error: the query ran longer than 2 s")
    terminal.type_line("SELECT strftime('%Y-%m', order_ts) AS month, COUNT(*), SUM(amount) FROM orders")
    terminal.type_line("WHERE status = 'completed' GROUP BY 1; ")
    terminal.wait_for("(2 rows)", after="WHERE status")
    terminal.type_line("submit")
    terminal.wait_for("Record it as a review?")
    screen = terminal.screen()
    assert "✔ Correct: the query returns the expected 2 rows." in screen
    assert "Traceback" not in screen
    terminal.type_line("n")
    terminal.wait_for("Not recorded")
    terminal.type_line(".quit")
    deadline = time.monotonic() + DEADLINE_S
    while not terminal.exited() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert terminal.exited()
    assert db.read_bytes() == before


def test_u_in_a_real_terminal_undoes_the_review_just_confirmed(terminal: Terminal, tmp_path: Path) -> None:
    db = _start_mini_drill(terminal, tmp_path)

    terminal.wait_for("Learn 2 new cards now? [Y/n]")
    terminal.type_line("")
    terminal.wait_for("Explain idempotency to an engineer.")
    terminal.type_line("It is about retries.")
    terminal.type_line(".")
    terminal.wait_for("Enter: accept again")
    terminal.type_line("4")  # a mistyped rating
    terminal.wait_for("Write your answer", after="Card 2/")
    terminal.type_line("u")
    terminal.wait_for("Undone: easy on mini/idempotency; its schedule is back as it was.")
    terminal.wait_for("Explain idempotency to an engineer.", after="Undone:")
    terminal.type_line("It is about retries.")
    terminal.type_line(".")
    terminal.wait_for("Enter: accept again", after="Undone:")
    terminal.type_line("1")
    terminal.wait_for("Write your answer", after="Next review")
    terminal.type_line("q")
    terminal.wait_for("Session: 1 card in")

    store = Store.open(db)
    try:
        reviews = store.history("mini/idempotency")
        assert [(r["rating"], r["voided"]) for r in reviews] == [(4, True), (1, False)]
        memory = store.memory_of("mini/idempotency")
        assert memory is not None and memory.lapses == 0 and memory.reps == 1
    finally:
        store.close()


def test_q_at_the_rating_asks_before_the_typed_answer_is_lost(terminal: Terminal, tmp_path: Path) -> None:
    db = _start_mini_drill(terminal, tmp_path)

    terminal.wait_for("Learn 2 new cards now? [Y/n]")
    terminal.type_line("")
    terminal.wait_for("Write your answer")
    terminal.type_line("Repeating the call has the same effect, so a retry is safe.")
    terminal.type_line(".")
    terminal.wait_for("Enter: accept")
    terminal.type_line("q")
    terminal.wait_for("Quit without recording this answer? It is lost unless you rate it.")
    terminal.type_line("")  # Enter: back to rating
    terminal.wait_for("Enter: accept", after="Quit without recording")
    terminal.type_line("3")
    terminal.wait_for("Write your answer", after="Card 2/")
    terminal.type_line("q")
    screen = terminal.wait_for("Session: 1 card in")
    assert "Not recorded." not in screen

    store = Store.open(db)
    try:
        [review] = store.history("mini/idempotency")
        assert review["rating"] == 3
        assert review["answer"] == "Repeating the call has the same effect, so a retry is safe."
    finally:
        store.close()
