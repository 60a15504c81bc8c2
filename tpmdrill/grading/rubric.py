"""The compiled rubric: keyword spellings turned into the words, phrases and verbatim
patterns the matcher looks for.

Each keyword's spellings (its own, its closed-up compounds and the thesaurus's) are
compiled once per rubric: decks are frozen while a session runs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tpmdrill.decks import RubricPoint
from tpmdrill.grading.text import PRONOUNS, WORD, expand_contractions, fold, is_literal, letter_set, stem
from tpmdrill.grading.thesaurus import Thesaurus, bundled_thesaurus, term_key

_SLASHED_LETTER = re.compile(r"(?<![^\W_])([^\W\d_])(?=/)|(?<=/)([^\W\d_])(?![^\W_])")
# A keyword with one of these is matched verbatim: folding would lose what it says.
_VERBATIM = re.compile(r"[.,;:!?()\[\]{}<>+*=%^~$#@&\\_]")

_JOINER = re.compile(r"([^\W\d_]+)([-/‐‑–])(?=([^\W\d_]+))")
_PER = re.compile(r"per(?= [^\W\d_])", re.IGNORECASE)
_PER_ALSO = ("each", "by")
# A point phrased like this asks for an explanation, not a mention.
_EXPLAINS = re.compile(r"\b(explain\w*|why|how|because|reason\w*)\b", re.IGNORECASE)

# Words of a keyword that an answer may leave out ("time to live" ~ "time-to-live").
OPTIONAL_IN_KEYWORD = frozenset({
    "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "per", "via",
    "from", "into", "and", "or", "is", "are",
})
# In a keyword of one content word, its small words say what it means ("per host",
# "on time", "go with", "at the cost of", "in memory"): only articles may be left out.
# Without them it would be a common word ("host", "time", "go", "cost") that any
# answer on the topic uses.
_ARTICLES = frozenset({"a", "an", "the"})


@dataclass(frozen=True, eq=False)  # interned (see _keyword_word): identity is equality, and hashes fast
class Word:
    folded: str
    stem: str
    exact: bool  # acronym, number or literal: whole-word equality (and plural) only, no stemming
    letters: int = 0  # letter_set(folded) and letter_set(stem): a cheap test before typo distances
    stem_letters: int = 0
    literal: bool = False  # text.is_literal: matches itself only (a two-letter word: and "PRs", "sign-ups")

    @property
    def short_plural(self) -> str | None:
        """The plural a two-letter word (not a pronoun) may take where the answer writes
        it as one: "IDs", "PRs" in capitals, "sign-ups" closing a hyphenated compound."""
        if self.literal and len(self.folded) == 2 and self.folded.isalpha() and self.folded not in PRONOUNS:
            return self.folded + "s"
        return None


@dataclass(frozen=True)
class Alternative:
    words: tuple[Word, ...]  # the words an answer must contain
    optional: frozenset[str]  # keyword words the answer may leave out or put between
    longest_span: int  # answer words the match may cover (leaving joined compounds aside)
    inserts: int = 0  # other words the answer may put between the keyword's words
    verbatim: re.Pattern[str] | None = None  # matched on the text, not on words
    avoided: bool = False  # the point says to avoid it ("no stack traces"): only a mention that avoids it counts


@dataclass(frozen=True)
class Concept:
    label: str  # the keyword's first spelling: how feedback names the idea
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class CompiledPoint:
    id: str
    concepts: tuple[Concept, ...]
    min_hits: int
    explains: bool = False  # the point asks for an explanation ("Explains why ...")


@functools.lru_cache(maxsize=512)
def compile_rubric(rubric: tuple[RubricPoint, ...]) -> tuple[CompiledPoint, ...]:
    """Normalised keyword variants per point, computed once per rubric (decks are frozen)."""
    thesaurus = bundled_thesaurus()
    return tuple(
        CompiledPoint(point.id, _compile_concepts(point.keywords, thesaurus), point.min_hits,
                      _EXPLAINS.search(point.point) is not None)
        for point in rubric
    )


def _compile_concepts(keywords: tuple[str, ...], thesaurus: Thesaurus) -> tuple[Concept, ...]:
    """Each keyword's concept, kept apart from the point's other ideas: where the
    rubric lists two ideas ("region", "data center"), a thesaurus that counts one as
    the other ("region" ~ "data center") must not let one word stand for both."""
    own = [frozenset(term_key(s.strip()) for s in keyword.split("|")) for keyword in keywords]
    return tuple(
        compile_concept(keyword, thesaurus, frozenset().union(*own[:index], *own[index + 1 :]))
        for index, keyword in enumerate(keywords)
    )


def compile_concept(keyword: str, thesaurus: Thesaurus, others: frozenset[tuple[str, ...]] = frozenset()) -> Concept:
    """A keyword's spellings and their thesaurus synonyms compiled; a spelling whose
    synonyms include one of `others` (the point's other ideas) gets none."""
    alternatives: list[Alternative] = []
    spellings = [s.strip() for s in keyword.split("|")]
    for spelling in list(spellings):
        synonyms = thesaurus.synonyms(spelling)
        if not any(term_key(s) in others for s in synonyms):
            spellings.extend(synonyms)
    for spelling in dict.fromkeys(spellings):
        for variant in _spelling_variants(spelling):
            alternative = _compile_alternative(variant)
            if alternative is not None and alternative not in alternatives:
                alternatives.append(alternative)
    return Concept(spellings[0], tuple(alternatives))


def _spelling_variants(spelling: str) -> list[str]:
    """The spelling, and (when it has hyphenated or slashed compounds) the compounds
    closed up: "write-through" also matches "writethrough", "pub/sub" "pubsub"; and
    "per" said the other ways people say it: "per host" ~ "each host", "by host"."""
    closed = _JOINER.sub(_close_up, spelling)
    variants = [spelling] if closed == spelling else [spelling, closed]
    if _PER.match(spelling) and not _VERBATIM.search(spelling):
        variants += [_PER.sub(other, variant, count=1) for other in _PER_ALSO for variant in list(variants)]
    return variants


def _close_up(match: re.Match[str]) -> str:
    """A hyphen or slash between letters, dropped; but a slash after a word and
    before a lone letter is a unit ("pages/s" is not "pagess")."""
    head, joiner, tail = match.groups()
    return match.group(0) if joiner == "/" and (len(head) == 1) != (len(tail) == 1) else head


def _compile_alternative(spelling: str) -> Alternative | None:
    spelling = expand_contractions(spelling)
    raw_words = WORD.findall(spelling)
    if not raw_words:
        return None
    folded = [fold(w) for w in raw_words]
    # "A" in "A/B test" is a letter of a compound, not an article the answer may drop.
    joined = {fold(letter) for pair in _SLASHED_LETTER.findall(spelling) for letter in pair if letter}
    required = [(raw, f) for raw, f in zip(raw_words, folded, strict=True)
                if f not in OPTIONAL_IN_KEYWORD or f in joined]
    idiom = len(required) == 1 and len(folded) > 1
    if idiom:
        required = [(raw, f) for raw, f in zip(raw_words, folded, strict=True) if f not in _ARTICLES]
    if not required:
        required = list(zip(raw_words, folded, strict=True))
    words = tuple(_keyword_word(raw, f) for raw, f in required)
    optional = frozenset(folded) - {w.folded for w in words}
    if _VERBATIM.search(spelling):
        return Alternative(words, optional, len(folded), 0, verbatim_pattern(spelling))
    compound = re.search(r"[^\W\d_][-/‐‑–][^\W\d_]", spelling) is not None
    # Inserted words only in phrases of content words: "time to live" is an idiom,
    # "time to go live" is not it.
    fixed = compound or len(words) < 2 or bool(optional) or idiom
    inserts = 0 if fixed else 1 if len(words) == 2 else 2
    return Alternative(words, optional, len(folded) + 2 + inserts, inserts)


@functools.lru_cache(maxsize=65_536)
def _keyword_word(raw: str, folded: str) -> Word:
    acronym = len(raw) >= 2 and raw.isupper()
    exact = acronym or not folded.isalpha() or is_literal(folded)
    return _new_word(folded, folded if exact else stem(folded), exact)


_PIECE = re.compile(r"\d+(?:,\d{3})+|[^\W_]+|\S")


def verbatim_pattern(spelling: str) -> re.Pattern[str]:
    """A pattern for the spelling as typed, any spacing and case: "COUNT(DISTINCT"
    also finds "count( distinct", "250,000" also "250000"; never inside a longer
    word or number ("0.05" is not in "10.05" or "0.055")."""
    pieces = _PIECE.findall(spelling)
    parts: list[str] = []
    for index, piece in enumerate(pieces):
        if index:
            both_words = pieces[index - 1][-1].isalpha() and piece[0].isalpha()
            parts.append(r"\s+" if both_words else r"\s*")
        digits = piece[0].isdigit()  # "250,000" also as "250000"
        parts.append(r",?".join(re.escape(group) for group in piece.split(",")) if digits else re.escape(piece))
    head = r"(?<![^\W_])(?<!\d[.,])" if pieces[0][0].isalnum() else ""
    tail = r"(?![^\W_])(?![.,]\d)" if pieces[-1][-1].isalnum() else ""
    return re.compile(head + "".join(parts) + tail, re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _plain_word(folded: str) -> Word:
    literal = is_literal(folded)
    return _new_word(folded, folded if literal else stem(folded), literal)


def _new_word(folded: str, folded_stem: str, exact: bool) -> Word:
    literal = folded.isalpha() and is_literal(folded)
    return Word(folded, folded_stem, exact, letter_set(folded), letter_set(folded_stem), literal)


@functools.lru_cache(maxsize=16_384)
def compound_cuts(folded: str) -> tuple[tuple[str, Word, Word], ...]:
    """The ways to write a one-word keyword as two words of two letters or more:
    (the tail's first two letters, head, tail)."""
    return tuple(
        (folded[cut : cut + 2], _plain_word(folded[:cut]), _plain_word(folded[cut:]))
        for cut in range(2, len(folded) - 1)
    )
