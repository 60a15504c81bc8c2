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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tpmdrill.decks import RubricPoint
from tpmdrill.errors import TpmdrillError
from tpmdrill.ratings import RATINGS
from tpmdrill.wording import COMBINING_MARK as _COMBINING_MARK
from tpmdrill.wording import WORD as _WORD
from tpmdrill.wording import WORD_ASCII as _WORD_ASCII
from tpmdrill.wording import WORD_UNMARKED as _WORD_UNMARKED
from tpmdrill.wording import fold as fold
from tpmdrill.wording import is_typo as is_typo
from tpmdrill.wording import stem as stem
from tpmdrill.wording import words as words

# Answers beyond this are refused with a clear error rather than graded. 200,000
# characters is some 30,000 words, far beyond any spoken or typed interview answer;
# up to it grading stays well under a second even for adversarial text (every word
# distinct), which a 5 MB answer could not promise.
MAX_ANSWER_CHARS = 200_000

# Share of the answer's words that are keyword matches above which the answer reads
# as a bare list of terms rather than an explanation.
STUFFING_SHARE = 0.6

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
