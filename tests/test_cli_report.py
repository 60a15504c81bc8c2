"""`tpmdrill weak` and `tpmdrill report`, including deck and answer text that tries to inject markup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tpmdrill import render
from tpmdrill.render import markdown_block, markdown_text

from .conftest import Invoke

NOW = "2026-11-25T08:00:00+00:00"
SCRIPT = "<script>document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"document.title='PWNED'\">"
TEMPLATE = "{{ 7*7 }}"
HOSTILE_DECK = f'''
[deck]
id = "hostile"
title = "Hostile {SCRIPT}"
category = "data"
description = "Markup in every field."

[[card]]
id = "xss"
kind = "concept"
prompt = """Explain {SCRIPT} and {IMG} and {TEMPLATE} | *bold* [link](http://x)"""
tags = ["security"]
skills = ["security"]
answer = """Model {SCRIPT} answer {TEMPLATE}: autoescape"""

  [[card.rubric]]
  id = "escape"
  point = """Escapes {IMG} output {TEMPLATE}"""
  keywords = ["autoescape"]
'''


def hostile_history(run: Invoke, folder: Path) -> None:
    """A deck whose every text field carries markup, reviewed three times with hostile
    answers that miss its rubric point, so it tops the weak points."""
    deck = folder / "hostile.toml"
    deck.write_text(HOSTILE_DECK, encoding="utf-8")
    assert run("decks", "add", str(deck)).exit_code == 0
    answer = folder / "answer.md"
    answer.write_text(f"{SCRIPT} {IMG} {TEMPLATE}", encoding="utf-8")
    for day in ("2026-11-20", "2026-11-22", "2026-11-24"):
        result = run("review", "hostile/xss", "--rating", "again", "--answer-file", str(answer),
                     "--at", f"{day}T09:00:00+00:00")
        assert result.exit_code == 0, result.output


@pytest.fixture
def hostile(run: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    hostile_history(run, tmp_path)
    return run


def test_weak_lists_the_missed_point_and_what_to_drill(hostile: Invoke) -> None:
    body = json.loads(hostile("weak", "--json").stdout)
    point = body["points"][0]
    assert {k: point[k] for k in ("id", "label", "miss_rate", "evidence", "card")} == {
        "id": "escape", "label": f"Escapes {IMG} output {TEMPLATE}", "miss_rate": 1.0, "evidence": 3,
        "card": "hostile/xss"}
    assert (point["attempts"], point["misses"], point["last_missed"]) == (3, 3, "2026-11-24T09:00:00+00:00")
    assert point["command"] == "tpmdrill drill --card hostile/xss"
    assert body["cards"][0]["id"] == "hostile/xss"
    assert body["next"] == ["hostile/xss"]
    assert body["next_commands"] == ["tpmdrill drill --card hostile/xss"]
    assert body["command"] == "tpmdrill drill --weak"
    # The first review was 2026-11-20 09:00, 4 days 23 hours before now: a 5-day window.
    assert (body["window_days"], body["since"]) == (5, "2026-11-20T09:00:00+00:00")
    human = hostile("weak").stdout
    assert "Weak areas over the last 5 days (since 2026-11-20)" in human
    assert "missed 3 of your last 3 attempts, last yesterday" in human
    assert "  tpmdrill drill --weak\n" in human
    assert "  tpmdrill drill --card hostile/xss\n" in human


def test_weak_with_no_history(run: Invoke) -> None:
    result = run("weak")
    assert result.exit_code == 0
    assert "Nothing missed often enough to rank yet" in result.stdout


def test_html_report_goes_to_a_file_here_and_escapes_everything(
    hostile: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = hostile("report")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == tmp_path / "tpmdrill-report-2026-11-25.html"
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;document.title=&#39;PWNED&#39;&#34;&gt;" in html
    assert TEMPLATE in html
    for chart in ("heatmap", "weekly", "forecast", "mastery", "weakest"):
        assert f'data-chart="{chart}"' in html
    assert "http://" not in html.replace("http://x", "")  # nothing fetched from the network


def test_markdown_report_to_stdout_neutralises_markup(hostile: Invoke) -> None:
    result = hostile("report", "--format", "md", "--since", "2026-11-01")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Review report\n\n2026-11-01 to 2026-11-25")
    assert "<script" not in text
    assert "<img" not in text
    assert "Escapes &lt;img src=x onerror=\"document.title='PWNED'\"&gt; output {{ 7\\*7 }}" in text
    assert "| `hostile/xss` |" in text


def test_report_to_a_named_file_and_bad_since(hostile: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = hostile("report", "--format", "md", "-o", str(out))
    assert result.stdout == f"{out.resolve()}\n"
    assert out.read_text(encoding="utf-8").startswith("# Review report")
    bad = hostile("report", "--since", "2027-01-01")
    assert (bad.exit_code, bad.stderr) == (1, "Error: --since 2027-01-01 is after today (2026-11-25)\n")


def test_compiled_templates_are_kept_and_a_broken_cache_is_passed_over(
    hostile: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's templates are compiled once and kept in the user cache folder; a
    damaged entry or a folder that cannot be used changes nothing in the report."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "tpmdrill" / "templates"

    def report() -> str:
        render.environment.cache_clear()  # a fresh Jinja environment, as in a new process
        result = hostile("report", "--format", "md", "--since", "2026-11-01")
        assert result.exit_code == 0, result.output
        return result.stdout

    try:
        first = report()
        entries = sorted(folder.iterdir())
        assert entries
        with monkeypatch.context() as patched:  # the second report compiles nothing
            patched.setattr(render.Environment, "compile", lambda *_: pytest.fail("compiled again"))
            assert report() == first
        for entry in entries:
            entry.write_bytes(b"not a compiled template")
        assert report() == first
        for entry in sorted(folder.iterdir()):
            entry.unlink()
        folder.rmdir()
        folder.write_text("a file where the folder goes", encoding="utf-8")
        assert report() == first
    finally:
        render.environment.cache_clear()


def _seed_drawing(run: Invoke, card: str, *options: str) -> str:
    """A seed whose mock sheet includes `card`: sheets are weighted random draws, so which
    seed does depends on every bundled deck, and a fixed seed breaks when a deck is added."""
    for seed in range(50):
        sheet = json.loads(run("mock", *options, "--seed", str(seed), "--format", "json").stdout)
        if any(q["card"] == card for q in sheet["questions"]):
            return str(seed)
    raise AssertionError(f"no seed in 0..49 draws {card}")


def test_mock_sheet_escapes_deck_text(hostile: Invoke) -> None:
    seed = _seed_drawing(hostile, "hostile/xss", "--minutes", "200", "--focus", "even")
    html = hostile("mock", "--minutes", "200", "--seed", seed, "--focus", "even", "-o", "-").stdout
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    markdown = hostile("mock", "--minutes", "200", "--seed", seed, "--focus", "even", "--format", "md").stdout
    assert "<script" not in markdown.split("```text")[0]


def test_markdown_filters() -> None:
    assert markdown_text("a | b *c* [d](e) <i>\nnext") == "a \\| b \\*c\\* \\[d\\](e) &lt;i&gt; next"
    assert markdown_block("x ``` y") == "````text\nx ``` y\n````"


# ---- issue 15: the "Mock interviews" section --------------------------------------


def _live_round(db_path: Path) -> tuple[str, int]:
    """A seed whose 8-minute technical round is two questions, and how many answers it
    asks for (each question and each of its follow-ups)."""
    from datetime import datetime

    from tpmdrill.mock import choose
    from tpmdrill.store import Store

    store = Store.open(db_path)
    try:
        moment = datetime.fromisoformat(NOW)
        for seed in range(500):
            questions = choose(store, moment, minutes=8, seed=seed, round="technical").questions
            if len(questions) == 2:
                return str(seed), sum(1 + len(q.follow_ups) for q in questions)
    finally:
        store.close()
    raise AssertionError("no seed below 500 makes a two-question technical round")


def test_the_report_shows_each_recorded_mock_over_time(run: Invoke, tmp_path: Path, db_path: Path) -> None:
    env = {"TPMDRILL_NOW": NOW}
    empty = run("report", "--format", "md", env=env).stdout
    assert "## Mock interviews\n\nNo mock interview recorded yet" in empty
    body = json.loads(run("mock", "--minutes", "30", "--seed", "5", "--round", "system-design", "--format", "json",
                          env={"TPMDRILL_NOW": "2026-11-20T08:00:00+00:00"}).stdout)
    main = body["questions"][0]
    verdicts = tmp_path / "v.json"
    verdicts.write_text(json.dumps({"questions": [{"card": main["card"], "rating": "good", "points": {},
                                                   "minutes": main["minutes"] + 4}]}))
    recorded = run("mock", "record", body["sheet"], "--from-file", str(verdicts),
                   env={"TPMDRILL_NOW": "2026-11-20T09:00:00+00:00"})
    assert recorded.exit_code == 0, recorded.output
    answer = "Polling asks on an interval; webhooks push.\n.\n"
    seed, answers = _live_round(db_path)
    live = run("mock", "--live", "--minutes", "8", "--seed", seed, "--round", "technical",
               input=answer * answers + "\n\n", env=env)
    assert live.exit_code == 0, live.output
    markdown = run("report", "--format", "md", env=env).stdout
    section = markdown.split("## Mock interviews")[1]
    lines = [line for line in section.splitlines() if line.startswith("| 2026-")]
    assert len(lines) == 2
    assert lines[0].startswith(f"| 2026-11-20 | `{body['sheet']}` | system design | with an interviewer | 1 of ")
    assert "| 0% | System design 0% | 0 of 1 in their box, 4 min over |" in lines[0]
    assert lines[1].startswith("| 2026-11-25 |") and "| technical | live | 2 of 2 |" in lines[1]
    assert "2 of 2 in their box |" in lines[1]
    html = run("report", "-o", "-", env=env).stdout
    assert '<section id="mocks">' in html and "<h2>Mock interviews</h2>" in html
    assert html.count("<td>with an interviewer</td>") == 1 and html.count("<td>live</td>") == 1


HOSTILE_SQL_DECK = '''
[deck]
id = "hostile-sql"
title = "Hostile sql"
category = "data"

[[card]]
id = "count"
kind = "sql"
prompt = "Count the rows of t."
answer = "COUNT(*) over t."
fixture = "t.sql"
solution = "SELECT COUNT(*) FROM t"

  [[card.rubric]]
  id = "count"
  point = "Counts the rows"
  keywords = ["COUNT"]
'''


def test_html_report_shows_a_weak_sql_cards_tables_escaped(run: Invoke, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    name, value = SCRIPT.replace('"', '""'), IMG.replace("'", "''")  # quoted for SQL
    (tmp_path / "t.sql").write_text(f"CREATE TABLE t (\"{name}\" TEXT);\nINSERT INTO t VALUES ('{value}');\n")
    (tmp_path / "deck.toml").write_text(HOSTILE_SQL_DECK)
    assert run("decks", "add", str(tmp_path / "deck.toml")).exit_code == 0
    (tmp_path / "a.sql").write_text("SELECT 1")
    for day in ("2026-11-20", "2026-11-22", "2026-11-24"):
        result = run("review", "hostile-sql/count", "--rating", "again", "--answer-file", str(tmp_path / "a.sql"),
                     "--at", f"{day}T09:00:00+00:00")
        assert result.exit_code == 0, result.output
    html = run("report", "-o", "-").stdout
    cards = html[html.index("<h3>Weakest cards</h3>"):]
    row = cards[cards.index("<code>hostile-sql/count</code>"):]
    row = row[:row.index("</details>")]
    assert "<details><summary>Tables and sample rows</summary>" in row
    assert "<caption><code>t</code>" in row
    assert "&lt;script&gt;" in row and "&lt;img src=x" in row
    assert SCRIPT not in html and IMG not in html


def test_the_interview_line_points_to_the_plan_and_counts_have_separators(
    run: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pacing promise is the plan's (issue 16): the report no longer says how many new
    cards a day would meet them all, and its counts are written as 1,234."""
    from tpmdrill.render import count

    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    assert run("interview", "set", "2026-12-09").exit_code == 0
    assert run("review", "api-design/idempotency-keys", "--rating", "good").exit_code == 0
    markdown = run("report", "--format", "md").stdout
    assert "cards not yet studied; `tpmdrill interview plan` shows which fit your daily budget" in markdown
    assert "new a day" not in markdown
    assert (count(0), count(13330), count(1_000_000)) == ("0", "13,330", "1,000,000")
