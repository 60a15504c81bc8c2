"""Estimate cards: find the answer's number and unit, convert it to the card's unit
with pint, and judge it within the card's tolerance, like a sql result.

pint is imported only here, and only when an estimate is graded (about a second on
a slow machine), which `due`, `--help` and every other card never pay; its registry
holds just the units `tpmdrill.quantities` can name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from tpmdrill.quantities import Mention, Unit, mentions, parse_unit
from tpmdrill.ratings import RATINGS

if TYPE_CHECKING:
    from pint import UnitRegistry

    from tpmdrill.decks import EstimateTarget


@dataclass(frozen=True)
class EstimateVerdict:
    """The answer's number in the card's unit, the reference, and whether it is close enough."""

    value: float | None  # None when no usable number was found
    unit: str  # the card's unit: `value` and `expected` are both in it
    expected: float
    tolerance: float
    within_tolerance: bool
    error: str | None  # why no number could be judged; None when one was
    written: str | None = None  # the number as the answer wrote it, e.g. '35k rps'

    @property
    def correct(self) -> bool:
        return self.within_tolerance

    @property
    def near_miss(self) -> bool:
        """Outside the tolerance, but within its square (x4 for x2): a slip, not a wrong method."""
        if self.value is None or self.within_tolerance or self.value <= 0:
            return False
        return max(self.value / self.expected, self.expected / self.value) <= self.tolerance ** 2 * (1 + 1e-9)

    def to_json(self) -> dict[str, Any]:
        """The contract's `grade --json` "estimate" object (`written` added)."""
        return {
            "value": None if self.value is None else _rounded(self.value),
            "unit": self.unit, "expected": self.expected, "within_tolerance": self.within_tolerance,
            "error": self.error, "written": self.written,
        }

    def summary(self) -> str:
        """One line for the terminal: 'Estimate 35,000 requests/second: right (expected 30,000, within ×2).'"""
        if self.value is None:
            return f"Estimate: {self.error}"
        verdict = ("within tolerance" if self.within_tolerance else
                   "outside tolerance, a near miss" if self.near_miss else "outside tolerance")
        return (f"Estimate {self.written} = {_shown(self.value)} {self.unit}: {verdict} "
                f"(expected {_shown(self.expected)}, right within ×/÷ {_shown(self.tolerance)}).")


def check_estimate(target: EstimateTarget, answer: str) -> EstimateVerdict:
    """Judge the number the answer gives, in whatever compatible unit it is written."""
    card_unit = parse_unit(target.unit)
    nouns = frozenset(name[2:] for name in card_unit.names() if name.startswith("n_"))
    found = [m for m in mentions(answer, nouns) if not m.percent]
    converted = [(m, _convert(m, card_unit)) for m in found]
    usable = [(m, v) for m, v in converted if v is not None]
    chosen = _choose(usable, answer, target)
    if chosen is None:
        return EstimateVerdict(None, target.unit, target.value, target.tolerance, False, _why_none(found, target))
    mention, value = chosen
    return EstimateVerdict(value, target.unit, target.value, target.tolerance, _within(value, target), None,
                           mention.text)


def with_estimate_result(suggestion: str, verdict: EstimateVerdict, *, listed: bool = False) -> str:
    """How the checked figure and the working (the rubric's `suggestion`) combine:

    - a keyword list is Again, whatever number it names;
    - a right figure is at least Good when some working shows (the rubric at Hard or
      better), else Hard: a bare right number is not yet a method;
    - any figure outside the tolerance is Again, a near miss too (a wrong result never
      suggests better than Again, as DESIGN's grading rules say); the verdict's summary
      still calls a near miss one, so the feedback tells a slip from a wrong method;
    - no figure the grader can read is Hard after sound working (the rubric at Good or
      better: the method shown, the number not read), else Again.
    """
    if listed:
        return "again"
    if verdict.within_tolerance:
        return "hard" if suggestion == "again" else RATINGS[max(RATINGS.index(suggestion), RATINGS.index("good"))]
    sound = RATINGS.index(suggestion) >= RATINGS.index("good")
    return "hard" if sound and verdict.value is None else "again"


def _choose(usable: list[tuple[Mention, float]], answer: str, target: EstimateTarget) -> tuple[Mention, float] | None:
    """The stated result: on the last line that states one ('Answer: ...', 'So ...',
    '≈ ...'), the figure in a fitting unit (when it gives several, an average and a
    peak, raw and replicated, the one within the tolerance if any is); else the last
    number with a fitting unit (or the one it states twice), else a bare number when it
    is all the answer gives."""
    marked = [pair for pair in usable if pair[0].marked and _has_unit(pair[0])]  # on a line stating a result
    if marked:
        line = answer.rfind("\n", 0, marked[-1][0].start)
        stated = [pair for pair in marked if answer.rfind("\n", 0, pair[0].start) == line]
        return next((pair for pair in stated if _within(pair[1], target)), stated[-1])
    with_unit = [pair for pair in usable if _has_unit(pair[0])]
    if with_unit:
        return _restated(with_unit)
    bare_marked = [pair for pair in usable if pair[0].marked]
    for group in (bare_marked, usable if len(usable) == 1 else []):
        if group:
            return group[-1]
    return None


def _restated(pairs: list[tuple[Mention, float]]) -> tuple[Mention, float]:
    """The figure the answer comes back to (stated twice or more, within 5%), else its
    last: a caveat after the result ('... more like 300 to 1') is said once."""
    def times(value: float) -> int:
        return sum(abs(other - value) <= 0.05 * max(abs(value), abs(other)) for _, other in pairs)
    most = max(times(value) for _, value in pairs)
    return [pair for pair in pairs if times(pair[1]) == most][-1]


def _has_unit(mention: Mention) -> bool:
    return not mention.unit.is_bare or mention.per_one


def _within(value: float, target: EstimateTarget) -> bool:
    low, high = target.value / target.tolerance, target.value * target.tolerance
    return low * (1 - 1e-9) <= value <= high * (1 + 1e-9)


def _why_none(found: list[Mention], target: EstimateTarget) -> str:
    if not found:
        return f"no number found in the answer; give one in {target.unit}, e.g. 'Answer: 35k {target.unit}'"
    units = ", ".join(dict.fromkeys(m.text for m in found if not m.unit.is_bare))
    if units:
        return f"no number in a unit that converts to {target.unit} (found {units})"
    return f"numbers without a unit and no stated result; end with 'Answer: <number> {target.unit}'"


def _convert(mention: Mention, card_unit: Unit) -> float | None:
    """The mention's value in the card's unit; None when the units do not convert."""
    from pint import DimensionalityError

    unit = mention.unit
    if mention.per_one and _is_ratio(card_unit) and unit.numerator in ((), card_unit.numerator):
        return mention.value  # '3000:1', '3,000 reads for every review written' for reads/write
    if unit.is_bare:
        return mention.value
    if not unit.numerator:  # '35k/s': a rate of the card's own counted thing
        unit = Unit(card_unit.numerator, unit.denominator)
    registry = _registry(unit.names() | card_unit.names())
    try:
        quantity = mention.value * registry(unit.expression())
        return float(quantity.to(registry(card_unit.expression())).magnitude)
    except DimensionalityError:
        return None


def _is_ratio(unit: Unit) -> bool:
    """A card unit of one counted thing per another: 'reads/write', 'followers per user'."""
    return bool(unit.numerator and unit.denominator) and all(
        name.startswith("n_") for name in unit.numerator + unit.denominator)


def _registry(names: set[str]) -> UnitRegistry[Any]:
    registry = _base_registry()
    for name in sorted(names):
        if name.startswith("n_") and name not in registry:
            registry.define(f"{name} = [{name}]")
    return registry


# Only the units `tpmdrill.quantities` names: building pint's full default registry
# would cost about a second more than these few lines.
DEFINITIONS = (
    "second = [time]", "millisecond = 1e-3 * second", "microsecond = 1e-6 * second",
    "nanosecond = 1e-9 * second", "minute = 60 * second", "hour = 60 * minute", "day = 24 * hour",
    "week = 7 * day", "year = 365.25 * day", "month = year / 12",
    "bit = [information]", "byte = 8 * bit",
    "kilo- = 1e3", "mega- = 1e6", "giga- = 1e9", "tera- = 1e12", "peta- = 1e15", "exa- = 1e18",
    "kibi- = 2**10", "mebi- = 2**20", "gibi- = 2**30", "tebi- = 2**40", "pebi- = 2**50",
)


@cache
def _base_registry() -> UnitRegistry[Any]:
    from pint import UnitRegistry

    registry: UnitRegistry[Any] = UnitRegistry(None)
    for definition in DEFINITIONS:
        registry.define(definition)
    return registry


def _rounded(value: float) -> float:
    return float(f"{value:.6g}")


def _shown(value: float) -> str:
    """35000 -> '35,000'; 0.25 -> '0.25'; 3.2e12 -> '3.2e+12'."""
    if value >= 1e9 or (0 < value < 0.01):
        return f"{value:.3g}"
    return f"{value:,.4g}" if value < 1000 else f"{round(value):,}"
