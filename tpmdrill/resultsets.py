"""Comparing query results: as multisets or in order, ignoring column names, with
numbers equal within TOLERANCE and NULL equal to NULL (used by `sqlcheck`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

TOLERANCE = 1e-9
# Beyond this many row comparisons the fallback matching gives up (see unmatched).
GREEDY_BUDGET = 250_000

Row = tuple[object, ...]
Rows = tuple[Row, ...]


def same_result(expected: Sequence[Row], got: Sequence[Row], *, ordered: bool) -> bool:
    """Whether two results are equal: in order, or as multisets when not `ordered`."""
    if len(expected) != len(got):
        return False
    if ordered:
        return all(rows_equal(e, g) for e, g in zip(expected, got, strict=True))
    missing, extra = unmatched(expected, got)
    return not missing and not extra


def values_equal(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return _numbers_equal(a, b)
    return type(a) is type(b) and a == b


def _numbers_equal(a: float, b: float) -> bool:
    if a == b or (math.isnan(a) and math.isnan(b)):
        return True
    if isinstance(a, int) and isinstance(b, int):
        return False  # counts and ids are exact: 2**62 and 2**62 + 1 differ
    try:
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    except OverflowError:  # an int too large for a float
        return False


def rows_equal(a: Row, b: Row) -> bool:
    return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))


def _value_key(value: object, *, coarse: bool) -> tuple[int, int, object]:
    """A total order over SQLite values: NULL < numbers < text < blobs (< anything else).

    The coarse key rounds numbers to 6 significant digits so that values equal within
    the tolerance almost always sort side by side whatever the later columns hold.
    """
    if value is None:
        return (0, 0, 0)
    if isinstance(value, int | float):
        if math.isnan(value):
            return (1, 1, 0)
        return (1, 0, _rounded(value) if coarse else value)
    if isinstance(value, str):
        return (2, 0, value)
    if isinstance(value, bytes):
        return (3, 0, value)
    return (4, 0, repr(value))


def _rounded(number: float) -> float:
    try:
        return float(f"{number:.6g}")
    except OverflowError:
        return math.copysign(math.inf, number)


def _row_key(row: Row) -> tuple[tuple[tuple[int, int, object], ...], ...]:
    coarse = tuple(_value_key(v, coarse=True) for v in row)
    exact = tuple(_value_key(v, coarse=False) for v in row)
    return (coarse, exact)


def unmatched(expected: Sequence[Row], got: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """Rows of each side left over after pairing equal rows (multiset difference).

    Equality within a tolerance is not transitive, so sorting both sides and walking
    them together can miss a pairing; the few rows left over then get a greedy
    all-pairs search. Only verified pairs are ever matched, so a wrong answer is
    never judged equal.
    """
    left = sorted(((_row_key(r), r) for r in expected), key=lambda kr: kr[0])
    right = sorted(((_row_key(r), r) for r in got), key=lambda kr: kr[0])
    missing: list[Row] = []
    extra: list[Row] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if rows_equal(left[i][1], right[j][1]):
            i, j = i + 1, j + 1
        elif left[i][0] < right[j][0]:
            missing.append(left[i][1])
            i += 1
        else:
            extra.append(right[j][1])
            j += 1
    missing += [row for _, row in left[i:]]
    extra += [row for _, row in right[j:]]
    return _match_greedily(missing, extra)


def _match_greedily(missing: list[Row], extra: list[Row]) -> tuple[list[Row], list[Row]]:
    if not missing or not extra or len(missing) * len(extra) > GREEDY_BUDGET:
        return missing, extra
    unused = list(extra)
    still_missing: list[Row] = []
    for row in missing:
        partner = next((k for k, other in enumerate(unused) if rows_equal(row, other)), None)
        if partner is None:
            still_missing.append(row)
        else:
            del unused[partner]
    return still_missing, unused
