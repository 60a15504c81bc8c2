"""`tpmdrill grade`: grade an answer against a card's rubric, recording nothing."""

from __future__ import annotations

import click

from tpmdrill.cli.common import (
    CONTEXT_SETTINGS,
    complete_card,
    db_option,
    echo_json,
    json_option,
    open_store,
    read_text_file,
)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("card_id", shell_complete=complete_card)
@click.option("--answer-file", required=True, help="The answer to grade ('-' reads standard input).")
@json_option
@db_option
def grade(card_id: str, answer_file: str, json_: bool) -> None:
    """Grade an answer to CARD_ID point by point; records nothing.

    Shows which rubric points the answer covered (with the words that matched),
    the score, the suggested rating and the model answer. For a sql card the
    answer is a query: it runs against the card's data in a sandbox and is
    judged by its result. CARD_ID is deck/card, or any shorter name only one card has (see 'tpmdrill card --help').

    \b
    Examples:
      tpmdrill grade api-design/idempotency-keys --answer-file answer.md
      echo "SELECT 1" | tpmdrill grade data/sql-experiment-conversion --answer-file - --json
    """
    from tpmdrill.cli.display import Screen, show_model_answer, show_schema, show_verdict
    from tpmdrill.judging import judge, under_confirmation
    from tpmdrill.lookup import find_card
    from tpmdrill.sqlschema import schema_of

    answer = read_text_file(answer_file)
    card = find_card(open_store(), card_id)
    judgement = judge(card, answer)
    if json_:
        echo_json(judgement.to_json())
        return
    screen = Screen.open()
    show_schema(screen, schema_of(card))
    show_verdict(screen, under_confirmation(card, answer, judgement))
    show_model_answer(screen, card)
