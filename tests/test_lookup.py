"""The one resolver of card and deck names: full ids, own ids, prefixes, ambiguity, typos."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.decks import Card, Deck
from tpmdrill.errors import UnknownCard, UnknownDeck
from tpmdrill.lookup import closeness, find_card, resolve_card, resolve_deck, suggestions
from tpmdrill.store import Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _card(deck: str, key: str) -> Card:
    return Card(deck=deck, id=key, kind="concept", prompt=f"Explain {key}.", minutes=3, tags=(), skills=(),
                answer="Because.")


DECKS = {
    "api-design": ["idempotency-keys", "rate-limiting", "pagination", "pagination-cursors"],
    "system-design": ["rate-limiting", "design-url-shortener", "caching"],
    "data": ["idempotent-backfill", "ab-test-checkout-redesign"],
    "data-extra": ["funnels"],
}


def _filled() -> Store:
    store = Store.in_memory()
    for deck, keys in DECKS.items():
        store.sync_deck(Deck(deck, deck.title(), "data", "", tuple(_card(deck, k) for k in keys)), T0)
    return store


@pytest.fixture
def store() -> Store:
    return _filled()


@pytest.mark.parametrize(
    ("typed", "full"),
    [
        ("api-design/idempotency-keys", "api-design/idempotency-keys"),  # 1. the full id
        ("idempotency-keys", "api-design/idempotency-keys"),  # 2. an own id only one card has
        ("  Idempotency-Keys ", "api-design/idempotency-keys"),  # spaces and case do not matter
        ("sys/rate-limiting", "system-design/rate-limiting"),  # 2. DECK-prefix/own id
        ("pagination", "api-design/pagination"),  # 2. an exact own id beats a longer one it starts
        ("idempotency", "api-design/idempotency-keys"),  # 3. a prefix of an own id ...
        ("api-design/idem", "api-design/idempotency-keys"),  # ... of a full id
        ("api/idem", "api-design/idempotency-keys"),  # ... of both parts
        ("pagination-c", "api-design/pagination-cursors"),
        ("design-url", "system-design/design-url-shortener"),
        ("data/f", "data-extra/funnels"),  # the deck part is a prefix too
    ],
)
def test_names_that_resolve(store: Store, typed: str, full: str) -> None:
    assert resolve_card(store, typed) == full
    assert find_card(store, typed).full_id == full


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("rate-limiting", "'rate-limiting' names 2 cards: api-design/rate-limiting, system-design/rate-limiting;"
         " give more of the id"),
        ("idem", "'idem' names 2 cards: api-design/idempotency-keys, data/idempotent-backfill; give more of the id"),
        ("api-design/pag", "'api-design/pag' names 2 cards: api-design/pagination, api-design/pagination-cursors;"
         " give more of the id"),
    ],
)
def test_ambiguous_names_list_the_candidates(store: Store, typed: str, message: str) -> None:
    with pytest.raises(UnknownCard) as caught:
        resolve_card(store, typed)
    assert str(caught.value) == message


def test_an_ambiguity_lists_at_most_eight_then_counts(store: Store) -> None:
    many = tuple(_card("big", f"card-{n:02d}") for n in range(12))
    store.sync_deck(Deck("big", "Big", "data", "", many), T0)
    with pytest.raises(UnknownCard) as caught:
        resolve_card(store, "big/card")
    assert str(caught.value) == (
        "'big/card' names 12 cards: " + ", ".join(f"big/card-{n:02d}" for n in range(8))
        + " and 4 more; give more of the id"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("data/ab-test-design", "no card 'data/ab-test-design'; did you mean 'data/ab-test-checkout-redesign'?"),
        ("idempotncy-keys", "no card 'idempotncy-keys'; did you mean 'api-design/idempotency-keys'?"),
        ("system-design/url-shortener",
         "no card 'system-design/url-shortener'; did you mean 'system-design/design-url-shortener'?"),
        ("ratelimit", "no card 'ratelimit'; did you mean 'api-design/rate-limiting' or "
         "'system-design/rate-limiting'?"),
        ("xyzzy", "no card 'xyzzy'; 'tpmdrill cards' lists card ids (deck/card)"),
        ("data/nope", "no card 'data/nope'; 'tpmdrill cards' lists card ids (deck/card)"),
        ("sytem-design/caching", "no card 'sytem-design/caching'; did you mean 'system-design/caching'?"),
        ("shortener", "no card 'shortener'; did you mean 'system-design/design-url-shortener'?"),
        ("", "no card ''; 'tpmdrill cards' lists card ids (deck/card)"),
    ],
)
def test_unknown_names_suggest_close_ids(store: Store, typed: str, message: str) -> None:
    with pytest.raises(UnknownCard) as caught:
        resolve_card(store, typed)
    assert str(caught.value) == message


def test_suggestions_are_at_most_three_closest_first_and_near_the_best() -> None:
    scores = {f"d/cache-{n}": 95.0 - n for n in range(6)} | {"d/zebra": 40.0, "d/far": 80.0}
    assert suggestions(scores) == ["d/cache-0", "d/cache-1", "d/cache-2"]
    assert suggestions({"a": 95.0, "b": 84.0, "c": 86.0}) == ["a", "c"]  # b is more than 10 below the best
    assert suggestions({"a": 69.0}) == []
    assert suggestions({}) == []


@pytest.mark.parametrize(("typed", "target", "close"), [
    ("shortener", "design-url-shortener", True),  # a word from the middle
    ("idempotncy-keys", "idempotency-keys", True),  # a dropped letter
    ("nope", "peeking-and-novelty", False),
    ("abc", "abcdef-ghijkl-mnopqr", False),  # too short to count as contained
])
def test_closeness(typed: str, target: str, close: bool) -> None:
    assert (closeness(typed, target) >= 70) is close


def test_a_retired_card_answers_to_its_full_id_only(store: Store) -> None:
    keys = [k for k in DECKS["system-design"] if k != "caching"]
    store.sync_deck(Deck("system-design", "S", "data", "", tuple(_card("system-design", k) for k in keys)), T0)
    assert store.is_retired("system-design/caching")
    assert resolve_card(store, "system-design/caching") == "system-design/caching"
    with pytest.raises(UnknownCard, match="no card 'caching'"):
        resolve_card(store, "caching")


@pytest.mark.parametrize(
    ("typed", "deck"),
    [("api-design", "api-design"), ("api", "api-design"), ("SYS", "system-design"), ("data", "data"),
     ("data-", "data-extra")],
)
def test_decks_resolve_by_id_or_unique_prefix(store: Store, typed: str, deck: str) -> None:
    assert resolve_deck(store, typed) == deck


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("d", "'d' names 2 decks: data, data-extra; give more of the id"),
        ("sytem-design", "no deck 'sytem-design'; did you mean 'system-design'?"),
        ("ops", "no deck 'ops'; 'tpmdrill decks list' lists decks"),
        ("", "no deck ''; 'tpmdrill decks list' lists decks"),
    ],
)
def test_deck_errors(store: Store, typed: str, message: str) -> None:
    with pytest.raises(UnknownDeck) as caught:
        resolve_deck(store, typed)
    assert str(caught.value) == message


@given(st.sampled_from([f"{deck}/{key}" for deck, keys in DECKS.items() for key in keys]), st.integers(1, 40))
def test_a_prefix_of_a_full_id_names_that_card_or_lists_it(full: str, cut: int) -> None:
    """A prefix cut from a card's full id is never "no card": it names that card, or an
    ambiguity listing it, or a card whose own id is exactly the part typed."""
    store = _filled()
    typed = full[:cut]
    try:
        named = resolve_card(store, typed)
    except UnknownCard as ex:
        problem = str(ex)
    else:
        problem = ""
    if problem:
        assert problem.startswith(f"{typed!r} names ")
        assert full in problem
    elif named != full:
        assert named.split("/")[1] == typed.rpartition("/")[2]
