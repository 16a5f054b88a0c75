"""What a stretch's figure says about the body: hip and knee bend, arms overhead, head below the heart.

The figure data (core/figure.py) gives absolute segment directions for the start and the held pose. These pure
functions read joint angles from them so that the safety tags a stretch must carry follow from how it is drawn,
not from an author's memory. Every reading is taken in both poses: a stretch is what it passes through.

Conventions: in a side view the person faces right, so a thigh turned from "straight down along the trunk" toward
the face is hip flexion. Seen from above (someone lying on a mat) a thigh pointing up the body toward the head
is a hip bent past 90 degrees, which the same signed angle shows. From the front, hip bend cannot be seen (the
thigh points at the viewer), so flexion is not read from front views.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from backstretch.core.figure import Angle, FigureSpec, Joint, View, joints

# Thresholds, in degrees (or figure units, about a centimetre each).
HIP_FLEXION_LIMIT = 90.0  # hip replacement, posterior approach: no bending the hip past 90 (AAOS-THA)
# A bent knee drawn up this far toward the trunk, and held there, rolls the pelvis back and rounds the low back.
DEEP_HIP_FLEXION = 105.0
KNEE_BENT = 60.0  # knee bend at which a pull on the thigh acts through the bent knee toward the chest
HIP_BEHIND = 15.0  # the thigh clearly behind the trunk line: hip extension (AAOS-THA, anterior approach)
ARMS_OVERHEAD = 150.0  # upper arm within 30 degrees of pointing along the trunk past the head
ARM_OUT = 80.0  # upper arm out at about shoulder height or above
HEAD_BELOW_HEART = 5.0  # head centre this far below the heart (midway up the chest)
NECK_END_RANGE = 30.0  # head tipped this far from the line of the chest: the neck near the end of its range
MIDLINE_MARGIN = 2.0  # a knee this far past the body's midline crosses it


def _turn(a: float, b: float) -> float:
    """Signed turn from direction b to direction a, in (-180, 180]."""
    d = (a - b) % 360.0
    return d - 360.0 if d > 180.0 else d


@dataclass(frozen=True)
class Side:
    name: str  # "right" or "left"
    hip_flexion: float | None  # degrees; negative is the hip behind the body; None when the view cannot show it
    knee_flexion: float  # degrees away from straight
    arm_elevation: float  # 0 hanging along the trunk, 90 out at shoulder height, 180 straight past the head
    knee_past_midline: float | None  # figure units the knee is past the body's midline (front and above views)
    knee_raised: bool  # the knee is above the hip: the thigh is drawn up, not the trunk lowered onto it


@dataclass(frozen=True)
class PoseReading:
    """One pose (start or hold) read as joint angles."""

    pose: str  # "start" or "hold"
    sides: tuple[Side, Side]
    head_below_heart: float | None  # units the head is below the heart; None seen from above
    neck_tilt: float  # degrees the head is tipped from the line of the chest, either way

    @property
    def max_hip_flexion(self) -> float | None:
        values = [s.hip_flexion for s in self.sides if s.hip_flexion is not None]
        return max(values) if values else None


def _read(spec: FigureSpec, name: str, pose: dict[Angle, float]) -> PoseReading:
    trunk = pose[Angle.LUMBAR]
    chest = pose[Angle.CHEST]
    points = joints(pose, spec.view)
    sides: list[Side] = []
    for side in ("right", "left"):
        thigh, shin = pose[Angle(f"{side}_thigh")], pose[Angle(f"{side}_shin")]
        upper_arm = pose[Angle(f"{side}_upper_arm")]
        flexion: float | None = None
        if spec.view is not View.FRONT:
            # Thigh measured from "straight down along the trunk"; toward the face (anticlockwise) is flexion.
            flexion = _turn(thigh, trunk + 180.0)
            if spec.view is View.ABOVE:
                flexion = abs(flexion)  # from above either way up the body is toward the head
        crossing: float | None = None
        if spec.view is not View.SIDE:
            crossing = _past_midline(points, side, trunk)
        sides.append(
            Side(
                name=side,
                hip_flexion=flexion,
                knee_flexion=abs(_turn(shin, thigh)),
                arm_elevation=abs(_turn(upper_arm, chest + 180.0)),
                knee_past_midline=crossing,
                # From above someone lying down, a hip bent past 90 degrees can only be the knee drawn up.
                knee_raised=spec.view is View.ABOVE or math.sin(math.radians(thigh)) > math.sin(math.radians(10)),
            )
        )
    head_below: float | None = None
    if spec.view is not View.ABOVE:
        waist, neck = points[Joint.WAIST], points[Joint.NECK]
        heart_y = (waist[1] + neck[1]) / 2
        head_below = heart_y - points[Joint.HEAD][1]
    return PoseReading(
        pose=name,
        sides=(sides[0], sides[1]),
        head_below_heart=head_below,
        neck_tilt=abs(_turn(pose[Angle.HEAD], chest)),
    )


def _past_midline(points: dict[Joint, tuple[float, float]], side: str, trunk: float) -> float:
    """How far the knee is on the far side of the trunk's midline from its own hip (negative: on its own side)."""
    px, py = points[Joint.PELVIS]
    ux, uy = math.cos(math.radians(trunk)), math.sin(math.radians(trunk))

    def across(joint: Joint) -> float:
        x, y = points[joint]
        return (x - px) * uy - (y - py) * ux  # signed distance from the midline

    hip = across(Joint(f"{side}_hip"))
    knee = across(Joint(f"{side}_knee"))
    return -knee if hip > 0 else knee


def readings(spec: FigureSpec) -> tuple[PoseReading, PoseReading]:
    """The start and the held pose, read."""
    return _read(spec, "start", spec.start_pose()), _read(spec, "hold", spec.hold_pose())


@dataclass(frozen=True)
class Finding:
    """A fact read from the figure, with the words that say where it was seen."""

    fact: str
    where: str


def findings(spec: FigureSpec) -> Iterator[Finding]:
    """Every safety-relevant fact the figure shows, once each, with the pose and side it was first seen in."""
    seen: set[str] = set()

    def once(fact: str, where: str) -> Iterator[Finding]:
        if fact not in seen:
            seen.add(fact)
            yield Finding(fact, where)

    for r in readings(spec):
        for s in r.sides:
            at = f"the {s.name} leg in the figure's {r.pose} pose"
            if s.hip_flexion is not None and s.hip_flexion > HIP_FLEXION_LIMIT:
                yield from once("hip-past-90", f"{at} bends the hip {s.hip_flexion:.0f}°, past 90°")
                drawn_up = s.knee_raised and s.knee_flexion >= KNEE_BENT and s.hip_flexion >= DEEP_HIP_FLEXION
                if r.pose == "hold" and drawn_up:
                    yield from once(
                        "knee-to-chest",
                        f"{at} draws the bent knee toward the chest (hip {s.hip_flexion:.0f}°), which rolls the "
                        "pelvis back and rounds the lower back",
                    )
            if s.hip_flexion is not None and s.hip_flexion <= -HIP_BEHIND:
                yield from once("hip-behind", f"{at} takes the hip {-s.hip_flexion:.0f}° behind the body")
            if s.knee_past_midline is not None and s.knee_past_midline > MIDLINE_MARGIN:
                yield from once("leg-across", f"{at} crosses the knee past the body's midline")
            arm = f"the {s.name} arm in the figure's {r.pose} pose"
            if s.arm_elevation >= ARMS_OVERHEAD:
                yield from once("arms-overhead", f"{arm} is raised overhead ({s.arm_elevation:.0f}°)")
            if s.arm_elevation >= ARM_OUT:
                yield from once("arm-out", f"{arm} is held out at shoulder height or above")
        if r.head_below_heart is not None and r.head_below_heart > HEAD_BELOW_HEART:
            yield from once("head-below-heart", f"the figure's {r.pose} pose has the head below the heart")
        if r.neck_tilt >= NECK_END_RANGE:
            yield from once("neck-end-range", f"the figure's {r.pose} pose tips the head {r.neck_tilt:.0f}° "
                                              "from the line of the chest")  # fmt: skip
