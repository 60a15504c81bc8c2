"""Numbers with units as people write them: `35k rps`, `~35,000 requests per second`, `2 TB/day`.

Pure text parsing, with no units library: a unit becomes a `Unit` of canonical names
(pint's names for time and data, `n_<noun>` for counted things such as requests or
servers), which `tpmdrill.estimates` hands to pint only when an estimate is graded.
Deck validation uses `parse_unit` to reject a card unit no answer could ever match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tpmdrill.errors import TpmdrillError


class UnitSyntaxError(TpmdrillError):
    pass


TIME = {
    "s": "second", "sec": "second", "secs": "second", "second": "second", "seconds": "second",
    "ms": "millisecond", "msec": "millisecond", "millisecond": "millisecond", "milliseconds": "millisecond",
    "us": "microsecond", "µs": "microsecond", "μs": "microsecond", "microsecond": "microsecond",
    "microseconds": "microsecond", "ns": "nanosecond", "nanosecond": "nanosecond", "nanoseconds": "nanosecond",
    "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "d": "day", "day": "day", "days": "day", "wk": "week", "week": "week", "weeks": "week",
    "mo": "month", "month": "month", "months": "month", "y": "year", "yr": "year", "yrs": "year",
    "year": "year", "years": "year",
}
_PREFIXES = {"k": "kilo", "K": "kilo", "M": "mega", "G": "giga", "T": "tera", "P": "peta", "E": "exa"}
_BINARY = {"Ki": "kibi", "Mi": "mebi", "Gi": "gibi", "Ti": "tebi", "Pi": "pebi"}
# Case matters for data: "Mb" is megabits, "MB" megabytes; all-lowercase "mb" is read as bytes.
DATA_EXACT: dict[str, str] = {"B": "byte", "bit": "bit", "bits": "bit", "bps": "bit/second"}
for _symbol, _name in _PREFIXES.items():
    DATA_EXACT[f"{_symbol}B"] = f"{_name}byte"
    DATA_EXACT[f"{_symbol}b"] = f"{_name}bit"
    DATA_EXACT[f"{_symbol}bit"] = f"{_name}bit"
    DATA_EXACT[f"{_symbol}bps"] = f"{_name}bit/second"
for _symbol, _name in _BINARY.items():
    DATA_EXACT[f"{_symbol}B"] = f"{_name}byte"
DATA_FOLDED = {
    "byte": "byte", "bytes": "byte", "kb": "kilobyte", "mb": "megabyte", "gb": "gigabyte", "tb": "terabyte",
    "pb": "petabyte", "eb": "exabyte",
    **{f"{name}byte{s}": f"{name}byte" for name in (*_PREFIXES.values(), *_BINARY.values()) for s in ("", "s")},
    **{f"{name}bit{s}": f"{name}bit" for name in _PREFIXES.values() for s in ("", "s")},
    "kbps": "kilobit/second", "mbps": "megabit/second", "gbps": "gigabit/second", "tbps": "terabit/second",
}
# Counted things: spellings of the same thing meet one name.
COUNT_ALIASES = {
    "request": "request", "req": "request", "query": "request", "call": "request", "hit": "request",
    "server": "server", "machine": "server", "host": "server", "instance": "server", "node": "server",
    "box": "server", "vm": "server",
    "user": "user", "people": "user", "person": "user", "dau": "user", "mau": "user",
    "transaction": "transaction", "txn": "transaction",
    "dollar": "dollar", "usd": "dollar", "$": "dollar", "euro": "euro", "eur": "euro", "€": "euro",
}
# Shorthands that carry their own "per second".
RATES = {"rps": "request/second", "qps": "request/second", "tps": "transaction/second"}
PER_WORDS = {"/", "per", "a", "an", "each", "every"}
# 'daily' after a unit: '2 TB daily' is 2 TB/day.
RATE_ADVERBS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month", "yearly": "year",
                "annually": "year"}


@dataclass(frozen=True)
class Unit:
    """A product of named units over another: numerator and denominator, each sorted."""

    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()

    @property
    def is_bare(self) -> bool:
        return not self.numerator and not self.denominator

    def over(self, other: Unit) -> Unit:
        return Unit(tuple(sorted(self.numerator + other.denominator)),
                    tuple(sorted(self.denominator + other.numerator)))

    def times(self, other: Unit) -> Unit:
        return Unit(tuple(sorted(self.numerator + other.numerator)),
                    tuple(sorted(self.denominator + other.denominator)))

    def names(self) -> set[str]:
        return set(self.numerator) | set(self.denominator)

    def expression(self) -> str:
        """The unit for pint: 'n_request / second'; '1' when dimensionless."""
        top = " * ".join(self.numerator) or "1"
        return top if not self.denominator else f"{top} / ({' * '.join(self.denominator)})"


def _named(text: str) -> Unit:
    top, _, bottom = text.partition("/")
    return Unit((_pint_name(top),), (_pint_name(bottom),) if bottom else ())


def _pint_name(name: str) -> str:
    return name if name in TIME.values() or "byte" in name or "bit" in name else f"n_{name}"


def singular(word: str) -> str:
    """'servers' -> 'server', 'queries' -> 'query', 'boxes' -> 'box'."""
    lower = word.lower()
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 2:
        return lower[:-1]
    return lower


def unit_term(word: str, nouns: frozenset[str] | None) -> Unit | None:
    """One word as a unit. `nouns` limits which unknown counted nouns are accepted
    (None accepts any word, as a deck's own unit may name anything it counts)."""
    if word in DATA_EXACT:
        return _named(DATA_EXACT[word])
    lower = word.lower()
    for table in (RATES, DATA_FOLDED, TIME):
        if lower in table:
            return _named(table[lower])
    noun = singular(word)
    if lower in COUNT_ALIASES or noun in COUNT_ALIASES:
        return _named(COUNT_ALIASES.get(lower) or COUNT_ALIASES[noun])
    if not re.fullmatch(r"[a-z][a-z0-9]*", noun):
        return None
    if nouns is None or noun in nouns:
        return _named(noun)
    return None


TOKEN = re.compile(r"[$€]|/|[A-Za-zµμ][A-Za-zµμ0-9]*")


def parse_unit(text: str) -> Unit:
    """A deck's unit: 'requests/second', 'TB/day', 'servers', 'requests per user per day'."""
    tokens = TOKEN.findall(text)
    leftover = TOKEN.sub(" ", text).replace("-", " ").strip()
    if leftover:
        raise UnitSyntaxError(f"unexpected {leftover.split()[0]!r}")
    unit, used = read_unit(tokens, None, allow_bare_per=False)
    if used != len(tokens):
        raise UnitSyntaxError(f"unexpected {tokens[used]!r}" if used < len(tokens) else "empty unit")
    if unit.is_bare or not unit.numerator:
        raise UnitSyntaxError("name what is counted or measured, e.g. 'requests/second', 'TB/day', 'servers'")
    return unit


def read_unit(tokens: list[str], nouns: frozenset[str] | None, *, allow_bare_per: bool) -> tuple[Unit, int]:
    """The longest unit at the start of `tokens`, and how many tokens it used.

    A unit is an optional term, then any number of '/ term' or 'per term'. With
    `allow_bare_per`, an answer's '35k/s' (a rate of the card's own thing) is read
    as a unit with an empty numerator.
    """
    unit, used = Unit(), 0
    if tokens and tokens[0] not in PER_WORDS:
        first = unit_term(tokens[0], nouns)
        if first is None:
            return unit, 0
        unit, used = first, 1
    elif not allow_bare_per:
        return unit, 0
    while used + 1 < len(tokens) and tokens[used].lower() in PER_WORDS:
        below = unit_term(tokens[used + 1], nouns)
        if below is None or (tokens[used].lower() in {"a", "an", "each", "every"} and not _is_time(below)):
            break
        unit, used = unit.over(below), used + 2
    if used and used < len(tokens) and tokens[used].lower() in RATE_ADVERBS:
        unit, used = unit.over(Unit((RATE_ADVERBS[tokens[used].lower()],))), used + 1
    return unit, used


def _is_time(unit: Unit) -> bool:
    return unit.numerator != () and all(n in TIME.values() for n in unit.numerator)


# ---- numbers in an answer ------------------------------------------------------------

MULTIPLIERS = {
    "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "mm": 1e6, "MM": 1e6, "mn": 1e6, "b": 1e9, "B": 1e9,
    "bn": 1e9, "Bn": 1e9, "T": 1e12, "tn": 1e12,
}
WORD_MULTIPLIERS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
NUMBER = re.compile(
    r"(?<![\w.,])(?:(?P<cur>[$€])\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:[eE](?P<exp>[+-]?\d+)|\s?[x×*]\s?10\^(?P<pow>[+-]?\d+)|\^(?P<raise>[+-]?\d+))?"
    r"(?P<run>[A-Za-zµμ]+)?"
)
_SPACED_TOKEN = re.compile(r"[ \t]*(" + TOKEN.pattern + r")")
MARKERS = ("answer", "estimate", "final", "total", "result", "bottom line", "so ", "therefore", "≈", "=>", "→")


@dataclass(frozen=True)
class Mention:
    """One number in an answer, with the unit written after it (bare when none)."""

    value: float
    unit: Unit
    text: str
    marked: bool  # on a line that states the result ("Answer: ...", "So ...", "≈ ...")
    percent: bool = False
    start: int = 0  # where it is in the answer
    end: int = 0
    scale: float = 1.0  # the multiplier written with it: 1e3 for '40k'
    per_one: bool = False  # a ratio to one of something: '3000:1', '3,000 to 1', '3,000 reads for every write'


def mentions(text: str, nouns: frozenset[str]) -> list[Mention]:
    """Every number in `text` with its unit, in order. `nouns` are the counted things
    an unknown word may name (the card's own unit's nouns)."""
    found: list[Mention] = []
    for match in NUMBER.finditer(text):
        if found and match.start() < found[-1].end:  # the '1' of a '3000:1' just read
            continue
        glued = _glued(match, nouns)
        if glued is None:  # part of a word such as 'p99' or 'S3'
            continue
        multiplier, position = glued
        number = _number_value(match)
        value = number * multiplier
        if multiplier == 1:
            value, position = _word_multiplier(text, position, value)
        unit, end = _unit_from(text, position, nouns)
        if match["cur"]:
            unit = unit.times(_named(COUNT_ALIASES[match["cur"]]))
        percent = text[end:end + 1] == "%" or text[end:].lstrip().lower().startswith("percent")
        ratio = RATIO_TO_ONE.match(text, end)
        end = ratio.end() if ratio else end
        found.append(Mention(value, unit, text[match.start():end].strip(), _is_marked(_line_of(text, match.start())),
                             percent, match.start(), end, value / number if number else 1.0, ratio is not None))
    return _ranges(text, found)


# After a number (and its unit): ':1', 'to 1', 'to one', or 'for every'/'to each'... of something.
RATIO_TO_ONE = re.compile(
    r"[ \t]*(?:(?::[ \t]*1|-?to-?[ \t]*(?:1|one))(?![\w.,:]*\d|[A-Za-z])"
    r"|(?:for|to|per)[ \t]+(?:every|each|one|a single)[ \t]+[A-Za-z]+(?:[ \t]+(?:written|made|posted|sent|created))?)",
    re.IGNORECASE,
)


RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|and)\s*", re.IGNORECASE)


def _ranges(text: str, found: list[Mention]) -> list[Mention]:
    """'30-40k rps', '20k to 50k rps', 'between 2 and 8 TB': one mention, the range's
    geometric middle (the right middle for an order of magnitude)."""
    merged: list[Mention] = []
    for high in found:
        low = merged[-1] if merged else None
        if low is None or not _joins(text, low, high):
            merged.append(high)
            continue
        bottom = low.value * (high.scale if low.scale == 1 else 1)  # '30-40k': the 30 is 30k
        merged[-1] = Mention((bottom * high.value) ** 0.5, high.unit, text[low.start:high.end].strip(),
                             low.marked or high.marked, high.percent, low.start, high.end, high.scale)
    return merged


def _joins(text: str, low: Mention, high: Mention) -> bool:
    between = text[low.end:high.start]
    if RANGE_JOIN.fullmatch(between) is None or not (low.unit.is_bare or low.unit == high.unit):
        return False
    return "and" not in between.lower() or text[:low.start].lower().rstrip().endswith("between")


def _number_value(match: re.Match[str]) -> float:
    value = float(match["num"].replace(",", ""))
    if match["exp"]:
        value *= 10.0 ** int(match["exp"])
    if match["pow"]:
        value *= 10.0 ** int(match["pow"])
    if match["raise"]:
        value **= int(match["raise"])
    return value


def _glued(match: re.Match[str], nouns: frozenset[str]) -> tuple[float, int] | None:
    """Letters glued to the number: a multiplier ('35k', '1.5B'), a unit ('2TB', '5ms') or
    both ('35krps'). Returns the multiplier and where the unit starts; None when the
    letters make the number part of a word."""
    run = match["run"]
    if not run:
        return 1.0, match.end()
    if run in MULTIPLIERS:
        return MULTIPLIERS[run], match.end()
    if unit_term(run, nouns) is not None:
        return 1.0, match.start("run")
    if run[0] in MULTIPLIERS and unit_term(run[1:], nouns) is not None:
        return MULTIPLIERS[run[0]], match.start("run") + 1
    return None


def _word_multiplier(text: str, position: int, value: float) -> tuple[float, int]:
    """'1.2 million', '35 thousand', and the unambiguous letters after a space: '35 k rps', '1.2 M users'."""
    spaced = re.match(r"[ \t]?(" + "|".join(WORD_MULTIPLIERS) + r")\b", text[position:], re.IGNORECASE)
    if spaced:
        return value * WORD_MULTIPLIERS[spaced.group(1).lower()], position + spaced.end()
    letter = re.match(r"[ \t](k|K|M|MM|mn|bn|Bn)(?![\w/])", text[position:])
    if letter:
        return value * MULTIPLIERS[letter.group(1)], position + letter.end()
    return value, position


def _unit_from(text: str, position: int, nouns: frozenset[str]) -> tuple[Unit, int]:
    tokens: list[str] = []
    ends: list[int] = []
    while len(tokens) < 8:
        match = _SPACED_TOKEN.match(text, position)
        if match is None:
            break
        tokens.append(match.group(1))
        position = match.end()
        ends.append(position)
    unit, used = read_unit(tokens, nouns, allow_bare_per=True)
    start = ends[0] - len(tokens[0]) if tokens else position
    return unit, ends[used - 1] if used else start


def _line_of(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    stop = text.find("\n", index)
    return text[start:stop if stop >= 0 else len(text)]


def _is_marked(line: str) -> bool:
    stripped = line.lstrip(" \t-*#>•").lower()
    return stripped.startswith(MARKERS)
