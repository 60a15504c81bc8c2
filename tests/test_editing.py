"""The $EDITOR file: the prompt as a comment on top, removed when read back (tpmdrill.editing)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.editing import editor_file


def test_a_written_answer_starts_with_the_prompt_in_hash_comments() -> None:
    file = editor_file("Explain idempotency\nto an engineer.", sql=False)
    assert file.text == (
        "# Write your answer below. Lines starting with '#' at the top are removed when you save and quit.\n"
        "#\n"
        "# Explain idempotency\n"
        "# to an engineer.\n"
        "\n"
    )
    assert file.answer(file.text) == ""
    assert file.answer(file.text + "Same effect on retry.\n\n") == "Same effect on retry."


def test_a_query_uses_sql_comments_and_keeps_the_query_being_revised() -> None:
    file = editor_file("Orders per month.\n\norders(order_id INTEGER)", sql=True, previous="SELECT 1\n",
                       what="query")
    lines = file.text.split("\n")
    assert lines[0].startswith("-- Write your query below. Lines starting with '--' at the top are removed")
    assert lines[1:6] == ["--", "-- Orders per month.", "--", "-- orders(order_id INTEGER)", ""]
    assert file.text.endswith("\nSELECT 1\n")
    assert file.answer(file.text) == "SELECT 1"
    assert file.answer(file.text.replace("SELECT 1", "-- mine\nSELECT 2")) == "-- mine\nSELECT 2"


def test_only_the_leading_comment_block_goes() -> None:
    file = editor_file("Design an API.", sql=False)
    written = file.text + "# Resources\n\nRiders, drivers.\n# not a comment here\n"
    assert file.answer(written) == "# Resources\n\nRiders, drivers.\n# not a comment here"
    assert file.answer("\n\n" + file.text.replace("# Design", "#   edited")) == ""  # edited comments go too
    assert file.answer(None) == ""
    assert file.answer(file.text.replace("\n", "\r\n") + "Answer\r\n") == "Answer"


def test_control_characters_in_the_prompt_do_not_reach_the_file() -> None:
    file = editor_file("Say \x1b]52;c;aGk=\x07 hi\r\nthere", sql=False)
    assert "\x1b" not in file.text and "\x07" not in file.text and "\r" not in file.text
    assert "# there\n" in file.text
    assert "# (no prompt)" in editor_file("", sql=False).text


@given(prompt=st.text(max_size=200), answer=st.text(max_size=200), sql=st.booleans())
def test_what_the_user_writes_below_the_comment_comes_back(prompt: str, answer: str, sql: bool) -> None:
    file = editor_file(prompt, sql=sql)
    body = answer.replace("\r", "")
    assert file.answer(file.text + body) == body.strip()
