"""Finding a rubric's keywords in an answer: the analysed answer and the rules for
phrases (the compiled rubric is tpmdrill.grading.rubric).

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
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from itertools import accumulate
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tpmdrill.decks import RubricPoint
from tpmdrill.grading.rubric import Alternative, CompiledPoint, Concept, Word, compile_rubric, compound_cuts
from tpmdrill.grading.shape import bare_segments, is_list, segment_starts
from tpmdrill.grading.text import (
    COMBINING_MARK,
    PRONOUNS,
    WORD,
    WORD_ASCII,
    WORD_UNMARKED,
    expand_contractions,
    fold,
    is_typo,
    letter_set,
    stem,
)

# Punctuation that ends a clause: a multi-word keyword never spans it. Hyphens,
# slashes, apostrophes, en dashes and brackets join words rather than separate
# clauses ("COUNT(DISTINCT user_id)" is one phrase).
_CLAUSE_BREAK = re.compile(r"[.,;:!?\"\n\r\t•|—]")
_SENTENCE_BREAK = re.compile(r"[.!?;](?:\s|$)|\n")
_HYPHENS = frozenset("-‐‑–")
# What may separate a negation from the words it negates: spaces and hyphens ("no-oversell").
_JOINING = re.compile(r"[\s\-‐‑–]*")
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
# Stems of words that keep something out, as a negation does ("strip stack traces").
_PREVENTING_WORDS = """
prevent stop block avoid hide hidden strip redact mask remove eliminate quarantine fix detect catch guard
protect against sanitize sanitise scrub reduce minimize minimise forbid ban reject omit exclude nothing none
neither
"""
PREVENTING = frozenset(stem(w) for w in _PREVENTING_WORDS.split())
# Endings an answer's word may drop to meet a keyword's stem ("faster" ~ "fast",
# "management" ~ "manage", "useful" ~ "use"); one way only, so the keyword "worker"
# still needs a worker, not any "work".
_ANSWER_ENDINGS = ("ments", "ment", "fully", "ful", "ers", "er")


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
        self.stream = list(map(folded_of.__getitem__, self.tokens))
        self.vocabulary = frozenset(folded_of.values())
        self.by_stem: dict[str, list[str]] = {}
        for form in self.vocabulary:
            self.by_stem.setdefault(stem(form), []).append(form)
            for base in _answer_bases(form):
                self.by_stem.setdefault(stem(base), []).append(form)
        self._inflected = _inflection_keys(self.vocabulary)
        # The first two letters of every key above: a word of two letters or more has a
        # form here only if its opening is among them (a stem keeps a word's first two).
        # (Those are the forms' own first two letters, but for a one-letter form's plural.)
        self._openings = frozenset(form[:2] if len(form) > 1 else form + "s" for form in self.vocabulary)
        self._starts: list[int] | None = None
        self._fuzzy_buckets: dict[str, tuple[list[int], list[_Candidate]]] | None = None
        self._forms: dict[Word, _Forms] = {}
        self._positions: dict[str, list[int]] = {}
        for i, form in enumerate(self.stream):
            self._positions.setdefault(form, []).append(i)
        self._word_spans: dict[Word, list[tuple[int, int]]] = {}
        self._sentence_starts: list[int] | None = None
        self._separators = self.pieces[0 : 2 * len(self.stream) : 2]  # the one before each word
        # clause breaks before each word, counted from the start: breaks_between in one step
        self._clause_breaks = list(accumulate(_marks(self._separators, _CLAUSE_BREAK)))
        self.segment_starts = segment_starts(self._separators)
        self.bare = bare_segments(self.segment_starts, self._separators, self.stream)

    def hide_words(self, indexes: Collection[int]) -> None:
        """Take the words at these indexes out of word matching (a query's names:
        grading.query); verbatim keywords, which read the text, still see them. Call
        it before any matching."""
        for index in indexes:
            self._positions[self.stream[index]].remove(index)

    def sentence_of(self, span: tuple[int, int]) -> tuple[int, int]:
        """The first and last word of the sentence the span starts in."""
        if self._sentence_starts is None:
            marks = _marks(self._separators, _SENTENCE_BREAK)
            self._sentence_starts = [0] + [i for i in range(1, len(marks)) if marks[i]]
        starts = self._sentence_starts
        k = bisect_right(starts, span[0]) - 1
        last = starts[k + 1] - 1 if k + 1 < len(starts) else len(self.stream) - 1
        return starts[k], last

    def words_except(self, span: tuple[int, int], left_out: Collection[int]) -> str:
        """The words of a span (as written) but those at the positions `left_out`."""
        return " ".join(self.tokens[i] for i in range(span[0], span[1] + 1) if i not in left_out)

    def in_bare_fragment(self, span: tuple[int, int]) -> bool:
        """Whether the span stands in a bare fragment (a list item, a verbless phrase)."""
        return bisect_right(self.segment_starts, span[0]) - 1 in self.bare

    def is_list(self) -> bool:
        """Whether the answer reads as a bare list of terms (shape.is_list)."""
        return is_list(self.segment_starts, len(self.stream), self.bare)

    # keyword words -> the answer's forms that match them (vocabulary only, no positions)

    def forms(self, word: Word) -> _Forms:
        found = self._forms.get(word)
        if found is None:
            found = self._forms[word] = self._find_forms(word)
        return found

    def _find_forms(self, word: Word) -> _Forms:
        # Most keyword words are nowhere in an answer: one lookup rules out the exact forms.
        plain = word.folded in self._inflected or (not word.exact and word.stem in self.by_stem)
        single = self.exact_forms(word) if plain else set()
        if word.exact or len(word.folded) < 5:  # no typos and no split compounds
            return _Forms(frozenset(single), ()) if single else _NO_FORMS
        single |= self.typo_forms(word, known=single)
        compounds = tuple(self._split_compounds(word))
        return _Forms(frozenset(single), compounds) if single or compounds else _NO_FORMS

    def exact_forms(self, word: Word) -> set[str]:
        """Answer forms equal to the word, its plural, or (unless exact) its stem; only
        the word itself for a literal word (its plural is found by position: word_spans)."""
        if word.literal:
            return {word.folded} if word.folded in self.vocabulary else set()
        forms = {f for f in (word.folded, word.folded + "s", word.folded + "es") if f in self.vocabulary}
        if word.exact:
            return forms  # and not "HTTP" for "HTTPS": an acronym's final s is its own
        if word.folded.endswith("s") and word.folded[:-1] in self.vocabulary:
            forms.add(word.folded[:-1])
        forms.update(self.by_stem.get(word.stem, ()))
        return forms

    def typo_forms(self, word: Word, known: Collection[str] = ()) -> set[str]:
        """Answer forms that are typos of the word; forms in `known` (its exact forms,
        which no typo check would add) are skipped."""
        if word.exact or len(word.folded) < 5:
            return set()
        bucket = self._buckets().get(word.folded[0])
        if bucket is None:
            return set()
        lengths, pairs = bucket
        size = len(word.folded)
        near = pairs[bisect_left(lengths, size - 3) : bisect_right(lengths, size + 3)]
        if not near:
            return set()
        folded, folded_stem = word.folded, word.stem
        if len(near) > 48:  # a huge vocabulary: let rapidfuzz scan it in C
            found = {near[i][0] for _, _, i in process.extract(
                folded, [c[0] for c in near], scorer=OSA.distance, score_cutoff=2, limit=None)}
            found |= {near[i][0] for _, _, i in process.extract(
                folded_stem, [c[1] for c in near], scorer=OSA.distance, score_cutoff=2, limit=None)}
            return {form for form in found if form not in known and is_typo(folded, form)}
        # Within two edits, two words' letter sets differ by four letters at most: that
        # test is much cheaper than a call to OSA, and rules out most pairs.
        distance, letters, stem_letters = OSA.distance, word.letters, word.stem_letters
        return {
            form for form, form_stem, form_letters, form_stem_letters in near
            if form not in known
            and (((letters ^ form_letters).bit_count() <= 4 and distance(folded, form, score_cutoff=2) <= 2)
                 or ((stem_letters ^ form_stem_letters).bit_count() <= 4
                     and distance(folded_stem, form_stem, score_cutoff=2) <= 2))
            and is_typo(folded, form)
        }

    def _buckets(self) -> dict[str, tuple[list[int], list[_Candidate]]]:
        """Forms that may be typos (five letters or more, letters only), by first letter,
        ordered by length: (their lengths, their (form, stem, letters, stem letters))."""
        if self._fuzzy_buckets is None:
            by_letter: dict[str, list[tuple[int, str]]] = {}
            for form in self.vocabulary:
                if len(form) >= 5 and form.isalpha() and form not in PRONOUNS:  # "their" is no typo
                    by_letter.setdefault(form[0], []).append((len(form), form))
            self._fuzzy_buckets = {
                letter: ([size for size, _ in forms], [_typo_candidate(form) for _, form in forms])
                for letter, forms in ((letter, sorted(forms)) for letter, forms in by_letter.items())
            }
        return self._fuzzy_buckets

    def _split_compounds(self, word: Word) -> Iterable[tuple[frozenset[str], frozenset[str]]]:
        """Where the answer may write a one-word keyword as two: "fail over" ~ "failover"."""
        if word.exact or len(word.folded) < 5:
            return
        openings = self._openings
        if word.folded[:2] not in openings:
            return
        # a cheap exact_forms(...) != set(), inlined: this loop is hot
        inflected, by_stem = self._inflected, self.by_stem
        for tail_opening, head_word, tail_word in compound_cuts(word.folded):
            if not (tail_opening in openings and (tail_word.folded in inflected or tail_word.stem in by_stem)
                    and (head_word.folded in inflected or head_word.stem in by_stem)):
                continue
            head = self.exact_forms(head_word)
            tail = self.exact_forms(tail_word)
            if head and tail:
                yield frozenset(head), frozenset(tail)

    # forms -> positions

    def positions(self, forms: Iterable[str]) -> list[int]:
        found = [self._positions.get(form, []) for form in set(forms)]
        return sorted(i for each in found for i in each)

    # keyword words and concepts -> spans of answer words (first, last)

    def word_spans(self, word: Word) -> list[tuple[int, int]]:
        spans = self._word_spans.get(word)
        if spans is None:
            spans = self._word_spans[word] = self._find_word_spans(word)
        return spans

    def _find_word_spans(self, word: Word) -> list[tuple[int, int]]:
        found = self.forms(word)
        if word.short_plural is not None and word.short_plural in self.vocabulary:
            return self._short_word_spans(word.folded, word.short_plural)
        if found is _NO_FORMS:
            return []
        spans = [(i, i) for i in self.positions(found.single)]
        for head, tail in found.compounds:
            tails = set(self.positions(tail))
            spans.extend(
                (i, i + 1) for i in self.positions(head) if i + 1 in tails and not self.breaks_between(i, i + 1)
            )
        return sorted(set(spans)) if found.compounds else spans

    def _short_word_spans(self, folded: str, plural: str) -> list[tuple[int, int]]:
        """A two-letter word, and its plural where it is written as one: in capitals
        ("PRs", "IDs") or closing a hyphenated compound ("sign-ups"); "as", "us" and
        "vs" elsewhere are words of their own."""
        written = [i for i in self._positions[plural]
                   if self.tokens[i][:-1].isupper() or (i and self.pieces[2 * i] in _HYPHENS)]
        return sorted((i, i) for i in self._positions.get(folded, []) + written)

    def breaks_between(self, first: int, last: int) -> bool:
        """Whether punctuation ends a clause anywhere between words first..last."""
        return self._clause_breaks[last] > self._clause_breaks[first] if last > first else False

    def concept_spans(self, concept: Concept) -> list[tuple[int, int]]:
        spans: set[tuple[int, int]] = set()
        word_spans = self.word_spans
        for alternative in concept.alternatives:
            if alternative.verbatim is not None:
                spans.update(self.verbatim_spans(alternative.verbatim))
            elif not word_spans(alternative.words[0]):
                continue  # most alternatives are over at their first word
            elif alternative.avoided:
                spans.update(span for span in _alternative_spans(alternative, self) if self.avoids(span))
            else:
                spans.update(_alternative_spans(alternative, self))
        return sorted(spans)

    def avoids(self, span: tuple[int, int]) -> bool:
        """Whether the answer says to keep out what the span names: a negation or a
        word that prevents, hides or removes comes at most eight words before it, in
        the same sentence ("never return stack traces", "must never contain: stack
        traces", "says nothing about effect size", "strip stack traces")."""
        return self._before_in_sentence(span, lambda word: word in NEGATIONS or stem(word) in PREVENTING)

    def negated_right_before(self, span: tuple[int, int]) -> bool:
        """Whether the word before the span (small function words aside, in the same
        clause) is a negation: "no stack traces", "avoids a full table scan", but not
        "did not meet the pre-agreed threshold" nor "no completed order (outer join"."""
        index = span[0] - 1
        while index >= 0 and _JOINING.fullmatch(self.pieces[2 * index + 2]):
            if self.stream[index] not in _FILLER:
                return self.stream[index] in NEGATIONS
            index -= 1
        return False

    def _before_in_sentence(self, span: tuple[int, int], test: Callable[[str], bool]) -> bool:
        start = self.sentence_of(span)[0]
        return any(test(self.stream[i]) for i in range(max(start, span[0] - 8), span[0]))

    def word_starts(self) -> list[int]:
        """The offset in the text where each word starts."""
        if self._starts is None:
            self._starts = list(accumulate(map(len, self.pieces), initial=0))[1::2][: len(self.tokens)]
        return self._starts

    def verbatim_spans(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """The words a verbatim match covers (a match with no word in it is none)."""
        starts = self.word_starts()
        spans = []
        for match in pattern.finditer(self.text):
            first = bisect_left(starts, match.start())
            last = bisect_left(starts, match.end()) - 1
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


class _Forms(NamedTuple):  # built for every keyword word of every answer: a tuple is cheapest
    single: frozenset[str]  # answer forms that match the keyword word on their own
    compounds: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (head, tail) forms of split compounds


_NO_FORMS = _Forms(frozenset(), ())


_Candidate = tuple[str, str, int, int]  # an answer form that may be a typo: form, stem, their letter sets


@functools.lru_cache(maxsize=65_536)
def _typo_candidate(form: str) -> _Candidate:
    form_stem = stem(form)
    return form, form_stem, letter_set(form), letter_set(form_stem)


def _marks(separators: list[str], pattern: re.Pattern[str]) -> list[bool]:
    """For each word, whether the separator before it holds `pattern`; each distinct
    separator is searched once."""
    found = {separator: pattern.search(separator) is not None for separator in set(separators)}
    return list(map(found.__getitem__, separators))


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


def _inflection_keys(vocabulary: frozenset[str]) -> frozenset[str]:
    """Every x with x, x+"s" or x+"es" in the vocabulary, or x ending in s with x[:-1]
    in it: the plural rules of exact_forms, looked up in one step."""
    keys = set(vocabulary)
    for form in vocabulary:
        keys.add(form + "s")
        if form.endswith("s"):
            keys.add(form[:-1])
            if form.endswith("es"):
                keys.add(form[:-2])
    return frozenset(keys)


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




# --- points that say what to avoid ----------------------------------------------------


@functools.lru_cache(maxsize=512)
def compile_points(rubric: tuple[RubricPoint, ...]) -> tuple[CompiledPoint, ...]:
    """compile_rubric, with the alternatives each point says to avoid marked: those its
    own text names only right after a negation ("Leaks no internals: no stack traces",
    "avoids integer division"; Answer.negated_right_before).
    A plain mention of such a thing may recommend it ("include the stack trace"),
    so only a mention that avoids it counts (Answer.avoids)."""
    return tuple(_mark_avoided(point.point, compiled) for point, compiled in zip(rubric, compile_rubric(rubric),
                                                                                 strict=True))


def _mark_avoided(text: str, point: CompiledPoint) -> CompiledPoint:
    own = Answer(text)
    concepts = []
    for concept in point.concepts:
        spans = [[] if a.verbatim is not None else _alternative_spans(a, own) for a in concept.alternatives]
        negated = {span for found in spans for span in found if own.negated_right_before(span)}
        # Avoided too: a shorter spelling found only inside a negated one ("table scan" in "full table scan").
        avoided = [bool(found) and all(any(start <= first and last <= end for start, end in negated)
                                       for first, last in found) for found in spans]
        alternatives = tuple(replace(a, avoided=True) if is_avoided else a
                             for a, is_avoided in zip(concept.alternatives, avoided, strict=True))
        concepts.append(replace(concept, alternatives=alternatives))
    return replace(point, concepts=tuple(concepts))
