"""Naming a card or a deck the short way: the one resolver every command uses.

A card is named, by the first rule that applies:

1. by its full id, `deck/card` (`api-design/idempotency-keys`), retired cards too;
2. by its own id when one active card has it (`idempotency-keys`), or by
   `DECK/ID` where DECK is a prefix of the deck's id (`api/idempotency-keys`);
3. by a prefix of its own id or of its full id that only one active card has
   (`idempot`, `api-design/idem`, `api/idem`).

Several cards at rule 2 or 3 is an error listing them (up to `LISTED`); no card at all
is an error offering up to three close ids ("did you mean"). A deck is named by its
id, or by a prefix only one deck has, with the same errors. Names are matched without
regard to case (ids are lowercase kebab-case). Both errors are `UnknownCard` /
`UnknownDeck`: exit 1, like any unknown card.

rapidfuzz is imported only to make the suggestions of an error, so commands that name
cards correctly (and `tpmdrill due`) never pay for it.
"""

from __future__ import annotations

from tpmdrill.decks import Card
from tpmdrill.errors import UnknownCard, UnknownDeck
from tpmdrill.store import Store

LISTED = 8  # candidates an ambiguity error names before "and N more"
SUGGESTED = 3  # close ids a "did you mean" offers
CLOSE = 70  # the closeness a suggestion needs (0-100) ...
NEAR_BEST = 10  # ... and how far below the best suggestion it may be
CONTAINED = 90  # the closeness of an id that contains what was typed ...
MIN_CONTAINED = 4  # ... when that is at least this long


def resolve_card(store: Store, text: str) -> str:
    """The full id of the card `text` names (see the module's rules)."""
    typed = text.strip()
    if typed and store.has_card(typed):
        return typed
    folded = typed.lower()
    deck, slash, key = folded.rpartition("/")
    names = store.card_names(key_prefix=key, deck_prefix=deck, id_prefix=None if slash else folded) if typed else []
    chosen = [name for name in names if name.key == key] or names
    if len(chosen) == 1:
        return chosen[0].id
    if chosen:
        raise UnknownCard(_ambiguous(text, "cards", [name.id for name in chosen]))
    raise UnknownCard(_unknown_card(store, text, folded, bool(slash)))


def find_card(store: Store, text: str) -> Card:
    """The card `text` names."""
    return store.card(resolve_card(store, text))


def resolve_deck(store: Store, text: str) -> str:
    """The id of the deck `text` names: its id, or a prefix only one deck has."""
    typed = text.strip()
    ids = [str(row["id"]) for row in store.decks()]
    if typed in ids:
        return typed
    folded = typed.lower()
    chosen = [deck for deck in ids if deck == folded] or [deck for deck in ids if typed and deck.startswith(folded)]
    if len(chosen) == 1:
        return chosen[0]
    if chosen:
        raise UnknownDeck(_ambiguous(text, "decks", chosen))
    close = suggestions({deck: closeness(folded, deck) for deck in ids} if folded else {})
    hint = _did_you_mean(close) if close else "'tpmdrill decks list' lists decks"
    raise UnknownDeck(f"no deck {text!r}; {hint}")


def _unknown_card(store: Store, text: str, folded: str, slash: bool) -> str:
    deck, _, key = folded.rpartition("/")
    scores: dict[str, float] = {}
    if key:
        for name in store.card_names():
            in_deck = 100.0 if not slash or name.deck.startswith(deck) else closeness(deck, name.deck)
            scores[name.id] = min(in_deck, closeness(key, name.key))
    close = suggestions(scores)
    hint = _did_you_mean(close) if close else "'tpmdrill cards' lists card ids (deck/card)"
    return f"no card {text!r}; {hint}"


def closeness(typed: str, target: str) -> float:
    """How close a typed name is to an id, 0-100: rapidfuzz's edit-distance ratio (a typo
    or two), or CONTAINED when the id contains what was typed (a word from its middle)."""
    if len(typed) >= MIN_CONTAINED and typed in target:
        return CONTAINED
    from rapidfuzz import fuzz

    return float(fuzz.ratio(typed, target))


def suggestions(scores: dict[str, float]) -> list[str]:
    """Up to SUGGESTED ids at least CLOSE, closest first, and only those nearly as close
    as the best (NEAR_BEST)."""
    ranked = sorted(((score, target) for target, score in scores.items() if score >= CLOSE),
                    key=lambda pair: (-pair[0], pair[1]))
    best = ranked[0][0] if ranked else 0.0
    return [target for score, target in ranked if score >= best - NEAR_BEST][:SUGGESTED]


def _did_you_mean(ids: list[str]) -> str:
    quoted = [repr(value) for value in ids]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"did you mean {listed}?"


def _ambiguous(text: str, what: str, ids: list[str]) -> str:
    shown = ", ".join(ids[:LISTED])
    more = f" and {len(ids) - LISTED} more" if len(ids) > LISTED else ""
    return f"{text!r} names {len(ids)} {what}: {shown}{more}; give more of the id"
