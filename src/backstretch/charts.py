"""Progress charts: measures over time with stretching days marked, and a calendar of stretching days.

The CLI writes these to files and the web app will serve them, so everything here makes plain
``matplotlib.figure.Figure`` objects (never pyplot's shared state) and builds and renders them under a
local ``rc_context`` behind a lock: threads can ask for charts at once, and the same input always gives the
same SVG bytes. Save figures with ``render``, which applies the same settings, rather than ``savefig``.
The terminal chart uses plotext, whose state is global, so it is drawn under a lock.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory

from backstretch.core.consistency import ActiveDay
from backstretch.core.measures import MEASURES, Measure, MeasureKind, RomLine, daily_values, trend

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

ChartFormat = Literal["svg", "png"]

DPI = 100
PROGRESS_SIZE_PX = (800, 500)
CALENDAR_WIDTH_PX = 800
MIN_WINDOW_DAYS = 14  # a lone reading still sits on a two-week axis, so the chart does not look like a blip
TERMINAL_DAYS = 56  # the terminal chart shows the last eight weeks

STRETCHING_LABEL = "stretching day"
NO_MEASURES = "No measures logged yet"  # drawn on pages and in the printed report too: no command line

# Okabe–Ito colours: told apart by people with the common kinds of colour blindness.
COLOURS = {MeasureKind.PAIN: "#D55E00", MeasureKind.FUNCTION: "#0072B2", MeasureKind.REACH: "#009E73"}
ROM_COLOURS = ("#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")  # the other Okabe–Ito colours
ROM_SIZE_PX = (800, 420)
STRETCH_COLOUR = "#555555"
EMPTY_CELL = "#EBEDF0"
# Minutes a day at which a calendar cell steps to the next shade; any stretching at all gets the first shade.
MINUTE_STEPS = (5.0, 10.0, 20.0)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Applied while building and while saving: fixed fonts and sizes, and no timestamp or random ids in SVG files.
_STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "figure.titlesize": 13,
    "legend.fontsize": 9,
    "svg.hashsalt": "backstretch",
    "svg.fonttype": "path",
    "path.simplify": True,
    # Text is drawn as typed: a name like "Bob $\\foo$" would otherwise be read as TeX math (and fail, or draw math).
    "text.parse_math": False,
}
_METADATA: dict[ChartFormat, dict[str, str | None]] = {
    "svg": {"Date": None, "Creator": "backstretch"},
    "png": {"Software": "backstretch"},
}

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[@-Z\\-_]")
_matplotlib_lock = threading.RLock()
_plotext_lock = threading.Lock()


@contextmanager
def _style() -> Iterator[None]:
    # rc_context swaps matplotlib's global settings in and back out; two threads doing that at once could
    # leave ours behind for good, so only one chart is built or saved at a time.
    with _matplotlib_lock, matplotlib.rc_context(_STYLE):
        yield


def _new_figure(width_px: int, height_px: int, layout: Literal["constrained"] | None = "constrained") -> Figure:
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, layout=layout)
    FigureCanvasAgg(fig)  # text sizes for the layout are measured with Agg; savefig swaps in SVG when asked
    return fig


# --- progress over time ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    kind: MeasureKind
    days: list[date]
    values: list[float]
    trend_line: tuple[list[date], list[float]] | None


def _series(measures: list[Measure], kind: MeasureKind) -> _Series | None:
    daily = daily_values(measures, kind)
    if not daily:
        return None
    days = [d for d, _ in daily]
    values = [v for _, v in daily]
    line = None
    if trend(measures, kind).enough:
        # Trend keeps the slope only; the intercept comes from the same Theil–Sen fit on the same weeks axis.
        from scipy.stats import theilslopes

        weeks = [(d - days[0]).days / 7 for d in days]
        slope, intercept = (float(v) for v in theilslopes(values, weeks)[:2])
        line = ([days[0], days[-1]], [intercept, intercept + slope * weeks[-1]])
    return _Series(kind, days, values, line)


def chart_window(measures: list[Measure], today: date) -> tuple[date, date]:
    """The dates the progress chart spans: from the first reading (or two weeks back) to today."""
    first = min((m.on for m in measures if m.on <= today), default=today)
    return min(first, today - timedelta(days=MIN_WINDOW_DAYS - 1)), today


def x_value(day: date) -> float:
    """Where a day sits on the progress chart's x axis: its ordinal, so ticks and labels stay in our hands."""
    return float(day.toordinal())


def _xs(days: list[date]) -> list[float]:
    return [x_value(d) for d in days]


def _legend_label(kind: MeasureKind) -> str:
    info = MEASURES[kind]
    return f"{info.title} ({'lower' if info.lower_is_better else 'higher'} is better)"


def _draw_series(ax: Axes, series: _Series) -> None:
    colour = COLOURS[series.kind]
    name = series.kind.value
    ax.plot(_xs(series.days), series.values, color=colour, marker="o", markersize=4.5, linewidth=1.4, alpha=0.9,
            label=_legend_label(series.kind), gid=f"{name}-daily", zorder=3)  # fmt: skip
    if series.trend_line is not None:
        days, values = series.trend_line
        ax.plot(_xs(days), values, color=colour, linestyle=(0, (6, 3)), linewidth=2.2, alpha=0.8, label="_trend",
                gid=f"{name}-trend", zorder=2)  # fmt: skip


def _mark_stretching(ax: Axes, stretched: list[date], span_days: int, gid: str, label: str) -> None:
    """A row of ticks in the strip kept free at the bottom of the panel, one per stretching day."""
    strip = blended_transform_factory(ax.transData, ax.transAxes)
    width = min(1.6, max(0.5, 300 / max(span_days, 1)))  # thinner over long spans, so gaps still show
    ax.plot(_xs(stretched), [0.045] * len(stretched), transform=strip, linestyle="none", marker="|", markersize=9,
            markeredgewidth=width, color=STRETCH_COLOUR, label=label, gid=gid, zorder=4)  # fmt: skip


def progress_figure(measures: list[Measure], days: list[ActiveDay], today: date, whose: str = "Your") -> Figure:
    """Daily pain, function and reach with their trends, so a person (or their clinician: `whose` is then the
    patient's name with 's) can see whether stretching is helping."""
    measures = [m for m in measures if m.on <= today]
    with _style():
        fig = _new_figure(*PROGRESS_SIZE_PX)
        scores = [s for k in (MeasureKind.PAIN, MeasureKind.FUNCTION) if (s := _series(measures, k))]
        reach_series = _series(measures, MeasureKind.REACH)
        if not scores and reach_series is None:
            fig.text(0.5, 0.5, NO_MEASURES, ha="center", va="center", fontsize=13, color="#333333",
                     gid="no-measures")  # fmt: skip
            return fig
        start, end = chart_window(measures, today)
        span = (end - start).days
        stretched = sorted({d.on for d in days if start <= d.on <= end})
        both = bool(scores) and reach_series is not None
        grid = fig.add_gridspec(2 if both else 1, 1, height_ratios=[3, 2] if both else None)
        axes: list[Axes] = []
        titles: list[str] = []
        if scores:
            ax = fig.add_subplot(grid[0, 0])
            axes.append(ax)
            for series in scores:
                _draw_series(ax, series)
                titles.append(MEASURES[series.kind].title.lower())
            ax.set_ylim(-1.3, 10.6)  # 0–10 always, with room under 0 for the stretching-day strip
            ax.set_yticks(range(0, 11, 2))
            ax.set_ylabel("score (0–10)")
            _mark_stretching(ax, stretched, span, "stretching-days-scores", STRETCHING_LABEL)
        if reach_series is not None:
            ax = fig.add_subplot(grid[len(axes), 0], sharex=axes[0] if axes else None)
            axes.append(ax)
            _draw_series(ax, reach_series)
            titles.append("reach")
            shown = reach_series.values + (reach_series.trend_line[1] if reach_series.trend_line else [])
            low, high = min(shown), max(shown)
            pad = max(2.0, (high - low) * 0.12)
            ax.set_ylim(low - pad - (high - low + 2 * pad) * 0.12, high + pad)  # the extra room holds the strip
            ax.set_ylabel("reach to floor (cm)")
            label = "_stretching" if scores else STRETCHING_LABEL
            _mark_stretching(ax, stretched, span, "stretching-days-reach", label)
        for ax in axes:
            _plain(ax)
            ax.tick_params(axis="x", labelbottom=ax is axes[-1])
        _days_axis(axes[-1], start, end)
        handles, labels = _legend_entries(axes, any(s.trend_line for s in [*scores, reach_series] if s))
        columns = min(len(labels), 3)
        order = _row_major(len(labels), columns)
        fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center",
                   ncols=columns, frameon=False)  # fmt: skip
        names = " and ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles)
        fig.suptitle(f"{whose} {names} over time", fontweight="bold")
    return fig


def rom_figure(lines: Sequence[RomLine], today: date, whose: str = "Your") -> Figure:
    """The camera coach's range of motion, one line per stretch, each labelled with its angle and which way is
    deeper (a forward fold's hip angle closes, other stretches open an angle), on one axis of degrees."""
    with _style():
        fig = _new_figure(*ROM_SIZE_PX)
        if not lines:
            fig.text(0.5, 0.5, "No range of motion measured yet: use the camera in a session", ha="center",
                     va="center", fontsize=13, color="#333333", gid="no-rom")  # fmt: skip
            return fig
        days = [d for line in lines for d, _ in line.points]
        start = min(min(days), today - timedelta(days=MIN_WINDOW_DAYS - 1))
        ax = fig.add_subplot()
        for n, line in enumerate(lines):
            shown = [(d, v) for d, v in line.points if d <= today]
            ax.plot(_xs([d for d, _ in shown]), [v for _, v in shown], color=ROM_COLOURS[n % len(ROM_COLOURS)],
                    marker="o", markersize=4.5, linewidth=1.4, label=line.name, gid=f"rom-{line.stretch}")  # fmt: skip
        ax.set_ylabel("degrees")
        _plain(ax)
        _days_axis(ax, start, today)
        fig.legend(loc="outside lower center", ncols=1, frameon=False)
        fig.suptitle(f"{whose} range of motion in camera-coached stretches", fontweight="bold")
    return fig


def _plain(ax: Axes) -> None:
    """Light horizontal grid lines behind the data, and no box on top and right."""
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def _days_axis(ax: Axes, start: date, end: date) -> None:
    """Days from start to end across, with a day's room at each end, and dated ticks."""
    ax.set_xlim(x_value(start) - 1, x_value(end) + 1)
    ticks, tick_labels = _date_ticks(start, end)
    ax.set_xticks(_xs(ticks), tick_labels)


def _date_ticks(start: date, end: date) -> tuple[list[date], list[str]]:
    """Tick days and labels: every few days, Mondays, or month starts, depending on the span, at most ~10.

    Month names are our own, not strftime's, so a chart does not change with the machine's locale.
    """
    span = (end - start).days
    if span <= 21:
        step = 2 if span <= 14 else 3
        ticks = [end - timedelta(days=i) for i in range(span - span % step, -1, -step)]  # ending on today
        return ticks, _day_labels(ticks)
    if span <= 140:
        step = 1 if span <= 70 else 2
        first_monday = start + timedelta(days=-start.weekday() % 7)
        ticks = [first_monday + timedelta(weeks=i) for i in range(0, (end - first_monday).days // 7 + 1, step)]
        return ticks, _day_labels(ticks)
    months = [date(y, m, 1) for y in range(start.year, end.year + 1) for m in range(1, 13)]
    months = [d for d in months if start <= d <= end]
    step = max(1, -(-len(months) // 9))
    ticks = months[::step]
    return ticks, _with_years(ticks, [MONTHS[d.month - 1] for d in ticks])


def _day_labels(ticks: list[date]) -> list[str]:
    return _with_years(ticks, [_short_date(d) for d in ticks])


def _with_years(ticks: list[date], labels: list[str]) -> list[str]:
    """The year goes under the first tick and under the first tick of each new year, so dates are never vague."""
    return [
        label + (f"\n{day.year}" if i == 0 or day.year != ticks[i - 1].year else "")
        for i, (day, label) in enumerate(zip(ticks, labels, strict=True))
    ]


def _row_major(count: int, columns: int) -> list[int]:
    """Legend entries are laid out column by column; this order makes them read row by row instead."""
    rows = -(-count // columns)
    return [r * columns + c for c in range(columns) for r in range(rows) if r * columns + c < count]


def _legend_entries(axes: Sequence[Axes], has_trend: bool) -> tuple[list[Any], list[str]]:
    """One legend for all panels: the measures first, then the stretching days and the trend lines."""
    entries: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    stretching = entries.pop(STRETCHING_LABEL, None)
    if stretching is not None:
        entries[STRETCHING_LABEL] = stretching
    if has_trend:
        entries["trend (Theil–Sen)"] = Line2D([], [], color="#777777", linestyle=(0, (6, 3)), linewidth=2.2)
    return list(entries.values()), list(entries)


# --- calendar of stretching days --------------------------------------------------------------------------------


_CAL_LEFT, _CAL_RIGHT = 40.0, 12.0  # room for the weekday names, and a margin
_CAL_TOP = 62.0  # the title and the month names
_CAL_GAP, _CAL_BOTTOM = 12.0, 12.0  # between the grid and the legend, and below the legend


def calendar_level(minutes: float) -> int:
    """The shade of a stretching day, 1 to 4: fixed minute steps, so a shade means the same from month to month."""
    return 1 + sum(minutes >= step for step in MINUTE_STEPS)


def _shades() -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    greens = colormaps["Greens"]
    return [EMPTY_CELL, *(to_hex(greens(x)) for x in (0.35, 0.55, 0.75, 0.95))]


def calendar_figure(days: list[ActiveDay], today: date, weeks: int = 26) -> Figure:
    """Weeks as columns, Monday at the top, so gaps and runs of stretching stand out at a glance."""
    if weeks < 1:
        raise ValueError(f"a calendar needs at least one week, not {weeks}")
    first_monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    minutes = {d.on: d.minutes for d in days if first_monday <= d.on <= today}
    shades = _shades()
    # Laid out in pixels rather than by the layout engine, so any number of weeks fits: cells shrink to fit
    # 800 px but never grow past 28 px, and the grid is never narrower than 20 weeks' worth, which keeps
    # room below it for the caption and the legend.
    columns = max(weeks, 20)
    cell = min(28.0, (CALENDAR_WIDTH_PX - _CAL_LEFT - _CAL_RIGHT) / columns)
    legend_px = min(cell, 16.0)
    height = round(_CAL_TOP + 7 * cell + _CAL_GAP + legend_px + _CAL_BOTTOM)
    grid_left = (CALENDAR_WIDTH_PX - _CAL_LEFT - columns * cell - _CAL_RIGHT) / 2 + _CAL_LEFT
    grid_bottom = _CAL_BOTTOM + legend_px + _CAL_GAP
    with _style():
        fig = _new_figure(CALENDAR_WIDTH_PX, height, layout=None)
        ax = fig.add_axes((grid_left / CALENDAR_WIDTH_PX, grid_bottom / height, columns * cell / CALENDAR_WIDTH_PX,
                           7 * cell / height))  # fmt: skip
        ax.set_xlim(0, columns)
        ax.set_ylim(7, 0)  # Monday at the top
        ax.set_axis_off()
        for column in range(weeks):
            monday = first_monday + timedelta(weeks=column)
            for row in range(7):
                day = monday + timedelta(days=row)
                if day > today:
                    break  # the rest of this week has not happened yet
                level = calendar_level(minutes[day]) if day in minutes else 0
                ax.add_patch(Rectangle((column + 0.06, row + 0.06), 0.88, 0.88, facecolor=shades[level],
                                       edgecolor="none", gid=f"day-{day.isoformat()}"))  # fmt: skip
            if column == 0 and monday.day > 24 and weeks > 1:
                continue  # only this month's last days are in the column: its name would crowd the next one
            if column == 0 or monday.month != (monday - timedelta(weeks=1)).month:
                ax.text(column + 0.06, -0.25, MONTHS[monday.month - 1], ha="left", va="bottom", fontsize=9)
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            ax.text(-6 / cell, row + 0.5, name, ha="right", va="center", fontsize=9)
        _calendar_legend(ax, columns, cell, legend_px, shades)
        count = len(minutes)
        span = f"{weeks} week{'s' if weeks != 1 else ''}"
        fig.suptitle(f"{count} stretching day{'s' if count != 1 else ''} in the last {span}", fontweight="bold",
                     y=1 - 8 / height, va="top")  # fmt: skip
    return fig


def _calendar_legend(ax: Axes, columns: int, cell: float, legend_px: float, shades: list[str]) -> None:
    """A row of the shades from "Less" to "More" under the grid's right end, and what the shades mean."""
    size = legend_px / cell
    middle = 7 + (_CAL_GAP + legend_px / 2) / cell
    right = columns - 34 / cell  # leaves room for "More"
    for i, shade in enumerate(shades):
        x = right - (len(shades) - i) * size * 1.15
        ax.add_patch(Rectangle((x, middle - size * 0.44), size * 0.88, size * 0.88, facecolor=shade,
                               edgecolor="none", clip_on=False, gid=f"legend-{i}"))  # fmt: skip
    ax.text(right - len(shades) * size * 1.15 - 5 / cell, middle, "Less", ha="right", va="center", fontsize=9)
    ax.text(right + 2 / cell, middle, "More", ha="left", va="center", fontsize=9)
    steps = ", ".join(f"{s:g}" for s in MINUTE_STEPS)
    ax.text(0.06, middle, f"Shade: minutes stretched that day (steps at {steps} min)", ha="left", va="center",
            fontsize=8, color="#555555")  # fmt: skip


# --- files ------------------------------------------------------------------------------------------------------


def render(fig: Figure, fmt: ChartFormat) -> bytes:
    """The figure as SVG or PNG bytes, identical for identical figures, for files and for the web app alike."""
    buffer = io.BytesIO()
    with _style():
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_METADATA[fmt], facecolor="white")
    return buffer.getvalue()


def write_charts(measures: list[Measure], days: list[ActiveDay], today: date, folder: Path,
                 fmt: ChartFormat, rom: Sequence[RomLine] = ()) -> list[Path]:  # fmt: skip
    """Write progress.<fmt> and calendar.<fmt> into ``folder`` (made if missing), and rom.<fmt> when the camera
    coach measured any range of motion, and return their paths."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"charts are written as svg or png, not {fmt!r}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    figures = [("progress", progress_figure(measures, days, today)), ("calendar", calendar_figure(days, today))]
    if rom:
        figures.append(("rom", rom_figure(rom, today)))
    for name, fig in figures:
        path = folder / f"{name}.{fmt}"
        path.write_bytes(render(fig, fmt))
        written.append(path)
    return written


# --- terminal ---------------------------------------------------------------------------------------------------


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def terminal_chart(measures: list[Measure], days: list[ActiveDay], today: date, width: int = 72,
                   height: int = 14) -> str:  # fmt: skip
    """Pain and function over the last eight weeks as plain text, for ``backstretch progress`` in a terminal."""
    start = today - timedelta(days=TERMINAL_DAYS - 1)
    recent = [m for m in measures if start <= m.on <= today]
    kinds = [k for k in (MeasureKind.PAIN, MeasureKind.FUNCTION) if daily_values(recent, k)]
    if not kinds and daily_values(recent, MeasureKind.REACH):
        kinds = [MeasureKind.REACH]
    if not kinds:
        return NO_MEASURES if not measures else "No measures in the last 8 weeks — try `backstretch log pain 3`"
    stretched = sorted(d.on for d in days if start <= d.on <= today)
    import plotext as plt

    with _plotext_lock:
        fig = plt.figure
        fig.clear()
        plt.terminal.limit(False, False)  # the caller chose the size; do not shrink it to a guessed terminal
        fig.plot_size(width, height)
        fig.theme("clear")
        names = []
        reach_only = kinds == [MeasureKind.REACH]
        # Plain ASCII markers: the chart has no colours, and wide or ambiguous-width symbols break the columns.
        for kind, marker in zip(kinds, ("o", "+"), strict=False):
            series = daily_values(recent, kind)
            xs = [(d - start).days for d, _ in series]
            ys = [v for _, v in series]
            fig.draw(fig.signal(xs, ys, marker=".").lines())
            fig.draw(fig.signal(xs, ys, marker=marker))
            unit = " (cm)" if kind is MeasureKind.REACH else ""
            names.append(f"{marker} {MEASURES[kind].title.lower()}{unit}")
        if reach_only:
            values = [v for _, v in daily_values(recent, MeasureKind.REACH)]
            low, high = min(values), max(values)
            pad = max(1.0, (high - low) * 0.1)
            floor = low - pad * 2
            fig.ruler("y").lim(floor, high + pad)
        else:
            floor = -0.8
            fig.ruler("y").lim(floor, 10)
            fig.ruler("y").ticks([0, 5, 10])
        if stretched:
            fig.draw(fig.signal([(d - start).days for d in stretched], [floor] * len(stretched), marker="|"))
            names.append("| stretching day")
        mondays = [i for i in range(TERMINAL_DAYS) if (start + timedelta(days=i)).weekday() == 0]
        ticks = mondays[:: 2 if width < 60 else 1]
        labels = [_short_date(start + timedelta(days=i)) for i in ticks]
        fig.ruler("x").lim(0, TERMINAL_DAYS - 1)
        fig.ruler("x").ticks(ticks, labels)
        fig.title("   ".join(names))
        text = fig.build().string(colorless=True)
        fig.clear()
    lines = [strip_ansi(line).rstrip() for line in text.splitlines()]
    return "\n".join(line[:width] for line in lines[:height])


def _short_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"
