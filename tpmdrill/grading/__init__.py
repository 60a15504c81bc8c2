"""Rubric grading: answer text in, per-point verdicts and a suggested rating out.

A grader that credits what the user did not say (or misses what they did) stops
being trusted, so the evidence is lexical and shown: each point lists the answer's
words that matched and which of its ideas (keyword groups) were found or missing.

- `text`: folding, contractions, stems, typos;
- `thesaurus`: the shared notation, abbreviations and synonyms of the field;
- `matcher`: finding keywords, phrases and verbatim notation in the answer;
- `shape`: whether the answer explains or only lists terms.

Rules on top of the matching: one answer word is evidence for one idea of a point,
not two; words the prompt itself uses are not evidence on their own (a point needs at
least one idea the answer brought itself, or a prompt word the answer goes on to use
in more than one sentence); a single bare mention (a term standing alone between
commas or on a line) does not meet a point that asks for an explanation ("Explains
why ..."); a mention after a negation still discusses the point and is reported as
negated; an answer that is a bare list of
terms is flagged `keyword-list`: it covers no point (the ideas it names are still
listed) and is suggested Again.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from tpmdrill.decks import RubricPoint
from tpmdrill.errors import TpmdrillError
from tpmdrill.grading.matcher import Answer, compile_points
from tpmdrill.grading.query import query_names
from tpmdrill.grading.rubric import CompiledPoint
from tpmdrill.grading.shape import is_notes
from tpmdrill.grading.signals import concept_spans, label
from tpmdrill.grading.text import WORD, expand_contractions, fold, is_typo, stem, words
from tpmdrill.ratings import RATINGS

__all__ = [
    "KEYWORD_LIST", "KEYWORD_LIST_CAP", "MAX_ANSWER_CHARS", "NOTES", "NOTES_CAP", "RATINGS", "REQUIRED_MISSED_CAP",
    "THRESHOLDS", "Grade", "PointVerdict", "fold", "grade", "is_typo", "score_points", "stem", "suggest_rating",
    "words",
]

# Answers beyond this are refused with a clear error rather than graded. 200,000
# characters is some 30,000 words, far beyond any spoken or typed interview answer;
# up to it grading stays well under a second even for adversarial text (every word
# distinct), which a 5 MB answer could not promise.
MAX_ANSWER_CHARS = 200_000

# Lowest score for hard, good and easy (see docs/grading.md for how they were chosen).
THRESHOLDS = (0.3, 0.55, 0.95)

KEYWORD_LIST = "keyword-list"
NOTES = "notes"  # complete but telegraphic: Good at best

# The caps on a suggestion, applied in suggest_rating and nowhere else (grade, the drill
# before and after toggles, review and mock sheets all come through it): an answer
# flagged KEYWORD_LIST is suggested Again whatever its points, a missed required point
# caps at Hard, and NOTES cap at Good. Issue 12 made a keyword list Again; DESIGN.md's "capped at Hard"
# is the older rule. Where a checked result drives the rating (sql rows, an estimate's
# number: judging.suggest) the result decides instead.
KEYWORD_LIST_CAP = "again"
REQUIRED_MISSED_CAP = "hard"
NOTES_CAP = "good"


@dataclass(frozen=True)
class PointVerdict:
    id: str
    hit: bool
    matched: tuple[str, ...]  # answer words/phrases as written, in order of appearance, distinct
    concepts: int  # ideas (keyword groups) found, each on evidence of its own
    found: tuple[str, ...] = ()  # the ideas found, named by their keyword's first spelling
    missing: tuple[str, ...] = ()  # the ideas not found
    needed: int = 1  # ideas the point needs (its min_hits)
    negated: tuple[str, ...] = ()  # matched phrases that follow a negation ("not ... cache")
    by_meaning: bool = False  # hit on the meaning signal, the words having found only part of it
    echoed: tuple[str, ...] = ()  # ideas found only in the prompt's own words: no evidence alone
    bare: bool = False  # its only evidence is a bare mention, and the point asks for an explanation

    def ideas_text(self) -> str:
        """'2 of 3 needed ideas: found time zones, refunds; missing: test accounts'."""
        total = len(self.found) + len(self.missing)
        head = f"{len(self.found)} of {total} ideas" if self.needed >= total else (
            f"{len(self.found)} of {self.needed} needed ideas")
        found = [f"{idea} (the prompt's own words)" if idea in self.echoed else idea for idea in self.found]
        parts = [f"found {', '.join(found)}"] if found else []
        if self.bare:
            parts.append("a bare mention: say how and why")
        if not self.hit and self.missing:
            parts.append(f"missing: {', '.join(self.missing)}")
        if self.by_meaning:
            parts.append("the rest said in other words")
        return f"{head}: {'; '.join(parts)}" if parts else head


@dataclass(frozen=True)
class Grade:
    score: float
    suggested_rating: str  # one of RATINGS
    points: tuple[PointVerdict, ...]
    flags: tuple[str, ...] = ()  # KEYWORD_LIST when the answer is a bare list of terms, NOTES when notes

    @property
    def stuffing(self) -> bool:
        return KEYWORD_LIST in self.flags

    @property
    def held_by_notes(self) -> bool:
        """Notes that would be Easy as sentences: the cap is what holds them at Good."""
        return NOTES in self.flags and self.score >= THRESHOLDS[-1]


def grade(rubric: Sequence[RubricPoint], answer: str, *, prompt: str = "", query: bool = False) -> Grade:
    """Grade `answer` against `rubric` (asked by `prompt`); an empty answer scores 0.
    A `query` (a sql card's answer) is code: its names are no evidence for a keyword's
    words (grading.query), and it is never a keyword list or notes.

    Raises TpmdrillError for an answer over MAX_ANSWER_CHARS characters.
    """
    if len(answer) > MAX_ANSWER_CHARS:
        raise TpmdrillError(
            f"answer too long to grade: {len(answer):,} characters, the limit is "
            f"{MAX_ANSWER_CHARS:,} (about 30,000 words)"
        )
    points = compile_points(tuple(rubric))
    text = Answer(answer)
    if query:
        text.hide_words(query_names(text))
    echo = _prompt_stems(prompt)
    calls = [_verdict(point, text, echo) for point in points]
    listed = not query and text.is_list()
    flags = (KEYWORD_LIST,) if listed else (NOTES,) if not query and is_notes(text.stream, text.text) else ()
    # A list names ideas without explaining any: it covers no point.
    verdicts = tuple(replace(v, hit=False) for v, _ in calls) if listed else _with_meaning(rubric, calls)
    score = score_points(rubric, {v.id: v.hit for v in verdicts})
    required_missed = any(p.required and not v.hit for p, v in zip(rubric, verdicts, strict=True))
    rating = suggest_rating(score, required_missed=required_missed, stuffing=listed, notes=NOTES in flags)
    return Grade(score, rating, verdicts, flags)


def suggest_rating(score: float, *, required_missed: bool, stuffing: bool, notes: bool = False) -> str:
    """Again below THRESHOLDS[0], Hard below [1], Good below [2], else Easy; then the
    caps: a bare list of terms is Again (KEYWORD_LIST_CAP), else a missed required
    point caps at Hard (REQUIRED_MISSED_CAP), else notes cap at Good (NOTES_CAP)."""
    rating = RATINGS[sum(score >= threshold for threshold in THRESHOLDS)]
    if stuffing:
        cap = KEYWORD_LIST_CAP
    else:
        cap = REQUIRED_MISSED_CAP if required_missed else NOTES_CAP if notes else RATINGS[-1]
    return min(rating, cap, key=RATINGS.index)


def score_points(rubric: Sequence[RubricPoint], hits: Mapping[str, bool]) -> float:
    """Weighted share of points hit, in [0, 1]; a point missing from `hits` is missed."""
    total = sum(point.weight for point in rubric)
    if total <= 0:
        return 0.0
    earned = sum(point.weight for point in rubric if hits.get(point.id, False))
    # Rounded so that weights like 0.3 + 0.6 land on 0.9, not 0.8999999999999999.
    return min(1.0, max(0.0, round(earned / total, 9)))


# --- verdicts ---------------------------------------------------------------------------


def _with_meaning(rubric: Sequence[RubricPoint], calls: list[tuple[PointVerdict, tuple[str, ...]]]) -> tuple[
        PointVerdict, ...]:
    """Half-supported points also hit when a sentence holding some of their evidence,
    read without the words that matched, means what the point says: the rest of the
    point said in other words, not the found idea's words again."""
    if not any(sentences for _, sentences in calls):
        return tuple(v for v, _ in calls)
    from tpmdrill.grading.meaning import SIMILARITY, similarity

    return tuple(
        replace(v, hit=True, by_meaning=True)
        if sentences and similarity(sentences, (point.point, *point.examples)) >= SIMILARITY else v
        for point, (v, sentences) in zip(rubric, calls, strict=True)
    )


@functools.lru_cache(maxsize=256)
def _prompt_stems(prompt: str) -> frozenset[str]:
    return frozenset(stem(fold(w)) for w in WORD.findall(expand_contractions(prompt)))


def _verdict(point: CompiledPoint, text: Answer, echo: frozenset[str]) -> tuple[PointVerdict, tuple[str, ...]]:
    """The point's verdict on the words and, when the words only half-support it (some
    of its ideas found on the answer's own evidence, not enough), the sentences
    holding that evidence."""
    spans_by_concept = [concept_spans(text, concept) for concept in point.concepts]
    evidenced = _distinct_evidence(spans_by_concept)
    echoed = [ok and all(_echoes(text, span, echo, once=len(spans) == 1) for span in spans)
              for ok, spans in zip(evidenced, spans_by_concept, strict=True)]
    own = any(ok and not e for ok, e in zip(evidenced, echoed, strict=True))
    found = [label(c) for c, ok in zip(point.concepts, evidenced, strict=True) if ok]
    evidence = [span for ok, spans in zip(evidenced, spans_by_concept, strict=True) if ok for span in spans]
    bare = point.explains and len(evidence) == 1 and text.in_bare_fragment(evidence[0])
    hit = len(found) >= point.min_hits and own and not bare
    matched, negated = _matched(text, spans_by_concept)
    return PointVerdict(
        id=point.id,
        hit=hit,
        matched=matched,
        concepts=len(found),
        found=tuple(found),
        missing=tuple(label(c) for c, ok in zip(point.concepts, evidenced, strict=True) if not ok),
        needed=point.min_hits,
        negated=negated,
        echoed=tuple(label(c) for c, e in zip(point.concepts, echoed, strict=True) if e),
        bare=bare,
    ), _meaning_sentences(text, evidence) if not hit and own and not bare else ()


def _meaning_sentences(text: Answer, evidence: list[tuple[int, int]]) -> tuple[str, ...]:
    """The sentences the meaning signal weighs, without the words that matched: those
    holding evidence that is not negated ("we would not add a cache" means the
    opposite of adding one)."""
    matched = {i for first, last in evidence for i in range(first, last + 1)}
    sentences = dict.fromkeys(text.sentence_of(span) for span in evidence if not text.negated(span))
    rest = (text.words_except(sentence, matched) for sentence in sentences)
    return tuple(words for words in rest if words)


def _matched(text: Answer, spans_by_concept: list[list[tuple[int, int]]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The answer's matched words as written, distinct, in order; and those negated."""
    matched: dict[str, str] = {}
    negated: dict[str, str] = {}
    for span in sorted({span for spans in spans_by_concept for span in spans}):
        written = text.text_of(span)
        matched.setdefault(written.casefold(), written)
        if text.negated(span):
            negated.setdefault(written.casefold(), written)
    return tuple(matched.values()), tuple(negated.values())


def _echoes(text: Answer, span: tuple[int, int], echo: frozenset[str], *, once: bool) -> bool:
    """Whether the span only repeats the prompt: every word of it is a prompt word,
    and it is the idea's only mention or it stands in a bare fragment (a prompt word
    that the answer goes on to use in sentences is the answer's own)."""
    if not echo or not (once or text.in_bare_fragment(span)):
        return False
    return all(stem(text.stream[i]) in echo for i in range(span[0], span[1] + 1))


def _distinct_evidence(spans_by_concept: list[list[tuple[int, int]]]) -> list[bool]:
    """Which ideas are found on evidence of their own: a maximum matching of ideas to
    distinct answer words, so "idempotent" cannot stand for two ideas at once."""
    words_of = [sorted({i for s, e in spans for i in range(s, e + 1)}) for spans in spans_by_concept]
    owner: dict[int, int] = {}

    def claim(concept: int, seen: set[int]) -> bool:
        for word in words_of[concept]:
            if word in seen:
                continue
            seen.add(word)
            if word not in owner or claim(owner[word], seen):
                owner[word] = concept
                return True
        return False

    matched = {c for c in range(len(words_of)) if claim(c, set())}
    return [c in matched for c in range(len(words_of))]
