"""Rubric matching: answer text in, per-point verdicts and a suggested rating out.

Matching is lexical but careful, because a grader that credits what the user did
not say (or misses what they did) stops being trusted:

- words are compared after folding case, accents and punctuation, so "write-through",
  "Write through" and "HTTP/2" / "http 2" agree;
- a light stemmer applied identically to keywords and answers lets inflections meet
  ("caches" ~ "cache", "replicated" ~ "replication", "paginate" ~ "pagination");
- typos are forgiven only between words of five letters or more that share their
  first letter, never in numbers or acronyms, and never when one word is the other
  plus letters (a keyword never matches inside a longer word);
- a keyword of several words matches when all its words occur close together in one
  clause, in any order, with only small function words between them
  ("queue for dead letters" ~ "dead-letter queue").

Only words are compared, never substrings of the text, so "CAP" cannot be found
inside "capacity". Negation is deliberately ignored: "we would not add a cache"
discusses caching, and rubric points are phrased for that.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tpmdrill.decks import RubricPoint
from tpmdrill.errors import TpmdrillError
from tpmdrill.ratings import RATINGS

# Answers beyond this are refused with a clear error rather than graded. 200,000
# characters is some 30,000 words, far beyond any spoken or typed interview answer;
# up to it grading stays well under a second even for adversarial text (every word
# distinct), which a 5 MB answer could not promise.
MAX_ANSWER_CHARS = 200_000

# Share of the answer's words that are keyword matches above which the answer reads
# as a bare list of terms rather than an explanation.
STUFFING_SHARE = 0.6

# A word is a run of letters (with any combining accents) or a run of digits, so
# "http2" is two words and "4040" never contains "404". The simpler patterns give
# the same words on the texts they are used for, faster (a 5 MB answer is graded).
_WORD = re.compile(r"((?:[^\W\d_]|[\u0300-\u036f])+|\d+)")
_WORD_UNMARKED = re.compile(r"([^\W\d_]+|\d+)")
_WORD_ASCII = re.compile(r"([A-Za-z]+|\d+)")
_COMBINING_MARK = re.compile(r"[\u0300-\u036f]")
# Punctuation that ends a clause: a multi-word keyword never spans it. Hyphens,
# slashes, apostrophes and en dashes join words rather than separate clauses.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}<>\"\n\r\t•|—]")

# Words of a keyword that an answer may leave out ("time to live" ~ "time-to-live").
_OPTIONAL_IN_KEYWORD = frozenset({
    "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "per", "via",
    "from", "into", "and", "or", "is", "are",
})
# Words an answer may put between the words of a keyword ("queue for dead letters",
# "limit the rate of calls"). Conjunctions are left out on purpose: "consistency
# and hashing" names two things, not consistent hashing.
_FILLER = frozenset({
    "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "per", "via",
    "from", "into", "onto", "is", "are", "was", "were", "be", "been", "being", "it",
    "its", "their", "our", "your", "my", "his", "her", "this", "that", "these", "those",
    "which", "who", "each", "every", "all", "any", "some", "as",
    "s",  # the possessive: "the driver's trip"
})

_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, frozenset[str]]:
    """Keys next to each key, rows and diagonals: typos substitute neighbours."""
    where = {key: (row, col) for row, keys in enumerate(_QWERTY) for col, key in enumerate(keys)}
    near: dict[str, frozenset[str]] = {}
    for key, (row, col) in where.items():
        spots = {(row, col - 1), (row, col + 1), (row - 1, col), (row - 1, col + 1)}
        spots |= {(row + 1, col - 1), (row + 1, col)}
        near[key] = frozenset(k for k, spot in where.items() if spot in spots)
    return near


_NEIGHBOURS = _keyboard_neighbours()


@dataclass(frozen=True)
class PointVerdict:
    id: str
    hit: bool
    matched: tuple[str, ...]  # answer words/phrases as written, in order of appearance, distinct
    concepts: int  # distinct keyword concepts found


@dataclass(frozen=True)
class Grade:
    score: float
    suggested_rating: str  # one of RATINGS
    points: tuple[PointVerdict, ...]
    stuffing: bool


# --- public API ----------------------------------------------------------------


def grade(rubric: Sequence[RubricPoint], answer: str) -> Grade:
    """Grade `answer` against `rubric`; an empty answer scores 0, it is not an error.

    Raises TpmdrillError for an answer over MAX_ANSWER_CHARS characters.
    """
    if len(answer) > MAX_ANSWER_CHARS:
        raise TpmdrillError(
            f"answer too long to grade: {len(answer):,} characters, the limit is "
            f"{MAX_ANSWER_CHARS:,} (about 30,000 words)"
        )
    points = _compile(tuple(rubric))
    text = _Answer(answer)
    text.index(_keyword_words(points))
    verdicts: list[PointVerdict] = []
    covered: set[int] = set()
    for point in points:
        spans_by_concept = [text.concept_spans(concept) for concept in point.concepts]
        verdicts.append(_verdict(point, spans_by_concept, text))
        for spans in spans_by_concept:
            for start, end in spans:
                covered.update(range(start, end + 1))
    score = score_points(rubric, {v.id: v.hit for v in verdicts})
    stuffing = bool(text.tokens) and len(covered) > STUFFING_SHARE * len(text.tokens)
    required_missed = any(p.required and not v.hit for p, v in zip(rubric, verdicts, strict=True))
    rating = suggest_rating(score, required_missed=required_missed, stuffing=stuffing)
    return Grade(score, rating, tuple(verdicts), stuffing)


def suggest_rating(score: float, *, required_missed: bool, stuffing: bool) -> str:
    """Again below 0.4, Hard below 0.7, Good below 0.9, else Easy; then the caps:
    a missed required point caps at Hard, keyword stuffing at Good."""
    if score < 0.4:
        rating = "again"
    elif score < 0.7:
        rating = "hard"
    elif score < 0.9:
        rating = "good"
    else:
        rating = "easy"
    cap = "hard" if required_missed else "good" if stuffing else "easy"
    return min(rating, cap, key=RATINGS.index)


def score_points(rubric: Sequence[RubricPoint], hits: Mapping[str, bool]) -> float:
    """Weighted share of points hit, in [0, 1]; a point missing from `hits` is missed."""
    total = sum(point.weight for point in rubric)
    if total <= 0:
        return 0.0
    earned = sum(point.weight for point in rubric if hits.get(point.id, False))
    # Rounded so that weights like 0.3 + 0.6 land on 0.9, not 0.8999999999999999.
    return min(1.0, max(0.0, round(earned / total, 9)))


# --- normalising and stemming ------------------------------------------------------


@functools.lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Lower case without accents: "Naïve" -> "naive", "STRASSE" and "straße" agree."""
    folded = word.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        # Dotless i has no case partner of its own: fold it so case never matters.
        folded = folded.replace("ı", "i").casefold()
    return folded


def words(text: str) -> list[str]:
    """The folded words of `text`, as the grader sees them."""
    return [fold(w) for w in _WORD.findall(text)]


_BRITISH = re.compile(r"(?<=...)is(e|ed|es|ing|ation|ations)$")
_VOWEL = re.compile(r"[aeiouy]")


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light suffix stripper for folded words, applied alike to keywords and answers.

    Not a linguist's stemmer: it only needs to send inflections of one word to the
    same string without merging different words, and it keeps short words whole.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    word = _IRREGULAR_PLURALS.get(word, word)
    word = _BRITISH.sub(r"iz\1", word)
    word = _strip_plural(word)
    word = _strip_verb_ending(word)
    word = _strip_derivation(word)
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


# Latin and Greek plurals that the suffix rules cannot reach without breaking
# "devices" or "services"; listed, because the set that turns up in answers is small.
_IRREGULAR_PLURALS = {
    "indices": "index", "vertices": "vertex", "matrices": "matrix", "appendices": "appendix",
    "criteria": "criterion", "schemata": "schema", "phenomena": "phenomenon",
    # -sis -> -ses: stripping "is" instead would send "thesis" to "these"
    "hypotheses": "hypothesis", "analyses": "analysis", "diagnoses": "diagnosis",
    "syntheses": "synthesis", "emphases": "emphasis", "crises": "crisis", "theses": "thesis",
}


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and len(word) >= 5 and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _strip_verb_ending(word: str) -> str:
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("eed"):
        return word
    for ending in ("ing", "ed"):
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= 3 and _VOWEL.search(base):
            return _repair(base)
    return word


def _repair(base: str) -> str:
    """Undo what -ed/-ing did to the word: "replicat" -> "replicate", "logg" -> "log"."""
    if base.endswith(("at", "bl", "iz")):
        return base + "e"
    if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "aeiouylsz":
        return base[:-1]
    return base


# (suffix, replacement, shortest remaining stem); the first that applies wins.
_DERIVATIONS = (
    ("ization", "ize", 3),
    ("ation", "", 4),
    ("bility", "ble", 3),
    ("ency", "ent", 5),
    ("ence", "ent", 5),
    ("ancy", "ant", 5),
    ("ance", "ant", 5),
    ("ness", "", 4),
    ("ate", "", 4),
    ("ly", "", 5),
)


def _strip_derivation(word: str) -> str:
    for suffix, replacement, shortest in _DERIVATIONS:
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= shortest:
            return base + replacement
    # -ion after s or t: "encryption" ~ "encrypt", "compression" ~ "compress".
    if word.endswith(("sion", "tion")) and len(word) >= 8:
        return word[:-3]
    return word


def is_typo(keyword: str, written: str) -> bool:
    """Whether the answer's `written` word is a plausible typo of `keyword` (both folded).

    Both need five letters or more, letters only, and the same first letter; one
    being the other plus letters is a different word ("replica", "replicate"), not
    a typo, and so is an inflected word whose root the keyword extends ("pointed" is
    not "pointer"). The edits allowed grow with the shorter word's root, not its
    suffixes: none below five letters ("share"/"shard", "sharing"/"sharding" are
    words of their own) except swapping two neighbouring letters ("cahce"); one up
    to seven letters; two from eight ("availablity"). A transposition counts as one
    edit, and a substituted letter must be a keyboard neighbour or a sound-alike
    ("concensus"), or, in roots of seven letters or more, a vowel for a vowel
    ("latancy"): see _slip.
    """
    a, b = keyword, written
    if min(len(a), len(b)) < 5 or a[0] != b[0] or not (a.isalpha() and b.isalpha()):
        return False
    root_a, root_b = stem(a), stem(b)
    if root_b != b and b.endswith(("s", "ed", "ing")) and root_a.startswith(root_b):
        return False
    root = min(len(root_a), len(root_b))
    if root < 5:
        return _transposed(a, b)
    allowed = 1 if root <= 7 else 2
    return _close(a, b, allowed) or _close(root_a, root_b, allowed)


def _transposed(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    differing = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(differing) == 2
        and differing[1] == differing[0] + 1
        and a[differing[0]] == b[differing[1]]
        and a[differing[1]] == b[differing[0]]
    )


def _close(a: str, b: str, allowed: int) -> bool:
    """Within `allowed` edits, where only a plausible slip may substitute a letter."""
    if a.startswith(b) or b.startswith(a):
        return False  # a keyword never matches inside a longer word
    if OSA.distance(a, b, score_cutoff=allowed) > allowed:
        return False
    vowels_slip = min(len(stem(a)), len(stem(b))) >= 7
    return _slip_distance(a, b, vowels_slip=vowels_slip) <= allowed


# Consonants that sound alike, so spelling one for the other is a slip ("concensus").
_SOUND_ALIKE = frozenset({frozenset("cs"), frozenset("ck"), frozenset("sz")})
_VOWELS = frozenset("aeiou")


def _slip(x: str, y: str, *, vowels_slip: bool) -> bool:
    """Whether writing `y` for `x` is a slip of the finger or of spelling.

    Any other substitution makes a different word more often than a typo: "interval"
    and "internal", "complex" and "complete", "content" and "context" differ by one
    letter that is neither a keyboard neighbour nor a vowel. Vowel for vowel
    ("latancy") is a slip only in long roots: "token"/"taken", "model"/"modal" are words.
    """
    return (
        y in _NEIGHBOURS.get(x, frozenset())
        or frozenset((x, y)) in _SOUND_ALIKE
        or (vowels_slip and x in _VOWELS and y in _VOWELS)
    )


def _slip_distance(a: str, b: str, *, vowels_slip: bool) -> int:
    """Edits from `a` to `b` when only slips may substitute a letter and no letter is
    both dropped and added (that pair would substitute any letter for any other:
    "interval"/"internal"); more than any budget when that cannot be done.

    Plain DP (words are short) over a cost that ranks alignments by letters dropped or
    added first, then by forbidden substitutions, then by slips and transpositions.
    """
    indel, forbidden = 10_000, 100
    previous2: list[int] = []
    previous = [j * indel for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [i * indel] + [0] * len(b)
        for j in range(1, len(b) + 1):
            x, y = a[i - 1], b[j - 1]
            swap = 0 if x == y else 1 if _slip(x, y, vowels_slip=vowels_slip) else forbidden
            current[j] = min(previous[j] + indel, current[j - 1] + indel, previous[j - 1] + swap)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    indels, substitutions = divmod(previous[-1], indel)
    if indels > abs(len(a) - len(b)) or substitutions >= forbidden:
        return len(a) + len(b)
    return indels + substitutions


# --- the compiled rubric -------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    folded: str
    stem: str
    exact: bool  # acronym or number: whole-word equality (and plural) only, no stemming


@dataclass(frozen=True)
class _Alternative:
    words: tuple[_Word, ...]  # the words an answer must contain
    optional: frozenset[str]  # keyword words the answer may leave out or put between
    longest_span: int  # answer words the match may cover (leaving joined compounds aside)


@dataclass(frozen=True)
class _Point:
    id: str
    concepts: tuple[tuple[_Alternative, ...], ...]
    min_hits: int


@functools.lru_cache(maxsize=512)
def _compile(rubric: tuple[RubricPoint, ...]) -> tuple[_Point, ...]:
    """Normalised keyword variants per point, computed once per rubric (decks are frozen)."""
    return tuple(
        _Point(point.id, tuple(_compile_concept(k) for k in point.keywords), point.min_hits)
        for point in rubric
    )


def _keyword_words(points: Iterable[_Point]) -> set[_Word]:
    return {w for point in points for concept in point.concepts for alt in concept for w in alt.words}


def _compile_concept(keyword: str) -> tuple[_Alternative, ...]:
    alternatives: list[_Alternative] = []
    for spelling in keyword.split("|"):
        for variant in _spelling_variants(spelling.strip()):
            alternative = _compile_alternative(variant)
            if alternative is not None and alternative not in alternatives:
                alternatives.append(alternative)
    return tuple(alternatives)


def _spelling_variants(spelling: str) -> list[str]:
    """The spelling, and (when it has hyphenated or slashed compounds) the compounds
    closed up: "write-through" also matches "writethrough", "pub/sub" "pubsub"."""
    closed = re.sub(r"(?<=[^\W\d_])[-/‐‑–](?=[^\W\d_])", "", spelling)
    return [spelling] if closed == spelling else [spelling, closed]


def _compile_alternative(spelling: str) -> _Alternative | None:
    raw_words = _WORD.findall(spelling)
    if not raw_words:
        return None
    folded = [fold(w) for w in raw_words]
    required = [(raw, f) for raw, f in zip(raw_words, folded, strict=True) if f not in _OPTIONAL_IN_KEYWORD]
    if not required:
        required = list(zip(raw_words, folded, strict=True))
    keyword_words = tuple(_keyword_word(raw, f) for raw, f in required)
    optional = frozenset(folded) - {w.folded for w in keyword_words}
    return _Alternative(keyword_words, optional, len(folded) + 2)


def _keyword_word(raw: str, folded: str) -> _Word:
    acronym = len(raw) >= 2 and raw.isupper()
    exact = acronym or not folded.isalpha()
    return _Word(folded, folded if exact else stem(folded), exact)


# --- the analysed answer ---------------------------------------------------------------


class _Answer:
    """The answer split into words once, with indexes that keep grading a long answer
    proportional to its vocabulary rather than to words x keywords."""

    def __init__(self, text: str) -> None:
        # pieces alternate separator, word, separator, ..., word, separator
        self.pieces = _splitter(text).split(text)
        self.tokens = self.pieces[1::2]
        folded_of = {raw: fold(raw) for raw in dict.fromkeys(self.tokens)}
        self.stream = [folded_of[raw] for raw in self.tokens]
        self.vocabulary = frozenset(folded_of.values())
        self.by_stem: dict[str, list[str]] = {}
        for form in self.vocabulary:
            self.by_stem.setdefault(stem(form), []).append(form)
        self._fuzzy_buckets: dict[str, tuple[list[str], list[str]]] | None = None
        self._forms: dict[_Word, _Forms] = {}
        self._positions: dict[str, list[int]] = {}
        self._indexed: set[str] = set()
        self._word_spans: dict[_Word, list[tuple[int, int]]] = {}

    # keyword words -> the answer's forms that match them (vocabulary only, no positions)

    def forms(self, word: _Word) -> _Forms:
        if word not in self._forms:
            compounds = tuple(self._split_compounds(word))
            self._forms[word] = _Forms(frozenset(self.exact_forms(word) | self.typo_forms(word)), compounds)
        return self._forms[word]

    def exact_forms(self, word: _Word) -> set[str]:
        """Answer forms equal to the word, its plural, or (unless exact) its stem."""
        forms = {f for f in (word.folded, word.folded + "s", word.folded + "es") if f in self.vocabulary}
        if word.exact:
            return forms  # and not "HTTP" for "HTTPS": an acronym's final s is its own
        if word.folded.endswith("s") and word.folded[:-1] in self.vocabulary:
            forms.add(word.folded[:-1])
        forms.update(self.by_stem.get(word.stem, ()))
        return forms

    def typo_forms(self, word: _Word) -> set[str]:
        if word.exact or len(word.folded) < 5:
            return set()
        stems, forms = self._buckets().get(word.folded[0], ([], []))
        found: set[str] = set()
        for query, choices in ((word.stem, stems), (word.folded, forms)):
            for _, _, index in process.extract(
                query, choices, scorer=OSA.distance, score_cutoff=2, limit=None
            ):
                if is_typo(word.folded, forms[index]):
                    found.add(forms[index])
        return found

    def _buckets(self) -> dict[str, tuple[list[str], list[str]]]:
        """Forms that may be typos (five letters or more, letters only), by first letter."""
        if self._fuzzy_buckets is None:
            buckets: dict[str, tuple[list[str], list[str]]] = {}
            for form in sorted(self.vocabulary):
                if len(form) >= 5 and form.isalpha():
                    stems, forms = buckets.setdefault(form[0], ([], []))
                    stems.append(stem(form))
                    forms.append(form)
            self._fuzzy_buckets = buckets
        return self._fuzzy_buckets

    def _split_compounds(self, word: _Word) -> Iterable[tuple[frozenset[str], frozenset[str]]]:
        """Where the answer may write a one-word keyword as two: "fail over" ~ "failover"."""
        if word.exact or len(word.folded) < 5:
            return
        for cut in range(2, len(word.folded) - 1):
            head = self.exact_forms(_plain_word(word.folded[:cut]))
            tail = self.exact_forms(_plain_word(word.folded[cut:]))
            if head and tail:
                yield frozenset(head), frozenset(tail)

    # forms -> positions

    def index(self, words: Iterable[_Word]) -> None:
        """Record where the forms of `words` occur, in one pass over the answer."""
        wanted: set[str] = set()
        for word in words:
            found = self.forms(word)
            wanted |= found.single
            for head, tail in found.compounds:
                wanted |= head | tail
        wanted -= self._indexed
        if not wanted:
            return
        positions = self._positions
        for i, form in enumerate(self.stream):
            if form in wanted:
                positions.setdefault(form, []).append(i)
        self._indexed |= wanted

    def positions(self, forms: Iterable[str]) -> list[int]:
        found = [self._positions.get(form, []) for form in set(forms)]
        return sorted(i for each in found for i in each)

    # keyword words and concepts -> spans of answer words (first, last)

    def word_spans(self, word: _Word) -> list[tuple[int, int]]:
        if word not in self._word_spans:
            self.index([word])
            found = self.forms(word)
            spans = [(i, i) for i in self.positions(found.single)]
            for head, tail in found.compounds:
                tails = set(self.positions(tail))
                spans.extend(
                    (i, i + 1)
                    for i in self.positions(head)
                    if i + 1 in tails and not self.breaks_between(i, i + 1)
                )
            self._word_spans[word] = sorted(set(spans)) if found.compounds else spans
        return self._word_spans[word]

    def breaks_between(self, first: int, last: int) -> bool:
        """Whether punctuation ends a clause anywhere between words first..last."""
        return any(_CLAUSE_BREAK.search(self.pieces[2 * k]) for k in range(first + 1, last + 1))

    def concept_spans(self, concept: tuple[_Alternative, ...]) -> list[tuple[int, int]]:
        spans: set[tuple[int, int]] = set()
        for alternative in concept:
            spans.update(_alternative_spans(alternative, self))
        return sorted(spans)

    def text_of(self, span: tuple[int, int]) -> str:
        """The answer's own text for a span of words, punctuation between them included."""
        first, last = span
        return "".join(self.pieces[2 * first + 1 : 2 * last + 2])


@dataclass(frozen=True)
class _Forms:
    single: frozenset[str]  # answer forms that match the keyword word on their own
    compounds: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (head, tail) forms of split compounds


def _splitter(text: str) -> re.Pattern[str]:
    if text.isascii():
        return _WORD_ASCII
    return _WORD if _COMBINING_MARK.search(text) else _WORD_UNMARKED


@functools.lru_cache(maxsize=4096)
def _plain_word(folded: str) -> _Word:
    return _Word(folded, stem(folded), False)


# --- multi-word keywords ------------------------------------------------------------


def _alternative_spans(alternative: _Alternative, text: _Answer) -> list[tuple[int, int]]:
    per_word = [text.word_spans(word) for word in alternative.words]
    if len(per_word) == 1:
        return per_word[0]
    if not all(per_word):
        return []
    # Anchor on the rarest word so a common word in a long answer costs little.
    order = sorted(range(len(per_word)), key=lambda k: len(per_word[k]))
    anchor, others = per_word[order[0]], [per_word[k] for k in order[1:]]
    found: list[tuple[int, int]] = []
    for span in anchor:
        match = _complete([span], others, alternative, text)
        if match is not None:
            found.append(match)
    return found


def _complete(
    chosen: list[tuple[int, int]],
    remaining: list[list[tuple[int, int]]],
    alternative: _Alternative,
    text: _Answer,
) -> tuple[int, int] | None:
    """Depth-first: pick a span for each remaining word so that all of them sit in one
    short, unbroken stretch of the answer; return that stretch, or None."""
    first = min(s for s, _ in chosen)
    last = max(e for _, e in chosen)
    reach = alternative.longest_span + len(alternative.words)  # joined compounds widen it
    if not remaining:
        return (first, last) if _is_tight(chosen, alternative, text) else None
    starts = remaining[0]
    low = bisect_left(starts, (last - reach + 1, -1))
    high = bisect_right(starts, (first + reach, -1))
    for candidate in starts[low:high]:
        if any(candidate[0] <= e and s <= candidate[1] for s, e in chosen):
            continue
        match = _complete([*chosen, candidate], remaining[1:], alternative, text)
        if match is not None:
            return match
    return None


def _is_tight(chosen: list[tuple[int, int]], alternative: _Alternative, text: _Answer) -> bool:
    first = min(s for s, _ in chosen)
    last = max(e for _, e in chosen)
    joined = sum(e - s for s, e in chosen)
    if last - first + 1 - joined > alternative.longest_span or text.breaks_between(first, last):
        return False
    inside = {i for s, e in chosen for i in range(s, e + 1)}
    fillers = _FILLER | alternative.optional
    return all(text.stream[i] in fillers for i in range(first, last + 1) if i not in inside)


# --- verdicts ---------------------------------------------------------------------------


def _verdict(point: _Point, spans_by_concept: list[list[tuple[int, int]]], text: _Answer) -> PointVerdict:
    concepts = sum(1 for spans in spans_by_concept if spans)
    spans = sorted({span for spans in spans_by_concept for span in spans})
    matched: dict[str, str] = {}
    for span in spans:
        written = text.text_of(span)
        matched.setdefault(written.casefold(), written)
    return PointVerdict(
        id=point.id,
        hit=concepts >= point.min_hits,
        matched=tuple(matched.values()),
        concepts=concepts,
    )
