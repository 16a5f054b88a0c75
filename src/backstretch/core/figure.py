"""Stretch figures drawn from pose data.

A pose is a base posture plus absolute segment angles in degrees: 0 points the way the person faces (to the
right of the picture in a side view), 90 points up, -90 down, 180 backwards. Absolute angles keep data files
readable ("the shin points straight down") and let a new stretch be drawn without any artwork: forward
kinematics turns angles into joints, the body is set down on its lowest point, and props (chair, wall, strap,
back-stretcher) are placed from the body.

Views: ``side`` looks at the person's right side (their left limbs are behind, drawn lighter); ``front`` faces
the person, so their left side is on the right of the picture; ``above`` looks down on someone lying on a mat.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Angle(StrEnum):
    LUMBAR = "lumbar"
    CHEST = "chest"
    HEAD = "head"
    RIGHT_THIGH = "right_thigh"
    RIGHT_SHIN = "right_shin"
    RIGHT_FOOT = "right_foot"
    LEFT_THIGH = "left_thigh"
    LEFT_SHIN = "left_shin"
    LEFT_FOOT = "left_foot"
    RIGHT_UPPER_ARM = "right_upper_arm"
    RIGHT_FOREARM = "right_forearm"
    LEFT_UPPER_ARM = "left_upper_arm"
    LEFT_FOREARM = "left_forearm"


class Joint(StrEnum):
    PELVIS = "pelvis"
    WAIST = "waist"
    NECK = "neck"
    HEAD = "head"
    RIGHT_SHOULDER = "right_shoulder"
    RIGHT_ELBOW = "right_elbow"
    RIGHT_HAND = "right_hand"
    LEFT_SHOULDER = "left_shoulder"
    LEFT_ELBOW = "left_elbow"
    LEFT_HAND = "left_hand"
    RIGHT_HIP = "right_hip"
    RIGHT_KNEE = "right_knee"
    RIGHT_ANKLE = "right_ankle"
    RIGHT_TOE = "right_toe"
    LEFT_HIP = "left_hip"
    LEFT_KNEE = "left_knee"
    LEFT_ANKLE = "left_ankle"
    LEFT_TOE = "left_toe"


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"
    ABOVE = "above"


class PropKind(StrEnum):
    CHAIR = "chair"
    WALL = "wall"
    STRAP = "strap"
    MAT = "mat"
    CUSHION = "cushion"
    BACK_STRETCHER = "back-stretcher"


_STAND: dict[Angle, float] = {
    Angle.LUMBAR: 90, Angle.CHEST: 90, Angle.HEAD: 90,
    Angle.RIGHT_THIGH: -90, Angle.RIGHT_SHIN: -90, Angle.RIGHT_FOOT: 0,
    Angle.LEFT_THIGH: -90, Angle.LEFT_SHIN: -90, Angle.LEFT_FOOT: 0,
    Angle.RIGHT_UPPER_ARM: -90, Angle.RIGHT_FOREARM: -90,
    Angle.LEFT_UPPER_ARM: -90, Angle.LEFT_FOREARM: -90,
}  # fmt: skip


def _with(**changes: float) -> dict[Angle, float]:
    pose = dict(_STAND)
    pose.update({Angle(name): value for name, value in changes.items()})
    return pose


# Starting postures for data files; a figure overrides only the angles that differ.
BASE_POSES: dict[str, dict[Angle, float]] = {
    "standing": _with(),
    "chair-sitting": _with(
        right_thigh=0, left_thigh=0, right_shin=-90, left_shin=-90,
        right_upper_arm=-80, left_upper_arm=-80, right_forearm=-10, left_forearm=-10,
    ),
    "long-sitting": _with(
        right_thigh=0, left_thigh=0, right_shin=0, left_shin=0, right_foot=90, left_foot=90,
        right_upper_arm=-95, left_upper_arm=-95, right_forearm=-95, left_forearm=-95,
    ),
    "supine": _with(
        lumbar=180, chest=180, head=180, right_thigh=0, left_thigh=0, right_shin=0, left_shin=0,
        right_foot=90, left_foot=90, right_upper_arm=0, left_upper_arm=0, right_forearm=0, left_forearm=0,
    ),
    "supine-knees-bent": _with(
        lumbar=180, chest=180, head=180, right_thigh=45, left_thigh=45, right_shin=-45, left_shin=-45,
        right_foot=0, left_foot=0, right_upper_arm=0, left_upper_arm=0, right_forearm=0, left_forearm=0,
    ),
    "prone": _with(
        lumbar=0, chest=0, head=0, right_thigh=180, left_thigh=180, right_shin=180, left_shin=180,
        right_foot=-90, left_foot=-90, right_upper_arm=180, left_upper_arm=180,
        right_forearm=180, left_forearm=180,
    ),
    "all-fours": _with(
        lumbar=0, chest=0, head=10, right_thigh=-90, left_thigh=-90, right_shin=180, left_shin=180,
        right_foot=180, left_foot=180, right_upper_arm=-90, left_upper_arm=-90,
        right_forearm=-90, left_forearm=-90,
    ),
    "kneeling": _with(
        right_thigh=-90, left_thigh=-90, right_shin=180, left_shin=180, right_foot=180, left_foot=180,
    ),
    "side-lying": _with(
        lumbar=0, chest=0, head=0, right_thigh=180, left_thigh=180, right_shin=180, left_shin=180,
        right_foot=180, left_foot=180, right_upper_arm=180, left_upper_arm=180,
        right_forearm=180, left_forearm=180,
    ),
}  # fmt: skip

BasePose = Literal[
    "standing", "chair-sitting", "long-sitting", "supine", "supine-knees-bent", "prone", "all-fours",
    "kneeling", "side-lying",
]  # fmt: skip


class Prop(BaseModel):
    """Something the body touches. ``at`` anchors it to a joint; a strap runs from ``at`` to ``to``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: PropKind
    at: Joint | None = None
    to: Joint | None = None
    # On the far side of the body (a chair sat on sideways, a limb passing in front of it): drawn paler, so the
    # limbs that cross it read as in front of it rather than through it.
    far: bool = False

    @model_validator(mode="after")
    def _anchors(self) -> Prop:
        if self.kind is PropKind.STRAP and (self.at is None or self.to is None):
            raise ValueError("a strap needs both 'at' and 'to' joints")
        if self.kind in (PropKind.WALL, PropKind.CUSHION) and self.at is None:
            raise ValueError(f"a {self.kind.value} needs an 'at' joint")
        return self


class Arrow(BaseModel):
    """A direction-of-movement arrow, for what the pose alone cannot show.

    ``turn`` (with ``around``): the head, chest or pelvis turns to the person's left or right about its own long
    axis, which a side or front view cannot draw. It is drawn as a curved arrow on the near side of a ring around
    that part. ``move`` (with ``at``): a joint moves in the direction ``move`` (degrees, the same convention as the
    segment angles), drawn as a straight arrow beside the joint, ``length`` units long.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    turn: Literal["left", "right"] | None = None
    around: Literal["head", "chest", "pelvis"] | None = None
    move: Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)] | None = None
    at: Joint | None = None
    length: Annotated[float, Field(ge=10, le=80)] = 30.0

    @model_validator(mode="after")
    def _one_kind(self) -> Arrow:
        if (self.turn is None) == (self.move is None):
            raise ValueError(
                'an arrow either turns (turn = "left" or "right", with around = "head", "chest" or "pelvis") or '
                "moves (move = a direction in degrees, with at = a joint): give exactly one of turn and move"
            )
        if self.turn is not None and (self.around is None or self.at is not None):
            raise ValueError('a turning arrow needs around = "head", "chest" or "pelvis", and no at')
        if self.move is not None and (self.at is None or self.around is not None):
            raise ValueError("a moving arrow needs at = the joint that moves, and no around")
        return self


class FigureSpec(BaseModel):
    """Pose data for a stretch: where it starts and what the held position looks like."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    view: View = View.SIDE
    base: BasePose
    start: dict[Angle, float] = Field(default_factory=dict)
    hold: dict[Angle, float] = Field(default_factory=dict)
    props: tuple[Prop, ...] = ()
    # A segment pointing toward the viewer looks shorter: 0.3 draws it at 30 % of its length.
    foreshorten: dict[Angle, Annotated[float, Field(ge=0.05, le=1.0)]] = Field(default_factory=dict)
    # In the front and above views, how much of the shoulders' and hips' breadth is seen: 1 square on, 0.2 nearly
    # edge on (someone lying on their side, seen from above).
    breadth: Annotated[float, Field(ge=0.05, le=1.0)] = 1.0
    # Limb segments that pass behind the trunk in this view (thighs seen from the front on hands and knees): drawn
    # first, so the trunk and head cover them.
    behind: tuple[Angle, ...] = ()
    # Direction-of-movement arrows drawn over the held position (turns a flat view cannot show).
    arrows: tuple[Arrow, ...] = ()

    def start_pose(self) -> dict[Angle, float]:
        return {**BASE_POSES[self.base], **self.start}

    def hold_pose(self) -> dict[Angle, float]:
        return {**self.start_pose(), **self.hold}


# Segment lengths and thicknesses, in figure units (a standing adult is about 176 units tall).
LUMBAR, CHEST, NECK, HEAD_R = 24.0, 30.0, 7.0, 11.5
UPPER_ARM, FOREARM = 29.0, 30.0
THIGH, SHIN, FOOT = 43.0, 42.0, 15.0
SHOULDER_HALF, HIP_HALF = 17.0, 8.5
WIDTH = {
    "torso": 24.0, "neck": 10.0, "upper_arm": 10.5, "forearm": 8.5,
    "thigh": 16.0, "shin": 12.0, "foot": 8.0,
}  # fmt: skip

Point = tuple[float, float]


def _step(origin: Point, degrees: float, length: float) -> Point:
    radians = math.radians(degrees)
    return (origin[0] + length * math.cos(radians), origin[1] + length * math.sin(radians))


def joints(
    pose: dict[Angle, float], view: View, foreshorten: Mapping[Angle, float] | None = None, breadth: float = 1.0
) -> dict[Joint, Point]:
    """Forward kinematics from the pelvis, in model space (y up), before the body is set on the floor."""
    a = pose
    short = foreshorten or {}

    def seg(origin: Point, angle: Angle, length: float) -> Point:
        return _step(origin, a[angle], length * short.get(angle, 1.0))

    pelvis: Point = (0.0, 0.0)
    waist = seg(pelvis, Angle.LUMBAR, LUMBAR)
    neck = seg(waist, Angle.CHEST, CHEST)
    head = seg(neck, Angle.HEAD, NECK + HEAD_R)
    out: dict[Joint, Point] = {Joint.PELVIS: pelvis, Joint.WAIST: waist, Joint.NECK: neck, Joint.HEAD: head}
    shoulder_base = _step(neck, a[Angle.CHEST] + 180, 4.0)
    lateral = view is not View.SIDE
    shoulder_line, hip_line = a[Angle.CHEST] - 90, a[Angle.LUMBAR] - 90
    for side, sign in (("right", -1.0), ("left", 1.0)):
        # Seen from the front, the person's right is on the picture's left: sideways offsets run across the trunk.
        shoulder = _step(shoulder_base, shoulder_line, sign * SHOULDER_HALF * breadth) if lateral else shoulder_base
        hip = _step(pelvis, hip_line, sign * HIP_HALF * breadth) if lateral else pelvis
        elbow = seg(shoulder, Angle(f"{side}_upper_arm"), UPPER_ARM)
        hand = seg(elbow, Angle(f"{side}_forearm"), FOREARM)
        knee = seg(hip, Angle(f"{side}_thigh"), THIGH)
        ankle = seg(knee, Angle(f"{side}_shin"), SHIN)
        toe = seg(ankle, Angle(f"{side}_foot"), FOOT if not lateral else FOOT * 0.45)
        out.update(
            {
                Joint(f"{side}_shoulder"): shoulder,
                Joint(f"{side}_elbow"): elbow,
                Joint(f"{side}_hand"): hand,
                Joint(f"{side}_hip"): hip,
                Joint(f"{side}_knee"): knee,
                Joint(f"{side}_ankle"): ankle,
                Joint(f"{side}_toe"): toe,
            }
        )
    return out


@dataclass(frozen=True)
class Segment:
    a: Joint
    b: Joint
    width: float
    layer: Literal["far", "body", "near"]
    angle: Angle | None = None


def _segments(view: View) -> list[Segment]:
    far: Literal["far", "near"] = "far" if view is View.SIDE else "near"
    limbs: list[Segment] = []
    for side, layer in (("left", far), ("right", "near")):
        j = {name: Joint(f"{side}_{name}") for name in ("shoulder", "elbow", "hand", "hip", "knee", "ankle", "toe")}
        limbs += [
            Segment(j["hip"], j["knee"], WIDTH["thigh"], layer, Angle(f"{side}_thigh")),
            Segment(j["knee"], j["ankle"], WIDTH["shin"], layer, Angle(f"{side}_shin")),
            Segment(j["ankle"], j["toe"], WIDTH["foot"], layer, Angle(f"{side}_foot")),
            Segment(j["shoulder"], j["elbow"], WIDTH["upper_arm"], layer, Angle(f"{side}_upper_arm")),
            Segment(j["elbow"], j["hand"], WIDTH["forearm"], layer, Angle(f"{side}_forearm")),
        ]
    trunk = [
        Segment(Joint.PELVIS, Joint.WAIST, WIDTH["torso"], "body"),
        Segment(Joint.WAIST, Joint.NECK, WIDTH["torso"], "body"),
        Segment(Joint.NECK, Joint.HEAD, WIDTH["neck"], "body"),
    ]
    return limbs + trunk


@dataclass(frozen=True)
class Placed:
    """A pose set down in the scene: joints in model space with the floor at y = 0."""

    joints: dict[Joint, Point]
    view: View
    behind: frozenset[Angle] = frozenset()

    def lowest_under(self, x0: float, x1: float, trunk_only: bool = False) -> float:
        """The lowest body edge over a span of x, used to fit a prop under the body (or under the trunk alone).

        Each segment counts only over the part of it above the span, so a sloping back is measured where it is.
        """
        lows = []
        for s in _segments(self.view):
            if trunk_only and s.layer != "body":
                continue
            (ax, ay), (bx, by) = self.joints[s.a], self.joints[s.b]
            lo, hi = max(x0, min(ax, bx)), min(x1, max(ax, bx))
            if lo > hi:
                continue
            if ax == bx:
                lows.append(min(ay, by) - s.width / 2)
                continue
            ys = [ay + (by - ay) * (x - ax) / (bx - ax) for x in (lo, hi)]
            lows.append(min(ys) - s.width / 2)
        return min(lows) if lows else 0.0


def _body_bottom(points: dict[Joint, Point], view: View, exclude: frozenset[Joint] = frozenset()) -> float:
    bottoms = [points[Joint.HEAD][1] - HEAD_R]
    for s in _segments(view):
        for j in (s.a, s.b):
            if j not in exclude:
                bottoms.append(points[j][1] - s.width / 2)
    return min(bottoms)


def place(pose: dict[Angle, float], spec: FigureSpec) -> Placed:
    """Set the body on the floor (y = 0), or on a chair seat whose legs stand on the floor."""
    points = joints(pose, spec.view, spec.foreshorten, spec.breadth)
    if spec.view is View.ABOVE:
        return Placed(points, spec.view, frozenset(spec.behind))
    floor = _body_bottom(points, spec.view)
    shifted = {j: (x, y - floor) for j, (x, y) in points.items()}
    return Placed(shifted, spec.view, frozenset(spec.behind))


# Colours chosen for contrast on white and in greyscale print.
BODY, NEAR_LIMB, FAR_LIMB, OUTLINE = "#2c6e8f", "#1d4f69", "#86b0c6", "#ffffff"
PROP_FILL, PROP_LINE, STRAP, GHOST = "#d9d4cc", "#8a8378", "#d9822b", "#a9b1b7"
FAR_PROP_FILL, FAR_PROP_LINE = "#eceae5", "#c4bfb6"
ARROW = "#c2187a"  # magenta: apart from the blue body, the orange strap and the grey props
ARROW_WIDTH, ARROW_HEAD = 4.5, 11.0


def _capsule(p: Point, q: Point, width: float, colour: str, extra: str = "") -> str:
    return (
        f'<line x1="{p[0]:.1f}" y1="{-p[1]:.1f}" x2="{q[0]:.1f}" y2="{-q[1]:.1f}" stroke="{colour}" '
        f'stroke-width="{width:.1f}" stroke-linecap="round"{extra}/>'
    )


def _body_svg(placed: Placed, ghost: bool = False) -> list[str]:
    pts = placed.joints
    layers: dict[str, list[str]] = {"behind": [], "far": [], "body": [], "near": []}
    side_view = placed.view is View.SIDE
    for seg in _segments(placed.view):
        p, q = pts[seg.a], pts[seg.b]
        # A segment the figure says passes behind the trunk is drawn before everything else, in its usual colour.
        layer = "behind" if seg.angle in placed.behind else seg.layer
        if ghost:
            layers[layer].append(_capsule(p, q, seg.width, GHOST))
            continue
        if seg.layer == "near":
            # A thin white gap keeps a limb readable where it crosses the trunk or the other limbs.
            layers[layer].append(_capsule(p, q, seg.width + 3, OUTLINE))
        colour = {"far": FAR_LIMB, "body": BODY, "near": NEAR_LIMB if side_view else BODY}[seg.layer]
        if layer == "behind" and side_view:
            colour = FAR_LIMB  # beyond the trunk, on the far side, like the far limbs
        layers[layer].append(_capsule(p, q, seg.width, colour))
    colour = GHOST if ghost else BODY
    if not side_view:
        # Seen from the front or above, the trunk is a broad shape between shoulders and hips.
        corners = [pts[Joint.LEFT_HIP], pts[Joint.RIGHT_HIP], pts[Joint.RIGHT_SHOULDER], pts[Joint.LEFT_SHOULDER]]
        path = " ".join(f"{x:.1f},{-y:.1f}" for x, y in corners)
        layers["body"].append(
            f'<polygon points="{path}" fill="{colour}" stroke="{colour}" stroke-width="10" stroke-linejoin="round"/>'
        )
    hx, hy = pts[Joint.HEAD]
    layers["body"].append(f'<circle cx="{hx:.1f}" cy="{-hy:.1f}" r="{HEAD_R}" fill="{colour}"/>')
    if side_view and not ghost:
        # A small nose shows which way the person faces, which matters most when they lie down.
        nx, ny = pts[Joint.HEAD]
        axis = math.atan2(hy - pts[Joint.NECK][1], hx - pts[Joint.NECK][0])
        face = axis - math.pi / 2
        nx, ny = hx + (HEAD_R - 1) * math.cos(face), hy + (HEAD_R - 1) * math.sin(face)
        layers["body"].append(f'<circle cx="{nx:.1f}" cy="{-ny:.1f}" r="3.2" fill="{colour}"/>')
    return layers["behind"] + layers["far"] + layers["body"] + layers["near"]


def _prop_svg(prop: Prop, placed: Placed) -> list[str]:
    parts = _prop_shapes(prop, placed)
    if prop.far:
        # Paler colours, not an opacity group: the player takes the first group with an opacity for the start pose.
        swap = {PROP_FILL: FAR_PROP_FILL, PROP_LINE: FAR_PROP_LINE}
        parts = [_recolour(part, swap) for part in parts]
    return parts


def _recolour(svg: str, swap: Mapping[str, str]) -> str:
    for old, new in swap.items():
        svg = svg.replace(f'"{old}"', f'"{new}"')
    return svg


def _prop_shapes(prop: Prop, placed: Placed) -> list[str]:
    pts = placed.joints
    pelvis = pts[Joint.PELVIS]
    rect = f'fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="2" stroke-linejoin="round"'
    if prop.kind is PropKind.CHAIR:
        if prop.at is not None:
            # A chair held for balance: the top of its back is at the hand, the seat away from the person.
            hx, hy = pts[prop.at]
            ahead = 1.0 if hx >= pelvis[0] else -1.0
            seat_y, back_x = 46.0, hx + ahead * 4
            seat_x0, seat_x1 = sorted((back_x, back_x + ahead * 40))
            return [
                _capsule((back_x, 0), (back_x, hy - 3), 5, PROP_LINE),
                _capsule((back_x + ahead * 40, 0), (back_x + ahead * 40, seat_y), 5, PROP_LINE),
                f'<rect x="{seat_x0:.1f}" y="{-seat_y - 3:.1f}" width="{seat_x1 - seat_x0:.1f}" height="6" '
                f'rx="2" {rect}/>',
            ]
        seat_y = pelvis[1] - WIDTH["thigh"] / 2
        if placed.view is View.SIDE:
            x0, x1 = pelvis[0] - 20, pelvis[0] + 22
            return [
                _capsule((x0 + 2, 0), (x0 + 2, seat_y), 5, PROP_LINE),
                _capsule((x1 - 2, 0), (x1 - 2, seat_y), 5, PROP_LINE),
                _capsule((x0 - 2, seat_y), (x0 - 6, seat_y + 46), 6, PROP_LINE),
                f'<rect x="{x0 - 4:.1f}" y="{-seat_y:.1f}" width="{x1 - x0 + 4:.1f}" height="6" rx="2" {rect}/>',
            ]
        x0, x1 = pelvis[0] - 30, pelvis[0] + 30
        return [
            _capsule((x0 + 4, 0), (x0 + 4, seat_y), 5, PROP_LINE),
            _capsule((x1 - 4, 0), (x1 - 4, seat_y), 5, PROP_LINE),
            f'<rect x="{x0:.1f}" y="{-seat_y:.1f}" width="{x1 - x0:.1f}" height="7" rx="2" {rect}/>',
        ]
    if prop.kind is PropKind.WALL and prop.at is not None:
        x, _ = pts[prop.at]
        ahead = 1.0 if x >= pelvis[0] else -1.0
        wall_x = x + ahead * 6
        top = max(y for _, y in pts.values()) + 30
        return [f'<rect x="{min(wall_x, wall_x + ahead * 10):.1f}" y="{-top:.1f}" width="10" '
                f'height="{top:.1f}" fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="2"/>']  # fmt: skip
    if prop.kind is PropKind.STRAP and prop.at is not None and prop.to is not None:
        return [_capsule(pts[prop.at], pts[prop.to], 3.5, STRAP)]
    if prop.kind is PropKind.CUSHION and prop.at is not None:
        x = pts[prop.at][0]
        height = max(placed.lowest_under(x - 8, x + 8), 6.0)
        return [f'<rect x="{x - 20:.1f}" y="{-height:.1f}" width="40" height="{height:.1f}" rx="8" {rect}/>']
    if prop.kind is PropKind.BACK_STRETCHER:
        # An arched board under the back, its crest under the waist, filling the gap between floor and body.
        x0, x1 = sorted((pelvis[0], pts[Joint.NECK][0]))
        crest_x = pts[Joint.WAIST][0]
        # The arms lie beside the trunk, not on the board: only the trunk decides the arch's height.
        crest = max(placed.lowest_under(crest_x, crest_x, trunk_only=True), 8.0)
        span0, span1 = x0 - 10, x1 + 4
        return [
            f'<path d="M {span0:.1f},0 Q {crest_x:.1f},{-2 * crest:.1f} {span1:.1f},0 Z" {rect}/>',
            f'<line x1="{span0:.1f}" y1="0" x2="{span1:.1f}" y2="0" stroke="{PROP_LINE}" stroke-width="2"/>',
        ]
    return []


def _arrow_path(arrow: Arrow, placed: Placed) -> list[Point]:
    """The arrow's shaft as points from tail to tip, in model space."""
    pts = placed.joints
    if arrow.move is not None and arrow.at is not None:
        tail = _step(pts[arrow.at], arrow.move, 14.0)
        return [tail, _step(tail, arrow.move, arrow.length)]
    # A turn: an ellipse around the part's long axis, seen a little from its end, so its lower half is the near side.
    if arrow.around == "head":
        base, tip = pts[Joint.NECK], pts[Joint.HEAD]
        centre, radius = _step(tip, math.degrees(math.atan2(tip[1] - base[1], tip[0] - base[0])), -7.0), HEAD_R + 8
    elif arrow.around == "chest":
        base, tip = pts[Joint.WAIST], pts[Joint.NECK]
        centre = (base[0] + 0.6 * (tip[0] - base[0]), base[1] + 0.6 * (tip[1] - base[1]))  # below the shoulders
        radius = max(_half_span(pts, Joint.RIGHT_SHOULDER, Joint.LEFT_SHOULDER) + 12, WIDTH["torso"] / 2 + 11)
    else:
        base, tip = pts[Joint.PELVIS], pts[Joint.WAIST]
        centre = base
        radius = max(_half_span(pts, Joint.RIGHT_HIP, Joint.LEFT_HIP) + 20, WIDTH["torso"] / 2 + 11)
    axis = math.atan2(tip[1] - base[1], tip[0] - base[0])
    u = (math.cos(axis), math.sin(axis))
    p = (u[1], -u[0])  # the axis turned clockwise in the picture
    # Turning right, the near side moves anticlockwise of the axis (toward -p), whatever the view: the picture is
    # a real (unmirrored) view of a real body. Turning left, toward +p.
    first, last = (-20.0, -160.0) if arrow.turn == "right" else (-160.0, -20.0)
    minor = radius * 0.4
    path = []
    for i in range(17):
        theta = math.radians(first + (last - first) * i / 16)
        path.append((centre[0] + radius * math.cos(theta) * p[0] + minor * math.sin(theta) * u[0],
                     centre[1] + radius * math.cos(theta) * p[1] + minor * math.sin(theta) * u[1]))  # fmt: skip
    return path


def _half_span(pts: dict[Joint, Point], a: Joint, b: Joint) -> float:
    return math.dist(pts[a], pts[b]) / 2


def _turned_face(spec: FigureSpec, placed: Placed) -> list[str]:
    """Seen from the front, a head that turns is drawn turned: its nose shows at the side it turns to."""
    turns = [a.turn for a in spec.arrows if a.around == "head"]
    if placed.view is not View.FRONT or not turns:
        return []
    pts = placed.joints
    neck, head = pts[Joint.NECK], pts[Joint.HEAD]
    axis = math.degrees(math.atan2(head[1] - neck[1], head[0] - neck[0]))
    # The person's right is anticlockwise of the head's axis in a front view (to the left of the picture).
    nx, ny = _step(head, axis + (90 if turns[0] == "right" else -90), HEAD_R - 1)
    return [f'<circle class="nose" cx="{nx:.1f}" cy="{-ny:.1f}" r="3.2" fill="{BODY}"/>']


def _arrow_head(path: list[Point]) -> list[Point]:
    (ax, ay), (bx, by) = path[-2], path[-1]
    heading = math.atan2(by - ay, bx - ax)
    back = (bx - ARROW_HEAD * math.cos(heading), by - ARROW_HEAD * math.sin(heading))
    half = ARROW_HEAD * 0.6
    tip = _step((bx, by), math.degrees(heading), ARROW_HEAD * 0.35)
    return [tip, _step(back, math.degrees(heading) + 90, half), _step(back, math.degrees(heading) - 90, half)]


def _arrow_svg(arrow: Arrow, placed: Placed) -> list[str]:
    path = _arrow_path(arrow, placed)
    head = _arrow_head(path)
    # Stop the shaft inside the head so its round end does not poke out of the point.
    heading = math.atan2(path[-1][1] - path[-2][1], path[-1][0] - path[-2][0])
    shaft = [*path[:-1], _step(path[-1], math.degrees(heading), -ARROW_HEAD * 0.4)]
    line = " ".join(f"{x:.1f},{-y:.1f}" for x, y in shaft)
    tri = " ".join(f"{x:.1f},{-y:.1f}" for x, y in head)
    kind = f"turn-{arrow.turn}" if arrow.turn is not None else "move"
    return [
        f'<g class="arrow {kind}">'
        f'<polyline points="{line}" fill="none" stroke="{OUTLINE}" stroke-width="{ARROW_WIDTH + 3}" '
        f'stroke-linecap="round" stroke-linejoin="round"/>'
        f'<polygon points="{tri}" fill="{OUTLINE}" stroke="{OUTLINE}" stroke-width="3" stroke-linejoin="round"/>'
        f'<polyline points="{line}" fill="none" stroke="{ARROW}" stroke-width="{ARROW_WIDTH}" '
        f'stroke-linecap="round" stroke-linejoin="round"/>'
        f'<polygon points="{tri}" fill="{ARROW}"/></g>'
    ]


def render_svg(
    spec: FigureSpec,
    *,
    title: str = "",
    ghost_start: bool = True,
    size: int = 240,
    pose: Literal["both", "start", "hold"] = "both",
) -> str:
    """The held position, with the starting position faintly behind it when the two differ.

    `pose="start"` draws only the starting position, at full contrast, and `pose="hold"` only the held one with its
    arrows: the player shows the two side by side while a person gets into position. Both keep the frame of the
    two poses together, so they line up at the same scale."""
    hold = place(spec.hold_pose(), spec)
    props = list(spec.props)
    behind = [p for p in props if p.kind is not PropKind.STRAP]
    in_front = [p for p in props if p.kind is PropKind.STRAP]
    parts: list[str] = []
    start = place(spec.start_pose(), spec) if spec.hold else hold
    dx = hold.joints[Joint.PELVIS][0] - start.joints[Joint.PELVIS][0]
    start = Placed({j: (x + dx, y) for j, (x, y) in start.joints.items()}, start.view, start.behind)
    shown = start if pose == "start" else hold
    prop_parts = [svg for p in behind for svg in _prop_svg(p, shown)]
    if ghost_start and spec.hold and pose == "both":
        # The start group carries its own copy of the props (the room does not move), so that the player, which
        # shows this group alone while a person gets into position, shows the chair or wall with it.
        parts += ['<g opacity="0.45">', *prop_parts, *_body_svg(start, ghost=True), "</g>"]
    body_parts = _body_svg(shown) + (_turned_face(spec, hold) if pose != "start" else [])
    strap_parts = [svg for p in in_front for svg in _prop_svg(p, shown)]
    arrow_parts = [] if pose == "start" else [svg for a in spec.arrows for svg in _arrow_svg(a, hold)]
    arrow_points = [q for a in spec.arrows for path in [_arrow_path(a, hold)] for q in path + _arrow_head(path)]

    framed = (hold, start) if ghost_start or pose != "both" else (hold,)
    xs = [x for pl in framed for x, _ in pl.joints.values()] + [x for x, _ in arrow_points]
    ys = [y for pl in framed for _, y in pl.joints.values()] + [y for _, y in arrow_points]
    pad = 24.0
    x0, x1 = min(xs) - pad, max(xs) + pad
    y_top = max(ys) + pad
    y_bottom = min(min(ys) - pad, -12.0)
    for p in props:
        if p.kind is PropKind.WALL and p.at is not None:
            wx = hold.joints[p.at][0]
            x0, x1 = min(x0, wx - 30), max(x1, wx + 30)
        if p.kind is PropKind.CHAIR:
            x0, x1 = min(x0, hold.joints[Joint.PELVIS][0] - 40), max(x1, hold.joints[Joint.PELVIS][0] + 40)
            if p.at is not None:
                hx = hold.joints[p.at][0]
                x0, x1 = min(x0, hx - 50), max(x1, hx + 50)
    ground: list[str] = []
    if spec.view is View.ABOVE:
        ground.append(
            f'<rect x="{x0 + 8:.1f}" y="{-y_top + 8:.1f}" width="{x1 - x0 - 16:.1f}" '
            f'height="{y_top - y_bottom - 16:.1f}" rx="10" fill="#eef1e8" stroke="#cdd3c4" stroke-width="2"/>'
        )
    else:
        if any(p.kind is PropKind.MAT for p in props):
            ground.append(f'<rect x="{x0 + 6:.1f}" y="-3" width="{x1 - x0 - 12:.1f}" height="5" rx="2" '
                          f'fill="#9bb07f"/>')  # fmt: skip
        ground.append(f'<line x1="{x0:.1f}" y1="2" x2="{x1:.1f}" y2="2" stroke="#6b6b6b" stroke-width="3"/>')
    width, height = x1 - x0, y_top - y_bottom
    scale = size / max(width, height)
    label = f"<title>{_escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {-y_top:.1f} {width:.1f} {height:.1f}" '
        f'width="{width * scale:.0f}" height="{height * scale:.0f}" role="img">{label}'
        + "".join(ground + parts + prop_parts + body_parts + strap_parts + arrow_parts)
        + "</svg>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_text(
    spec: FigureSpec, columns: int = 36, rows: int = 16, pose: Literal["start", "hold"] = "hold"
) -> list[str]:
    """The held (or starting) position as terminal text: half-block characters, two pixels per character cell.

    The same pose data as the SVG, rasterised: each body segment is a thick capsule, the head a disc, the floor
    a line, so the figure reads in any terminal without images.
    """
    placed = place(spec.start_pose() if pose == "start" else spec.hold_pose(), spec)
    pts = placed.joints
    shapes: list[tuple[Point, Point, float]] = [(pts[s.a], pts[s.b], s.width / 2) for s in _segments(placed.view)]
    shapes.append((pts[Joint.HEAD], pts[Joint.HEAD], HEAD_R))
    xs = [x for x, _ in pts.values()]
    ys = [y for _, y in pts.values()]
    x0, x1 = min(xs) - 14, max(xs) + 14
    y0, y1 = min(min(ys) - 14, -4.0), max(ys) + HEAD_R + 4
    height_px = rows * 2
    scale = max((x1 - x0) / columns, (y1 - y0) / height_px)
    x_mid, y_bottom = (x0 + x1) / 2, y0

    def inside(px: float, py: float) -> bool:
        for (ax, ay), (bx, by), radius in shapes:
            dx, dy = bx - ax, by - ay
            length2 = dx * dx + dy * dy
            t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
            cx, cy = ax + t * dx, ay + t * dy
            if (px - cx) ** 2 + (py - cy) ** 2 <= radius * radius:
                return True
        return False

    grid = [[False] * columns for _ in range(height_px)]
    for r in range(height_px):
        py = y_bottom + (height_px - r - 0.5) * scale
        for c in range(columns):
            px = x_mid + (c + 0.5 - columns / 2) * scale
            grid[r][c] = inside(px, py)
    floor_row = height_px - 1 - int((0 - y_bottom) / scale) if spec.view is not View.ABOVE else None
    lines = []
    for r in range(0, height_px, 2):
        chars = []
        for c in range(columns):
            top, bottom = grid[r][c], grid[r + 1][c]
            cell = "█" if top and bottom else "▀" if top else "▄" if bottom else " "
            if cell == " " and floor_row is not None and r <= floor_row <= r + 1:
                cell = "▁"
            chars.append(cell)
        lines.append("".join(chars).rstrip())
    return lines
