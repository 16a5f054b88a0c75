"""Synthetic landmark series for the motion-analysis tests, posed from the library's own figures."""

from __future__ import annotations

import math

from backstretch.core.figure import FigureSpec, Joint, joints
from backstretch.core.motion import Landmark, PoseFrame

# Figure joints under their BlazePose names (the figure's hand stands for the wrist).
_NAMES = {
    f"{side}_{part}": Joint(f"{side}_{figure_part}")
    for side in ("left", "right")
    for part, figure_part in (("shoulder", "shoulder"), ("elbow", "elbow"), ("wrist", "hand"), ("hip", "hip"),
                              ("knee", "knee"), ("ankle", "ankle"), ("foot_index", "toe"))
}  # fmt: skip
_UNITS_PER_FRAME = 220.0  # the figure's units across a frame: a standing adult (176) fills most of its height


def figure_landmarks(spec: FigureSpec, share: float, visibility: float = 0.95) -> dict[str, Landmark]:
    """Landmarks of the figure's pose `share` of the way from its start (0) to its held position (1)."""
    start, hold = spec.start_pose(), spec.hold_pose()
    pose = {angle: start[angle] + (hold[angle] - start[angle]) * share for angle in hold}
    points = joints(pose, spec.view, spec.foreshorten, spec.breadth)
    return {
        name: Landmark(0.5 + points[joint][0] / _UNITS_PER_FRAME, 0.6 - points[joint][1] / _UNITS_PER_FRAME,
                       None, visibility)
        for name, joint in _NAMES.items()
    }  # fmt: skip


def stretch_series(spec: FigureSpec, shares: list[float], fps: float = 30.0) -> list[PoseFrame]:
    """One frame per share, `fps` frames a second."""
    return [PoseFrame(i / fps, figure_landmarks(spec, share)) for i, share in enumerate(shares)]


def ease(seconds_in: float, seconds_hold: float, fps: float = 30.0) -> list[float]:
    """Shares for moving smoothly into the stretch, then holding it."""
    n_in = round(seconds_in * fps)
    return [(1 - math.cos(math.pi * i / n_in)) / 2 for i in range(n_in)] + [1.0] * round(seconds_hold * fps)
