"""Progress charts: valid files of the promised size, the plotted points are the person's own data, and the
terminal chart fits the terminal."""

from __future__ import annotations

import random
import struct
import threading
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import matplotlib
import matplotlib.image
import matplotlib.text
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from backstretch import charts
from backstretch.core.consistency import ActiveDay
from backstretch.core.measures import EVERYDAY, Measure, daily_values, function, pain, reach, trend

TODAY = date(2026, 3, 4)  # a Wednesday


def eight_weeks() -> tuple[list[Measure], list[ActiveDay]]:
    """Pain easing from about 6 to 3, function rising, reach falling from 25 to 15 cm, stretching most days."""
    rng = random.Random(11)
    start = TODAY - timedelta(days=55)
    measures: list[Measure] = []
    days: list[ActiveDay] = []
    for i in range(56):
        on = start + timedelta(days=i)
        share = i / 55
        if rng.random() < 0.85:
            measures.append(pain(max(0, min(10, round(6 - 3 * share + rng.gauss(0, 0.8)))), on, morning=True))
        if i % 3 == 0:
            score = max(0, min(10, round(4 + 3 * share + rng.gauss(0, 0.7))))
            measures.append(function([("putting on socks", score)], on))
        if i % 7 in (0, 4):
            measures.append(reach(25 - 10 * share + rng.gauss(0, 1.2), on))
        if not 20 <= i <= 26 and rng.random() < 5 / 7:
            days.append(ActiveDay(on, rng.choice([3.5, 6.0, 8.0, 12.0, 25.0])))
    measures.append(pain(5, on=start + timedelta(days=3)))  # a second reading that day: the chart shows the median
    return measures, days


@pytest.fixture(scope="module")
def data() -> tuple[list[Measure], list[ActiveDay]]:
    return eight_weeks()


def line(fig: Figure, gid: str) -> Line2D:
    found = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, f"expected one line {gid!r}, found {len(found)}"
    return found[0]


def has_line(fig: Figure, gid: str) -> bool:
    return any(ln.get_gid() == gid for ax in fig.axes for ln in ax.get_lines())


def xs(drawn: Line2D) -> list[float]:
    return [float(v) for v in np.asarray(drawn.get_xdata(), dtype=float)]


def ys(drawn: Line2D) -> list[float]:
    return [float(v) for v in np.asarray(drawn.get_ydata(), dtype=float)]


def days_of(drawn: Line2D) -> list[date]:
    return [date.fromordinal(round(x)) for x in xs(drawn)]


def png_size(blob: bytes) -> tuple[int, int]:
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    assert blob[12:16] == b"IHDR"
    width, height = struct.unpack(">II", blob[16:24])
    return width, height


def figure_px(fig: Figure) -> tuple[int, int]:
    w, h = fig.get_size_inches() * fig.dpi
    return round(w), round(h)


# --- files ----------------------------------------------------------------------------------------------------


def test_png_files_are_real_pngs_of_the_promised_size(data: tuple[list[Measure], list[ActiveDay]],
                                                      tmp_path: Path) -> None:  # fmt: skip
    measures, days = data
    paths = charts.write_charts(measures, days, TODAY, tmp_path / "new" / "folder", "png")
    assert [p.name for p in paths] == ["progress.png", "calendar.png"]
    assert png_size(paths[0].read_bytes()) == charts.PROGRESS_SIZE_PX
    assert png_size(paths[1].read_bytes()) == figure_px(charts.calendar_figure(days, TODAY))
    image = matplotlib.image.imread(paths[0])
    assert image.shape[:2] == (charts.PROGRESS_SIZE_PX[1], charts.PROGRESS_SIZE_PX[0])
    assert image.std() > 0.05  # something is drawn on it


def test_svg_is_well_formed_and_the_same_bytes_every_time(data: tuple[list[Measure], list[ActiveDay]],
                                                          tmp_path: Path) -> None:  # fmt: skip
    measures, days = data
    first = charts.write_charts(measures, days, TODAY, tmp_path / "a", "svg")
    again = charts.write_charts(measures, days, TODAY, tmp_path / "b", "svg")
    for one, other in zip(first, again, strict=True):
        blob = one.read_bytes()
        assert blob == other.read_bytes()
        root = ET.fromstring(blob)
        assert root.tag.endswith("svg")
        assert b"<dc:date>" not in blob  # no timestamp


def test_charts_leave_matplotlib_global_settings_alone(data: tuple[list[Measure], list[ActiveDay]]) -> None:
    measures, days = data
    before = dict(matplotlib.rcParams)
    charts.render(charts.progress_figure(measures, days, TODAY), "svg")
    charts.render(charts.calendar_figure(days, TODAY), "png")
    assert dict(matplotlib.rcParams) == before


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="svg or png"):
        charts.write_charts([], [], TODAY, tmp_path, "pdf")  # type: ignore[arg-type]


# --- progress over time -----------------------------------------------------------------------------------------


def test_each_measure_is_drawn_as_its_daily_values(data: tuple[list[Measure], list[ActiveDay]]) -> None:
    measures, days = data
    fig = charts.progress_figure(measures, days, TODAY)
    for kind in EVERYDAY:  # the kinds with trends for everyone (a score has one once it has readings)
        daily = daily_values(measures, kind)
        drawn = line(fig, f"{kind.value}-daily")
        assert days_of(drawn) == [d for d, _ in daily]
        assert ys(drawn) == [v for _, v in daily]
        assert drawn.get_marker() == "o" and drawn.get_linestyle() == "-"


def test_scores_share_a_fixed_0_to_10_panel_and_reach_has_its_own(
    data: tuple[list[Measure], list[ActiveDay]],
) -> None:
    measures, days = data
    fig = charts.progress_figure(measures, days, TODAY)
    scores, reach_panel = fig.axes
    assert {ln.get_gid() for ln in scores.get_lines()} >= {"pain-daily", "function-daily"}
    low, high = scores.get_ylim()
    assert low <= 0 and high >= 10
    assert "cm" in reach_panel.get_ylabel()
    assert scores.get_shared_x_axes().joined(scores, reach_panel)
    assert "Pain" in " ".join(t.get_text() for legend in fig.legends for t in legend.get_texts())


def test_fixed_score_axis_does_not_follow_the_data() -> None:
    flat = [pain(3, TODAY - timedelta(days=i)) for i in range(5)]
    low, high = charts.progress_figure(flat, [], TODAY).axes[0].get_ylim()
    assert low <= 0 and high >= 10


def test_only_measures_with_data_get_a_panel() -> None:
    only_pain = charts.progress_figure([pain(4, TODAY)], [], TODAY)
    assert len(only_pain.axes) == 1 and not has_line(only_pain, "reach-daily")
    only_reach = charts.progress_figure([reach(-3.5, TODAY - timedelta(days=2)), reach(-5, TODAY)], [], TODAY)
    assert len(only_reach.axes) == 1 and "cm" in only_reach.axes[0].get_ylabel()
    assert ys(line(only_reach, "reach-daily")) == [-3.5, -5.0]


def test_stretching_days_in_the_window_are_marked_on_every_panel(
    data: tuple[list[Measure], list[ActiveDay]],
) -> None:
    measures, days = data
    start, end = charts.chart_window(measures, TODAY)
    outside = [ActiveDay(start - timedelta(days=3), 10), ActiveDay(TODAY + timedelta(days=1), 10)]
    fig = charts.progress_figure(measures, days + outside, TODAY)
    expected = sorted(d.on for d in days if start <= d.on <= end)
    assert len(expected) > 20
    for gid in ("stretching-days-scores", "stretching-days-reach"):
        assert days_of(line(fig, gid)) == expected
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels.count("stretching day") == 1


def test_trend_lines_follow_the_theil_sen_slope_only_with_enough_data(
    data: tuple[list[Measure], list[ActiveDay]],
) -> None:
    measures, days = data
    fig = charts.progress_figure(measures, days, TODAY)
    for kind in EVERYDAY:  # the kinds with trends for everyone (a score has one once it has readings)
        expected = trend(measures, kind)
        assert expected.enough and expected.slope_per_week is not None
        drawn = line(fig, f"{kind.value}-trend")
        (x0, x1), (y0, y1) = xs(drawn), ys(drawn)
        assert (y1 - y0) / (x1 - x0) * 7 == pytest.approx(expected.slope_per_week, abs=1e-3)
    start_level, end_level = ys(line(fig, "pain-trend"))
    assert end_level < start_level
    few = [pain(5, TODAY - timedelta(days=i)) for i in range(3)]
    assert not has_line(charts.progress_figure(few, [], TODAY), "pain-trend")


def test_without_measures_the_chart_says_so_in_plain_words(tmp_path: Path) -> None:
    fig = charts.progress_figure([], [ActiveDay(TODAY, 5)], TODAY)
    assert not fig.axes
    assert [t.get_text() for t in fig.texts] == [charts.NO_MEASURES]
    assert "backstretch" not in charts.NO_MEASURES and "`" not in charts.NO_MEASURES
    assert png_size(charts.render(fig, "png")) == charts.PROGRESS_SIZE_PX


def test_a_single_reading_renders() -> None:
    fig = charts.progress_figure([pain(4, TODAY)], [ActiveDay(TODAY, 6)], TODAY)
    assert days_of(line(fig, "pain-daily")) == [TODAY]
    ET.fromstring(charts.render(fig, "svg"))


def test_readings_after_today_are_left_out() -> None:
    fig = charts.progress_figure([pain(4, TODAY), pain(2, TODAY + timedelta(days=1))], [], TODAY)
    assert days_of(line(fig, "pain-daily")) == [TODAY]


def test_drawing_from_two_threads_gives_the_same_bytes(data: tuple[list[Measure], list[ActiveDay]]) -> None:
    measures, days = data
    expected = charts.render(charts.progress_figure(measures, days, TODAY), "svg")
    results: list[bytes] = []

    def draw() -> None:
        results.append(charts.render(charts.progress_figure(measures, days, TODAY), "svg"))

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected, expected]


# --- calendar ---------------------------------------------------------------------------------------------------


def cells(fig: Figure) -> dict[date, Rectangle]:
    return {
        date.fromisoformat(gid.removeprefix("day-")): patch
        for patch in fig.axes[0].patches
        if isinstance(patch, Rectangle) and (gid := patch.get_gid() or "").startswith("day-")
    }


def luminance(patch: Rectangle) -> float:
    r, g, b = to_rgb(patch.get_facecolor())
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_calendar_colours_exactly_the_stretching_days_in_its_weeks(data: tuple[list[Measure], list[ActiveDay]]) -> None:
    _, days = data
    long_ago = ActiveDay(TODAY - timedelta(weeks=40), 30)
    fig = charts.calendar_figure([*days, long_ago], TODAY, weeks=26)
    grid = cells(fig)
    this_monday = TODAY - timedelta(days=TODAY.weekday())
    assert min(grid) == this_monday - timedelta(weeks=25)
    assert max(grid) == TODAY  # the rest of this week is blank
    assert len(grid) == 25 * 7 + TODAY.weekday() + 1
    grey = to_rgb(charts.EMPTY_CELL)
    coloured = {day for day, patch in grid.items() if to_rgb(patch.get_facecolor()) != grey}
    assert coloured == {d.on for d in days}
    assert fig.get_suptitle().startswith(f"{len(days)} stretching days in the last 26 weeks")


def test_calendar_cells_darken_with_more_minutes() -> None:
    minutes = [1.0, 4.0, 5.0, 9.5, 10.0, 19.0, 20.0, 45.0]
    days = [ActiveDay(TODAY - timedelta(days=i), m) for i, m in enumerate(minutes)]
    grid = cells(charts.calendar_figure(days, TODAY))
    shades = [luminance(grid[d.on]) for d in days]
    assert all(later <= earlier for earlier, later in pairwise(shades))
    assert shades[-1] < shades[0]
    assert max(shades) < luminance(grid[TODAY - timedelta(days=len(minutes))])  # a day without stretching


def test_calendar_title_counts_the_days_shown() -> None:
    days = [ActiveDay(TODAY - timedelta(days=i), 5) for i in (0, 2, 400)]
    assert charts.calendar_figure(days, TODAY).get_suptitle() == "2 stretching days in the last 26 weeks"


@pytest.mark.parametrize("weeks", [1, 4, 52])
def test_calendar_of_any_length_renders(weeks: int) -> None:
    fig = charts.calendar_figure([ActiveDay(TODAY, 12)], TODAY, weeks=weeks)
    assert len(cells(fig)) == (weeks - 1) * 7 + TODAY.weekday() + 1
    assert png_size(charts.render(fig, "png")) == figure_px(fig)
    with pytest.raises(ValueError):
        charts.calendar_figure([], TODAY, weeks=0)


# --- terminal ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(72, 14), (80, 20), (40, 8)])
def test_terminal_chart_fits_and_has_no_colour_codes(data: tuple[list[Measure], list[ActiveDay]], width: int,
                                                     height: int) -> None:  # fmt: skip
    measures, days = data
    text = charts.terminal_chart(measures, days, TODAY, width=width, height=height)
    assert "\x1b" not in text
    lines = text.splitlines()
    assert 1 < len(lines) <= height
    assert max(len(line) for line in lines) <= width
    assert "pain" in lines[0] and "function" in lines[0] and "stretching day" in lines[0]
    assert text.count("|") >= 10  # the stretching days


def test_terminal_chart_without_data_is_one_line() -> None:
    text = charts.terminal_chart([], [ActiveDay(TODAY, 5)], TODAY)
    assert text == charts.NO_MEASURES
    old = charts.terminal_chart([pain(3, TODAY - timedelta(days=200))], [], TODAY)
    assert "\n" not in old and "8 weeks" in old


def test_terminal_chart_is_the_same_from_two_threads(data: tuple[list[Measure], list[ActiveDay]]) -> None:
    measures, days = data
    expected = charts.terminal_chart(measures, days, TODAY)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(charts.terminal_chart(measures, days, TODAY))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 3


def test_strip_ansi_removes_escape_codes() -> None:
    assert charts.strip_ansi("\x1b[38;5;12mpain\x1b[0m") == "pain"


def test_the_title_says_whose_progress_it_is() -> None:
    readings = [pain(4, TODAY)]
    assert charts.progress_figure(readings, [], TODAY).get_suptitle() == "Your pain over time"
    clinician_view = charts.progress_figure(readings, [], TODAY, whose="Sam Smith's")
    assert clinician_view.get_suptitle() == "Sam Smith's pain over time"


@pytest.mark.parametrize("name", ["Bob $\\foo$", "$x$ and $y$", "Ann $", "50% $5 \\n"])
def test_a_name_is_drawn_as_typed_never_as_math(name: str) -> None:
    """User text reaches the chart as a title: matplotlib's mathtext would fail on `$\\foo$` or draw `$x$` as math."""
    today = date(2026, 11, 24)
    readings = [pain(4, today - timedelta(days=n)) for n in range(3)]
    figure = charts.progress_figure(readings, [], today, whose=f"{name}'s")
    assert charts.render(figure, "svg").startswith(b"<?xml")
    typed = [t for t in figure.findobj(matplotlib.text.Text) if name in t.get_text()]
    assert typed and not any(t.get_parse_math() for t in typed)
