"""The shared domain thesaurus: the field's notation, abbreviations and everyday
synonyms, grouped into concepts, so that every card's keywords understand them.

`decks/thesaurus.toml` holds `[[concept]]` tables, each with `terms`: two or more
spellings of one idea (`["Kubernetes", "k8s"]`, `["p99", "99th percentile"]`). A
rubric keyword spelled like one term also matches every other term of its concept,
and a term inside a longer keyword may be swapped for the others ("DB replica" also
matches "database replica"). Terms follow the keyword rules: an upper-case term is
an acronym matched as a whole word, a term with digits or punctuation is matched
verbatim.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tpmdrill.errors import DeckError
from tpmdrill.grading.text import WORD, expand_contractions, fold, stem

THESAURUS_FILE = "thesaurus.toml"
# Variants one keyword spelling may grow into through sub-phrase swaps: enough for a
# keyword naming two abbreviated things, few enough to keep compiling cheap.
MAX_VARIANTS = 24
_PLAIN = re.compile(r"[^\W_]+(?:[ '/-][^\W_]+)*")


def term_key(term: str) -> tuple[str, ...]:
    """How a term or keyword spelling is looked up: its words, folded and stemmed
    (acronyms and numbers as written)."""
    raw_words = WORD.findall(expand_contractions(term))
    return tuple(_word_key(raw) for raw in raw_words)


def _folded_words(term: str) -> tuple[str, ...]:
    return tuple(fold(raw) for raw in WORD.findall(expand_contractions(term)))


def _word_key(raw: str) -> str:
    folded = fold(raw)
    if (len(raw) >= 2 and raw.isupper()) or not folded.isalpha():
        return folded
    return stem(folded)


@dataclass(frozen=True)
class Thesaurus:
    concepts: tuple[tuple[str, ...], ...]
    source: str = ""

    @functools.cached_property
    def _by_key(self) -> dict[tuple[str, ...], tuple[int, ...]]:
        found: dict[tuple[str, ...], list[int]] = {}
        for index, terms in enumerate(self.concepts):
            for term in terms:
                found.setdefault(term_key(term), []).append(index)
        return {key: tuple(dict.fromkeys(indexes)) for key, indexes in found.items() if key}

    @functools.cached_property
    def _swappable(self) -> dict[tuple[str, ...], tuple[int, ...]]:
        """Terms that may be swapped inside a longer keyword: words only, no notation."""
        found: dict[tuple[str, ...], list[int]] = {}
        for index, terms in enumerate(self.concepts):
            for term in terms:
                if _PLAIN.fullmatch(term):
                    found.setdefault(term_key(term), []).append(index)
        return {key: tuple(dict.fromkeys(indexes)) for key, indexes in found.items() if key}

    @functools.cached_property
    def _longest(self) -> int:
        return max((len(key) for key in self._swappable), default=0)

    def synonyms(self, spelling: str) -> list[str]:
        """Other spellings of `spelling`: whole-term matches first, then sub-phrase swaps."""
        key = term_key(spelling)
        own = _folded_words(spelling)
        found: list[str] = []
        # A term with the same key is still another spelling when its words differ
        # ("grouped by" for "GROUP BY": the capitals make "GROUP" exact, never stemmed).
        for index in self._by_key.get(key, ()):
            found.extend(t for t in self.concepts[index] if _folded_words(t) != own)
        if len(key) > 1:
            found.extend(self._swaps(spelling, key))
        unique = [s for s in dict.fromkeys(found) if s.strip() and _folded_words(s) != own]
        return unique[:MAX_VARIANTS]

    def _swaps(self, spelling: str, key: tuple[str, ...]) -> list[str]:
        raw_words = WORD.findall(expand_contractions(spelling))
        swaps: list[str] = []
        for size in range(min(self._longest, len(key) - 1), 0, -1):
            for start in range(len(key) - size + 1):
                for index in self._swappable.get(key[start : start + size], ()):
                    for term in self.concepts[index]:
                        if _PLAIN.fullmatch(term) and term_key(term) != key[start : start + size]:
                            swaps.append(" ".join([*raw_words[:start], term, *raw_words[start + size :]]))
        return swaps


EMPTY = Thesaurus(())


def load_thesaurus(path: Path) -> Thesaurus:
    """Parse and validate the thesaurus; raise DeckError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as ex:
        raise DeckError([f"{path}: cannot read: {ex}"]) from None
    except tomllib.TOMLDecodeError as ex:
        raise DeckError([f"{path}: malformed TOML: {ex}"]) from None
    problems: list[str] = [f"{path}: key {key!r}: unknown top-level key" for key in sorted(set(data) - {"concept"})]
    raw = data.get("concept", [])
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw) or not raw:
        problems.append(f"{path}: key 'concept': concepts must be [[concept]] tables")
        raise DeckError(problems)
    concepts = [_concept(entry, n, path, problems) for n, entry in enumerate(raw, start=1)]
    if problems:
        raise DeckError(problems)
    return Thesaurus(tuple(concepts), str(path))


def _concept(entry: dict[str, Any], number: int, path: Path, problems: list[str]) -> tuple[str, ...]:
    where = f"{path}: concept #{number}"
    for key in sorted(set(entry) - {"terms"}):
        problems.append(f"{where}: key {key!r}: unknown key")
    terms = entry.get("terms")
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        problems.append(f"{where}: key 'terms': must be a list of non-empty strings")
        return ()
    label = f"concept #{number} ({terms[0]!r})" if terms else where
    keys = [term_key(t) for t in terms]
    if len(terms) < 2:
        problems.append(f"{path}: {label}: key 'terms': a concept needs two or more terms")
    if any(not key for key in keys):
        problems.append(f"{path}: {label}: key 'terms': every term needs a letter or digit")
    if len({t.strip().casefold() for t in terms}) != len(terms):
        problems.append(f"{path}: {label}: key 'terms': a term is listed twice")
    if any("|" in t for t in terms):
        problems.append(f"{path}: {label}: key 'terms': a term may not contain '|'")
    return tuple(t.strip() for t in terms)


@functools.cache
def bundled_thesaurus() -> Thesaurus:
    """The thesaurus shipped beside the bundled decks (empty if it is missing)."""
    from tpmdrill.paths import bundled_decks_dir

    path = bundled_decks_dir() / THESAURUS_FILE
    return load_thesaurus(path) if path.exists() else EMPTY
