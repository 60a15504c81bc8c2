"""Finding a rubric's keywords in an answer: the compiled rubric, the analysed answer
and the rules for phrases.

Only words are compared, never substrings of the text, so "CAP" cannot be found
inside "capacity". A keyword of several words matches when all its words occur close
together in one clause, in any order, with small function words and (for a spaced
phrase, not a hyphenated compound) one or two other words between them ("queue for
dead letters" ~ "dead-letter queue", "limit the request rate" ~ "rate limit"); a
conjunction or a negation between them breaks the phrase. A keyword with digits,
punctuation or operators (`0.05`, `100:1`, `COUNT(DISTINCT`, `TP / (TP + FP)`) is
matched verbatim, whitespace and case aside.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tpmdrill.decks import RubricPoint
from tpmdrill.grading.shape import bare_segments, segments
from tpmdrill.grading.text import (
    COMBINING_MARK,
    WORD,
    WORD_ASCII,
    WORD_UNMARKED,
    expand_contractions,
    fold,
    is_typo,
    stem,
)
from tpmdrill.grading.thesaurus import Thesaurus, bundled_thesaurus

# Punctuation that ends a clause: a multi-word keyword never spans it. Hyphens,
# slashes, apostrophes, en dashes and brackets join words rather than separate
# clauses ("COUNT(DISTINCT user_id)" is one phrase).
_CLAUSE_BREAK = re.compile(r"[.,;:!?\"\n\r\t•|—]")
_SENTENCE_BREAK = re.compile(r"[.!?;](?:\s|$)|\n")
_SLASHED_LETTER = re.compile(r"(?<![^\W_])([^\W\d_])(?=/)|(?<=/)([^\W\d_])(?![^\W_])")
# A keyword with one of these is matched verbatim: folding would lose what it says.
_VERBATIM = re.compile(r"[.,;:!?()\[\]{}<>+*=%^~$#@&\\_]")

# A point phrased like this asks for an explanation, not a mention.
_EXPLAINS = re.compile(r"\b(explain\w*|why|how|because|reason\w*)\b", re.IGNORECASE)

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
# Words that may never sit inside a phrase, even as one of its inserted words.
_BLOCKERS = frozenset({"and", "or", "but", "nor", "not", "no", "never", "without", "vs", "versus", "than"})
NEGATIONS = frozenset({"not", "no", "never", "without", "nor", "avoid", "avoids", "avoiding", "instead"})
# Endings an answer's word may drop to meet a keyword's stem ("faster" ~ "fast",
# "management" ~ "manage", "useful" ~ "use"); one way only, so the keyword "worker"
# still needs a worker, not any "work".
_ANSWER_ENDINGS = ("ments", "ment", "fully", "ful", "ers", "er")


# --- the compiled rubric -------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # interned (see _keyword_word): identity is equality, and hashes fast
class Word:
    folded: str
    stem: str
    exact: bool  # acronym or number: whole-word equality (and plural) only, no stemming


@dataclass(frozen=True)
class Alternative:
    words: tuple[Word, ...]  # the words an answer must contain
    optional: frozenset[str]  # keyword words the answer may leave out or put between
    longest_span: int  # answer words the match may cover (leaving joined compounds aside)
    inserts: int = 0  # other words the answer may put between the keyword's words
    verbatim: re.Pattern[str] | None = None  # matched on the text, not on words


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
        CompiledPoint(point.id, tuple(compile_concept(k, thesaurus) for k in point.keywords), point.min_hits,
                      _EXPLAINS.search(point.point) is not None)
        for point in rubric
    )


def compile_concept(keyword: str, thesaurus: Thesaurus) -> Concept:
    alternatives: list[Alternative] = []
    spellings = [s.strip() for s in keyword.split("|")]
    for spelling in list(spellings):
        spellings.extend(thesaurus.synonyms(spelling))
    for spelling in dict.fromkeys(spellings):
        for variant in _spelling_variants(spelling):
            alternative = _compile_alternative(variant)
            if alternative is not None and alternative not in alternatives:
                alternatives.append(alternative)
    return Concept(spellings[0], tuple(alternatives))


def _spelling_variants(spelling: str) -> list[str]:
    """The spelling, and (when it has hyphenated or slashed compounds) the compounds
    closed up: "write-through" also matches "writethrough", "pub/sub" "pubsub"."""
    closed = re.sub(r"(?<=[^\W\d_])[-/‐‑–](?=[^\W\d_])", "", spelling)
    return [spelling] if closed == spelling else [spelling, closed]


def _compile_alternative(spelling: str) -> Alternative | None:
    spelling = expand_contractions(spelling)
    raw_words = WORD.findall(spelling)
    if not raw_words:
        return None
    folded = [fold(w) for w in raw_words]
    # "A" in "A/B test" is a letter of a compound, not an article the answer may drop.
    joined = {fold(letter) for pair in _SLASHED_LETTER.findall(spelling) for letter in pair if letter}
    required = [(raw, f) for raw, f in zip(raw_words, folded, strict=True)
                if f not in _OPTIONAL_IN_KEYWORD or f in joined]
    if not required:
        required = list(zip(raw_words, folded, strict=True))
    words = tuple(_keyword_word(raw, f) for raw, f in required)
    optional = frozenset(folded) - {w.folded for w in words}
    if _VERBATIM.search(spelling):
        return Alternative(words, optional, len(folded), 0, verbatim_pattern(spelling))
    compound = re.search(r"[^\W\d_][-/‐‑–][^\W\d_]", spelling) is not None
    # Inserted words only in phrases of content words: "time to live" is an idiom,
    # "time to go live" is not it.
    fixed = compound or len(words) < 2 or bool(optional)
    inserts = 0 if fixed else 1 if len(words) == 2 else 2
    return Alternative(words, optional, len(folded) + 2 + inserts, inserts)


@functools.lru_cache(maxsize=65_536)
def _keyword_word(raw: str, folded: str) -> Word:
    acronym = len(raw) >= 2 and raw.isupper()
    exact = acronym or not folded.isalpha()
    return Word(folded, folded if exact else stem(folded), exact)


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


# --- the analysed answer ---------------------------------------------------------------


class Answer:
    """The answer split into words once, with indexes that keep grading a long answer
    proportional to its vocabulary rather than to words x keywords."""

    def __init__(self, text: str) -> None:
        self.text = expand_contractions(text)
        # pieces alternate separator, word, separator, ..., word, separator
        self.pieces = _splitter(self.text).split(self.text)
        self.tokens = self.pieces[1::2]
        folded_of = {raw: fold(raw) for raw in dict.fromkeys(self.tokens)}
        self.stream = [folded_of[raw] for raw in self.tokens]
        self.vocabulary = frozenset(folded_of.values())
        self.by_stem: dict[str, list[str]] = {}
        for form in self.vocabulary:
            self.by_stem.setdefault(stem(form), []).append(form)
            for base in _answer_bases(form):
                self.by_stem.setdefault(stem(base), []).append(form)
        self._starts: list[int] | None = None
        self._fuzzy_buckets: dict[tuple[str, int], list[tuple[str, str]]] | None = None
        self._forms: dict[Word, _Forms] = {}
        self._positions: dict[str, list[int]] = {}
        for i, form in enumerate(self.stream):
            self._positions.setdefault(form, []).append(i)
        self._word_spans: dict[Word, list[tuple[int, int]]] = {}
        self._sentence_starts: list[int] | None = None
        self.segment_of = segments(self.pieces, self.stream)
        self.bare = bare_segments(self.pieces, self.segment_of, self.stream)

    def sentence_of(self, span: tuple[int, int]) -> str:
        """The text of the sentence the span starts in."""
        if self._sentence_starts is None:
            self._sentence_starts = [0] + [
                i for i in range(1, len(self.stream)) if _SENTENCE_BREAK.search(self.pieces[2 * i])
            ]
        starts = self._sentence_starts
        k = bisect_right(starts, span[0]) - 1
        last = starts[k + 1] - 1 if k + 1 < len(starts) else len(self.stream) - 1
        return self.text_of((starts[k], last))

    def in_bare_fragment(self, span: tuple[int, int]) -> bool:
        """Whether the span stands in a bare fragment (a list item, a verbless phrase)."""
        return self.segment_of[span[0]] in self.bare

    # keyword words -> the answer's forms that match them (vocabulary only, no positions)

    def forms(self, word: Word) -> _Forms:
        if word not in self._forms:
            compounds = tuple(self._split_compounds(word))
            self._forms[word] = _Forms(frozenset(self.exact_forms(word) | self.typo_forms(word)), compounds)
        return self._forms[word]

    def exact_forms(self, word: Word) -> set[str]:
        """Answer forms equal to the word, its plural, or (unless exact) its stem."""
        forms = {f for f in (word.folded, word.folded + "s", word.folded + "es") if f in self.vocabulary}
        if word.exact:
            return forms  # and not "HTTP" for "HTTPS": an acronym's final s is its own
        if word.folded.endswith("s") and word.folded[:-1] in self.vocabulary:
            forms.add(word.folded[:-1])
        forms.update(self.by_stem.get(word.stem, ()))
        return forms

    def _has_form(self, folded: str) -> bool:
        """A cheap exact_forms(...) != set() for a plain word."""
        vocabulary = self.vocabulary
        return (
            folded in vocabulary or folded + "s" in vocabulary or folded + "es" in vocabulary
            or (folded.endswith("s") and folded[:-1] in vocabulary) or stem(folded) in self.by_stem
        )

    def typo_forms(self, word: Word) -> set[str]:
        if word.exact or len(word.folded) < 5:
            return set()
        buckets = self._buckets()
        size = len(word.folded)
        near = [pair for length in range(size - 3, size + 4) for pair in buckets.get((word.folded[0], length), ())]
        if len(near) > 48:  # a huge vocabulary: let rapidfuzz scan it in C
            found = {near[i][0] for _, _, i in process.extract(
                word.folded, [f for f, _ in near], scorer=OSA.distance, score_cutoff=2, limit=None)}
            found |= {near[i][0] for _, _, i in process.extract(
                word.stem, [s for _, s in near], scorer=OSA.distance, score_cutoff=2, limit=None)}
        else:
            found = {
                form for form, form_stem in near
                if OSA.distance(word.folded, form, score_cutoff=2) <= 2
                or OSA.distance(word.stem, form_stem, score_cutoff=2) <= 2
            }
        return {form for form in found if is_typo(word.folded, form)}

    def _buckets(self) -> dict[tuple[str, int], list[tuple[str, str]]]:
        """Forms that may be typos (five letters or more, letters only), by first letter and length."""
        if self._fuzzy_buckets is None:
            buckets: dict[tuple[str, int], list[tuple[str, str]]] = {}
            for form in sorted(self.vocabulary):
                if len(form) >= 5 and form.isalpha():
                    buckets.setdefault((form[0], len(form)), []).append((form, stem(form)))
            self._fuzzy_buckets = buckets
        return self._fuzzy_buckets

    def _split_compounds(self, word: Word) -> Iterable[tuple[frozenset[str], frozenset[str]]]:
        """Where the answer may write a one-word keyword as two: "fail over" ~ "failover"."""
        if word.exact or len(word.folded) < 5:
            return
        for cut in range(2, len(word.folded) - 1):
            if not (self._has_form(word.folded[:cut]) and self._has_form(word.folded[cut:])):
                continue
            head = self.exact_forms(_plain_word(word.folded[:cut]))
            tail = self.exact_forms(_plain_word(word.folded[cut:]))
            if head and tail:
                yield frozenset(head), frozenset(tail)

    # forms -> positions

    def positions(self, forms: Iterable[str]) -> list[int]:
        found = [self._positions.get(form, []) for form in set(forms)]
        return sorted(i for each in found for i in each)

    # keyword words and concepts -> spans of answer words (first, last)

    def word_spans(self, word: Word) -> list[tuple[int, int]]:
        if word not in self._word_spans:
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

    def concept_spans(self, concept: Concept) -> list[tuple[int, int]]:
        spans: set[tuple[int, int]] = set()
        for alternative in concept.alternatives:
            if alternative.verbatim is not None:
                spans.update(self.verbatim_spans(alternative.verbatim))
            else:
                spans.update(_alternative_spans(alternative, self))
        return sorted(spans)

    def verbatim_spans(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """The words a verbatim match covers (a match with no word in it is none)."""
        if self._starts is None:
            starts, offset = [], 0
            for index, piece in enumerate(self.pieces):
                if index % 2:
                    starts.append(offset)
                offset += len(piece)
            self._starts = starts
        spans = []
        for match in pattern.finditer(self.text):
            first = bisect_left(self._starts, match.start())
            last = bisect_left(self._starts, match.end()) - 1
            if first <= last:
                spans.append((first, last))
        return spans

    def negated(self, span: tuple[int, int]) -> bool:
        """Whether a negation comes shortly before the span, in the same clause."""
        first = span[0]
        for index in range(first - 1, max(-1, first - 4), -1):
            if self.breaks_between(index, first):
                return False
            if self.stream[index] in NEGATIONS:
                return not (self.stream[index] == "not" and index + 1 < len(self.stream)
                            and self.stream[index + 1] == "only")
        return False

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
        return WORD_ASCII
    return WORD if COMBINING_MARK.search(text) else WORD_UNMARKED


@functools.lru_cache(maxsize=65_536)
def _answer_bases(form: str) -> tuple[str, ...]:
    """The form without an ending it may drop to meet a keyword: "faster" -> "fast"."""
    for ending in _ANSWER_ENDINGS:
        base = form[: -len(ending)]
        if form.endswith(ending) and len(base) >= (4 if ending.startswith("er") else 3) and form.isalpha():
            if ending.startswith("er") and base[-1] == base[-2] and base[-1] not in "aeiouls":
                return (base, base[:-1])  # "bigger" -> "big"
            return (base,)
    return ()


@functools.lru_cache(maxsize=4096)
def _plain_word(folded: str) -> Word:
    return Word(folded, stem(folded), False)


# --- multi-word keywords ------------------------------------------------------------


def _alternative_spans(alternative: Alternative, text: Answer) -> list[tuple[int, int]]:
    per_word: list[list[tuple[int, int]]] = []
    for word in alternative.words:  # stopping at the first word the answer lacks
        spans = text.word_spans(word)
        if not spans:
            return []
        per_word.append(spans)
    if len(per_word) == 1:
        return per_word[0]
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
    alternative: Alternative,
    text: Answer,
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


def _is_tight(chosen: list[tuple[int, int]], alternative: Alternative, text: Answer) -> bool:
    first = min(s for s, _ in chosen)
    last = max(e for _, e in chosen)
    joined = sum(e - s for s, e in chosen)
    if last - first + 1 - joined > alternative.longest_span or text.breaks_between(first, last):
        return False
    inside = {i for s, e in chosen for i in range(s, e + 1)}
    fillers = _FILLER | alternative.optional
    between = [text.stream[i] for i in range(first, last + 1) if i not in inside]
    others = [w for w in between if w not in fillers]
    return len(others) <= alternative.inserts and not any(w in _BLOCKERS for w in others)


