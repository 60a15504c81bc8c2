"""`tpmdrill assess` and `tpmdrill gaps` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tpmdrill.skills import DIMENSIONS, SKILLS
from tpmdrill.store import Store

ORDER = list(SKILLS)


def ratings_file(tmp_path: Path, values: dict[str, int | str], name: str = "r.toml") -> str:
    path = tmp_path / name
    path.write_text("".join(f'{skill} = {json.dumps(value)}\n' for skill, value in values.items()))
    return str(path)


def with_total(total: int) -> dict[str, int | str]:
    """Ratings of 5 from the first skill on, then the remainder; the rest skipped."""
    values: dict[str, int | str] = {}
    for skill in ORDER:
        value = min(5, total - sum(v for v in values.values() if isinstance(v, int)))
        values[skill] = value if value > 0 else "skip"
    return values


@pytest.mark.parametrize(
    ("total", "band"),
    [(24, "0-24: start with fundamentals"), (25, "25-49: learning phase"),
     (49, "25-49: learning phase"), (50, "50-79: solid foundations"),
     (79, "50-79: solid foundations"), (80, "80-140: already a technical PM")],
)
def test_band_boundaries(run: Invoke, tmp_path: Path, total: int, band: str) -> None:
    result = run("assess", "--from-file", ratings_file(tmp_path, with_total(total)))
    assert result.exit_code == 0, result.output
    assert f"  {'Total':<30} {total:>3} / 140" in result.output
    assert f"\n{band} — " in result.output
    data = json.loads(run("assess", "--json", "--from-file", ratings_file(tmp_path, with_total(total))).stdout)
    assert data["total"] == total
    assert data["band"]["name"] == band.split(": ")[1]


def test_interactive_assessment_with_skips(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-01T09:00:00+00:00")
    answers = ["9", "", "s"] + ["3"] * 26 + ["skip"]  # a bad value and a blank are asked again
    result = run("assess", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Systems & Architecture") < out.index("Development Practices") < out.index("Data & Analytics")
    assert "  1  don't understand it" in out
    assert "  5  could teach it" in out
    assert "Error: type 1-5, or s to skip" in out
    assert f"  {'Systems & Architecture':<30}  18 / 35" in out
    assert f"  {'Total':<30}  78 / 140 (2 skipped)" in out
    assert "50-79: solid foundations — 3-6 months of focused work." in out
    assert "Your first assessment; 'tpmdrill gaps' shows what to drill." in out


def test_end_of_input_saves_nothing(run: Invoke, db_path: Path) -> None:
    result = run("assess", input="3\n4\n")
    assert result.exit_code == 1
    gaps = run("gaps")
    assert gaps.exit_code == 1
    assert gaps.stderr == "Error: no self-assessment yet; run 'tpmdrill assess' first\n"


def test_change_since_last_assessment(run: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-01T09:00:00+00:00")
    run("assess", "--from-file", ratings_file(tmp_path, {"sql": 2, "caching": 3}))
    monkeypatch.setenv("TPMDRILL_NOW", "2025-04-01T09:00:00+00:00")
    result = run("assess", "--from-file", ratings_file(tmp_path, {"sql": 4, "caching": 3, "agile": 2}, "b.toml"))
    out = result.output
    assert f"  {'Data & Analytics':<30}   4 / 35  (+2)" in out
    assert f"  {'Development Practices':<30}   2 / 35  (+2)" in out
    assert f"  {'Total':<30}   9 / 140  (+4) (25 skipped)" in out
    assert "Since 2025-03-01: +4 overall." in out
    assert "  SQL: 2 → 4" in out
    assert "  Agile/Scrum technical aspects: skipped → 2" in out
    data = json.loads(run("assess", "--json", "--from-file", ratings_file(tmp_path, {"sql": 1}, "c.toml")).stdout)
    assert data["change"]["total"] == -3  # caching and agile, not in the file, keep 3 and 2
    assert data["change"]["skills"] == {"sql": {"before": 4, "now": 1}}
    assert data["carried_over"] == ["caching", "agile"]
    assert data["taken_at"] == "2025-04-01T09:00:00+00:00"
    assert set(data["subtotals"]) == set(DIMENSIONS)


def test_a_file_naming_two_skills_keeps_the_other_26(run: Invoke, tmp_path: Path, db_path: Path) -> None:
    """Issue 17: two skills in a file wiped the other 26 and the total fell by 68."""
    every = dict.fromkeys(ORDER, 3) | {"sql": 2, "caching": 1}
    first = json.loads(run("assess", "--json", "--from-file", ratings_file(tmp_path, every)).stdout)
    assert (first["total"], first["carried_over"]) == (81, [])
    result = run("assess", "--from-file", ratings_file(tmp_path, {"sql": 4, "caching": "skip"}, "two.toml"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"  {'Total':<30}  82 / 140  (+1) (1 skipped)" in out
    assert "Kept from your assessment of " in out
    assert ': 26 skills the file does not name (write skill = "skip" in the file to clear one):\n' in out
    assert "  Client-server architecture 3, Microservices vs monolith trade-offs 3, " in out
    assert "Machine-learning fundamentals 3\n" in out
    assert "  SQL: 2 → 4" in out and "  Caching strategies: 1 → skipped" in out
    assert "Client-server architecture: " not in out  # a carried skill did not move
    gaps = json.loads(run("gaps", "--json", "--limit", "0").stdout)  # every gap, not the default 10
    assert {g["skill"] for g in gaps["gaps"]} == set(ORDER) - {"sql", "caching"}
    store = Store.open(db_path)
    try:
        latest = store.assessments(limit=1)[0]
        assert store.carried_skills(latest.id) == set(ORDER) - {"sql", "caching"}
    finally:
        store.close()


def test_the_interactive_assessment_carries_nothing(run: Invoke, tmp_path: Path) -> None:
    run("assess", "--from-file", ratings_file(tmp_path, dict.fromkeys(ORDER, 4)))
    result = run("assess", input="\n".join(["2"] * 27 + ["s"]) + "\n")
    assert result.exit_code == 0, result.output
    assert f"  {'Total':<30}  54 / 140  (-58) (1 skipped)" in result.stdout
    assert "Kept from" not in result.stdout


def test_bad_ratings_file(run: Invoke, tmp_path: Path) -> None:
    path = ratings_file(tmp_path, {"sql": 7})
    result = run("assess", "--from-file", path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: skill 'sql': rating 7 must be 1-5 or \"skip\"\n"


def test_gaps_lists_low_skills_with_their_cards(mini: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPMDRILL_NOW", "2025-03-01T09:00:00+00:00")
    mini("review", "mini/ride-sharing", "--rating", "again")
    mini("assess", "--from-file", ratings_file(tmp_path, {"client-server": 1, "api-design": 3, "sql": 5}))
    data = json.loads(mini("gaps", "--json").stdout)
    assert data["assessed_at"] == "2025-03-01T09:00:00+00:00"
    assert [(g["skill"], g["rating"]) for g in data["gaps"]] == [("client-server", 1), ("api-design", 3)]
    client = data["gaps"][0]
    assert "mini" in client["decks"]
    ride = next(c for c in client["cards"] if c["card"] == "mini/ride-sharing")
    assert (ride["state"], ride["reps"], ride["last_rating"]) == ("review", 1, 1)
    assert client["progress"]["studied"] == 1
    text = mini("gaps").output
    assert text.startswith("Gaps in your self-assessment of 2025-03-01 (rated below 4, lowest first):\n")
    assert "\n1/5  Client-server architecture  (Systems & Architecture)\n" in text
    assert text.index("Client-server") < text.index("API design principles")
    assert "SQL" not in text


def test_gaps_none(run: Invoke, tmp_path: Path) -> None:
    run("assess", "--from-file", ratings_file(tmp_path, {"sql": 4}))
    result = run("gaps")
    assert "  none: every skill you rated is at 4 or 5." in result.output
    assert json.loads(run("gaps", "--json").stdout)["gaps"] == []
