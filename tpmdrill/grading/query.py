"""Reading a sql answer as a query (issue 12, item 6): what its code shows.

A query is judged on what it does and on its `--` comments, not on the names it
chooses. Two things follow:

- **Names are not claims.** The words of a query's identifiers (`churned_customers`,
  `step_number`) and of the aliases it defines (`AS month`, `AS step`) are mostly the
  result columns the prompt dictates: `COUNT(*) AS users` says nothing about distinct
  users, `AS month` nothing about ranking per month. In the code they are no evidence
  for a keyword's words (`query_names`); a keyword written as code (`DISTINCT
  customer_id`, `ended_at IS NULL`) still reads them verbatim, and comments and prose
  are read as ever.
- **Structure is evidence.** Some rubric ideas are a shape of the query rather than a
  word: an anti-join, a date range that keeps the whole last day, the same condition
  applied at two dates, a condition inside an outer join's ON clause, a running sum.
  Each is a signal (`tpmdrill.grading.signals`) read from the code with its comments
  and string literals blanked out, so a comment naming `NOT EXISTS` is a mention, not
  the structure.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from weakref import WeakKeyDictionary

from tpmdrill.grading.matcher import Answer

Span = tuple[int, int]

# Comments, quoted strings and identifiers, and everything else one character at a time
# (as tpmdrill.sqlcheck tokenises: an unterminated quote runs to the end).
_TOKEN = re.compile(
    r"""(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))|(?P<string>'(?:[^']|'')*'?)"""
    r"""|(?P<quoted>"(?:[^"]|"")*"?|`(?:[^`]|``)*`?)|(?P<other>[^'"`\-/;]+|.)""",
    re.DOTALL,
)
# Where the query starts: the first line that opens with a clause of one (prose before
# it, such as a model answer's notes, is not code).
_CLAUSE_WORDS = "select|with|from|where|and|or|left|inner|join|group|order|having|limit|union|on|case|when|sum|count"
_QUERY_START = re.compile(rf"^[ \t>`]*(?:{_CLAUSE_WORDS})\b", re.IGNORECASE | re.MULTILINE)


QUERY_CHARS = 10_000  # of code read for structure: a query is far shorter; keeps any answer linear


def code_only(text: str) -> str:
    """The text with everything but the query's code blanked (every offset kept,
    newlines too, the blank end cut off): prose before the query, comments, whatever
    follows its `;` and anything past QUERY_CHARS of code. String literals stay (they
    are values the query compares with)."""
    start = _QUERY_START.search(text)
    if start is None:
        return _blank(text)
    end = min(len(text), start.start() + QUERY_CHARS)
    return _code_between(text[:end], start.start()).rstrip()  # offsets kept: only the end is cut


def _code_between(text: str, start: int) -> str:
    kept = [_blank(text[:start])]
    for match in _TOKEN.finditer(text, start):
        piece = match.group()
        if match.lastgroup == "comment":
            kept.append(_blank(piece))
        elif piece == ";":
            kept.append(";" + _blank(text[match.end():]))
            break
        else:
            kept.append(piece)
    return "".join(kept)


def _blank(text: str) -> str:
    return "\n".join(" " * len(line) for line in text.split("\n"))


def without_literals(code: str) -> str:
    """The code with string literals blanked too: only its syntax and names."""
    return _TOKEN.sub(lambda m: _blank(m.group()) if m.lastgroup in ("string", "quoted") else m.group(), code)


# --- names --------------------------------------------------------------------------

_ALIAS = re.compile(r"\bas\s+([A-Za-z][A-Za-z0-9_]*)\b(?!\s*\()", re.IGNORECASE)
_SNAKE = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")


def query_names(text: Answer) -> set[int]:
    """The answer's words that are a query's names: the words of its snake_case
    identifiers and the alias after each AS (not a CTE's name, `x AS (`)."""
    offset, code = _code(text)
    starts = text.word_starts()
    names: set[int] = set()
    for pattern, group in ((_SNAKE, 0), (_ALIAS, 1)):
        for match in pattern.finditer(code):
            names.update(_words_in(starts, offset + match.start(group), offset + match.end(group)))
    return names


def _words_in(starts: list[int], begin: int, end: int) -> range:
    """The indexes of the words that start within [begin, end)."""
    return range(bisect_right(starts, begin - 1), bisect_right(starts, end - 1))


def _spans(text: Answer, code: tuple[int, str], pattern: re.Pattern[str]) -> list[Span]:
    """The words each match of the pattern covers, in code that starts `code[0]`
    characters into the answer."""
    starts = text.word_starts()
    offset, body = code
    found = []
    for match in pattern.finditer(body):
        words = _words_in(starts, offset + match.start(), offset + match.end())
        if words:
            found.append((words[0], words[-1]))
    return found


_CODE: WeakKeyDictionary[Answer, tuple[int, str, str]] = WeakKeyDictionary()


def _codes(text: Answer) -> tuple[int, str, str]:
    """Where the query's code starts in the answer, the code from there, and the same
    without string literals (the blank prose before it left out: not searched)."""
    found = _CODE.get(text)
    if found is None:
        code = code_only(text.text)
        offset = len(code) - len(code.lstrip())
        found = _CODE[text] = (offset, code[offset:], without_literals(code[offset:]))
    return found


def _code(text: Answer) -> tuple[int, str]:
    offset, _, bare = _codes(text)
    return offset, bare


def _with_literals(text: Answer) -> tuple[int, str]:
    offset, code, _ = _codes(text)
    return offset, code


# --- structure signals ------------------------------------------------------------------

_FLAGS = re.IGNORECASE | re.DOTALL
_ALL = re.compile(r"\S(?:.*\S)?", _FLAGS)  # all of a window's words
_ANTI_JOIN = re.compile(r"\bnot\s+exists\b|\bnot\s+in\s*\(\s*select\b|\bexcept\b", _FLAGS)
_LEFT_JOIN = re.compile(r"\bleft\s+(?:outer\s+)?join\s+(\w+)(?:\s+(?:as\s+)?(\w+))?", _FLAGS)
MAX_JOINS = 32  # outer joins looked at (a query has a few)
_NOT_ALIASES = frozenset({"on", "using", "where", "group", "order", "left", "join", "inner", "limit"})


def anti_joins(text: Answer) -> list[Span]:
    """Rows of one set missing from another: NOT EXISTS, NOT IN (SELECT ...), EXCEPT,
    or a LEFT JOIN whose joined rows are tested for IS NULL (`e.customer_id IS NULL`,
    before or after the join)."""
    offset, code = _code(text)
    spans = _spans(text, (offset, code), _ANTI_JOIN)
    for join in list(_LEFT_JOIN.finditer(code))[:MAX_JOINS]:
        alias = join.group(2) if join.group(2) and join.group(2).lower() not in _NOT_ALIASES else join.group(1)
        if re.search(rf"\b{re.escape(alias)}\s*\.\s*\w+\s+is\s+null\b", code, _FLAGS):
            spans += _spans(text, (offset, _window(code, join.start(), join.end())), _ALL)
    return spans


_DATE = r"'\d{4}-\d{2}-\d{2}"
_WHOLE_DAY = re.compile(
    rf"<\s*(?:date\s*\(\s*)?{_DATE}(?:\s+00:00(?::00)?)?'"  # half-open: before the next day
    rf"|(?:<=|\bbetween\s+{_DATE}[^']*'\s+and)\s*{_DATE}[ T]23:59"  # up to the last second
    r"|\b(?:date|substr|strftime)\s*\([^;()]*\)\s*(?:between|<=|=|in\b)"  # the day or month, not the timestamp
    rf"|\blike\s*'\d{{4}}-\d{{2}}-?%'",  # every timestamp of the month
    _FLAGS)


def whole_days(text: Answer) -> list[Span]:
    """A date range whose last day counts whole: a half-open upper bound (`< '2024-02-01'`),
    an end at 23:59, the timestamp cut to its day or month (`date()`, `substr()`,
    `strftime()`) before BETWEEN, <=, = or IN, or a month matched with LIKE '2024-01-%'."""
    return _spans(text, _with_literals(text), _WHOLE_DAY)


_JOIN_CONDITION = re.compile(  # bounded: a join's table and ON clause are short
    r"\bleft\s+(?:outer\s+)?join\b[^;]{0,200}?\bon\b"
    r"(?:(?!\b(?:where|group|order|join|union|select|having|limit|window)\b)[^;]){0,300}?\band\b", _FLAGS)


def join_conditions(text: Answer) -> list[Span]:
    """An outer join whose ON clause holds a condition besides the key: `LEFT JOIN
    orders o ON o.user_id = u.user_id AND o.status = 'completed'`."""
    return _spans(text, _code(text), _JOIN_CONDITION)


_RUNNING_SUM = re.compile(
    r"\bsum\s*\((?:[^()]|\([^()]*\))*\)\s*over\s*(?:\([^()]*\border\s+by\b|[A-Za-z_]\w*\b(?!\s*\())", _FLAGS)


def running_sums(text: Answer) -> list[Span]:
    """A running sum: SUM(...) OVER an ordered window (or a named one)."""
    return _spans(text, _code(text), _RUNNING_SUM)


# The same condition at two dates: the code as tokens, date literals as slots.
_CODE_TOKEN = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*\s*\.(?=\s*[A-Za-z_])"  # a table alias's "s."
    r"|'\d{4}-\d{2}-\d{2}[^']*'|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[<>!=]=?|\S")
_DATE_LITERAL = re.compile(r"'\d{4}-\d{2}-\d{2}")
_SLOT = "?"
SAME_RULE_SLOTS = 2  # date comparisons the repeated condition holds at least
SAME_RULE_TOKENS = 8  # and tokens
SAME_RULE_MAX_DATES = 64  # date literals compared pairwise (a query has a handful)
_STRETCH = 64  # tokens a stretch is followed either way


def same_rule_twice(text: Answer) -> list[Span]:
    """The same condition written at two different dates (`started_at <= '2024-03-01'
    AND (ended_at IS NULL OR ended_at > '2024-03-01')`, then the same for 1 April):
    a stretch of the query, at least SAME_RULE_TOKENS tokens and SAME_RULE_SLOTS date
    comparisons long, that recurs with other dates and is otherwise identical (table
    aliases aside)."""
    offset, code = _with_literals(text)
    tokens = [(m.start(), m.end(), _normal(m.group())) for m in _CODE_TOKEN.finditer(code)
              if not m.group().endswith(".")]  # a table alias's "s." is left aside
    slots = [i for i, token in enumerate(tokens) if token[2] == _SLOT][:SAME_RULE_MAX_DATES]
    for n, first in enumerate(slots):
        for second in slots[n + 1:]:
            if _literal(code, tokens[first]) == _literal(code, tokens[second]):
                continue
            low, high = _common_stretch(tokens, first, second)
            stretch = range(low, high + 1)
            if len(stretch) >= SAME_RULE_TOKENS and sum(tokens[i][2] == _SLOT for i in stretch) >= SAME_RULE_SLOTS:
                return _spans(text, (offset, _window(code, tokens[low][0], tokens[high][1])), _ALL)
    return []


def _normal(token: str) -> str:
    return _SLOT if _DATE_LITERAL.match(token) else token.lower()


def _literal(code: str, token: tuple[int, int, str]) -> str:
    return code[token[0]:token[1]]


def _common_stretch(tokens: list[tuple[int, int, str]], first: int, second: int) -> tuple[int, int]:
    """The widest stretch around `first` whose tokens equal those around `second`,
    ending before the second one starts."""
    back = 0
    while back < _STRETCH and first - back > 0 and tokens[first - back - 1][2] == tokens[second - back - 1][2]:
        back += 1
    ahead = 0
    while (ahead < _STRETCH and first + ahead + 1 < second - back and second + ahead + 1 < len(tokens)
           and tokens[first + ahead + 1][2] == tokens[second + ahead + 1][2]):
        ahead += 1
    return first - back, first + ahead


def _window(code: str, begin: int, end: int) -> str:
    return _blank(code[:begin]) + code[begin:end]
