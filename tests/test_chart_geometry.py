"""The Progress page's charts as geometry (core/chart.py): for any readings, every mark sits inside the plot, the
axes are labelled, every reading of a day is its own dot, and reach past the floor is drawn below the floor line."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core import chart
from backstretch.core.chart import Chart, measure_chart, reach_words, weeks_chart
from backstretch.core.measures import MEASURES, Measure, MeasureKind, trend
from backstretch.core.words import day_words
from tests.strategies import measures

TODAY = date(2026, 12, 5)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
readings = st.lists(measures(earliest=TODAY - timedelta(days=400)), max_size=40).map(
    lambda found: [m for m in found if m.on <= TODAY]
)


def _inside(c: Chart) -> None:
    for d in c.dots:
        assert c.left <= d.x <= c.right, d
        assert c.top <= d.y <= c.bottom, d
    for b in c.bars:
        assert c.left <= b.x and b.x + b.width <= c.right and c.top <= b.y and b.y + b.height <= c.bottom + 1e-9, b
    if c.trend is not None:
        x1, y1, x2, y2 = c.trend
        assert c.left <= x1 <= x2 <= c.right and c.top <= y1 <= c.bottom and c.top <= y2 <= c.bottom
    for t in c.x_ticks:  # labels stay inside the drawing, estimated generously
        width = chart.text_width(t.label, c.font)
        start = {"start": t.at, "middle": t.at - width / 2, "end": t.at - width}[t.anchor]
        assert start >= 0 and start + width <= c.width, t
    spans = [chart._extent(t) for t in c.x_ticks]
    assert all(a[1] <= b[0] for a, b in pairwise(spans)), "x labels run into each other"
    for t in c.y_ticks:
        assert c.top - 1e-9 <= t.at <= c.bottom + 1e-9 and chart.text_width(t.label, c.font) <= c.left
    assert chart.text_width(c.y_title, c.font) <= c.width, c.y_title


@settings(max_examples=200, deadline=None)
@given(readings, st.sampled_from(list(MEASURES)))
def test_every_reading_is_a_dot_inside_the_plot_with_labelled_axes(found: list[Measure], kind: MeasureKind) -> None:
    c = measure_chart(kind, found, TODAY, trend(found, kind))
    mine = [m for m in found if m.kind is kind]
    assert len(c.dots) == len(mine), "every reading is drawn, several of one day too"
    assert sorted(d.value for d in c.dots) == sorted(m.value for m in mine)
    _inside(c)
    assert c.y_title and c.x_title and len(c.x_ticks) >= 2 and len(c.y_ticks) >= 2
    assert c.title and c.desc and not ISO_DATE.search(c.desc.split("Latest:")[0])  # days in words
    assert len(c.x_ticks) <= chart.MAX_X_TICKS + 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-40, 80, allow_nan=False).map(lambda v: round(v, 1)), min_size=1, max_size=30),
    st.integers(0, 20),
)
def test_reach_past_the_floor_is_below_the_floor_line(values: list[float], days_ago: int) -> None:
    day = TODAY - timedelta(days=days_ago)
    found = [Measure(kind=MeasureKind.REACH, on=day, value=v) for v in values]
    c = measure_chart(MeasureKind.REACH, found, TODAY)
    assert c.floor_y is not None and any(t.label == "0" and abs(t.at - c.floor_y) < 1e-9 for t in c.y_ticks)
    for dot in c.dots:
        assert (dot.y > c.floor_y) == (dot.value < 0) or dot.value == 0, dot
        assert ("past the floor" in dot.label) == (dot.value < 0)
    assert len(c.dots) == len(values)  # all of one day, none averaged away
    xs = [d.x for d in c.dots]
    assert max(xs) - min(xs) <= (c.right - c.left) / 14 + 1e-9  # and all within that day's place
    _inside(c)


def test_a_day_with_two_readings_shows_both_and_says_past_the_floor() -> None:
    found = [Measure(kind=MeasureKind.REACH, on=TODAY, value=12), Measure(kind=MeasureKind.REACH, on=TODAY, value=-4)]
    c = measure_chart(MeasureKind.REACH, found, TODAY)
    assert [d.label for d in c.dots] == ["Saturday 5 December: 12 cm above the floor",
                                         "Saturday 5 December: 4 cm past the floor"]  # fmt: skip
    assert c.dots[0].x != c.dots[1].x and c.dots[1].y > c.floor_y > c.dots[0].y  # type: ignore[operator]
    assert "1 reading past the floor, standing on a step" in c.desc


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 7), max_size=104))
def test_weeks_chart_bars_fit(days: list[int]) -> None:
    weeks = [(TODAY - timedelta(days=TODAY.weekday(), weeks=len(days) - n), d) for n, d in enumerate(days)]
    c = weeks_chart(weeks, TODAY)
    assert len(c.bars) == len(days)
    _inside(c)


def test_words_for_days_and_reach() -> None:
    assert day_words(TODAY, TODAY) == "Saturday 5 December"
    assert day_words(date(2025, 12, 5), TODAY) == "Friday 5 December 2025"
    assert [reach_words(v) for v in (-4, 0, 12.5)] == ["4 cm past the floor", "reached the floor",
                                                       "12.5 cm above the floor"]  # fmt: skip
