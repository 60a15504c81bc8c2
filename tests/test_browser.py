"""The HTML report and mock sheet in headless Chromium: no console errors, every chart
drawn, and hostile deck and answer text shown as text, never run."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import Invoke
from .test_cli_report import NOW, TEMPLATE, hostile_history

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )


def console_messages(stderr: str) -> list[str]:
    """Every console line Chromium logged. The pages carry no script, so any message
    (an error, a blocked load, a CSP violation) means something is wrong."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_console_messages_are_caught(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<script>console.error("boom"); missing();</script>', encoding="utf-8")
    messages = console_messages(chromium(page, tmp_path / "profile", "--dump-dom").stderr)
    assert any("boom" in m for m in messages)
    assert any("ReferenceError" in m for m in messages)


@pytest.fixture
def pages(run: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    hostile_history(run, tmp_path)
    assert run("interview", "set", "2026-12-07").exit_code == 0
    report, mock = tmp_path / "report.html", tmp_path / "mock.html"
    assert run("report", "-o", str(report)).exit_code == 0
    seed = next(s for s in range(200) if "hostile/xss" in run("mock", "--seed", str(s), "--format", "json").stdout)
    assert run("mock", "--seed", str(seed), "-o", str(mock)).exit_code == 0
    return report, mock


def test_report_renders_every_chart_and_runs_nothing(pages: tuple[Path, Path], tmp_path: Path) -> None:
    report, _ = pages
    shown = chromium(report, tmp_path / "profile", "--dump-dom")
    dom = shown.stdout
    assert console_messages(shown.stderr) == []
    for chart in ("readiness", "heatmap", "weekly", "forecast", "mastery", "weakest"):
        assert re.search(rf'<svg[^>]*data-chart="{chart}"', dom), chart
    assert "PWNED" not in re.sub(r"&lt;.*?&gt;", "", dom.split("<title>")[1].split("</title>")[0])
    assert "<script" not in dom
    assert "<img" not in dom
    assert "&lt;img src=x onerror=" in dom  # the point text, shown as text
    assert TEMPLATE in dom


def test_mock_sheet_shows_hostile_text_as_text(pages: tuple[Path, Path], tmp_path: Path) -> None:
    _, mock = pages
    shown = chromium(mock, tmp_path / "profile", "--dump-dom")
    dom = shown.stdout
    assert console_messages(shown.stderr) == []
    assert "<script" not in dom
    assert "<img" not in dom
    assert "Explain &lt;script&gt;document.title='PWNED'&lt;/script&gt; and &lt;img src=x onerror=" in dom
    assert TEMPLATE in dom
    assert '<main id="interviewer" class="page">' in dom


def test_report_screenshot_is_drawn(pages: tuple[Path, Path], tmp_path: Path) -> None:
    report, _ = pages
    shot = tmp_path / "report.png"
    chromium(report, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,2400")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


def test_printed_mock_sheet_shows_a_sql_questions_tables_on_the_candidate_copy(
    run: Invoke, tmp_path: Path
) -> None:
    seed = next(s for s in range(200) if '"kind": "sql"' in run("mock", "--seed", str(s), "--format", "json").stdout)
    sheet = tmp_path / "mock.html"
    assert run("mock", "--seed", str(seed), "-o", str(sheet)).exit_code == 0
    pdf = tmp_path / "mock.pdf"
    chromium(sheet, tmp_path / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    candidate = text[:text.index("Interviewer copy")]
    page = next(p for p in candidate.split("\f") if " · sql · time box " in p)
    assert "SQLite; timestamps are TEXT 'YYYY-MM-DD HH:MM:SS' in UTC" in page
    assert re.search(r"order_id INTEGER\s+user_id INTEGER\s+order_ts TEXT\s+amount REAL\s+status TEXT", page)
    assert re.search(r"1\s+1\s+2024-01-02 10:00:00\s+40\.0\s+completed", page)


# ---- layout: nothing clipped, at 1280 px -------------------------------------------

# Run in a copy of the page (the report itself forbids scripts): every SVG text must lie
# inside its chart's viewBox, and no element may reach past the page's right edge.
BOUNDS_SCRIPT = """<script>
const problems = [];
for (const svg of document.querySelectorAll("svg.chart")) {
  const box = svg.viewBox.baseVal;
  for (const text of svg.querySelectorAll("text")) {
    const b = text.getBBox();
    if (b.width === 0) continue;
    const ctm = text.getCTM(), root = svg.getCTM();
    const dx = ctm && root ? (ctm.e - root.e) / root.a : 0;
    if (b.x + dx < box.x - 0.5 || b.x + dx + b.width > box.x + box.width + 0.5 || b.y < box.y - 0.5
        || b.y + b.height > box.y + box.height + 0.5) {
      problems.push(svg.dataset.chart + ": " + text.textContent.trim().slice(0, 40));
    }
  }
}
const page = document.documentElement.clientWidth;
for (const el of document.body.querySelectorAll("*")) {
  const r = el.getBoundingClientRect();
  if (r.width && r.right > page + 0.5) {
    problems.push("overflow: " + el.tagName + " " + (el.textContent || "").trim().slice(0, 40));
  }
}
document.body.setAttribute("data-problems", JSON.stringify(problems));
</script>"""


def layout_problems(page: Path, profile: Path) -> tuple[list[str], list[str]]:
    """(clipped or overflowing elements, console messages) of `page` at 1280 px."""
    probe = page.with_suffix(".probe.html")
    html = page.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probe.write_text(html.replace("</body>", BOUNDS_SCRIPT + "</body>"), encoding="utf-8")
    shown = chromium(probe, profile, "--window-size=1280,1000", "--dump-dom")
    found = re.search(r'data-problems="([^"]*)"', shown.stdout)
    assert found, "the bounds script did not run"
    import html as html_module
    import json

    return json.loads(html_module.unescape(found.group(1))), console_messages(
        chromium(page, profile, "--window-size=1280,1000", "--dump-dom").stderr)


def test_layout_probe_catches_clipped_text(tmp_path: Path) -> None:
    page = tmp_path / "clipped.html"
    page.write_text('<html><body><svg class="chart" data-chart="c" viewBox="0 0 50 20" width="50">'
                    '<text x="40" y="12">December</text></svg></body></html>', encoding="utf-8")
    problems, _ = layout_problems(page, tmp_path / "profile")
    assert problems == ["c: December"]


def report_of(run: Invoke, out: Path) -> Path:
    result = run("report", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_report_of_an_empty_database_is_a_start_page(run: Invoke, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    page = report_of(run, tmp_path / "empty.html")
    problems, messages = layout_problems(page, tmp_path / "profile")
    assert (problems, messages) == ([], [])
    text = page.read_text(encoding="utf-8")
    assert "Start with <code>tpmdrill assess</code>" in text and "<code>tpmdrill drill</code>" in text
    assert "<svg" not in text


def test_report_of_a_two_week_history_has_nothing_clipped(run: Invoke, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from .two_weeks import NOW as TWO_WEEKS_NOW
    from .two_weeks import build

    db = tmp_path / "two.db"
    build(db)
    monkeypatch.setenv("TPMDRILL_DB", str(db))
    monkeypatch.setenv("TPMDRILL_NOW", TWO_WEEKS_NOW.isoformat())
    page = report_of(run, tmp_path / "two.html")
    problems, messages = layout_problems(page, tmp_path / "profile")
    assert (problems, messages) == ([], [])
    text = page.read_text(encoding="utf-8")
    for chart in ("readiness", "heatmap", "weekly", "forecast", "mastery", "weakest", "assessment"):
        assert f'data-chart="{chart}"' in text, chart
    assert "interview 09 Dec" in text and "target 95%" in text
    assert "Agains while learning" in text and "<details>" in text
