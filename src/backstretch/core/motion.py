"""Motion analysis for the camera coach: body landmarks over time in; joint angles, states, holds and bounces out.

Pure and independent of any pose library. A landmark is a point in the image (x across, y down, both 0-1 of the
frame's width and height, z optional) with a visibility 0-1, named as in the 33-point BlazePose layout that
MediaPipe uses in Python and in the browser; so a browser running its own pose model can send the same series
(`series_from_data` reads it from JSON-shaped data). The coach never judges form: it only tells whether the person
is in the stretch's position and still, counts the hold only then, notices bouncing, and measures how far they go.
When it cannot see the joints well it says so (state `not-visible`) instead of guessing, and the players fall back
to the plain timer.

The analysis is incremental (`Tracker.feed`, one frame at a time, never looking ahead), so a live camera and a
recorded video go through the same code.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from statistics import median
from typing import Any

# The BlazePose landmark order: a browser's pose model sends landmarks as a list in this order.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip


class JointAngle(StrEnum):
    """Angles at a joint between two body segments, 0-180 degrees (180 = the segments in a straight line)."""

    HIP = "hip"  # shoulder-hip-knee: about 180 standing, it closes as you fold forward
    KNEE = "knee"  # hip-knee-ankle: 180 with the leg straight
    ELBOW = "elbow"  # shoulder-elbow-wrist: 180 with the arm straight
    SHOULDER = "shoulder"  # elbow-shoulder-hip: near 0 with the arm by the side, near 180 with it overhead


_POINTS: dict[JointAngle, tuple[str, str, str]] = {
    JointAngle.HIP: ("shoulder", "hip", "knee"),
    JointAngle.KNEE: ("hip", "knee", "ankle"),
    JointAngle.ELBOW: ("shoulder", "elbow", "wrist"),
    JointAngle.SHOULDER: ("elbow", "shoulder", "hip"),
}


@dataclass(frozen=True, slots=True)
class Landmark:
    x: float
    y: float
    z: float | None = None  # accepted, not used: depth from one camera is too noisy to measure angles with
    visibility: float = 1.0


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """One video frame: its time in seconds and the landmarks found (none when no person was found)."""

    t: float
    landmarks: Mapping[str, Landmark]


class State(StrEnum):
    NOT_VISIBLE = "not-visible"  # the joints that decide are hidden or tracked too uncertainly: never guess
    OUT_OF_POSITION = "out-of-position"  # visible, but not in the stretch's position
    MOVING = "moving"  # in position but not still yet: moving into it, or adjusting
    HOLDING = "holding"  # in position and still: the hold counts
    BOUNCING = "bouncing"  # in position but oscillating: the hold does not count


IN_POSITION = frozenset({State.MOVING, State.HOLDING, State.BOUNCING})


@dataclass(frozen=True)
class Bound:
    """One joint angle at most or at least a threshold (either bound may be left out)."""

    angle: JointAngle
    at_most: float | None = None
    at_least: float | None = None

    def reached(self, value: float) -> bool:
        return (self.at_most is None or value <= self.at_most) and (self.at_least is None or value >= self.at_least)


@dataclass(frozen=True)
class Target(Bound):
    """What "in position" means for one stretch: its angle past a threshold, and any other angles in a range.

    The first angle is the one watched: its stillness, bounces and depth. `also` tells apart stretches with the same
    angle (knees straight in a standing fold, bent in a chair); an angle it needs that cannot be seen makes the
    frame not visible, never a guess. With no bounds at all, any visible pose is in position (to watch an angle).
    """

    also: tuple[Bound, ...] = ()

    def deeper(self, a: float, b: float) -> float:
        """The further into the stretch of two angles: smaller for an at-most stretch, larger for an at-least one."""
        return min(a, b) if self.at_least is None else max(a, b)


@dataclass(frozen=True)
class Settings:
    """The thresholds of the analysis; why each value was chosen is said beside it."""

    # MediaPipe's visibility is its estimate that the point is in view and not hidden; below one half it is more
    # likely hidden than seen, and a hidden joint's position is a guess.
    min_visibility: float = 0.5
    # A median of the last three values removes a one-frame tracking jump without blurring a real movement.
    smooth_samples: int = 3
    # Still: the angle stays within `still_range_deg` over the last `still_window_s`, judged once at least
    # `still_min_span_s` of such frames exist (then that span counts too: the person was still during it).
    still_window_s: float = 1.0
    still_range_deg: float = 8.0
    still_min_span_s: float = 0.5
    # clinical-facts: section 1 and rule gentle-first. Ballistic (bouncing) stretching is to be avoided (A2, A4);
    # the sources give no angle or rate for a bounce, so these numbers are our own. A bounce is a swing of the
    # angle of at least 8 degrees and straight back, each swing quick: from 10 % to 90 % of its way in at most
    # 0.6 s, as in an oscillation of 0.5 Hz or faster (a sine wave's swing takes 59 % of its half period from 10 %
    # to 90 %: SINE_RISE_SHARE; pauses at the ends do not count). 8 degrees is above the jitter of a tracked joint
    # angle in a still person (under 5 degrees in the held fold at the end of the test footage). The rate separates
    # bouncing from breathing and from easing deeper: even fast breathing, 20 breaths a minute, swings the body at
    # 0.33 Hz (0.9 s from 10 % to 90 %; the player paces about 6 a minute, 0.1 Hz), and easing into a stretch is
    # one slow movement with no quick return, while a bounce is a quick dip and rebound.
    bounce_amplitude_deg: float = 8.0
    bounce_max_rise_s: float = 0.6
    # After a bounce the state stays `bouncing` this long, and stillness is judged afresh from then on.
    bounce_linger_s: float = 1.0
    # Frames further apart than this (dropped frames, a paused stream) break the hold: nothing is counted across.
    max_gap_s: float = 0.5
    # In-position runs closer than this belong to one segment (one stretch, briefly lost from view).
    merge_gap_s: float = 1.0
    # Below this share of frames with the deciding joints visible, the coach says it cannot see well enough.
    min_visible_share: float = 0.5


DEFAULT_SETTINGS = Settings()


def settings_data(settings: Settings = DEFAULT_SETTINGS) -> dict[str, float]:
    """The thresholds as JSON-shaped data, for the web player's copy of the analysis (static/motion.js)."""
    return asdict(settings)


def target_data(target: Target) -> dict[str, Any]:
    """A stretch's target as JSON-shaped data, for the web player's copy of the analysis (static/motion.js)."""

    def bound(b: Bound) -> dict[str, Any]:
        return {"angle": b.angle.value, "at_most": b.at_most, "at_least": b.at_least}

    return {**bound(target), "also": [bound(b) for b in target.also]}


def angle_deg(a: Landmark, b: Landmark, c: Landmark, aspect: float = 1.0) -> float | None:
    """The angle at b between b->a and b->c in the image plane, 0-180; None when a segment has no length.

    `aspect` is the frame's width over its height, so x and y are measured in the same unit.
    """
    ux, uy = (a.x - b.x) * aspect, a.y - b.y
    vx, vy = (c.x - b.x) * aspect, c.y - b.y
    if (ux == 0 and uy == 0) or (vx == 0 and vy == 0):
        return None
    return math.degrees(math.atan2(abs(ux * vy - uy * vx), ux * vx + uy * vy))


def joint_angles(
    landmarks: Mapping[str, Landmark], aspect: float = 1.0, min_visibility: float = DEFAULT_SETTINGS.min_visibility
) -> dict[JointAngle, float]:
    """Each joint angle measured on the better visible side; left out when neither side is visible enough.

    A side's visibility is that of its least visible point. Equal visibility takes the mean of both sides, so a
    mirrored picture (left and right swapped) gives the same angles.
    """
    found: dict[JointAngle, float] = {}
    for joint, names in _POINTS.items():
        sides: list[tuple[float, float]] = []
        for side in ("left", "right"):
            points = [landmarks.get(f"{side}_{name}") for name in names]
            if any(p is None for p in points):
                continue
            a, b, c = (p for p in points if p is not None)
            seen = min(a.visibility, b.visibility, c.visibility)
            value = angle_deg(a, b, c, aspect)
            if seen >= min_visibility and value is not None:
                sides.append((seen, value))
        if sides:
            best = max(seen for seen, _ in sides)
            found[joint] = sum(v for seen, v in sides if seen == best) / sum(1 for seen, _ in sides if seen == best)
    return found


@dataclass(frozen=True)
class Bounce:
    t: float  # when the swing back ended
    amplitude_deg: float  # the mean size of the two swings
    frequency_hz: float  # the rate of a steady oscillation with swings as quick as these two


@dataclass(frozen=True)
class FrameResult:
    t: float
    angles: Mapping[JointAngle, float]  # every visible joint angle, unsmoothed
    value: float | None  # the target angle, smoothed; None when not visible
    state: State
    counted_s: float  # hold seconds this frame added (a hold confirmed as still counts the time it was still)


@dataclass(frozen=True)
class Segment:
    """One stay in the stretch's position, from entering it to leaving it."""

    start: float
    end: float
    held_s: float
    bounces: tuple[Bounce, ...]
    rom_deg: float | None  # the deepest angle held still; None when it was never still


@dataclass(frozen=True)
class Analysis:
    target: Target
    frames: tuple[FrameResult, ...]
    segments: tuple[Segment, ...]
    bounces: tuple[Bounce, ...]
    visible_share: float  # the share of frames where the target angle could be measured
    trusted: bool  # False: the camera could not see well enough, so the plain timer should be used

    @property
    def elapsed_s(self) -> float:
        return self.frames[-1].t - self.frames[0].t if self.frames else 0.0

    @property
    def held_s(self) -> float:
        return sum(f.counted_s for f in self.frames)

    @property
    def rom_deg(self) -> float | None:
        reached = [s.rom_deg for s in self.segments if s.rom_deg is not None]
        if not reached:
            return None
        deepest = reached[0]
        for value in reached[1:]:
            deepest = self.target.deeper(deepest, value)
        return deepest


SINE_RISE_SHARE = (math.acos(-0.8) - math.acos(0.8)) / math.pi  # 10-90 % of a sine's swing: 0.59 of its time


@dataclass
class _Turn:
    value: float
    first_t: float  # when the angle arrived within 10 % of the swing's size of this turning point


@dataclass
class _Swings:
    """Turning points of the smoothed angle with hysteresis (a zigzag): a turn counts once the angle has come
    back by the bounce amplitude, so jitter smaller than that never makes a swing. A swing's time runs from
    leaving one turning point to arriving near the next, so a pause at the top or bottom does not slow it."""

    settings: Settings
    direction: int = 0  # +1 rising towards a peak, -1 falling towards a trough, 0 not yet known
    anchor: _Turn | None = None  # the last confirmed turning point
    high: float = -math.inf  # the highest and lowest values since then
    low: float = math.inf
    samples: deque[tuple[float, float]] = field(default_factory=deque)  # (t, value), the last few seconds
    pending: list[tuple[float, float]] = field(default_factory=list)  # (size, seconds) of quick swings in a row

    def feed(self, t: float, v: float) -> Bounce | None:
        s = self.settings
        self.samples.append((t, v))
        # Older samples can only belong to swings too slow to be bounces.
        while self.samples[0][0] < t - 6 * s.bounce_max_rise_s:
            self.samples.popleft()
        self.high, self.low = max(self.high, v), min(self.low, v)
        if self.direction >= 0 and self.high - v >= s.bounce_amplitude_deg:
            extreme, self.direction = self.high, -1
        elif self.direction <= 0 and v - self.low >= s.bounce_amplitude_deg:
            extreme, self.direction = self.low, +1
        else:
            return None
        self.high = self.low = v
        return self._turn(extreme)

    def finish(self) -> Bounce | None:
        """At the end of the recording, a swing under way that already covers the amplitude counts as done."""
        if self.anchor is None or self.direction == 0:
            return None
        extreme = self.high if self.direction > 0 else self.low
        if abs(extreme - self.anchor.value) < self.settings.bounce_amplitude_deg:
            return None
        self.direction = 0
        return self._turn(extreme)

    def _turn(self, extreme: float) -> Bounce | None:
        """A turning point confirmed: the swing from the one before counts towards a bounce if it was quick.

        A swing's time is its rise time: from the last moment within 10 % of its size of where it started to the
        first moment within 10 % of where it ended, so pauses at either end do not count.
        """
        s = self.settings
        start = self.anchor
        since = start.first_t if start is not None else -math.inf
        swing = [(t, v) for t, v in self.samples if t >= since]
        size = abs(extreme - start.value) if start is not None else s.bounce_amplitude_deg
        margin = 0.1 * size
        arrived = next((i for i, (_, v) in enumerate(swing) if abs(v - extreme) <= margin), len(swing) - 1)
        near_start = [i for i, (_, v) in enumerate(swing[:arrived]) if start and abs(v - start.value) <= margin]
        turn = _Turn(extreme, swing[arrived][0])
        # No sample near the start any more: it left longer ago than the samples kept, far too slow for a bounce.
        seconds = turn.first_t - swing[near_start[-1]][0] if near_start else math.inf
        self.anchor = turn
        if start is None:  # the first turn: no whole swing seen yet
            return None
        if size < s.bounce_amplitude_deg or seconds > s.bounce_max_rise_s:
            self.pending.clear()
            return None
        self.pending.append((size, seconds))
        if len(self.pending) < 2:
            return None
        (size1, seconds1), (size2, seconds2) = self.pending
        self.pending.clear()
        # The rate of a steady oscillation whose swings are as quick (each 10-90 % rise is 59 % of a half period),
        # so pauses between bounces do not lower it; the floor keeps it finite for turns on neighbouring frames.
        rate = SINE_RISE_SHARE / 2 / max((seconds1 + seconds2) / 2, 0.005)
        return Bounce(turn.first_t, round((size1 + size2) / 2, 1), round(rate, 2))


class Tracker:
    """Feeds frames one at a time (a live camera) and keeps what is needed for the next; `analysis()` sums up."""

    def __init__(self, target: Target, aspect: float = 1.0, settings: Settings = DEFAULT_SETTINGS) -> None:
        self.target, self.aspect, self.settings = target, aspect, settings
        self._frames: list[FrameResult] = []
        self._bounces: list[Bounce] = []
        self._raw: deque[float] = deque(maxlen=settings.smooth_samples)
        self._window: deque[tuple[float, float]] = deque()  # (t, smoothed) since entering position, recent ones
        self._swings = _Swings(settings)
        self._last_t: float | None = None
        self._counted_until = -math.inf
        self._last_bounce_t = -math.inf

    def feed(self, frame: PoseFrame) -> FrameResult:
        s = self.settings
        if self._last_t is not None and frame.t <= self._last_t:
            raise ValueError(f"frame times must increase: {frame.t} after {self._last_t}")
        gap = frame.t - self._last_t if self._last_t is not None else 0.0
        self._last_t = frame.t
        angles = joint_angles(frame.landmarks, self.aspect, s.min_visibility)
        raw = angles.get(self.target.angle)
        if gap > s.max_gap_s:
            self._reset()
        if raw is None:
            self._reset()
            return self._keep(FrameResult(frame.t, angles, None, State.NOT_VISIBLE, 0.0))
        self._raw.append(raw)
        value = median(self._raw)
        bounce = self._swings.feed(frame.t, value)
        if bounce is not None:
            self._bounces.append(bounce)
            self._last_bounce_t = frame.t
        others = [(bound, angles.get(bound.angle)) for bound in self.target.also]
        if any(other is None for _, other in others):
            self._window.clear()
            return self._keep(FrameResult(frame.t, angles, value, State.NOT_VISIBLE, 0.0))
        if not self.target.reached(value) or not all(b.reached(v) for b, v in others if v is not None):
            self._window.clear()
            return self._keep(FrameResult(frame.t, angles, value, State.OUT_OF_POSITION, 0.0))
        self._window.append((frame.t, value))
        start = max(frame.t - s.still_window_s, self._last_bounce_t)
        while self._window and self._window[0][0] < start:
            self._window.popleft()
        if frame.t - self._last_bounce_t < s.bounce_linger_s:
            return self._keep(FrameResult(frame.t, angles, value, State.BOUNCING, 0.0))
        values = [v for _, v in self._window]
        span = frame.t - self._window[0][0]
        if max(values) - min(values) > s.still_range_deg or span < s.still_min_span_s:
            return self._keep(FrameResult(frame.t, angles, value, State.MOVING, 0.0))
        counted = frame.t - max(self._window[0][0], self._counted_until)
        self._counted_until = frame.t
        return self._keep(FrameResult(frame.t, angles, value, State.HOLDING, max(0.0, counted)))

    def _reset(self) -> None:
        """Lost sight of the person, or a gap in time: start afresh, as after a break."""
        self._raw.clear()
        self._window.clear()
        self._swings = _Swings(self.settings)

    def _keep(self, result: FrameResult) -> FrameResult:
        self._frames.append(result)
        return result

    def finish(self) -> Analysis:
        """The analysis once the recording or the stretch has ended (a last swing under way is counted)."""
        bounce = self._swings.finish()
        if bounce is not None:
            self._bounces.append(bounce)
        self._swings = _Swings(self.settings)
        return self.analysis()

    def analysis(self) -> Analysis:
        """The analysis so far."""
        frames = tuple(self._frames)
        visible = sum(1 for f in frames if f.state is not State.NOT_VISIBLE)
        share = visible / len(frames) if frames else 0.0
        segments = _segments(frames, self._bounces, self.target, self.settings)
        trusted = share >= self.settings.min_visible_share
        return Analysis(self.target, frames, segments, tuple(self._bounces), share, trusted)


class LiveHold:
    """One hold in front of a live camera: the seconds counted towards a goal, and when to stop trusting the camera.

    Out of sight (state `not-visible`) for `lost_after_s`, it stops guessing: from then on the plain timer counts
    the rest of the hold, whatever the camera sees.
    """

    def __init__(
        self, target: Target, goal_s: float, aspect: float = 1.0, settings: Settings = DEFAULT_SETTINGS,
        lost_after_s: float = 5.0,
    ) -> None:  # fmt: skip
        self.tracker = Tracker(target, aspect, settings)
        self.goal_s, self.lost_after_s = goal_s, lost_after_s
        self.counted_s = 0.0  # what the camera counted
        self.timer_from: float | None = None  # when the plain timer took over
        self._lost_since: float | None = None
        self._now = 0.0

    def feed(self, frame: PoseFrame) -> FrameResult:
        result = self.tracker.feed(frame)
        self._now = frame.t
        if self.timer_from is not None:
            return result
        self.counted_s += result.counted_s
        if result.state is not State.NOT_VISIBLE:
            self._lost_since = None
        elif self._lost_since is None:
            self._lost_since = frame.t
        elif frame.t - self._lost_since >= self.lost_after_s:
            self.timer_from = frame.t
        return result

    def held_s(self, now: float | None = None) -> float:
        """Seconds held so far: the camera's count, plus the plain timer's since it took over."""
        timer = 0.0 if self.timer_from is None else (self._now if now is None else now) - self.timer_from
        return min(self.goal_s, self.counted_s + timer)

    def done(self, now: float | None = None) -> bool:
        return self.held_s(now) >= self.goal_s


def _segments(
    frames: Sequence[FrameResult], bounces: Sequence[Bounce], target: Target, settings: Settings
) -> tuple[Segment, ...]:
    runs: list[list[FrameResult]] = []
    for frame in frames:
        if frame.state not in IN_POSITION:
            continue
        if runs and frame.t - runs[-1][-1].t <= settings.merge_gap_s:
            runs[-1].append(frame)
        else:
            runs.append([frame])
    segments = []
    for run in runs:
        start, end = run[0].t, run[-1].t
        held = [f.value for f in run if f.state is State.HOLDING and f.value is not None]
        rom: float | None = None
        for value in held:
            rom = value if rom is None else target.deeper(rom, value)
        inside = tuple(b for b in bounces if start <= b.t <= end)
        segments.append(Segment(start, end, sum(f.counted_s for f in run), inside, rom))
    return tuple(segments)


def analyze(
    frames: Iterable[PoseFrame], target: Target, aspect: float = 1.0, settings: Settings = DEFAULT_SETTINGS
) -> Analysis:
    """The whole analysis of a recorded series of frames."""
    tracker = Tracker(target, aspect, settings)
    for frame in frames:
        tracker.feed(frame)
    return tracker.finish()


class SeriesError(ValueError):
    """A landmark series that cannot be read; the message says where and what is wrong."""


@dataclass(frozen=True)
class LandmarkSeries:
    aspect: float  # the frame's width over its height
    frames: tuple[PoseFrame, ...]


def series_from_data(data: Any) -> LandmarkSeries:
    """Read a landmark series shaped as JSON: {"aspect": w/h, "frames": [{"t": s, "landmarks": ...}]}.

    `landmarks` is either an object by name ({"left_hip": {"x", "y", "z"?, "visibility"?}}) or a list of the 33
    BlazePose landmarks in order, each an object or a list [x, y, z?, visibility?]: what a browser's pose model
    gives. Frame times are in seconds and must increase.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("frames"), list):
        raise SeriesError("expected an object with a list 'frames'")
    aspect = data.get("aspect", 1.0)
    if not _is_number(aspect) or not 0.1 <= float(aspect) <= 10:
        raise SeriesError(f"'aspect' must be the frame's width over its height (0.1-10), not {aspect!r}")
    frames: list[PoseFrame] = []
    for i, item in enumerate(data["frames"]):
        where = f"frames[{i}]"
        if not isinstance(item, Mapping) or not _is_number(item.get("t")):
            raise SeriesError(f"{where}: needs a number 't' (seconds)")
        t = float(item["t"])
        if frames and t <= frames[-1].t:
            raise SeriesError(f"{where}: 't' must be later than the frame before ({t} after {frames[-1].t})")
        raw = item.get("landmarks") or {}
        if not isinstance(raw, Mapping | list):
            raise SeriesError(f"{where}.landmarks: expected an object by name or a list in BlazePose order")
        if isinstance(raw, list) and len(raw) > len(LANDMARK_NAMES):
            raise SeriesError(f"{where}.landmarks: a list holds at most the {len(LANDMARK_NAMES)} BlazePose landmarks")
        pairs: Iterable[tuple[Any, Any]] = (
            raw.items() if isinstance(raw, Mapping) else zip(LANDMARK_NAMES, raw, strict=False)
        )
        frames.append(PoseFrame(t, {str(name): _landmark(point, f"{where}.landmarks.{name}") for name, point in pairs}))
    return LandmarkSeries(float(aspect), tuple(frames))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _landmark(point: Any, where: str) -> Landmark:
    if isinstance(point, Sequence) and not isinstance(point, str):
        keys = ("x", "y", "z", "visibility")[: len(point)]
        point = dict(zip(keys, point, strict=False)) if len(point) >= 2 else None
    if not isinstance(point, Mapping) or not all(_is_number(point.get(k)) for k in ("x", "y")):
        raise SeriesError(f"{where}: needs numbers x and y")
    z, visibility = point.get("z"), point.get("visibility", 1.0)
    if z is not None and not _is_number(z):
        raise SeriesError(f"{where}: z must be a number")
    if not _is_number(visibility) or not 0 <= visibility <= 1:
        raise SeriesError(f"{where}: visibility must be between 0 and 1")
    return Landmark(float(point["x"]), float(point["y"]), None if z is None else float(z), float(visibility))
