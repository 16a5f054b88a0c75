"""Measures a person logs (pain, function, reach), how big a change has to be to count, and honest trends; and
the range of motion the camera coach measures in a session.

Every threshold here comes from clinical-facts.md section 6 ("Measures and what counts as a real change").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import reduce
from statistics import NormalDist, median
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backstretch.core.consistency import day_done_problem
from backstretch.core.vocab import Condition
from backstretch.core.words import day_words

if TYPE_CHECKING:
    from backstretch.core.catalogue import Catalogue

CM_PER_INCH = 2.54
REACH_MIN_CM, REACH_MAX_CM = -40.0, 80.0  # negative when standing on a step and reaching past it (clinical-facts 6)
FUNCTION_MAX_ACTIVITIES = 3  # patient-specific functional scale: up to three activities (Stratford et al. 1995)
MIN_POINTS, MIN_SPAN_DAYS = 4, 14  # clinical-facts, rule trends: fewer than 4 points over 2 weeks is too few
BASELINE_WINDOW_DAYS = 7  # baseline and current level: the median of the first and of the last week's readings
TREND_CONFIDENCE = 0.90


class MeasureKind(StrEnum):
    PAIN = "pain"
    FUNCTION = "function"
    REACH = "reach"
    # The deepest joint angle held still in one camera-coached stretch (core/motion.py), in degrees, with the
    # stretch's id: each stretch has its own angle and direction, so these are never pooled into one trend, and
    # there is no source for a change that counts, so they have no trend statement (not in MEASURES).
    ROM = "rom"
    # Outcome scores (core/scores.py): the person's own leg pain and rating of change, and the totals of standard
    # questionnaires taken elsewhere (backstretch never shows their questions; clinical-facts 6).
    LEG_PAIN = "leg_pain"
    GLOBAL_CHANGE = "global_change"
    RMDQ = "rmdq"
    ODI = "odi"
    NDI = "ndi"
    PEG = "peg"


ROM_MAX_DEG = 180.0  # a joint angle between two segments (motion.angle_deg) is 0 to 180 degrees


@dataclass(frozen=True)
class MeasureInfo:
    """What a measure means, how to take it, and the change that counts as real, with its source."""

    title: str
    unit: str
    lower_is_better: bool
    important_change: float
    important_share: float | None  # a relative change that also counts, as a share of the baseline
    change_words: str  # what reaching the important change means
    source: str
    how_to: str
    maximum: float = 10.0  # the scale runs from 0 to this (reach: not a scale; its range is REACH_MIN/MAX_CM)
    whole: bool = True  # readings are whole numbers (a scale of points), or may have decimals
    elsewhere: bool = False  # the total of a questionnaire taken elsewhere: backstretch records only the total
    loinc: tuple[str, str] | None = None  # the LOINC code and name of the total, where one was found (fhir.py)
    short: str = ""  # the name clinicians know it by, for the command line and the dashboard


# The measures with trends: those a person logs, each with the change that counts as real.
MEASURES: dict[MeasureKind, MeasureInfo] = {
    MeasureKind.PAIN: MeasureInfo(
        title="Pain",
        unit="points",
        lower_is_better=True,
        important_change=2.0,
        important_share=0.30,
        change_words="a change most people notice",
        source="2 points or 30 % (Ostelo et al., Spine 2008)",
        how_to="Rate your back pain right now from 0 (no pain) to 10 (the worst pain you can imagine). Log it at "
        "about the same time each day, for example on waking, so the numbers can be compared.",
    ),
    MeasureKind.FUNCTION: MeasureInfo(
        title="Function",
        unit="points",
        lower_is_better=False,
        important_change=2.0,
        important_share=None,
        change_words="a change most people notice",
        source="about 2 points on the mean, 3 on one activity (Abbott & Schmitt, JOSPT 2014); scale by "
        "Stratford et al. 1995",
        how_to="Name up to three everyday activities your back makes hard, such as putting on socks or sitting "
        "through a meeting. Rate each from 0 (you cannot do it) to 10 (as well as before your back "
        "trouble). Keep the same activities each time; the score is their mean.",
    ),
    MeasureKind.REACH: MeasureInfo(
        title="Reach",
        unit="cm",
        lower_is_better=True,
        important_change=4.5,
        important_share=None,
        change_words="more than measuring error",
        source="4.5 cm smallest detectable change (Ekedahl et al., Arch Phys Med Rehabil 2012)",
        how_to="Stand with your feet together and knees straight. Bend forward slowly, letting your arms hang, "
        "only as far as is comfortable: never bounce. Have someone measure from the tip of your middle "
        "finger to the floor. Reaching the floor is 0. If you can reach past the floor, stand on a sturdy step "
        "and measure how far below its edge your fingertips go, as a minus number (for example -3). Note what "
        "stopped you (tight legs, pain, fear).",
    ),
    # Outcome scores. clinical-facts: section 6 gives the pain threshold; the others' numbers are not in it yet,
    # so each names its source here (and docs/scores.md lists them).
    MeasureKind.LEG_PAIN: MeasureInfo(
        title="Leg pain",
        unit="points",
        lower_is_better=True,
        important_change=2.0,
        important_share=0.30,
        change_words="a change most people notice",
        source="2 points or 30 %, the threshold for pain (Ostelo et al., Spine 2008;33:90), used for leg pain too",
        how_to="Rate the pain in your leg or legs right now from 0 (none at all) to 10 (as bad as you can "
        "imagine). Rate only the leg; your back has its own pain score. If your legs do not hurt, that is a 0.",
        short="leg pain",
    ),
    MeasureKind.RMDQ: MeasureInfo(
        title="Roland-Morris total",
        unit="points",
        lower_is_better=True,
        important_change=5.0,
        important_share=0.30,
        change_words="a change most people notice",
        source="5 points or 30 % (Ostelo et al., Spine 2008;33:90); questionnaire by Roland & Morris, Spine 1983;8:141",
        how_to="The total, from 0 to 24, of a Roland-Morris questionnaire you filled in with your clinician or "
        "elsewhere. Enter only the total you were given; the higher it is, the more your back gets in the way.",
        maximum=24.0,
        elsewhere=True,
        short="RMDQ",
    ),
    MeasureKind.ODI: MeasureInfo(
        title="Oswestry total",
        unit="points",
        lower_is_better=True,
        important_change=10.0,
        important_share=0.30,
        change_words="a change most people notice",
        source="10 points or 30 % (Ostelo et al., Spine 2008;33:90); index by Fairbank & Pynsent, Spine 2000;25:2940",
        how_to="The total, from 0 to 100 (a percentage), of an Oswestry questionnaire you filled in with your "
        "clinician or elsewhere. Enter only the total you were given; the higher it is, the more your back gets "
        "in the way.",
        maximum=100.0,
        elsewhere=True,
        loinc=("97909-6", "Oswestry disability index score ODI"),  # loinc.org/97909-6
        short="ODI",
    ),
    MeasureKind.NDI: MeasureInfo(
        title="Neck Disability Index total",
        unit="points",
        lower_is_better=True,
        important_change=10.0,
        important_share=None,
        change_words="more than measuring error",
        source="10 points, the smallest detectable change, which the authors advise using as "
        "the important change (Young et al., Spine J 2009;9:802); index by Vernon & Mior, J Manipulative Physiol "
        "Ther 1991;14:409",
        how_to="The total, from 0 to 50, of a Neck Disability Index you filled in with your clinician or "
        "elsewhere. Enter only the total you were given (not the percentage); the higher it is, the more your "
        "neck gets in the way.",
        maximum=50.0,
        elsewhere=True,
        short="NDI",
    ),
    MeasureKind.PEG: MeasureInfo(
        title="PEG score",
        unit="points",
        lower_is_better=True,
        important_change=1.0,
        important_share=None,
        change_words="a change most people notice",
        source="1 point, the low end of the anchor-based estimates of 1.0 to 1.75 (Reed et al., "
        "J Pain 2024;25:142); scale by Krebs et al., J Gen Intern Med 2009;24:733",
        how_to="The PEG score, from 0 to 10, that your clinician or another service gave you: the mean of its "
        "three ratings of pain and how much it gets in the way. Enter only the score, with up to two decimals.",
        whole=False,
        elsewhere=True,
        loinc=("91147-9", "Mean score [PEG]"),  # LOINC, from a secondary copy (healthassure.in/codes)
        short="PEG",
    ),
}

# The measures every person has a trend for; the scores appear once the person has a reading of one.
EVERYDAY: tuple[MeasureKind, ...] = (MeasureKind.PAIN, MeasureKind.FUNCTION, MeasureKind.REACH)
SCORES: tuple[MeasureKind, ...] = tuple(k for k in MEASURES if k not in EVERYDAY)
ELSEWHERE: tuple[MeasureKind, ...] = tuple(k for k in SCORES if MEASURES[k].elsewhere)

# The global rating of change: our own question and answers on a 7-point scale from -3 to +3, the format Kamper
# et al. review (J Man Manip Ther 2009;17:163). It rates change itself, so it has no trend and no threshold here.
GLOBAL_CHANGE_QUESTION = "Compared with when you started, how is your back now?"
GLOBAL_CHANGE_ANSWERS: dict[int, str] = {
    3: "very much better",
    2: "much better",
    1: "a little better",
    0: "about the same",
    -1: "a little worse",
    -2: "much worse",
    -3: "very much worse",
}
GLOBAL_CHANGE_SOURCE = "a 7-point global rating of change (format: Kamper et al., J Man Manip Ther 2009;17:163)"


def title_of(kind: MeasureKind) -> str:
    """What a reading of any kind is called on a page."""
    if kind in MEASURES:
        return MEASURES[kind].title
    return "Rating of change" if kind is MeasureKind.GLOBAL_CHANGE else "Range of motion"


def plain_name(kind: MeasureKind) -> str:
    """The name inside a sentence: "leg pain", but a questionnaire keeps its capitals ("Oswestry total")."""
    return title_of(kind) if kind in MEASURES and MEASURES[kind].elsewhere else title_of(kind).lower()


def in_sentence(kind: MeasureKind) -> str:
    """The name as a sentence's subject: "leg pain", "the Oswestry total"."""
    return f"the {plain_name(kind)}" if kind in MEASURES and MEASURES[kind].elsewhere else plain_name(kind)


class MeasureError(ValueError):
    """A measure that cannot be stored, with a message that says what to fix."""


# Rule reach-safety (clinical-facts 6): the fingertip-to-floor test is a forward bend to the end of the range, so it
# is never offered to a person barred from forward folds. Why, for each condition, in plain words.
REACH_BARRED: dict[Condition, str] = {
    Condition.OSTEOPOROSIS: "With osteoporosis, bending the spine forward as far as it goes can cause a fracture.",
    Condition.FLEXION_INTOLERANT: "Your back pain is worse bending forward.",
    Condition.RECENT_SPINE_SURGERY: "After spine surgery, only your surgical team can say when bending forward this "
    "far is safe.",
    Condition.PREGNANCY: "In pregnancy, deep bends to the end of your range and bending down with your head low "
    "are best left out.",
    Condition.BALANCE_PROBLEMS: "With balance problems, bending down with your head low and coming back up can "
    "make you fall.",
    Condition.HIP_REPLACEMENT: "After a hip replacement, bending this far forward takes the hip past 90 degrees.",
}

REACH_NOT_SAVED = "Nothing was saved."


def reach_test_refusal(conditions: frozenset[Condition] | set[Condition]) -> str | None:
    """Why the reach test is not for this person, in plain words, or None when it may be offered.

    Every face calls this with the profile's effective conditions: the progress page leaves out the form and its
    how-to, and the API and `backstretch log reach` store nothing and give this message (and REACH_NOT_SAVED).
    """
    reasons = [why for condition, why in REACH_BARRED.items() if condition in conditions]
    if not reasons:
        return None
    return (
        f"The reach test is not for you: it means bending forward as far as you can. {' '.join(reasons)} "
        "Your pain and your own activities show your progress instead."
    )


class Activity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    activity: str = Field(min_length=1, max_length=80)
    score: int = Field(ge=0, le=10)

    @field_validator("activity")
    @classmethod
    def _stripped(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("an activity needs a name")
        return value


class Measure(BaseModel):
    """One logged reading. ``value`` is the number trends use: pain 0–10, function mean 0–10, reach in cm."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: MeasureKind
    on: date
    value: float
    activities: tuple[Activity, ...] = ()
    morning: bool = False  # a pain reading taken on waking, which the next-day rule compares
    note: str = Field(default="", max_length=500)
    stretch: str = Field(default="", max_length=60)  # the stretch a range of motion was measured in; only those

    @model_validator(mode="after")
    def _fits_kind(self) -> Measure:
        if self.kind is MeasureKind.PAIN:
            if self.value != int(self.value) or not 0 <= self.value <= 10:
                raise ValueError(f"pain is a whole number from 0 to 10, not {_number(self.value)}")
        elif self.morning:
            raise ValueError("only pain readings can be marked as morning readings")
        if self.kind is MeasureKind.FUNCTION:
            if not 1 <= len(self.activities) <= FUNCTION_MAX_ACTIVITIES:
                raise ValueError(f"function needs 1 to {FUNCTION_MAX_ACTIVITIES} activities, "
                                 f"not {len(self.activities)}")  # fmt: skip
            names = [a.activity.casefold() for a in self.activities]
            if len(set(names)) != len(names):
                raise ValueError("each activity may appear only once")
            if abs(self.value - function_score(self.activities)) > 1e-9:
                raise ValueError("a function value must be the mean of its activities' scores")
        elif self.activities:
            raise ValueError(f"only function readings have activities, not {self.kind.value}")
        if (self.kind is MeasureKind.ROM) != bool(self.stretch):
            raise ValueError("a range of motion needs the stretch it was measured in, and only it has one")
        if self.kind is MeasureKind.ROM and not 0 <= self.value <= ROM_MAX_DEG:
            raise ValueError(f"a joint angle is 0 to {_number(ROM_MAX_DEG)} degrees, not {_number(self.value)}")
        if self.kind in SCORES:
            info = MEASURES[self.kind]
            whole = "a whole number " if info.whole else ""
            if not 0 <= self.value <= info.maximum or (info.whole and not float(self.value).is_integer()):
                raise ValueError(f"{in_sentence(self.kind)} is {whole}from 0 to {_number(info.maximum)}, "
                                 f"not {_number(self.value)}")  # fmt: skip
            if not info.whole and round(self.value, 2) != self.value:
                raise ValueError(f"{in_sentence(self.kind)} has at most two decimals, not {_number(self.value)}")
        if self.kind is MeasureKind.GLOBAL_CHANGE and self.value not in GLOBAL_CHANGE_ANSWERS:
            raise ValueError(f"a rating of change is a whole number from -3 (very much worse) to 3 (very much "
                             f"better), not {_number(self.value)}")  # fmt: skip
        if self.kind is MeasureKind.REACH and not REACH_MIN_CM <= self.value <= REACH_MAX_CM:
            raise ValueError(f"reach is measured from {_number(REACH_MIN_CM)} to {_number(REACH_MAX_CM)} cm, "
                             f"not {_number(self.value)} cm")  # fmt: skip
        return self


def _number(value: float) -> str:
    return f"{value:g}"


def function_score(activities: tuple[Activity, ...]) -> float:
    return round(sum(a.score for a in activities) / len(activities), 4) if activities else 0.0


def check_taken_on(on: date, today: date) -> date:
    """The day a reading was taken, if it can be: each face and the import check it here (day_done_problem)."""
    problem = day_done_problem(on, today)
    if problem is not None:
        raise MeasureError(f"{day_words(on, today)} {problem}; log measures on the day you take them")
    return on


def pain(value: int, on: date, *, morning: bool = False, note: str = "") -> Measure:
    return _build(kind=MeasureKind.PAIN, on=on, value=value, morning=morning, note=note)


def reach(value: float, on: date, *, unit: Literal["cm", "in"] = "cm", note: str = "") -> Measure:
    cm = round(value * CM_PER_INCH, 1) if unit == "in" else round(value, 1)
    return _build(kind=MeasureKind.REACH, on=on, value=cm, note=note)


def rom(degrees: float, on: date, stretch: str) -> Measure:
    """The deepest angle held in a stretch, to a tenth of a degree (the pose model gives no finer)."""
    return _build(kind=MeasureKind.ROM, on=on, value=round(degrees, 1), stretch=stretch)


def outcome_score(kind: MeasureKind, value: float, on: date, *, note: str = "") -> Measure:
    """An outcome score (leg pain, a questionnaire's total, or a rating of change from -3 to 3)."""
    if kind not in SCORES and kind is not MeasureKind.GLOBAL_CHANGE:
        raise MeasureError(f"{title_of(kind).lower()} is not an outcome score")
    if kind in MEASURES and not MEASURES[kind].whole:
        value = round(value, 2)  # a mean of three ratings, such as 13/3, kept to two decimals
    return _build(kind=kind, on=on, value=value, note=note)


def function(activities: list[tuple[str, int]], on: date, *, note: str = "") -> Measure:
    try:
        items = tuple(Activity(activity=name, score=score) for name, score in activities)
    except ValueError as error:
        raise MeasureError(_first_message(error)) from None
    return _build(kind=MeasureKind.FUNCTION, on=on, value=function_score(items), activities=items, note=note)


def parse_activity(text: str) -> tuple[str, int]:
    """``"putting on socks=4"`` → ("putting on socks", 4), with an error that shows the expected form."""
    name, sep, score = text.rpartition("=")
    if not sep or not name.strip():
        raise MeasureError(f'write each activity as ACTIVITY=SCORE, for example "putting on socks=4"; got {text!r}')
    try:
        number = int(score.strip())
    except ValueError:
        raise MeasureError(f"the score for {name.strip()!r} must be a whole number from 0 to 10, "
                           f"not {score.strip()!r}") from None  # fmt: skip
    if not 0 <= number <= 10:
        raise MeasureError(f"the score for {name.strip()!r} must be from 0 to 10, not {number}")
    return name.strip(), number


def _build(**fields: object) -> Measure:
    try:
        return Measure.model_validate(fields)
    except ValueError as error:
        raise MeasureError(_first_message(error)) from None


def _first_message(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        message = str(first.get("msg", error))
        return message.removeprefix("Value error, ")
    return str(error)


def usual_morning_pain(readings: list[Measure], before: date, days: int = 14) -> int | None:
    """The person's usual morning pain: the median of morning readings in the two weeks before ``before``."""
    start = before - timedelta(days=days)
    window = [m.value for m in readings if m.kind is MeasureKind.PAIN and m.morning and start <= m.on < before]
    # Rounded half up: with whole-number pain, "2 above a usual 2.5" then fires exactly when it should.
    return math.floor(median(window) + 0.5) if len(window) >= 3 else None


# --- range of motion ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RomLine:
    """The camera coach's range of motion in one stretch, one reading per coached session, oldest first."""

    stretch: str
    name: str  # what it measures, in words: "hip angle in Standing forward fold, degrees (lower is deeper)"
    points: tuple[tuple[date, float], ...]
    deepest: float


def rom_lines(readings: list[Measure], catalogue: Catalogue) -> list[RomLine]:
    """Each stretch's readings apart (each has its own angle and direction), in the order of their names."""
    by_stretch: dict[str, list[tuple[date, float]]] = {}
    for m in readings:
        if m.kind is MeasureKind.ROM:
            by_stretch.setdefault(m.stretch, []).append((m.on, m.value))
    lines = []
    for stretch, points in by_stretch.items():
        found = catalogue.get(stretch)
        camera = found.camera if found is not None else None
        values = [v for _, v in points]
        if found is None or camera is None:  # a stretch since removed from the library: its angle, undirected
            lines.append(RomLine(stretch, f"joint angle in {stretch}, degrees", tuple(points), min(values)))
            continue
        deepest = reduce(camera.target.deeper, values)
        lines.append(RomLine(stretch, camera.measure_name(found.name), tuple(points), deepest))
    return sorted(lines, key=lambda line: line.name)


# --- trends ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """The change since the start and the trend over time of one measure, with the sentence that says it."""

    kind: MeasureKind
    points: int
    span_days: int
    enough: bool
    baseline: float | None
    current: float | None
    change: float | None  # current - baseline, in the measure's unit
    important: bool  # the change reaches the important change for this measure
    better: bool | None  # None when there is no change to judge
    slope_per_week: float | None
    slope_low: float | None
    slope_high: float | None
    statement: str


def daily_values(readings: list[Measure], kind: MeasureKind) -> list[tuple[date, float]]:
    """One value a day (the median of that day's readings) so a busy logging day does not outweigh the rest."""
    by_day: dict[date, list[float]] = {}
    for m in readings:
        if m.kind is kind:
            by_day.setdefault(m.on, []).append(m.value)
    return [(day, float(median(values))) for day, values in sorted(by_day.items())]


def trend_basis(readings: list[Measure], kind: MeasureKind) -> str:
    """What the trend of a measure is computed from, in words: one value a day, so several readings of one day are
    said to be taken together there (and only there: charts and tables show each reading)."""
    per_day: dict[date, int] = {}
    for m in readings:
        if m.kind is kind:
            per_day[m.on] = per_day.get(m.on, 0) + 1
    several = sum(1 for n in per_day.values() if n > 1)
    if not several:
        return "The trend uses one reading a day; the chart and the table show every reading."
    days = f"{several} day{'s' if several != 1 else ''}"
    return (f"The trend uses one value a day: on the {days} with more than one reading, the middle of that day's "
            f"readings. The chart and the table show every reading as it is.")  # fmt: skip


def trend(readings: list[Measure], kind: MeasureKind) -> Trend:
    return trend_of(kind, daily_values(readings, kind))


def trend_of(kind: MeasureKind, series: list[tuple[date, float]], with_slope: bool = True) -> Trend:
    """The trend of one value a day, oldest first (what daily_values gives). Without the slope (None, and not in
    the statement) when only the change matters: a dashboard of a hundred patients shows no slopes, and the slopes
    were a sixth of its time."""
    info = MEASURES[kind]
    points = len(series)
    span = (series[-1][0] - series[0][0]).days if series else 0
    if points < MIN_POINTS or span < MIN_SPAN_DAYS:
        return Trend(kind, points, span, False, None, None, None, False, None, None, None, None,
                     _too_few(info, points, span))  # fmt: skip
    first_day, last_day = series[0][0], series[-1][0]
    baseline = float(median(v for d, v in series if (d - first_day).days < BASELINE_WINDOW_DAYS))
    current = float(median(v for d, v in series if (last_day - d).days < BASELINE_WINDOW_DAYS))
    change = round(current - baseline, 2)
    important = abs(change) >= info.important_change - 1e-9 or _important_share(info, baseline, change)
    better = None if change == 0 else (change < 0) == info.lower_is_better
    slope = None
    if with_slope:
        x = [(d - first_day).days / 7 for d, _ in series]
        slope = theil_sen(x, [v for _, v in series], TREND_CONFIDENCE)
    statement = _statement(info, baseline, current, change, important, better, slope, span)
    per_week, low, high = (None, None, None) if slope is None else (round(v, 3) for v in slope)
    return Trend(kind, points, span, True, baseline, current, change, important, better, per_week, low, high,
                 statement)  # fmt: skip


def theil_sen(x: list[float], y: list[float], confidence: float) -> tuple[float, float, float]:
    """The Theil-Sen slope (the median of the slopes between every two points) and its confidence range, by Sen
    (1968) equation 2.6, as scipy.stats.theilslopes computes them (a test checks they agree). Written out because
    the dashboard computes two hundred of them, and scipy's general-purpose version is slow for that."""
    import numpy as np  # imported here, like scipy before it: the command line starts faster without it

    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx, dy = xs[:, np.newaxis] - xs, ys[:, np.newaxis] - ys
    slopes = np.sort(dy[dx > 0] / dx[dx > 0])
    middle = float(np.median(slopes))
    z = NormalDist().inv_cdf((1 - confidence) / 2)

    def ties(values: np.ndarray[tuple[int], np.dtype[np.float64]]) -> float:
        counts = np.unique(values, return_counts=True)[1]
        counts = counts[counts > 1]
        return float(np.sum(counts * (counts - 1) * (2 * counts + 5)))

    n, pairs = len(ys), len(slopes)
    variance = (n * (n - 1) * (2 * n + 5) - ties(xs) - ties(ys)) / 18
    if variance < 0:  # so many ties that Sen's formula gives no range (scipy returns NaN too)
        return middle, math.nan, math.nan
    sigma = math.sqrt(variance)
    upper = min(int(np.round((pairs - z * sigma) / 2)), pairs - 1)
    lower = max(int(np.round((pairs + z * sigma) / 2)) - 1, 0)
    return middle, float(slopes[lower]), float(slopes[upper])


def _important_share(info: MeasureInfo, baseline: float, change: float) -> bool:
    """The relative threshold (pain: 30 %, Ostelo et al. 2008) is one for improvement, and a whole-number scale
    cannot show less than one point, so a half-point drop from a low start does not count."""
    if info.important_share is None or baseline <= 0 or abs(change) < 1 - 1e-9:
        return False
    improved = (change < 0) == info.lower_is_better
    return improved and abs(change) / baseline >= info.important_share - 1e-9


def _too_few(info: MeasureInfo, points: int, span: int) -> str:
    # Counted in days: several readings of one day are one point of a trend, so "2 readings" of one day would mislead.
    days = f"readings on {points} day{'s' if points != 1 else ''}"
    have = "no readings yet" if points == 0 else days if span == 0 else f"{days}, spread over {span} days"
    return (f"{info.title}: not enough data for a trend yet ({have}). A trend needs at least {MIN_POINTS} readings "
            f"on different days spread over {MIN_SPAN_DAYS // 7} weeks.")  # fmt: skip


def _amount(info: MeasureInfo, value: float) -> str:
    unit = "point" if info.unit == "points" else info.unit
    plural = "s" if info.unit == "points" and abs(value) != 1 else ""
    shown = round(abs(value), 1) or round(abs(value), 2)  # never "about 0 points" for a small, real slope
    return f"{shown:g} {unit}{plural}"


def _statement(info: MeasureInfo, baseline: float, current: float, change: float, important: bool,
               better: bool | None, slope: tuple[float, float, float] | None, span: int) -> str:  # fmt: skip
    name = info.title
    levels = f"({baseline:g} → {current:g} {info.unit})" if info.unit != "points" else f"({baseline:g} → {current:g})"
    if change == 0:
        head = f"{name} is where it started {levels}."
    else:
        direction = "down" if change < 0 else "up"
        head = f"{name} is {direction} {_amount(info, change)} since you started {levels}"
        if important:
            head += f": {info.change_words}." if better else f": {info.change_words}, and in the wrong direction."
        else:
            head += (f": less than the {_amount(info, info.important_change)} that counts as {info.change_words}, "
                     f"so it may be day-to-day variation.")  # fmt: skip
    if slope is None:
        return head
    value, low, high = slope
    period = f"{span} days" if span < 28 else f"{span / 7:.0f} weeks"
    if low <= 0 <= high:
        tail = f"Over {period} there is no clear trend up or down yet."
    else:
        rising = value > 0
        good = rising != info.lower_is_better
        tail = (f"Over {period} the trend is {'up' if rising else 'down'} about "
                f"{_amount(info, value)} "
                f"a week ({int(TREND_CONFIDENCE * 100)} % range {min(abs(low), abs(high)):.1f} to "
                f"{max(abs(low), abs(high)):.1f})"
                f"{', which is the good direction' if good else ''}.")  # fmt: skip
    return f"{head} {tail}"
