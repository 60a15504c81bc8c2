"""Geometry for the report's inline SVG charts.

Templates draw what these functions lay out: every coordinate, colour level and
label is computed here, so the chart macros only place elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

CELL = 11  # heatmap square with its gap
LEVELS = 4  # heatmap colour steps above "no reviews"


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    level: int
    label: str


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cells: tuple[Cell, ...]
    months: tuple[tuple[int, str], ...]  # (x, "Jan")


def heatmap(days: Sequence[tuple[date, int]]) -> Heatmap:
    """Weeks as columns (Monday on top), days as rows, like a contribution graph."""
    if not days:
        return Heatmap(CELL, 7 * CELL + 14, (), ())
    first_monday = days[0][0] - timedelta(days=days[0][0].weekday())
    peak = max(count for _, count in days)
    cells, months = [], []
    for day, count in days:
        column = (day - first_monday).days // 7
        cells.append(Cell(column * CELL, 14 + day.weekday() * CELL, _level(count, peak),
                          f"{day.isoformat()}: {count} review{'s' if count != 1 else ''}"))
        if day.day == 1 or (day == days[0][0] and day.day < 20):
            months.append((column * CELL, day.strftime("%b")))
    columns = (days[-1][0] - first_monday).days // 7 + 1
    return Heatmap(columns * CELL, 7 * CELL + 14, tuple(cells), tuple(months))


def _level(count: int, peak: int) -> int:
    if count == 0 or peak == 0:
        return 0
    return min(LEVELS, 1 + (LEVELS * count - 1) // peak)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # tooltip: what and how many


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    line: str  # SVG polyline points for a second series (0-100 %), or ""
    line_ticks: tuple[Tick, ...]


PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 10, 24, 40


def bar_chart(
    values: Sequence[tuple[str, float, str]], *, width: int = 640, height: int = 180,
    every: int = 1, line: Sequence[float | None] = (),
) -> BarChart:
    """Vertical bars of (x label, value, tooltip), an x tick every `every` bars, and an
    optional line of shares (0..1, None for gaps) on a right-hand percentage axis."""
    plot_height = height - PLOT_TOP - PLOT_BOTTOM
    step = (width - PLOT_LEFT - 40) / max(1, len(values))
    peak = max((value for _, value, _ in values), default=0) or 1
    bars = tuple(
        Bar(PLOT_LEFT + i * step + step * 0.1, PLOT_TOP + plot_height * (1 - value / peak), step * 0.8,
            plot_height * value / peak, tip)
        for i, (_, value, tip) in enumerate(values)
    )
    x_ticks = tuple(Tick(PLOT_LEFT + i * step + step / 2, label)
                    for i, (label, _, _) in enumerate(values) if i % every == 0)
    y_ticks = tuple(Tick(PLOT_TOP + plot_height * (1 - f), _count_text(peak * f)) for f in (0, 0.5, 1))
    points = " ".join(
        f"{PLOT_LEFT + i * step + step / 2:.1f},{PLOT_TOP + plot_height * (1 - share):.1f}"
        for i, share in enumerate(line) if share is not None
    )
    line_ticks = tuple(Tick(PLOT_TOP + plot_height * (1 - f), f"{f:.0%}") for f in (0, 0.5, 1)) if points else ()
    return BarChart(width, height, bars, x_ticks, y_ticks, points, line_ticks)


def _count_text(value: float) -> str:
    return f"{value / 1000:.1f}k" if value >= 1000 else f"{value:.0f}"


@dataclass(frozen=True)
class HBar:
    y: float
    label: str
    width: float  # of the filled part, in pixels
    value_text: str
    second: float  # width of a second, thinner bar (0 for none)


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    label_width: int
    bar_width: int
    rows: tuple[HBar, ...]


def hbar_chart(rows: Sequence[tuple[str, float, str, float]], *, width: int = 640, label_width: int = 260) -> HBarChart:
    """Horizontal bars of (label, share 0..1, value text, second share 0..1)."""
    bar_width = width - label_width - 80
    bars = tuple(
        HBar(8 + i * 26, _shorten(label, label_width // 7), bar_width * share, text, bar_width * second)
        for i, (label, share, text, second) in enumerate(rows)
    )
    return HBarChart(width, 16 + 26 * len(rows), label_width, bar_width, bars)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
