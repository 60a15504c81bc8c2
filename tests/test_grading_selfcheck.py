"""Deck self-checks (tpmdrill.grading.selfcheck) and the thesaurus file, through
`decks validate` as an author meets them: one line per problem naming file, card and point."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpmdrill.errors import DeckError
from tpmdrill.grading.thesaurus import load_thesaurus
from tpmdrill.paths import bundled_decks_dir

from .conftest import Invoke

DECK = '''
[deck]
id = "checked"
title = "Checked"
category = "api-design"

[[card]]
id = "retries"
kind = "concept"
prompt = "How should a client retry a failed call?"
answer = "Retry with exponential backoff and jitter, and send an idempotency key so a retry is safe."

  [[card.rubric]]
  id = "backoff"
  point = "Backs off exponentially, with jitter"
  keywords = ["exponential backoff|back off", "jitter"]
  min_hits = 2
  examples = ["exponential backoff plus jitter", "back off with random jitter"]

  [[card.rubric]]
  id = "key"
  point = "Sends an idempotency key"
  keywords = ["idempotency key|dedupe key"]
  examples = ["a dedupe key on every request"]
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "checked.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_deck_whose_rubric_credits_itself_is_valid(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, DECK)
    result = run("decks", "validate", str(path))
    assert (result.exit_code, result.stdout) == (0, f"{path}: ok, deck 'checked' with 1 card\n")


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (('"idempotency key|dedupe key"', '"idempotency key|()"'),
         "card 'retries': point 'key': keyword '()' cannot match its own text"),
        (('"idempotency key|dedupe key"', '"idempotency key|--"'),
         "card 'retries': point 'key': keyword '--' cannot match its own text"),
        (('"a dedupe key on every request"', '"a unique token per call"'),
         "card 'retries': point 'key': example 'a unique token per call' does not hit its own point "
         "(0 of 1 ideas: missing: idempotency key)"),
        (('and send an idempotency key so a retry is safe', 'and that is all'),
         "card 'retries': the model answer scores 0.50 on its own rubric, under 0.85; it misses key"),
    ],
)
def test_a_rubric_that_cannot_credit_itself_fails_with_one_clear_line(
    run: Invoke, tmp_path: Path, change: tuple[str, str], line: str
) -> None:
    path = write(tmp_path, DECK.replace(*change))
    result = run("decks", "validate", str(path))
    assert result.exit_code == 1
    assert line in result.stderr
    assert result.stderr.startswith(f"Error: {path}: card 'retries': ")


def test_a_rubric_a_buzzword_paragraph_passes_fails(run: Invoke, tmp_path: Path) -> None:
    generic = DECK.replace('"exponential backoff|back off", "jitter"', '"monitoring", "database"')
    generic = generic.replace('examples = ["exponential backoff plus jitter", "back off with random jitter"]',
                              'examples = ["monitoring of the database"]')
    generic = generic.replace("Retry with", "Monitoring of the database. Retry with")
    result = run("decks", "validate", str(write(tmp_path, generic)))
    assert result.exit_code == 1
    assert "card 'retries': a generic buzzword paragraph scores 0.50, at least 0.3; it hits backoff" in result.stderr


def test_only_validate_runs_the_grading_checks_so_adding_never_locks_a_user_out(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, DECK.replace('"a dedupe key on every request"', '"a unique token per call"'))
    assert run("decks", "validate", str(path)).exit_code == 1
    assert run("decks", "add", str(path)).exit_code == 0
    assert "checked" in run("decks", "list").stdout


def test_the_bundled_thesaurus_is_valid_and_validated_with_the_decks(run: Invoke) -> None:
    thesaurus = load_thesaurus(bundled_decks_dir() / "thesaurus.toml")
    assert len(thesaurus.concepts) >= 300
    assert run("decks", "validate", str(bundled_decks_dir())).exit_code == 0


def test_a_bad_thesaurus_names_the_file_and_the_concept(run: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "thesaurus.toml"
    bad.write_text('[[concept]]\nterms = ["Kubernetes"]\n\n[[concept]]\nterms = ["p99", "--"]\ncolour = 1\n',
                   encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_thesaurus(bad)
    assert caught.value.problems == [
        f"{bad}: concept #1 ('Kubernetes'): key 'terms': a concept needs two or more terms",
        f"{bad}: concept #2: key 'colour': unknown key",
        f"{bad}: concept #2 ('p99'): key 'terms': every term needs a letter or digit",
    ]
    write(tmp_path, DECK)
    result = run("decks", "validate", str(tmp_path))
    assert result.exit_code == 1
    assert f"{bad}: concept #1 ('Kubernetes'): key 'terms': a concept needs two or more terms" in result.stderr


SQL_DECK = '''
[deck]
id = "checked"
title = "Checked"
category = "data"

[[card]]
id = "counts"
kind = "sql"
prompt = "Count the distinct users in t(user_id)."
fixture = "t.sql"
solution = "SELECT COUNT(DISTINCT user_id) AS n FROM t"
answer = "COUNT(DISTINCT user_id) counts each user once."

  [[card.rubric]]
  id = "distinct"
  point = "Counts distinct users"
  keywords = ["distinct users|count distinct"]
  examples = ["-- count the distinct users"]
'''


def test_a_sql_example_is_checked_as_a_sql_answer_is_graded_without_the_prompt(
    run: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "t.sql").write_text("CREATE TABLE t (user_id INTEGER);\nINSERT INTO t VALUES (1), (1), (2);\n",
                                    encoding="utf-8")
    path = write(tmp_path, SQL_DECK)
    result = run("decks", "validate", str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    as_concept = SQL_DECK.replace('kind = "sql"', 'kind = "concept"').replace('fixture = "t.sql"\n', "")
    as_concept = as_concept.replace('solution = "SELECT COUNT(DISTINCT user_id) AS n FROM t"\n', "")
    result = run("decks", "validate", str(write(tmp_path, as_concept)))
    assert result.exit_code == 1
    assert "example '-- count the distinct users' does not hit its own point" in result.stderr
