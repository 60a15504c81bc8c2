"""The shortcuts that keep grading fast (benchmarks/bench_grading.py) decide exactly as
the plain rules they stand for: a banded typo DP, a letter-set test before OSA, one
lookup for the plural rules, the first two letters before a compound split."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from tpmdrill.decks import RubricPoint
from tpmdrill.grading import text as grading_text
from tpmdrill.grading.matcher import Answer
from tpmdrill.grading.rubric import Word, compile_rubric
from tpmdrill.grading.text import PRONOUNS, is_literal, is_typo, letter_set, stem

# Few letters, so that words often share stems, plurals, typos and compound halves.
LETTERS = "aeirstnc"
words = st.text(alphabet=LETTERS, min_size=1, max_size=11)


def full_slip_distance(a: str, b: str, *, vowels_slip: bool) -> int:
    """The typo DP over every cell, as it was before it was banded."""
    indel, forbidden = 10_000, 100
    previous2: list[int] = []
    previous = [j * indel for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [i * indel] + [0] * len(b)
        for j in range(1, len(b) + 1):
            x, y = a[i - 1], b[j - 1]
            swap = 0 if x == y else 1 if grading_text._slip(x, y, vowels_slip=vowels_slip) else forbidden
            current[j] = min(previous[j] + indel, current[j - 1] + indel, previous[j - 1] + swap)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    indels, substitutions = divmod(previous[-1], indel)
    if indels > abs(len(a) - len(b)) or substitutions >= forbidden:
        return len(a) + len(b)
    return indels + substitutions


@settings(max_examples=500)
@given(words, words, st.booleans())
def test_the_banded_typo_distance_equals_the_full_one(a: str, b: str, vowels_slip: bool) -> None:
    assert grading_text._slip_distance(a, b, vowels_slip=vowels_slip) == full_slip_distance(
        a, b, vowels_slip=vowels_slip)


def edited(word: str, edits: list[tuple[int, int, str]]) -> str:
    """`word` after each (kind, place, letter): 0 insert, 1 drop, 2 substitute, 3 swap."""
    for kind, place, letter in edits:
        at = place % (len(word) + 1)
        if kind == 0:
            word = word[:at] + letter + word[at:]
        elif kind == 1 and at < len(word):
            word = word[:at] + word[at + 1 :]
        elif kind == 2 and at < len(word):
            word = word[:at] + letter + word[at + 1 :]
        elif kind == 3 and at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word


@settings(max_examples=500)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 20), st.sampled_from("abcxyzé")), max_size=2))
def test_words_within_two_edits_differ_in_four_letters_at_most(word: str, edits: list[tuple[int, int, str]]) -> None:
    other = edited(word, edits)  # two edits in a row may be three for OSA ("abc", "ca")
    if OSA.distance(word, other) <= 2:
        assert (letter_set(word) ^ letter_set(other)).bit_count() <= 4


def keyword_word(keyword: str) -> Word:
    return compile_rubric((RubricPoint("p", "point", (keyword,)),))[0].concepts[0].alternatives[0].words[0]


def reference_forms(answer: Answer, word: Word) -> tuple[frozenset[str], list[tuple[frozenset[str], frozenset[str]]]]:
    """The answer forms that match `word` by the plain rules: its own exact forms (for
    a literal word, itself), typos of the same first letter within three letters of
    its length, and every cut into two words that both have exact forms."""
    vocabulary = answer.vocabulary

    def exact(folded: str, folded_stem: str, whole: bool) -> set[str]:
        if is_literal(folded):
            return {folded} & vocabulary
        found = {f for f in (folded, folded + "s", folded + "es") if f in vocabulary}
        if whole:
            return found
        if folded.endswith("s") and folded[:-1] in vocabulary:
            found.add(folded[:-1])
        return found | set(answer.by_stem.get(folded_stem, ()))

    single = exact(word.folded, word.stem, word.exact)
    compounds = []
    if not word.exact and len(word.folded) >= 5:
        single |= {form for form in vocabulary if len(form) >= 5 and form.isalpha() and form not in PRONOUNS
                   and form[0] == word.folded[0]
                   and abs(len(form) - len(word.folded)) <= 3 and is_typo(word.folded, form)}
        for cut in range(2, len(word.folded) - 1):
            head, tail = word.folded[:cut], word.folded[cut:]
            head_forms, tail_forms = exact(head, stem(head), False), exact(tail, stem(tail), False)
            if head_forms and tail_forms:
                compounds.append((frozenset(head_forms), frozenset(tail_forms)))
    return frozenset(single), compounds


short_or_long = st.one_of(st.text(alphabet=LETTERS, min_size=1, max_size=3), words)


@st.composite
def answers_and_keywords(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Answer words, and keywords made of them: two joined, one with an ending, or any."""
    vocabulary = draw(st.lists(short_or_long, min_size=1, max_size=30))
    known = st.sampled_from(vocabulary)
    keyword = st.one_of(
        st.tuples(known, known).map("".join),
        st.tuples(known, st.sampled_from(["s", "es", "ing", "ed", "er", "ment"])).map("".join),
        words,
    )
    return vocabulary, draw(st.lists(keyword, min_size=1, max_size=6))


@settings(max_examples=600)
@given(answers_and_keywords())
def test_the_forms_found_are_those_of_the_plain_rules(drawn: tuple[list[str], list[str]]) -> None:
    vocabulary, keywords = drawn
    answer = Answer(" ".join(vocabulary))
    for keyword in keywords:
        word = keyword_word(keyword)
        found = answer.forms(word)
        assert (found.single, list(found.compounds)) == reference_forms(answer, word)


@given(st.lists(words, min_size=49, max_size=80, unique=True).map(lambda found: ["c" + w for w in found]),
       words.map(lambda w: "c" + w))
def test_a_large_vocabulary_finds_the_same_typos(vocabulary: list[str], keyword: str) -> None:
    answer = Answer(" ".join(vocabulary))
    word = keyword_word(keyword)
    assert answer.forms(word).single == reference_forms(answer, word)[0]
