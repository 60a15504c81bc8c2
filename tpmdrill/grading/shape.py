"""The shape of an answer: an explanation, notes, or a list of terms.

A list of buzzwords ("HMAC, exponential backoff, dead letter queue, outbox") names
things without saying how they fit together; an interviewer does not credit it,
however many rubric keywords it contains. An answer is a list when most of its words
sit in short fragments (four words or fewer between commas, semicolons, bullets or
line ends) that hold no word gluing a sentence together: no verb, pronoun,
auxiliary or subordinating word from the list below (prepositions and "and" only
join a noun phrase). Shorthand keeps such words
("retry w/ backoff so dupes don't double charge"), so it is not a list.

Notes are complete but telegraphic: they drop the small words sentences are built from
(articles, "is", "we", "to", "of": under 6% of the words, where prose has 10-25%).
Interviewers rate complete notes Good, not Easy: Easy is for an answer you could say
in the room as it stands (on the labelled set, 42 of 48 shorthand answers are Good).
"""

from __future__ import annotations

import re
from itertools import compress
from operator import or_

# Share of the answer's words in bare fragments above which it is a list.
LIST_SHARE = 0.6
FRAGMENT_WORDS = 4
# Fewer bare terms than this are a short answer, not a list ("Sixteen shards, two replicas each.").
MIN_TERMS = 4

_GLUE_WORDS = """
this that these those it its they them their we our us you your i me my he she his her one
is are was were be been being am do does did done has have had having will would shall should can could may
might must not no never nor but so because since if then than when while whereas until unless
also only just still even too very
use uses used using make makes made making keep keeps kept get gets got give gives gave go goes went
send sends sent store stores stored return returns returned add adds added need needs needed let lets
take takes took show shows shown run runs ran set sets put puts write writes wrote read reads
mean means meant know knows call calls called pick picks choose chooses start starts stop stops
check checks checked avoid avoids allow allows happen happens break breaks fail fails
which who what where why how whether
"""
# Words of a noun phrase ("separation of storage and compute", "OLAP vs OLTP") glue
# nothing into a sentence, so they do not save a fragment from being a bare term.
GLUE = frozenset(_GLUE_WORDS.split())


_NOTATION = re.compile(r"[`{}\[\]()=<>+*/]")
_BREAK = re.compile(r"[\n;,•|]|[.!?]\s|\s[-–—→>]+\s")


def segment_starts(separators: list[str]) -> list[int]:
    """The first word of each segment of an analysed answer, where `separators[i]`
    is what comes before word i."""
    if not separators:
        return []
    breaks = {separator: _BREAK.search(separator) is not None for separator in set(separators)}
    return [0, *compress(range(1, len(separators)), map(breaks.__getitem__, separators[1:]))]


def bare_segments(starts: list[int], separators: list[str], stream: list[str]) -> set[int]:
    """The segments (by index into `starts`) that are bare fragments: a few words
    gluing nothing together. Code and notation (`{...}`, `f(x)`, `a = b`) glue too:
    they are not a list of terms. (Done with map and slices: it runs over every word
    of every answer.)"""
    if not stream:
        return set()
    notation = {separator: _NOTATION.search(separator) is not None for separator in set(separators)}
    glue = {word: word in GLUE or _verb_form(word) for word in set(stream)}
    glues = list(map(or_, map(glue.__getitem__, stream), map(notation.__getitem__, separators)))
    ends = [*starts[1:], len(stream)]
    return {k for k, (start, end) in enumerate(zip(starts, ends, strict=True))
            if end - start <= FRAGMENT_WORDS and not any(glues[start:end])}


def is_list(starts: list[int], words: int, bare: set[int]) -> bool:
    """Whether the answer (of `words` words, segments opening at `starts`) reads as a
    bare list of terms rather than an explanation."""
    ends = [*starts[1:], words]
    in_bare = sum(ends[k] - starts[k] for k in bare)
    return len(bare) >= MIN_TERMS and in_bare > LIST_SHARE * words


def _verb_form(word: str) -> bool:
    """A past tense or a verb in -ize/-ise: rough, on purpose."""
    return len(word) > 5 and word.endswith(("ed", "izes", "ises"))


# The small words of connected prose: notes drop them ("froze scope -> CR per ask").
_PROSE_WORDS = frozenset(["a", "an", "the", "is", "are", "was", "were", "i", "we", "it", "this", "that", "to", "of"])
NOTES_SHARE = 0.06
MIN_NOTES_WORDS = 20  # a one-line answer is short, not notes
# Notes of a story keep "I", "to" and "the" (10-12% of their words) but write in
# shorthand: arrows, "w/", "=" or "+" between words for "is" and "and", "@" for "at",
# and the abbreviations of note-taking ("shd", "wk", "mgr"). Prose has under 2 of these
# per 100 words (a "Q&A", an estimate's "~"), notes 4 to 20.
TERSE_SHARE = 0.12
SHORTHAND_SHARE = 0.04
_SHORTHAND = re.compile(
    r"->|→|=>|\bw/o?(?![^\W_])|\bb/c\b|(?<=[^\W\d_])\s*[=+&@]\s*(?=[^\W\d_])")
_ABBREVIATIONS_TEXT = """
shd shld wd wld cld bc thru tho wk wks mo mos yr yrs qtr qtrs hr hrs mgr mgrs mgmt eng engs svc svcs req reqs
approx esp dept ppl pts opts ctx acct accts mtg mtgs msg msgs govt cust custs
"""
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())


def is_notes(stream: list[str], text: str = "") -> bool:
    """Whether the answer (its folded words; its text, for the shorthand marks) is
    written as notes rather than sentences: under NOTES_SHARE of its words are the
    small words of prose, or under TERSE_SHARE with shorthand standing in for them."""
    if len(stream) < MIN_NOTES_WORDS:
        return False
    prose = sum(word in _PROSE_WORDS for word in stream)
    if prose < NOTES_SHARE * len(stream):
        return True
    if prose >= TERSE_SHARE * len(stream):
        return False
    shorthand = len(_SHORTHAND.findall(text)) + sum(word in _ABBREVIATIONS for word in stream)
    return shorthand >= SHORTHAND_SHARE * len(stream)
