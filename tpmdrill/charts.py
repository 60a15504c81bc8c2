"""Geometry for the report's inline SVG charts.

Templates draw what these functions lay out: every coordinate, colour level and
label is computed here, so the chart macros only place elements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tpmdrill.wording import plural

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
    legend: tuple[tuple[int, str], ...] = ()  # (level, "1-3 reviews a day")


MONTH_LABEL_WIDTH = 24  # room a three-letter month needs at the tick font size


def heatmap(days: Sequence[tuple[date, int]]) -> Heatmap:
    """Weeks as columns (Monday on top), days as rows, like a contribution graph. A
    month label is only placed where it fits whole inside the chart."""
    if not days:
        return Heatmap(CELL, 7 * CELL + 14, (), ())
    first_monday = days[0][0] - timedelta(days=days[0][0].weekday())
    peak = max(count for _, count in days)
    columns = (days[-1][0] - first_monday).days // 7 + 1
    width = max(columns * CELL, MONTH_LABEL_WIDTH)
    cells: list[Cell] = []
    months: list[tuple[int, str]] = []
    for day, count in days:
        column = (day - first_monday).days // 7
        cells.append(Cell(column * CELL, 14 + day.weekday() * CELL, _level(count, peak),
                          f"{day.isoformat()}: {plural(count, 'review')}"))
        starts = day.day == 1 or (day == days[0][0] and day.day < 20)
        if starts and column * CELL + MONTH_LABEL_WIDTH <= width and _clear_of(months, column * CELL):
            months.append((column * CELL, day.strftime("%b")))
    return Heatmap(width, 7 * CELL + 14, tuple(cells), tuple(months), heatmap_legend(peak))


def _clear_of(months: list[tuple[int, str]], x: int) -> bool:
    return not months or x - months[-1][0] >= MONTH_LABEL_WIDTH


def heatmap_legend(peak: int) -> tuple[tuple[int, str], ...]:
    """What each colour level means in reviews a day, from the same rule `_level` uses."""
    legend = [(0, "0")]
    for level in range(1, LEVELS + 1):
        low = max(1, -(-((level - 1) * peak + 1) // LEVELS))  # smallest count with this level
        high = (level * peak) // LEVELS if level < LEVELS else peak
        if high >= low:
            legend.append((level, str(low) if low == high else f"{low}–{high}"))
    return tuple(legend) if peak else ((0, "0"),)


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
class Marker:
    """A vertical line across a bar chart at one bar, with a label (the interview day)."""

    x: float
    label: str
    anchor: str  # text-anchor that keeps the label inside the chart


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    line: str  # SVG polyline points for a second series (0-100 %), or ""
    line_ticks: tuple[Tick, ...]
    marker: Marker | None = None


PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 16, 24, 40


def nice_ticks(peak: float, most: int = 5) -> tuple[float, tuple[float, ...]]:
    """Round axis ticks from 0: a step of 1, 2 or 5 times a power of ten, at most `most`
    steps, the top tick at or above `peak`. Returns (top, ticks)."""
    if peak <= 0:
        return 1.0, (0.0, 1.0)
    raw = peak / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0) if peak >= 1 else step
    top = round(math.ceil(peak / step - 1e-9) * step, 10)
    count = round(top / step)
    return top, tuple(round(step * i, 10) for i in range(count + 1))


def bar_chart(
    values: Sequence[tuple[str, float, str]], *, width: int = 640, height: int = 180,
    every: int = 1, line: Sequence[float | None] = (), marker: tuple[int, str] | None = None,
) -> BarChart:
    """Vertical bars of (x label, value, tooltip), an x tick every `every` bars, an
    optional line of shares (0..1, None for gaps) on a right-hand percentage axis, and
    an optional marker line at bar index `marker[0]` labelled `marker[1]`."""
    plot_height = height - PLOT_TOP - PLOT_BOTTOM
    step = (width - PLOT_LEFT - 40) / max(1, len(values))
    top, ticks = nice_ticks(max((value for _, value, _ in values), default=0))
    bars = tuple(
        Bar(PLOT_LEFT + i * step + step * 0.1, PLOT_TOP + plot_height * (1 - value / top), step * 0.8,
            plot_height * value / top, tip)
        for i, (_, value, tip) in enumerate(values)
    )
    x_ticks = tuple(Tick(PLOT_LEFT + i * step + step / 2, label)
                    for i, (label, _, _) in enumerate(values) if i % every == 0)
    y_ticks = tuple(Tick(PLOT_TOP + plot_height * (1 - t / top), _count_text(t)) for t in ticks)
    points = " ".join(
        f"{PLOT_LEFT + i * step + step / 2:.1f},{PLOT_TOP + plot_height * (1 - share):.1f}"
        for i, share in enumerate(line) if share is not None
    )
    line_ticks = tuple(Tick(PLOT_TOP + plot_height * (1 - f), f"{f:.0%}") for f in (0, 0.5, 1)) if points else ()
    return BarChart(width, height, bars, x_ticks, y_ticks, points, line_ticks, _marker(marker, step, width))


def _marker(marker: tuple[int, str] | None, step: float, width: int) -> Marker | None:
    if marker is None:
        return None
    x = PLOT_LEFT + marker[0] * step + step / 2
    return Marker(x, marker[1], "end" if x > width / 2 else "start")


def _count_text(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


@dataclass(frozen=True)
class HBar:
    y: float
    label: str  # the full label (tooltip)
    width: float  # of the filled part, in pixels
    value_text: str
    second: float  # width of a second, thinner bar (0 for none)
    lines: tuple[str, ...] = ()  # the label wrapped to fit beside the bar
    base: float = 0.0  # width of a lighter bar under the filled one (0 for none)
    height: float = 26.0  # the row's height


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    label_width: int
    bar_width: int
    rows: tuple[HBar, ...]
    target: float | None = None  # x of a target line, from the bars' left edge
    target_text: str = ""


LINE_HEIGHT = 14
CHAR_WIDTH = 6.5  # average glyph width of the 12 px label font, for wrapping


def hbar_chart(
    rows: Sequence[tuple[str, float, str, float]], *, width: int = 640, label_width: int = 260,
    base: Sequence[float] = (), target: tuple[float, str] | None = None,
) -> HBarChart:
    """Horizontal bars of (label, share 0..1, value text, second share 0..1), labels
    wrapped whole onto as many lines as they need; optional lighter `base` shares under
    the bars and a `target` share drawn as a labelled vertical line."""
    bar_width = width - label_width - 150
    y, bars = 8.0, []
    for i, (label, share, text, second) in enumerate(rows):
        lines = wrap(label, int((label_width - 12) / CHAR_WIDTH))
        height = max(26.0, LINE_HEIGHT * len(lines) + 12)
        bars.append(HBar(y, label, bar_width * share, text, bar_width * second, lines,
                         bar_width * (base[i] if i < len(base) else 0.0), height))
        y += height
    return HBarChart(width, int(y + 8 + (14 if target else 0)), label_width, bar_width, tuple(bars),
                     bar_width * target[0] if target else None, target[1] if target else "")


def wrap(text: str, limit: int) -> tuple[str, ...]:
    """Words onto lines of at most `limit` characters; a longer word is split."""
    lines: list[str] = []
    current = ""
    for word in " ".join(text.split()).split(" "):
        while len(word) > limit:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return tuple(lines)


def shorten(text: str, limit: int = 120) -> str:
    """The first `limit` characters of one-line text, cut at a word, with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"
