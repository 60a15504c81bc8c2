"""Mock-interview sets: deterministic, within budget, in interview order, weighted to weak cards."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpmdrill.decks import CATEGORIES
from tpmdrill.errors import BadValue
from tpmdrill.mock import UNSTUDIED_WEAKNESS, choose
from tpmdrill.store import Review, Store

from .conftest import Invoke

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)


TECHNICAL_DECKS = ("api-design", "system-design", "trade-offs", "data")


def bundled_store() -> Store:
    """The four technical bundled decks: these tests pin what rounds draw from them, so
    a deck added for another round (estimation, behavioural, program execution) does
    not move their seeds; the command tests run rounds over all seven."""
    from tpmdrill.decks import load_deck
    from tpmdrill.paths import bundled_decks_dir

    store = Store.memory()
    with store.writing():
        for name in TECHNICAL_DECKS:
            store.sync_deck(load_deck(bundled_decks_dir() / f"{name}.toml"), NOW)
    return store


STORE = bundled_store()  # read-only for every test in this module
# The categories that have cards: issue 14 adds three categories whose decks come on their own branches.
STOCKED = [c for c in CATEGORIES if c in {row["category"] for row in STORE.decks() if row["cards"]}]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(minutes=st.integers(3, 240), seed=st.integers(0, 10**6), focus=st.sampled_from(["weak", "even"]))
def test_a_set_fits_its_budget_in_interview_order_and_repeats_for_its_seed(minutes: int, seed: int, focus: str) -> None:
    mock = choose(STORE, NOW, minutes=minutes, seed=seed, focus=focus)
    assert 0 < mock.total_minutes <= minutes
    assert mock.to_json() == choose(STORE, NOW, minutes=minutes, seed=seed, focus=focus).to_json()
    order = [CATEGORIES.index(section.category) for section in mock.sections]
    assert order == sorted(order)
    ids = [q.card.full_id for q in mock.questions]
    assert len(ids) == len(set(ids))


def test_different_seeds_give_different_sets() -> None:
    sets = {tuple(q["card"] for q in choose(STORE, NOW, minutes=45, seed=s, focus="even").to_json()["questions"])
            for s in range(5)}
    assert len(sets) > 1


def test_even_focus_covers_every_category_given_time() -> None:
    mock = choose(STORE, NOW, minutes=90, seed=1, focus="even")
    assert [s.category for s in mock.sections] == STOCKED


@pytest.mark.parametrize("focus", ["weak", "even"])
def test_no_category_is_crowded_out_of_a_45_minute_mock(focus: str) -> None:
    """A long first question in one category must not eat the time of the ones after it."""
    for seed in range(20):
        mock = choose(STORE, NOW, minutes=45, seed=seed, focus=focus)
        assert [s.category for s in mock.sections] == STOCKED, seed


def test_weak_focus_draws_failed_cards_far_more_often() -> None:
    store = bundled_store()
    weak_cards = [c.full_id for c in store.cards(category="trade-offs")[:5]]
    with store.writing():
        for card in weak_cards:
            for days in (1, 2, 3):
                store.save_review(Review(card, NOW - timedelta(days=days), 1, "review"), None)
    picked: Counter[str] = Counter()
    for seed in range(60):
        for focus in ("weak", "even"):
            mock = choose(store, NOW, minutes=45, seed=seed, focus=focus)
            picked[focus] += sum(q.card.full_id in weak_cards for q in mock.questions)
    assert picked["weak"] > 2 * picked["even"]


def test_a_budget_too_small_for_any_question_is_an_error() -> None:
    with pytest.raises(BadValue, match="no question fits in 2 minutes; the shortest takes 3"):
        choose(STORE, NOW, minutes=2, seed=0)


def test_mock_json_contract(run: Invoke) -> None:
    result = run("mock", "--minutes", "30", "--seed", "7", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["minutes"], body["seed"]) == (30, 7)
    assert sum(q["minutes"] for q in body["questions"]) <= 30
    assert all(set(q) == {"card", "category", "kind", "minutes", "prompt"} for q in body["questions"])
    again = json.loads(run("mock", "--minutes", "30", "--seed", "7", "--format", "json").stdout)
    # The same seed and data give the same questions; the sheet id also carries the time.
    assert {**again, "sheet": ""} == {**body, "sheet": ""}
    assert again["sheet"] != body["sheet"]


def test_mock_sheets_carry_candidate_and_interviewer_parts(run: Invoke, tmp_path: object) -> None:
    html = run("mock", "--seed", "3", "-o", "-").stdout
    assert '<main id="candidate">' in html
    assert '<main id="interviewer" class="page">' in html
    assert html.index('id="candidate"') < html.index('id="interviewer"') < html.index('id="scoring"')
    markdown = run("mock", "--seed", "3", "--format", "md").stdout
    assert "## Candidate copy" in markdown
    assert "## Interviewer copy" in markdown
    assert "- [ ] " in markdown


def test_a_question_never_studied_has_unknown_weakness() -> None:
    sheet = choose(STORE, NOW, minutes=120, seed=1)
    assert sheet.questions
    assert {q.weakness for q in sheet.questions} == {UNSTUDIED_WEAKNESS}


# ---- issue 15: rounds, focus weighting, difficulty ----------------------------------

ROUNDS_WITH_CARDS = ["mixed", "technical", "system-design"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(minutes=st.integers(3, 240), seed=st.integers(0, 10**6), focus=st.sampled_from(["weak", "even"]),
       round_=st.sampled_from(ROUNDS_WITH_CARDS))
def test_every_round_fits_its_budget_and_repeats_for_its_seed(minutes: int, seed: int, focus: str,
                                                             round_: str) -> None:
    mock = choose(STORE, NOW, minutes=minutes, seed=seed, focus=focus, round=round_)
    assert 0 < mock.total_minutes <= minutes
    assert sum(q["minutes"] for q in mock.to_json()["questions"]) == mock.total_minutes  # type: ignore[index]
    again = choose(STORE, NOW, minutes=minutes, seed=seed, focus=focus, round=round_)
    asked = [(q.card.full_id, q.minutes) for q in mock.questions]
    assert [(q.card.full_id, q.minutes) for q in again.questions] == asked
    assert all(q.minutes >= q.card.minutes for q in mock.questions)


@pytest.mark.parametrize("seed", range(10))
def test_a_45_minute_system_design_round_has_one_main_design_question_and_short_probes(seed: int) -> None:
    mock = choose(STORE, NOW, minutes=45, seed=seed, round="system-design")
    main, *probes = mock.questions
    assert (main.role, main.card.kind, main.category) == ("main", "design", "system-design")
    assert 20 <= main.minutes <= 30
    assert len(probes) >= 2
    assert all(p.role == "probe" and p.card.kind != "design" and p.minutes <= 8 for p in probes)
    assert sum(p.category == "system-design" for p in probes) >= 1
    assert mock.total_minutes <= 45


@pytest.mark.parametrize("seed", range(10))
def test_a_technical_round_spreads_short_questions_across_categories(seed: int) -> None:
    mock = choose(STORE, NOW, minutes=45, seed=seed, round="technical")
    assert {q.category for q in mock.questions} == {"api-design", "system-design", "trade-offs", "data"}
    assert all(q.minutes <= 11 and q.card.kind != "design" for q in mock.questions)
    assert len({q.card.kind for q in mock.questions}) >= 2


def test_a_45_minute_mixed_round_anchors_on_one_design_question() -> None:
    for seed in range(10):
        mock = choose(STORE, NOW, minutes=45, seed=seed)
        assert sum(q.card.kind == "design" for q in mock.questions) == 1, seed


def test_a_behavioural_round_needs_story_cards(run: Invoke) -> None:
    with pytest.raises(BadValue, match=r"^a behavioural round needs story cards and none are loaded"):
        choose(STORE, NOW, minutes=30, seed=1, round="behavioural")
    bundled = run("mock", "--round", "behavioural", "--seed", "1", "--format", "json")  # the behavioural deck
    assert bundled.exit_code == 0
    assert {q["kind"] for q in json.loads(bundled.stdout)["questions"]} == {"story"}


def weak_in(category: str, cards: int = 6) -> tuple[Store, list[str]]:
    """The bundled decks with the first short cards of `category` failed three times each."""
    store = bundled_store()
    weak_cards = [c.full_id for c in store.cards(category=category) if c.minutes <= 8][:cards]
    with store.writing():
        for card in weak_cards:
            for days in (1, 2, 3):
                store.save_review(Review(card, NOW - timedelta(days=days), 1, "review"), None)
    return store, weak_cards


@pytest.mark.parametrize("round_", ["mixed", "technical"])
def test_weak_focus_gives_the_weakest_category_at_least_half_again_its_even_share(round_: str) -> None:
    store, _ = weak_in("data")
    share = {}
    for focus in ("weak", "even"):
        minutes = Counter[str]()
        for seed in range(50):
            for q in choose(store, NOW, minutes=45, seed=seed, focus=focus, round=round_).questions:
                minutes[q.category] += q.minutes
        share[focus] = minutes["data"] / sum(minutes.values())
    assert share["weak"] >= 1.5 * share["even"], share


def test_weak_focus_always_asks_the_top_cards_of_weak() -> None:
    from tpmdrill.weak import weak_areas

    store, _ = weak_in("trade-offs")
    # The top cards of `weak` that fit in half the budget: here two 8-minute trade-off cards.
    top = [w.key for w in weak_areas(store, NOW).cards[:2]]
    assert sum(store.card(c).minutes for c in top) <= 45 / 2
    for seed in range(50):
        asked = {q.card.full_id for q in choose(store, NOW, minutes=45, seed=seed, focus="weak").questions}
        assert set(top) <= asked, seed
    even = [set(top) <= {q.card.full_id for q in choose(store, NOW, minutes=45, seed=s, focus="even").questions}
            for s in range(50)]
    assert sum(even) < 10


def test_sets_mix_difficulty_levels_when_the_decks_have_them() -> None:
    levels = [len({q.difficulty for q in choose(STORE, NOW, minutes=45, seed=s, focus="even").questions})
              for s in range(20)]
    has_levels = len({c.difficulty for c in STORE.cards()}) > 1
    assert all(n >= 2 for n in levels) if has_levels else all(n == 1 for n in levels)


def loop_store() -> Store:
    """The bundled decks plus the loop fixture: follow-ups, three difficulty levels, stories."""
    from tpmdrill.decks import load_decks

    from .conftest import LOOP_DECKS

    store = bundled_store()
    for deck in load_decks([LOOP_DECKS]):
        store.sync_deck(deck, NOW)
    return store


LOOP = loop_store()


def test_a_behavioural_round_asks_story_prompts_only() -> None:
    for seed in range(10):
        mock = choose(LOOP, NOW, minutes=15, seed=seed, round="behavioural")
        assert {q.card.kind for q in mock.questions} == {"story"}
        assert mock.total_minutes <= 15 and len(mock.questions) == 2


def test_the_main_question_box_grows_with_its_follow_ups() -> None:
    mains = {}
    for seed in range(400):
        main = choose(LOOP, NOW, minutes=45, seed=seed, round="system-design").questions[0]
        mains[main.card.full_id] = main.minutes
    assert mains["loop/chat-design"] == 28  # 20 minutes and two follow-ups of 4
    assert mains["loop/feed-design"] == 20  # 15 and one follow-up: the box is at least 20
    assert all(20 <= box <= 30 for box in mains.values())


def test_system_design_probes_mix_difficulty_levels() -> None:
    for seed in range(10):
        mock = choose(LOOP, NOW, minutes=45, seed=seed, round="system-design", focus="even")
        assert len({q.difficulty for q in mock.questions[1:]}) >= 2, seed


def test_technical_rounds_mix_difficulty_levels_where_the_pool_has_them() -> None:
    for seed in range(10):
        mock = choose(LOOP, NOW, minutes=45, seed=seed, focus="even", round="technical")
        asked = [q.difficulty for q in mock.questions if q.category == "system-design"]
        assert len(asked) < 2 or len(set(asked)) >= 2, seed


def test_a_sql_question_carries_its_tables_on_the_candidate_copy(run: Invoke) -> None:
    seed = next(str(s) for s in range(300) if "data/sql-revenue-by-country" in [  # orders and users
        q["card"] for q in json.loads(run("mock", "--seed", str(s), "--format", "json").stdout)["questions"]])
    html = run("mock", "--seed", seed, "-o", "-").stdout
    candidate, interviewer = html.split('<main id="interviewer"')
    assert '<table class="sample">' in candidate
    assert "<caption><code>orders</code>" in candidate
    assert '<th>order_ts <span class="type">TEXT</span></th>' in candidate
    assert "<td>2024-01-02 10:00:00</td>" in candidate
    assert "SQLite; timestamps are TEXT &#39;YYYY-MM-DD HH:MM:SS&#39; in UTC" in candidate
    assert "SUM(o.amount)" not in candidate
    assert "<h4>Solution</h4>" in interviewer and "SUM(o.amount) AS revenue" in interviewer
    markdown = run("mock", "--seed", seed, "--format", "md").stdout
    candidate_md, interviewer_md = markdown.split("## Interviewer copy")
    assert "| order\\_id INTEGER | user\\_id INTEGER | order\\_ts TEXT | amount REAL | status TEXT |" in candidate_md
    assert "| 1 | 1 | 2024-01-02 10:00:00 | 40.0 | completed |" in candidate_md
    assert "Solution:" in interviewer_md and "SUM(o.amount) AS revenue" in interviewer_md
