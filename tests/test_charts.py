"""Chart geometry: round ticks, heatmap legend and labels, wrapped labels, markers."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpmdrill.charts import (
    MONTH_LABEL_WIDTH,
    _level,
    bar_chart,
    hbar_chart,
    heatmap,
    heatmap_legend,
    nice_ticks,
    shorten,
    wrap,
)


@pytest.mark.parametrize(("peak", "top", "ticks"), [
    (0, 1, (0, 1)), (3, 3, (0, 1, 2, 3)), (7, 8, (0, 2, 4, 6, 8)), (66, 80, (0, 20, 40, 60, 80)),
    (131, 150, (0, 50, 100, 150)), (1234, 1500, (0, 500, 1000, 1500)),
])
def test_nice_ticks_are_round(peak: float, top: float, ticks: tuple[float, ...]) -> None:
    assert nice_ticks(peak) == (top, ticks)


@given(st.floats(min_value=0.01, max_value=1e7))
def test_nice_ticks_cover_the_peak_in_at_most_six_round_steps(peak: float) -> None:
    top, ticks = nice_ticks(peak)
    assert top >= peak * (1 - 1e-9) and ticks[0] == 0 and ticks[-1] == top and 2 <= len(ticks) <= 6
    step = ticks[1]
    assert round(step / 10 ** math.floor(math.log10(step)), 6) in (1, 2, 5)


def test_weekly_axis_no_longer_reads_0_66_131() -> None:
    chart = bar_chart([("a", 131, ""), ("b", 40, "")])
    assert [t.text for t in chart.y_ticks] == ["0", "50", "100", "150"]


@pytest.mark.parametrize("peak", [1, 2, 5, 7, 10, 17, 100])
def test_heatmap_legend_states_the_counts_each_colour_holds(peak: int) -> None:
    legend = dict(heatmap_legend(peak))
    for count in range(1, peak + 1):
        text = legend[_level(count, peak)]
        low, _, high = text.partition("–")
        assert int(low) <= count <= int(high or low)


def test_heatmap_month_labels_fit_inside_the_chart() -> None:
    end = date(2026, 12, 1)  # a month starting on the last column: "Dec" would be clipped
    days = [(end - timedelta(days=n), n % 3) for n in range(55, -1, -1)]
    chart = heatmap(days)
    assert chart.months and all(x + MONTH_LABEL_WIDTH <= chart.width for x, _ in chart.months)
    assert "Dec" not in [m for _, m in chart.months]


def test_wrapped_labels_keep_every_word() -> None:
    text = "Names the core resources: riders, drivers, rides, payments and a verylongwordthatneverends"
    lines = wrap(text, 20)
    assert all(len(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    chart = hbar_chart([(text, 0.5, "3 of 6", 0.0)], label_width=160)
    assert len(chart.rows[0].lines) > 1 and chart.rows[0].height > 26


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("one two three four", 10) == "one two…"
    assert shorten("short", 10) == "short"


def test_marker_and_target_land_on_their_bar_and_share() -> None:
    chart = bar_chart([(str(n), n, "") for n in range(30)], marker=(14, "interview"))
    assert chart.marker is not None and chart.marker.x == pytest.approx(chart.x_ticks[14].position)
    bars = hbar_chart([("a", 0.5, "", 0.0)], target=(0.95, "target 95%"))
    assert bars.target == pytest.approx(bars.bar_width * 0.95)
