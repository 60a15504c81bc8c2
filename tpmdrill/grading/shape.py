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


def segments(pieces: list[str], stream: list[str]) -> list[int]:
    """For each word of an analysed answer (pieces alternate separator and word;
    `stream` holds the folded words), the index of the segment it belongs to."""
    segment_of: list[int] = []
    current = 0
    for index in range(len(stream)):
        if index and _BREAK.search(pieces[2 * index]):
            current += 1
        segment_of.append(current)
    return segment_of


def bare_segments(pieces: list[str], segment_of: list[int], stream: list[str]) -> set[int]:
    """The segments that are bare fragments: a few words gluing nothing together.
    Code and notation (`{...}`, `f(x)`, `a = b`) glue too: they are not a list of terms."""
    sizes: dict[int, int] = {}
    glued: set[int] = set()
    for index, (segment, word) in enumerate(zip(segment_of, stream, strict=True)):
        sizes[segment] = sizes.get(segment, 0) + 1
        if word in GLUE or _verb_form(word) or _NOTATION.search(pieces[2 * index]):
            glued.add(segment)
    return {s for s, size in sizes.items() if size <= FRAGMENT_WORDS and s not in glued}


def is_list(segment_of: list[int], bare: set[int]) -> bool:
    """Whether the answer reads as a bare list of terms rather than an explanation."""
    in_bare = sum(1 for segment in segment_of if segment in bare)
    return len(bare) >= MIN_TERMS and in_bare > LIST_SHARE * len(segment_of)


def _verb_form(word: str) -> bool:
    """A past tense or a verb in -ize/-ise: rough, on purpose."""
    return len(word) > 5 and word.endswith(("ed", "izes", "ises"))


# The small words of connected prose: notes drop them ("froze scope -> CR per ask").
_PROSE_WORDS = frozenset(["a", "an", "the", "is", "are", "was", "were", "i", "we", "it", "this", "that", "to", "of"])
NOTES_SHARE = 0.06
MIN_NOTES_WORDS = 20  # a one-line answer is short, not notes


def is_notes(stream: list[str]) -> bool:
    """Whether the answer (its folded words) is written as notes rather than sentences."""
    if len(stream) < MIN_NOTES_WORDS:
        return False
    return sum(word in _PROSE_WORDS for word in stream) < NOTES_SHARE * len(stream)
