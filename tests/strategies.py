"""Hypothesis strategies shared by the property tests: any measure a person could log."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from backstretch.core.measures import (
    GLOBAL_CHANGE_ANSWERS,
    MEASURES,
    ROM_MAX_DEG,
    SCORES,
    Activity,
    Measure,
    MeasureKind,
    function_score,
)
from backstretch.library import load_catalogue

notes = st.text(max_size=200)
CAMERA_STRETCHES = sorted(s.id for s in load_catalogue().values() if s.camera is not None)
names = st.text(min_size=1, max_size=30).map(lambda t: " ".join(t.split())).filter(bool)


@st.composite
def measures(draw: st.DrawFn, earliest: date = date.min, latest: date = date.max) -> Measure:
    """One valid measure of any kind: whole pain with or without the morning flag, reach in range, function with
    up to three differently named activities and their mean, a range of motion in a camera-coached stretch, or an
    outcome score within its scale (whole, or to two decimals for the PEG)."""
    kind = draw(st.sampled_from(MeasureKind))
    activities: tuple[Activity, ...] = ()
    morning = False
    if kind is MeasureKind.ROM:
        value = round(draw(st.floats(0, ROM_MAX_DEG, allow_nan=False)), 1)
        return Measure(
            kind=kind, on=draw(st.dates(earliest, latest)), value=value, stretch=draw(st.sampled_from(CAMERA_STRETCHES))
        )
    if kind is MeasureKind.GLOBAL_CHANGE:
        value = float(draw(st.sampled_from(sorted(GLOBAL_CHANGE_ANSWERS))))
    elif kind in SCORES:
        info = MEASURES[kind]
        hundredths = draw(st.integers(0, int(info.maximum) * 100))
        value = float(hundredths // 100) if info.whole else hundredths / 100
    elif kind is MeasureKind.PAIN:
        value = float(draw(st.integers(0, 10)))
        morning = draw(st.booleans())
    elif kind is MeasureKind.REACH:
        value = draw(st.floats(-40, 80, allow_nan=False))
    else:
        picked = draw(st.lists(names, min_size=1, max_size=3, unique_by=str.casefold))
        activities = tuple(Activity(activity=a, score=draw(st.integers(0, 10))) for a in picked)
        value = function_score(activities)
    return Measure(kind=kind, on=draw(st.dates(earliest, latest)), value=value, activities=activities, morning=morning,
                   note=draw(notes))  # fmt: skip
