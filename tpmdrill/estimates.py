"""Estimate cards: find the answer's number and unit, convert it to the card's unit
with pint, and judge it within the card's tolerance, like a sql result.

pint is imported only here, and only when an estimate is graded: it costs about a
second to build its registry, which `due`, `--help` and every other card never pay.
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
        verdict = "within tolerance" if self.within_tolerance else "outside tolerance"
        return (f"Estimate {self.written} = {_shown(self.value)} {self.unit}: {verdict} "
                f"(expected {_shown(self.expected)}, right within ×/÷ {_shown(self.tolerance)}).")


def check_estimate(target: EstimateTarget, answer: str) -> EstimateVerdict:
    """Judge the number the answer gives, in whatever compatible unit it is written."""
    card_unit = parse_unit(target.unit)
    nouns = frozenset(name[2:] for name in card_unit.names() if name.startswith("n_"))
    found = [m for m in mentions(answer, nouns) if not m.percent]
    converted = [(m, _convert(m, card_unit)) for m in found]
    usable = [(m, v) for m, v in converted if v is not None]
    chosen = _choose(usable)
    if chosen is None:
        return EstimateVerdict(None, target.unit, target.value, target.tolerance, False, _why_none(found, target))
    mention, value = chosen
    low, high = target.value / target.tolerance, target.value * target.tolerance
    within = low * (1 - 1e-9) <= value <= high * (1 + 1e-9)
    return EstimateVerdict(value, target.unit, target.value, target.tolerance, within, None, mention.text)


def with_estimate_result(suggestion: str, verdict: EstimateVerdict) -> str:
    """A wrong or missing number is Again whatever the approach; a right one is at least Good."""
    if not verdict.within_tolerance:
        return "again"
    return RATINGS[max(RATINGS.index(suggestion), RATINGS.index("good"))]


def _choose(usable: list[tuple[Mention, float]]) -> tuple[Mention, float] | None:
    """The stated result: the last number on a line that states one ('Answer: ...',
    'So ...', '≈ ...'), else the last number with a fitting unit, else a bare number
    when it is all the answer gives."""
    marked = [pair for pair in usable if pair[0].marked and not pair[0].unit.is_bare]
    with_unit = [pair for pair in usable if not pair[0].unit.is_bare]
    bare_marked = [pair for pair in usable if pair[0].marked]
    for group in (marked, with_unit, bare_marked, usable if len(usable) == 1 else []):
        if group:
            return group[-1]
    return None


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


def _registry(names: set[str]) -> UnitRegistry[Any]:
    registry = _base_registry()
    for name in sorted(names):
        if name.startswith("n_") and name not in registry:
            registry.define(f"{name} = [{name}]")
    return registry


@cache
def _base_registry() -> UnitRegistry[Any]:
    from pint import UnitRegistry

    return UnitRegistry()


def _rounded(value: float) -> float:
    return float(f"{value:.6g}")


def _shown(value: float) -> str:
    """35000 -> '35,000'; 0.25 -> '0.25'; 3.2e12 -> '3.2e+12'."""
    if value >= 1e9 or (0 < value < 0.01):
        return f"{value:.3g}"
    return f"{value:,.4g}" if value < 1000 else f"{round(value):,}"
