"""Words as the grader sees them: folding, contractions, stems and typos.

- words are compared after folding case, accents and punctuation, so "write-through",
  "Write through" and "HTTP/2" / "http 2" agree;
- contractions are expanded before anything else ("I'd" ~ "I would", "won't" ~ "will not");
- a stemmer applied identically to keywords and answers lets inflections and derived
  forms meet ("caches" ~ "cache", "replicated" ~ "replication", "management" ~ "manage");
- typos are forgiven only between words of five letters or more that share their
  first letter, never in numbers or acronyms, and never when one word is the other
  plus letters (a keyword never matches inside a longer word);
- words of one or two letters and pronouns match only themselves (is_literal).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz.distance import OSA

# A word is a run of letters (with any combining accents) or a run of digits, so
# "http2" is two words and "4040" never contains "404". The simpler patterns give
# the same words on the texts they are used for, faster (a 5 MB answer is graded).
WORD = re.compile(r"((?:[^\W\d_]|[\u0300-\u036f])+|\d+)")
WORD_UNMARKED = re.compile(r"([^\W\d_]+|\d+)")
WORD_ASCII = re.compile(r"([A-Za-z]+|\d+)")
COMBINING_MARK = re.compile(r"[\u0300-\u036f]")

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


# --- contractions ------------------------------------------------------------------

_CONTRACTION = re.compile(r"\b([A-Za-z]+)['’](d|ll|re|ve|m|s|t)\b", re.IGNORECASE)
_IRREGULAR_NOT = {"won": "will not", "can": "can not", "shan": "shall not", "ain": "is not"}
_IS_AFTER = frozenset({"it", "that", "there", "here", "what", "who", "he", "she", "where", "how", "this"})
_CANNOT = re.compile(r"\b(can)(not)\b", re.IGNORECASE)
_ENDINGS = {"d": "would", "ll": "will", "re": "are", "ve": "have", "m": "am"}


def expand_contractions(text: str) -> str:
    """ "I'd" -> "I would", "won't" -> "will not", "it's" -> "it is"; a possessive
    "'s" ("the driver's") is left alone. "cannot" becomes "can not" too."""
    if "'" not in text and "’" not in text and "annot" not in text.lower():
        return text
    text = _CANNOT.sub(r"\1 \2", text)
    return _CONTRACTION.sub(_expand, text)


def _expand(match: re.Match[str]) -> str:
    word, ending = match.group(1), match.group(2).lower()
    lower = word.lower()
    if ending == "t":
        if lower in _IRREGULAR_NOT:
            return _IRREGULAR_NOT[lower]
        return f"{word[:-1]} not" if lower.endswith("n") else match.group(0)
    if ending == "s":
        if lower == "let":
            return f"{word} us"
        return f"{word} is" if lower in _IS_AFTER else match.group(0)
    return f"{word} {_ENDINGS[ending]}"


# --- words that only match themselves -------------------------------------------------

_PRONOUN_WORDS = """
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves
"""
PRONOUNS = frozenset(_PRONOUN_WORDS.split())


def is_literal(folded: str) -> bool:
    """Whether a word matches only itself, never by plural, stem, typo or compound
    split: a word of one or two letters ("I", "a", "v") or a pronoun ("it", "our").
    One letter or a pronoun away, such a word is another word ("I" and "is", "it"
    and "its", "our" and "ours"), so "I decided" must not be met by "it is decided"."""
    return len(folded) <= 2 or folded in PRONOUNS


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
    return [fold(w) for w in WORD.findall(text)]


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


def letter_set(word: str) -> int:
    """The letters a word uses, as a bit set. An edit adds a letter, drops one, or both,
    so words within two edits (OSA) differ in at most four of their letters."""
    bits = 0
    for letter in word:
        bits |= 1 << (ord(letter) & 1023)  # letters sharing a bit only make it looser
    return bits


def is_typo(keyword: str, written: str) -> bool:
    """Whether the answer's `written` word is a plausible typo of `keyword` (both folded).

    Both need five letters or more, letters only, and the same first letter; one
    being the other plus letters is a different word ("replica", "replicate"), not
    a typo, and so is an inflected word whose root the keyword extends ("pointed" is
    not "pointer"). The edits allowed grow with the shorter word's root, not its
    suffixes: none below five letters ("share"/"shard", "sharing"/"sharding" are
    words of their own) except swapping two neighbouring letters ("cahce"); one up
    to seven letters; two from eight ("availablity"). A doubled or undoubled inner
    letter ("comit", "cachhe") is a typo in any word of five letters. A transposition counts as one
    edit, and a substituted letter must be a keyboard neighbour or a sound-alike
    ("concensus"), or, in roots of seven letters or more, a vowel for a vowel
    ("latancy"): see _slip.
    """
    a, b = keyword, written
    if not (a and b and a[0] == b[0] and a.isalpha() and b.isalpha()):
        return False
    if max(len(a), len(b)) >= 5 and _doubled(a, b):
        return True
    if min(len(a), len(b)) < 5:
        return False
    root_a, root_b = stem(a), stem(b)
    if root_b != b and b.endswith(("s", "ed", "ing")) and root_a.startswith(root_b):
        return False
    root = min(len(root_a), len(root_b))
    if root < 5:
        return _transposed(a, b)
    allowed = 1 if root <= 7 else 2
    return _close(a, b, allowed) or _close(root_a, root_b, allowed)


def _doubled(a: str, b: str) -> bool:
    """One word is the other with one inner letter doubled ("cachhe", "comit")."""
    short, long = sorted((a, b), key=len)
    if len(long) != len(short) + 1:
        return False
    return any(
        long[i] == long[i - 1] and long[:i] + long[i + 1 :] == short for i in range(1, len(long) - 1)
    )


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

    A DP (words are short) over a cost that ranks alignments by letters dropped or
    added first, then by forbidden substitutions, then by slips and transpositions.
    The cheapest alignment drops or adds exactly the letters the lengths differ by,
    all one way, so it keeps j - i between 0 and len(b) - len(a): only that band of
    cells is computed.
    """
    indel, forbidden, unreachable = 10_000, 100, 1 << 40
    slips = _VOWEL_SLIPS if vowels_slip else _SLIPS
    low, high = min(0, len(b) - len(a)), max(0, len(b) - len(a))  # the band of j - i
    previous2: list[int] = []
    previous = [j * indel if j <= high else unreachable for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [unreachable] * (len(b) + 1)
        if i <= -low:
            current[0] = i * indel
        x = a[i - 1]
        for j in range(max(1, i + low), min(len(b), i + high) + 1):
            y = b[j - 1]
            swap = 0 if x == y else 1 if (x, y) in slips else forbidden
            best = min(previous[j] + indel, current[j - 1] + indel, previous[j - 1] + swap)
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        previous2, previous = previous, current
    indels, substitutions = divmod(previous[-1], indel)
    if indels > abs(len(a) - len(b)) or substitutions >= forbidden:
        return len(a) + len(b)
    return indels + substitutions


# The slips of _slip as a table, for the DP's inner loop.
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SLIPS = frozenset((x, y) for x in _LETTERS for y in _LETTERS if x != y and _slip(x, y, vowels_slip=False))
_VOWEL_SLIPS = frozenset((x, y) for x in _LETTERS for y in _LETTERS if x != y and _slip(x, y, vowels_slip=True))
