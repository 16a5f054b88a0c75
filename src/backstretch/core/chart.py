"""Chart geometry as plain numbers, for charts a web page draws as inline SVG.

Everything is in the units of an SVG ``viewBox`` of WIDTH x HEIGHT; a page scales the drawing to its width. The
width is small on purpose: text of FONT units stays at least FONT pixels tall on any screen at least WIDTH pixels
wide, so a phone shows real text sizes instead of a shrunken picture. Every reading is its own dot (several on one
day sit side by side within that day), so nothing is averaged away in the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from statistics import median

from backstretch.core.measures import (
    GLOBAL_CHANGE_ANSWERS,
    MEASURES,
    SCORES,
    Measure,
    MeasureKind,
    Trend,
    daily_values,
)
from backstretch.core.words import MONTH_NAMES, day_words

WIDTH, HEIGHT = 320.0, 220.0
FONT = 15.0  # text size in viewBox units; at WIDTH px wide or more that is 15 px or more
LEFT, RIGHT, TOP, BOTTOM = 36.0, 10.0, 30.0, 52.0  # room for y labels, a margin, the y title, x labels and title
DOT_RADIUS, MIN_DOT_RADIUS = 5.0, 2.0
DAY_SLOT_SHARE = 0.8  # the share of a day's width its dots may spread over
MIN_WINDOW_DAYS = 14  # a lone reading still sits on a two-week axis
MAX_X_TICKS = 4  # dates like "28 Nov" at FONT size: four fit across WIDTH


def short_day(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"


def reading_words(measure: Measure) -> str:
    """A reading's value in plain words: "4 out of 10", "3 cm past the floor"."""
    if measure.kind is MeasureKind.REACH:
        return reach_words(measure.value)
    if measure.kind is MeasureKind.FUNCTION:
        scores = ", ".join(f"{a.activity} {a.score}" for a in measure.activities)
        return f"{measure.value:g} out of 10 ({scores})"
    if measure.kind is MeasureKind.ROM:
        return f"{measure.value:g} degrees"
    if measure.kind is MeasureKind.GLOBAL_CHANGE:
        return GLOBAL_CHANGE_ANSWERS[int(measure.value)]
    if measure.kind in SCORES:
        return f"{measure.value:g} out of {MEASURES[measure.kind].maximum:g}"
    return f"{measure.value:g} out of 10{', on waking' if measure.morning else ''}"


def reach_words(cm: float) -> str:
    """Fingertip to floor: above it, at it, or past it (standing on a step; clinical-facts 6, reach-safety)."""
    if cm == 0:
        return "reached the floor"
    return f"{abs(cm):g} cm {'above' if cm > 0 else 'past'} the floor"


CHAR_WIDTH = 0.6  # a generous average width of a character, in FONT sizes, to keep labels inside the drawing


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in viewBox units
    label: str
    anchor: str = "middle"  # how the label sits on ``at``: an x label near an edge is kept inside the drawing


def text_width(label: str, font: float = FONT) -> float:
    return len(label) * font * CHAR_WIDTH


def _x_tick(at: float, label: str) -> Tick:
    half = text_width(label) / 2
    anchor = "start" if at - half < 0 else "end" if at + half > WIDTH else "middle"
    return Tick(at, label, anchor)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    day: date
    value: float
    label: str  # the reading in words, with its day


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    """One chart: the plot area, labelled axes, the marks, and a title and description for screen readers."""

    title: str
    desc: str
    y_title: str  # drawn above the plot, so it needs no sideways text
    x_title: str
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    dots: tuple[Dot, ...] = ()
    bars: tuple[Bar, ...] = ()
    trend: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2
    floor_y: float | None = None  # reach: where the floor is, with "past the floor" below it
    width: float = WIDTH
    height: float = HEIGHT
    font: float = FONT
    dot_radius: float = DOT_RADIUS


def _plot() -> tuple[float, float, float, float]:
    return LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM


def window(readings: Sequence[Measure], today: date) -> tuple[date, date]:
    """From the first reading (or two weeks back) to today."""
    first = min((m.on for m in readings if m.on <= today), default=today)
    return min(first, today - timedelta(days=MIN_WINDOW_DAYS - 1)), today


def y_range(kind: MeasureKind, values: Sequence[float]) -> tuple[float, float, float]:
    """The lowest and highest value the axis shows, and its tick step: a score's whole scale (0 to 10, 24, 50 or
    100) in five or six steps; for reach, the readings with the floor (0) always in view, in steps of 1, 2, 5, 10
    or 20 cm."""
    if kind is not MeasureKind.REACH:
        top = MEASURES[kind].maximum
        return 0.0, top, next(s for s in (2.0, 4.0, 5.0, 10.0, 20.0, top) if top / s <= 6 and top % s == 0)
    low, high = min([0.0, *values]), max([0.0, *values])
    step = next(s for s in (1.0, 2.0, 5.0, 10.0, 20.0, 50.0) if (high - low) / s <= 5)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if high - low < 2 * step:  # never a flat axis
        high = low + 2 * step
    return low, high, step


def _date_ticks(start: date, end: date, left: float, right: float) -> tuple[Tick, ...]:
    """Evenly spaced dates ending on today: as many as fit without their labels running into each other."""
    days = (end - start).days + 1
    ticks: tuple[Tick, ...] = ()
    for most in range(MAX_X_TICKS, 1, -1):
        step = max(1, math.ceil(days / most))
        if step >= 7:
            step = 7 * math.ceil(step / 7)  # whole weeks
        dates = [end - timedelta(days=i) for i in range(0, days, step)][::-1]
        ticks = tuple(_x_tick(_x(t, start, days, left, right), short_day(t)) for t in dates)
        if _apart(ticks) == ticks:
            return ticks
    return _apart(ticks)


def _extent(tick: Tick) -> tuple[float, float]:
    width = text_width(tick.label)
    start = {"start": tick.at, "middle": tick.at - width / 2, "end": tick.at - width}[tick.anchor]
    return start, start + width


TICK_GAP = 6.0


def _apart(ticks: tuple[Tick, ...]) -> tuple[Tick, ...]:
    """The labels that do not run into each other, keeping the last (today's) and going back from it."""
    kept: list[Tick] = []
    for tick in reversed(ticks):
        if not kept or _extent(tick)[1] + TICK_GAP <= _extent(kept[-1])[0]:
            kept.append(tick)
    return tuple(reversed(kept))


def _x(day: date, start: date, days: int, left: float, right: float) -> float:
    return left + ((day - start).days + 0.5) / days * (right - left)


def _y(value: float, low: float, high: float, top: float, bottom: float) -> float:
    share = (min(max(value, low), high) - low) / (high - low)
    return bottom - share * (bottom - top)


def measure_chart(kind: MeasureKind, readings: Sequence[Measure], today: date, found: Trend | None = None) -> Chart:
    """Every reading of one measure as a dot on its day, with the trend line when there is enough for one."""
    info = MEASURES[kind]
    mine = sorted((m for m in readings if m.kind is kind and m.on <= today), key=lambda m: m.on)
    start, end = window(mine, today)
    days = (end - start).days + 1
    left, top, right, bottom = _plot()
    low, high, step = y_range(kind, [m.value for m in mine])
    slot = (right - left) / days * DAY_SLOT_SHARE
    by_day: dict[date, list[Measure]] = {}
    for m in mine:
        by_day.setdefault(m.on, []).append(m)
    # Smaller dots over long spans, so days stay apart; readings weeks apart (the outcome scores) keep full-size dots.
    ordered = sorted(by_day)
    gap = min(((b - a).days for a, b in pairwise(ordered)), default=days)
    radius = max(MIN_DOT_RADIUS, min(DOT_RADIUS, slot * 0.6 * gap))
    dots = []
    for day, todays in by_day.items():
        centre = _x(day, start, days, left, right)
        spread = min(slot, (len(todays) - 1) * radius * 1.6)
        for n, m in enumerate(todays):
            offset = 0.0 if len(todays) == 1 else spread * (n / (len(todays) - 1) - 0.5)
            dots.append(Dot(centre + offset, _y(m.value, low, high, top, bottom), day, m.value,
                            f"{day_words(day, today)}: {reading_words(m)}"))  # fmt: skip
    line = None
    if found is not None and found.enough and found.slope_per_week is not None:
        series = daily_values(list(mine), kind)
        first_day, last_day = series[0][0], series[-1][0]
        weeks = [(d - first_day).days / 7 for d, _ in series]
        intercept = median(v for _, v in series) - found.slope_per_week * median(weeks)  # as scipy's theilslopes
        line = (_x(first_day, start, days, left, right), _y(intercept, low, high, top, bottom),
                _x(last_day, start, days, left, right),
                _y(intercept + found.slope_per_week * weeks[-1], low, high, top, bottom))  # fmt: skip
    y_ticks = tuple(Tick(_y(v, low, high, top, bottom), f"{v:g}")
                    for v in _steps(low, high, step))  # fmt: skip
    reach = kind is MeasureKind.REACH
    better = "lower" if info.lower_is_better else "higher"
    y_title = "Fingertips above the floor, cm" if reach else f"Score 0 to {info.maximum:g} ({better} is better)"
    return Chart(
        title=f"{info.title} over time", desc=_desc(info.title, mine, today, start, reach), y_title=y_title,
        x_title=_x_title(start, end), left=left, top=top, right=right, bottom=bottom,
        x_ticks=_date_ticks(start, end, left, right), y_ticks=y_ticks, dots=tuple(dots), trend=line,
        floor_y=_y(0.0, low, high, top, bottom) if reach else None, dot_radius=radius,
    )  # fmt: skip


def _steps(low: float, high: float, step: float) -> list[float]:
    return [round(low + i * step, 6) for i in range(round((high - low) / step) + 1)]


def _x_title(start: date, end: date) -> str:
    years = str(end.year) if start.year == end.year else f"{start.year} to {end.year}"
    return f"Day ({years})"


def _desc(title: str, mine: Sequence[Measure], today: date, start: date, reach: bool) -> str:
    if not mine:
        return f"No {title.lower()} readings yet."
    count = len(mine)
    days = len({m.on for m in mine})
    text = (f"{count} reading{'s' if count != 1 else ''} on {days} day{'s' if days != 1 else ''} from "
            f"{day_words(mine[0].on, today)} to {day_words(mine[-1].on, today)}, each shown as it is. "
            f"Latest: {reading_words(mine[-1])}.")  # fmt: skip
    if reach:
        past = sum(1 for m in mine if m.value < 0)
        if past:
            text += f" {past} reading{'s' if past != 1 else ''} past the floor, standing on a step."
    return text


def weeks_chart(weeks: Sequence[tuple[date, int]], today: date) -> Chart:
    """Days stretched in each week (Monday first) as bars on a 0 to 7 axis."""
    left, top, right, bottom = _plot()
    count = max(len(weeks), 1)
    width = (right - left) / count
    bars = []
    for n, (monday, stretched) in enumerate(weeks):
        y = _y(stretched, 0, 7, top, bottom)
        bars.append(
            Bar(
                left + n * width + width * 0.15,
                y,
                width * 0.7,
                bottom - y,
                f"Week of {day_words(monday, today)}: {stretched} day{'s' if stretched != 1 else ''}",
            )
        )
    every = max(1, math.ceil(count / MAX_X_TICKS))
    ticks = _apart(tuple(_x_tick(left + (n + 0.5) * width, short_day(monday))
                         for n, (monday, _) in enumerate(weeks) if (count - 1 - n) % every == 0))  # fmt: skip
    total = sum(s for _, s in weeks)
    desc = (f"Days stretched in each of the last {len(weeks)} weeks: {total} in all." if weeks
            else "No stretching days yet.")  # fmt: skip
    return Chart(title="Days stretched each week", desc=desc, y_title="Days stretched, 0 to 7",
                 x_title="Week starting Monday", left=left, top=top, right=right, bottom=bottom, x_ticks=ticks,
                 y_ticks=tuple(Tick(_y(v, 0, 7, top, bottom), f"{v:g}") for v in (0, 1, 3, 5, 7)),
                 bars=tuple(bars))  # fmt: skip
