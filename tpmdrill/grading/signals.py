"""Signals: evidence no list of words can spell, named in a rubric by a keyword in braces.

A story is credited for things a keyword list cannot enumerate: what the speaker did
themselves, whatever the verb ("I froze the scope", "- Took over the vendor calls"),
and results or stakes given as figures ("from 3.1% to 0.4%", "shipped on 28 October",
"~40k accounts a month blocked"). A rubric keyword that is exactly one of these names
stands for the signal (`decks validate` rejects an unknown one):

- `{first-person actions}`: two or more different things the speaker did, in the first
  person ("I pulled", "I was running", "I'd size it", "I didn't flag") or, as notes
  are written, with the subject dropped at the start of a line or clause ("Me: froze
  the baseline", "- Ran a spike") or carried over ("I went to sales, reset the date
  and explained why"). Thinking, wanting and being are not actions ("I think", "I
  was the TPM", "I learned that"), nor is a regret ("I would have ...").
- `{measured result}`: a figure (a number, an amount, a month) in a sentence that
  reports an outcome ("Result:", shipped, fell, saved, went live, "from 3 to 1").
- `{checkable result}`: a definite result without a figure, unhedged: the date met
  ("went live on time"), a party committed ("the customer signed"), a change that stuck
  ("for good"), a problem that stayed away ("no repeat incident since").
- `{stakes figure}`: a figure in the opening of the answer, where a story sets its
  stakes: how many were affected, how much was at risk, by when.
- `{lesson drawn}`: a turn to a lesson ("Lesson:", "I learned", "next time") that goes
  on to say something learnt, not a wish for more of a virtue ("to be more
  data-driven", "communication is key").

A sql rubric names a query's structure the same way (`{anti-join}`, `{whole last
day}`, `{same rule at both dates}`, `{condition in the join}`, `{running sum}`: see
tpmdrill.grading.query).

The spans a signal returns are the answer's words that show it, so feedback quotes
them like any matched keyword.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tpmdrill.grading.matcher import Answer
from tpmdrill.grading.query import anti_joins, join_conditions, running_sums, same_rule_twice, whole_days
from tpmdrill.grading.rubric import Concept

Span = tuple[int, int]

# --- figures ------------------------------------------------------------------------

# Not "half" or "quarter": "that half", "the quarter" are periods; not "may" or "mar": they are words.
_NUMBER_WORDS_TEXT = """
two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty
hundred hundreds thousand thousands million millions billion dozen dozens zero
"""
_NUMBER_WORDS = frozenset(_NUMBER_WORDS_TEXT.split())
_MONTHS_TEXT = """
january february march april june july august september october november december jan feb apr jun
jul aug sep sept oct nov dec
"""
_MONTHS = frozenset(_MONTHS_TEXT.split())


def is_figure(text: Answer, index: int) -> bool:
    word = text.stream[index]
    return word.isdigit() or word in _NUMBER_WORDS or word in _MONTHS


def _figure_span(text: Answer, index: int) -> Span:
    """The figure with the digits it runs on with ("3.1", "1,200") and the word it counts
    ("17 items", "28 October")."""
    last = index
    while last + 1 < len(text.stream) and text.stream[last + 1].isdigit() and text.pieces[2 * last + 2] in ".,":
        last += 1
    after = last + 1
    counted = after < len(text.stream) and text.stream[after].isalpha() and text.stream[after] not in _JOINING
    if counted and text.pieces[2 * after] in (" ", ""):
        last = after
    return index, last


_JOINING_TEXT = "of to with and or the a an in on for at by from per than"
_JOINING = frozenset(_JOINING_TEXT.split())


def _figures(text: Answer, indexes: range) -> list[Span]:
    """The figures among these words: a run like "3.1", "1,200" or "28 October" counts once."""
    found: list[Span] = []
    for i in indexes:
        if is_figure(text, i) and not (found and i <= found[-1][1]):
            continues = i > 0 and text.stream[i - 1].isdigit() and text.pieces[2 * i] in ".,"
            if not continues:
                found.append(_figure_span(text, i))
    return found


# --- sentences -------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?;]\s|\n")  # "3.1" is one figure, not two sentences


def _sentences(text: Answer) -> list[range]:
    starts = [0] + [i for i in range(1, len(text.stream)) if _SENTENCE_END.search(text.pieces[2 * i])]
    ends = [*starts[1:], len(text.stream)]
    return [range(s, e) for s, e in zip(starts, ends, strict=True) if e > s]


# --- measured results and stakes ----------------------------------------------------------

_RESULT_WORDS_TEXT = """
result results outcome outcomes shipped delivered released launched finished completed closed landed
renewed signed won hit met fell dropped cut reduced halved lowered decreased shrank rose grew
increased doubled tripled improved saved recovered restored resolved fixed normal avoided prevented
down ended later ahead live done
"""
_RESULT_WORDS = frozenset(_RESULT_WORDS_TEXT.split())


def measured_results(text: Answer) -> list[Span]:
    """Figures in sentences that report an outcome."""
    spans: list[Span] = []
    for sentence in _sentences(text):
        if any(text.stream[i] in _RESULT_WORDS for i in sentence):
            spans += _figures(text, sentence)
    return spans


# A result with no figure is still checkable when it is definite: the date was met ("went
# live on time", "shipped on the date"), a party committed ("the customer signed"), a
# change stuck ("turned it off for good") or a problem stayed away ("no repeat incident
# since", "it never happened again"). Hedged, it is not ("eventually", "in the end",
# "mostly fine").
_ON_TIME_TEXT = "on time | on schedule | on the date | on target | on budget | in time | for good"
_ON_TIME = tuple(tuple(phrase.split()) for phrase in _ON_TIME_TEXT.split("|"))
_COMMITTED = frozenset(["signed", "renewed", "approved", "won"])
_SINCE = frozenset(["since", "again"])
_NEGATIONS = frozenset(["no", "not", "never", "zero", "none", "nobody", "nothing", "without"])
_HEDGES_TEXT = "eventually end mostly fine somewhat kind sort decent okay ok happy hopefully probably think guess"
_HEDGES = frozenset(_HEDGES_TEXT.split())


def _definite(text: Answer, sentence: range) -> list[Span]:
    words = [text.stream[i] for i in sentence]
    if any(word in _HEDGES for word in words):
        return []
    reported = any(word in _RESULT_WORDS for word in words)
    spans: list[Span] = []
    for at, word in zip(sentence, words, strict=True):
        phrase = next((p for p in _ON_TIME if tuple(text.stream[at : at + len(p)]) == p), None)
        if phrase and reported:
            spans.append((at, at + len(phrase) - 1))
        elif word in _COMMITTED or (word in _SINCE and _NEGATIONS.intersection(words) and _closes(text, at)):
            spans.append((at, at))
    return spans


def _closes(text: Answer, index: int) -> bool:
    """Whether "since" or "again" ends its clause ("no repeat since.", "since then"): not
    "since it was their dependency", which gives a reason."""
    after = index + 1
    if after >= len(text.stream):
        return True
    return text.stream[after] == "then" or _CLAUSE_END.search(text.pieces[2 * after]) is not None


_CLAUSE_END = re.compile(r"[.,;:!?)\n]")


def checkable_results(text: Answer) -> list[Span]:
    """Definite results without a figure: met the date, signed, stuck, stayed away."""
    return [span for sentence in _sentences(text) for span in _definite(text, sentence)]


OPENING_SHARE = 0.4  # of the answer's words: where a story sets its scene
OPENING_WORDS = 40  # at least this many, so a short answer's opening is its first sentences


def stakes_figures(text: Answer) -> list[Span]:
    """Figures in the opening of the answer."""
    opening = max(OPENING_WORDS, int(OPENING_SHARE * len(text.stream)))
    return _figures(text, range(min(opening, len(text.stream))))


# --- first-person actions ----------------------------------------------------------------

_ADVERBS_TEXT = """
also then first just personally quickly immediately actually really still finally eventually later
now always deliberately once again directly myself initially mostly basically simply even only
instead soon next so partly carefully gently openly quietly
"""
_ADVERBS = frozenset(_ADVERBS_TEXT.split())
# Thinking, wanting, feeling, being and learning: said in the first person, not done.
_NOT_ACTIONS_TEXT = """
think thought know knew feel felt see saw want wanted need needed hope hoped like liked love loved
believe believed guess guessed assume assumed expect expected worry worried notice noticed realise
realised realize realized learn learned learnt wish wished mean meant seem seemed happen happened
suppose supposed say am was were is be been being had have has would could should might must may can
will shall wonder wondered remember remembered forgot
"""
_NOT_ACTIONS = frozenset(_NOT_ACTIONS_TEXT.split())
_IRREGULAR_PAST_TEXT = """
went took made got ran wrote set put sat met led built brought drew gave held kept told spoke chose
sent spent bought caught taught left began did drove froze paid said shut cut split hit let won
fought sought stood understood undertook withdrew overrode rewrote broke became began dug flew grew
laid lent rang rode sold stuck swore threw tore woke wound reset upset read
"""
_IRREGULAR_PAST = frozenset(_IRREGULAR_PAST_TEXT.split())
_CLAUSE_START = re.compile(r"\n|[:;.!?→•(]\s*$|^\s*[-*>]+\s|[-=]>\s*$")
_CARRY = re.compile(r"^\s*,\s*$|^\s*$")  # a verb right after a comma or "and" keeps the subject


def _past(word: str) -> bool:
    return word not in _NOT_ACTIONS and (word in _IRREGULAR_PAST or (len(word) >= 4 and word.endswith("ed")))


def _found_out(text: Answer, index: int) -> bool:
    """Notes' "learned their OKR" is finding out, an action; "learned that ..." is a lesson."""
    after = text.stream[index + 1] if index + 1 < len(text.stream) else ""
    return text.stream[index] in {"learned", "learnt"} and after not in {"that", "to", "from", ""}


def _skip(text: Answer, index: int) -> int:
    while index < len(text.stream) and text.stream[index] in _ADVERBS:
        index += 1
    return index


def _after_i(text: Answer, index: int) -> int | None:
    """The action verb after the "I" at index-1, if the words after it make one."""
    at = _skip(text, index)
    if at >= len(text.stream):
        return None
    word = text.stream[at]
    nxt = _skip(text, at + 1)
    following = text.stream[nxt] if nxt < len(text.stream) else ""
    if word in {"was", "am", "were"}:
        return nxt if following.endswith("ing") and len(following) > 4 else None
    if word == "did" and following in {"not", "never"}:
        verb = _skip(text, nxt + 1)
        return verb if verb < len(text.stream) and text.stream[verb] not in _NOT_ACTIONS else None
    if word in {"had", "have"}:
        if following == "to":
            verb = _skip(text, nxt + 1)
            return verb if verb < len(text.stream) and text.stream[verb] not in _NOT_ACTIONS else None
        return nxt if _past(following) else None
    if word in {"would", "will"}:
        return nxt if following and following not in _NOT_ACTIONS and following.isalpha() else None
    return at if _past(word) else None


def first_person_actions(text: Answer) -> list[Span]:
    """Each thing the speaker says they did: "I" to its verb, or the verb alone."""
    stream, pieces = text.stream, text.pieces
    spans: list[Span] = []
    carrying = False  # the clause's subject is the speaker
    for i, word in enumerate(stream):
        separator = pieces[2 * i]
        if word == "i" and text.tokens[i] in {"I", "i"}:
            verb = _after_i(text, i + 1)
            carrying = verb is not None
            if verb is not None:
                spans.append((i, verb))
            continue
        starts = i == 0 or _CLAUSE_START.search(separator) is not None
        carried = carrying and (_CARRY.match(separator) is not None and (
            "," in separator or (i > 0 and stream[i - 1] == "and")))
        if (starts or carried) and (_past(word) or _found_out(text, i)):
            spans.append((i, i))
            carrying = True
        elif _SENTENCE_END.search(separator) or word in {"we", "they", "he", "she", "it", "you"}:
            carrying = False
    return spans if len({text.stream[e] for _, e in spans}) >= 2 else []


# --- lessons ---------------------------------------------------------------------------

# Where a story turns to what was learnt or would be done differently ("i" is "I").
_LESSON_MARKERS_TEXT = """
lesson | lessons | takeaway | takeaways | take away | took away | taught me | i learned | i learnt | we learned
| we learnt | learned that | learnt that | learned to | learnt to | realised that | realized that | next time
| in hindsight | looking back | in retrospect | do it again | did it again | do it differently | would do differently
| i would have | i should have | we should have | i could have | shd have | i now | we now | since then i
| ever since i | these days i
"""
_LESSON_MARKERS: dict[str, list[tuple[str, ...]]] = {}
for _marker in _LESSON_MARKERS_TEXT.split("|"):
    _LESSON_MARKERS.setdefault(_marker.split()[0], []).append(tuple(_marker.split()))
# A lesson that only wishes for more of a virtue ("to be more data-driven", "better
# dependency management", "communication is key", "I learned a lot") says nothing
# learnt: it needs three words of content besides the wish, or to say when, instead
# of what or on what condition ("earlier", "rather than", "once", "not ...").
_VAGUE_TEXT = "more better less key important crucial essential vital lot lots"
_VAGUE = frozenset(_VAGUE_TEXT.split())
_SPECIFIC_TEXT = """
not never rather instead than without before after earlier early sooner first start outset kickoff upfront day
week wk sprint until when once if unless whenever
"""
_SPECIFIC = frozenset(_SPECIFIC_TEXT.split())
# Words that carry no content of their own, in what a lesson goes on to say.
_EMPTY_TEXT = """
a an the i we it this that these those is are was were be been am to of in on at for with by from and or so
just really very also my our me us you your what thing things one there here have has had do does did get got
going forward should would could will can must need needs think guess learned learnt lesson lessons
"""
_EMPTY = frozenset(_EMPTY_TEXT.split())


def _markers(text: Answer) -> list[Span]:
    stream = text.stream
    found: list[Span] = []
    for i, word in enumerate(stream):
        if found and i <= found[-1][1]:
            continue  # "I learned that": one marker, not two
        for marker in _LESSON_MARKERS.get(word, ()):
            if tuple(stream[i : i + len(marker)]) == marker:
                found.append((i, i + len(marker) - 1))
                break
    return found


def lessons_drawn(text: Answer) -> list[Span]:
    """Each turn to a lesson ("Lesson:", "I learned", "next time", "I'd have") whose
    sentence goes on to say something learnt: two words of content, three if it
    wishes for more of a virtue, or any that say when or instead of what."""
    spans: list[Span] = []
    for span in _markers(text):
        first, last = text.sentence_of(span)
        rest = [text.stream[i] for i in range(first, last + 1) if not span[0] <= i <= span[1]]
        content = [word for word in rest if word not in _EMPTY and word not in _VAGUE]
        vague = any(word in _VAGUE for word in rest)
        if any(word in _SPECIFIC for word in rest) or len(content) >= (3 if vague else 2):
            spans.append(span)
    return spans


# --- the registry ----------------------------------------------------------------------

SIGNALS: dict[str, tuple[str, Callable[[Answer], list[Span]]]] = {
    "{first-person actions}": ("things you did yourself (I ...)", first_person_actions),
    "{measured result}": ("a measured result", measured_results),
    "{stakes figure}": ("the stakes in figures", stakes_figures),
    "{checkable result}": ("a definite result (on time, signed, none since)", checkable_results),
    "{lesson drawn}": ("a lesson: what you learnt or would do differently", lessons_drawn),
    # a query's structure (grading.query)
    "{anti-join}": ("an anti-join in the query (NOT EXISTS, NOT IN, LEFT JOIN ... IS NULL)", anti_joins),
    "{whole last day}": ("a date range that keeps the whole last day", whole_days),
    "{same rule at both dates}": ("the same condition at both dates", same_rule_twice),
    "{condition in the join}": ("a condition in the outer join's ON clause", join_conditions),
    "{running sum}": ("a running sum (SUM ... OVER ... ORDER BY)", running_sums),
}


def is_signal(spelling: str) -> bool:
    """Whether a keyword spelling is written as a signal name (known or not)."""
    return spelling.startswith("{") and spelling.endswith("}")


def concept_spans(text: Answer, concept: Concept) -> list[Span]:
    """The answer's evidence for one idea of a point: a signal's, or its keywords'."""
    signal = SIGNALS.get(concept.label)
    return sorted(set(signal[1](text))) if signal else text.concept_spans(concept)


def label(concept: Concept) -> str:
    """How feedback names the idea: a signal by what it looks for."""
    signal = SIGNALS.get(concept.label)
    return signal[0] if signal else concept.label
