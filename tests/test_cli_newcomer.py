"""The rough edges a newcomer meets first (issue 17): short ids and "did you mean" in
every command, times without offsets, ratings as numbers, the card view, plurals and
`gaps --limit`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tpmdrill.store import Store

from .conftest import Invoke
from .test_cli_assess import ratings_file
from .test_cli_core import snapshot
from .test_clock import paris  # noqa: F401  (a fixture)

NOW = "2026-12-06T12:00:00+00:00"
CARD = "api-design/idempotency-keys"


@pytest.fixture
def pinned(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("TPMDRILL_NOW", NOW)
    assert run("due").exit_code == 0  # loads the bundled decks
    return run


def history(db: Path, card: str) -> list[dict[str, object]]:
    store = Store.open(db)
    try:
        return store.history(card)
    finally:
        store.close()


# ---- short ids and "did you mean" ------------------------------------------------------------


def test_card_takes_a_bare_id_and_json_carries_the_full_one(pinned: Invoke) -> None:
    result = pinned("card", "idempotency-keys", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == CARD
    assert pinned("card", "api/idempotency").stdout.startswith(f"{CARD}\n")


def test_grade_review_and_sql_take_short_ids(pinned: Invoke, db_path: Path, tmp_path: Path) -> None:
    answer = tmp_path / "a.md"
    answer.write_text("An idempotency key makes a retried POST safe.\n")
    graded = pinned("grade", "idempotency-keys", "--answer-file", str(answer), "--json")
    assert json.loads(graded.stdout)["card"] == CARD
    reviewed = pinned("review", "idempotency-k", "--rating", "3", "--json")
    assert reviewed.exit_code == 0, reviewed.output
    assert (json.loads(reviewed.stdout)["card"], json.loads(reviewed.stdout)["rating"]) == (CARD, "good")
    assert [r["rating"] for r in history(db_path, CARD)] == [3]
    text = pinned("review", "idempotency-keys", "--rating", "EASY")
    assert text.stdout.startswith(f"Recorded easy for {CARD}; next review in ")
    sql = pinned("sql", "sql-orders-per-m", input=".quit\n")
    assert sql.exit_code == 0, sql.output
    assert sql.stdout.startswith("data/sql-orders-per-month\n")


def test_drill_takes_a_short_card_and_a_short_deck(pinned: Invoke) -> None:
    card = pinned("drill", "--card", "idempotency-keys", input="q\n")
    assert card.exit_code == 0, card.output
    assert f"Card 1/1 · {CARD} · api-design · concept, 3 min" in card.stdout
    deck = pinned("drill", "--deck", "api", "--minutes", "5", input="\nq\n")
    assert deck.exit_code == 0, deck.output
    assert "Card 1/" in deck.stdout and " · api-design/" in deck.stdout


def test_cards_and_export_take_a_deck_prefix(pinned: Invoke, tmp_path: Path) -> None:
    listed = json.loads(pinned("cards", "--deck", "api", "--json").stdout)
    assert listed and {row["deck"] for row in listed} == {"api-design"}
    out = tmp_path / "api.apkg"
    exported = pinned("export", "--format", "apkg", "--deck", "api", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert exported.stderr.startswith(f"Wrote {len(listed)} notes to ")


def test_story_edit_resolves_then_says_it_is_not_a_story(pinned: Invoke) -> None:
    result = pinned("story", "edit", "idempotency-keys")
    assert (result.exit_code, result.stderr) == (
        1, "Error: 'idempotency-keys' is not one of your stories; 'tpmdrill story list' lists them\n")


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["card", "rate-limiting"], "Error: 'rate-limiting' names 2 cards: api-design/rate-limiting, "
         "system-design/rate-limiting; give more of the id\n"),
        (["card", "api-design/idempotency-kyes"],
         "Error: no card 'api-design/idempotency-kyes'; did you mean 'api-design/idempotency-keys'?\n"),
        (["review", "data/ab-test-design", "--rating", "good"],
         "Error: no card 'data/ab-test-design'; did you mean 'data/ab-test-checkout-redesign'?\n"),
        (["grade", "xyzzy", "--answer-file", "-"], "Error: no card 'xyzzy'; 'tpmdrill cards' lists card ids "
         "(deck/card)\n"),
        (["drill", "--card", "rate-limit"], "Error: 'rate-limit' names 2 cards: api-design/rate-limiting, "
         "system-design/rate-limiting; give more of the id\n"),
        (["drill", "--deck", "sytem-design"], "Error: no deck 'sytem-design'; did you mean 'system-design'?\n"),
        (["export", "--format", "apkg", "--deck", "nope", "-o", "x.apkg"],
         "Error: no deck 'nope'; 'tpmdrill decks list' lists decks\n"),
    ],
)
def test_ambiguous_and_unknown_names_are_one_line_and_write_nothing(
    pinned: Invoke, db_path: Path, args: list[str], stderr: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = snapshot(db_path)
    result = pinned(*args, input="")
    assert (result.exit_code, result.stderr) == (1, stderr)
    assert snapshot(db_path) == before
    assert not (tmp_path / "x.apkg").exists()


def test_an_ambiguous_deck_prefix_lists_the_decks(pinned: Invoke, tmp_path: Path) -> None:
    pinned("decks", "add", one_card_deck(tmp_path, "data-extra"))
    result = pinned("cards", "--deck", "dat")
    assert (result.exit_code, result.stderr) == (
        1, "Error: 'dat' names 2 decks: data, data-extra; give more of the id\n")
    assert pinned("cards", "--deck", "data-").stderr == "1 card\n"


def one_card_deck(folder: Path, deck: str) -> str:
    path = folder / f"{deck}.toml"
    path.write_text(f'[deck]\nid = "{deck}"\ntitle = "One"\ncategory = "data"\n\n[[card]]\nid = "only"\n'
                    'kind = "concept"\nprompt = "Why?"\nanswer = "Because."\n')
    return str(path)


def test_resolving_a_short_id_does_not_import_rapidfuzz(pinned: Invoke, db_path: Path) -> None:
    """rapidfuzz makes the suggestions of an error only; naming a card right never loads it."""
    script = (
        "import sys\n"
        "from tpmdrill.cli import cli\n"
        "for args in (['cards', '--deck', 'api'], ['card', 'idempotency-keys', '--json']):\n"
        "    try:\n"
        "        cli(args, prog_name='tpmdrill')\n"
        "    except SystemExit as ex:\n"
        "        assert ex.code == 0, ex.code\n"
        "print('rapidfuzz' in sys.modules, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "TPMDRILL_DB": str(db_path)})
    assert out.stderr.splitlines()[-1] == "False"


# ---- times and ratings --------------------------------------------------------------------------


@pytest.mark.usefixtures("paris")
@pytest.mark.parametrize(
    ("at", "stored"),
    [
        ("2026-12-06", "2026-12-05T23:00:00"),  # a date: local midnight, Paris in winter is UTC+1
        ("2026-12-06T09:30", "2026-12-06T08:30:00"),
        ("2026-12-06T09:30+00:00", "2026-12-06T09:30:00"),
    ],
)
def test_review_at_a_date_or_a_naive_time_is_local(pinned: Invoke, db_path: Path, at: str, stored: str) -> None:
    result = pinned("review", CARD, "--rating", "1", "--at", at, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reviewed_at"] == stored + "+00:00"
    [review] = history(db_path, CARD)
    assert (str(review["reviewed_at"])[:19], review["rating"]) == (stored, 1)


@pytest.mark.usefixtures("paris")
def test_review_says_when_the_card_is_next_due_in_local_time(pinned: Invoke) -> None:
    result = pinned("review", CARD, "--rating", "again", "--at", "2026-12-06T09:30")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("next review in 1 minute (2026-12-06 09:31 +01:00).\n"), result.stdout


@pytest.mark.usefixtures("paris")  # the suggested date is a local midnight, before NOW
def test_review_at_a_bad_time_suggests_formats_that_parse(pinned: Invoke) -> None:
    result = pinned("review", CARD, "--rating", "good", "--at", "2026-12-06 9h30")
    assert result.exit_code == 1
    suggestions = result.stderr.split("give one like ")[1].replace(" (your local time) or", ",").rstrip("\n")
    cards = (CARD, "api-design/rate-limiting", "api-design/http-status-codes")
    for card, example in zip(cards, suggestions.split(", "), strict=True):
        assert pinned("review", card, "--rating", "good", "--at", example).exit_code == 0, example


@pytest.mark.parametrize("rating", ["0", "5", "great"])
def test_review_refuses_other_ratings_as_usage_errors(pinned: Invoke, rating: str) -> None:
    result = pinned("review", CARD, "--rating", rating)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Invalid value for '--rating': rating '{rating}' is not one of again, hard, good, easy (or 1-4)"
        " (see 'tpmdrill review --help')\n"
    )


def test_report_since_uses_the_same_day_parser(pinned: Invoke) -> None:
    result = pinned("report", "--since", "2026-13-01")
    assert result.exit_code == 2
    assert result.stderr == ("Error: Invalid value for '--since': date '2026-13-01' is not a date like 2026-12-07"
                             " (see 'tpmdrill report --help')\n")


# ---- the card view ------------------------------------------------------------------------------


@pytest.mark.usefixtures("paris")
def test_card_view_shows_the_answer_local_times_rating_names_and_plurals(pinned: Invoke) -> None:
    pinned("review", CARD, "--rating", "hard", "--at", "2026-12-01T09:30:12.345678+00:00")
    out = pinned("card", CARD).stdout
    assert "\nModel answer:\n**Idempotent** means sending the same request" in out
    assert "1 review, 0 lapses, 0 Agains while learning." in out
    assert "due 2026-12-01 10:3" in out  # local Paris time, to the minute
    assert "History:\n  2026-12-01 10:30 +01:00  review hard\n" in out
    assert "rating 2" not in out and "09:30:12" not in out and "1 reviews" not in out


def test_card_view_of_a_sql_card_shows_its_solution(pinned: Invoke) -> None:
    out = pinned("card", "data/sql-orders-per-month").stdout
    assert "\nModel answer:\n" in out
    assert "\nSolution:\n" in out and "GROUP BY strftime('%Y-%m', order_ts)" in out
    assert out.endswith("Not studied yet.\n")


def test_card_view_lists_the_latest_ten_reviews_and_says_so(pinned: Invoke) -> None:
    for day in range(1, 13):
        pinned("review", CARD, "--rating", "good", "--at", f"2026-11-{day:02d}T08:00+00:00")
    out = pinned("card", CARD).stdout
    assert "History (the latest 10 of 12; --json lists all):\n" in out
    assert len(json.loads(pinned("card", CARD, "--json").stdout)["reviews"]) == 12


# ---- plurals and gaps --------------------------------------------------------------------------


def test_counts_of_one_are_singular(pinned: Invoke, tmp_path: Path) -> None:
    deck = one_card_deck(tmp_path, "one")
    assert pinned("decks", "validate", deck).stdout.endswith("with 1 card\n")
    pinned("decks", "add", deck)
    assert "   1 card   One\n" in pinned("decks", "list").stdout
    assert pinned("cards", "--deck", "one").stderr == "1 card\n"
    pinned("review", "one/only", "--rating", "again", "--at", "2026-12-06T11:50+00:00")
    assert pinned("due").stdout.startswith("1 card due now")
    assert "1 review, 1 lapse" not in pinned("card", "one/only").stdout  # learning: no lapse yet
    assert ", 1 review, 0 lapses, 1 Again while learning." in pinned("card", "one/only").stdout


def test_gaps_limit(pinned: Invoke, tmp_path: Path) -> None:
    from tpmdrill.skills import SKILLS

    ratings = {skill: 1 + n % 3 for n, skill in enumerate(SKILLS)}  # every skill is a gap
    pinned("assess", "--from-file", ratings_file(tmp_path, ratings))
    default = json.loads(pinned("gaps", "--json").stdout)
    assert (len(default["gaps"]), default["total_gaps"]) == (10, len(SKILLS))
    assert [g["rating"] for g in default["gaps"]] == sorted(g["rating"] for g in default["gaps"])
    three = pinned("gaps", "--limit", "3")
    assert three.stdout.count("/5  ") == 3
    assert three.stdout.endswith(f"\n… and {len(SKILLS) - 3} more skills below 4 ('tpmdrill gaps --limit 0' "
                                 "lists them all).\n")
    every = json.loads(pinned("gaps", "--limit", "0", "--json").stdout)
    assert len(every["gaps"]) == every["total_gaps"] == len(SKILLS)
    assert "more skill" not in pinned("gaps", "--limit", "0").stdout
    assert pinned("gaps", "--limit", "-1").exit_code == 2
