"""Joint angles read from figures: the facts the derived safety tags rest on."""

from __future__ import annotations

import pytest

from backstretch.core.figure import FigureSpec
from backstretch.core.posture import findings, readings
from backstretch.library import load_catalogue


def hold(base: str, view: str = "side", **angles: float) -> FigureSpec:
    return FigureSpec.model_validate({"view": view, "base": base, "hold": angles})


@pytest.mark.parametrize(
    ("spec", "hip"),
    [
        (hold("standing"), 0.0),
        (hold("chair-sitting"), 90.0),
        (hold("all-fours"), 90.0),
        (hold("supine-knees-bent", right_thigh=120), 120.0),  # knee drawn to the chest lying down
        (hold("standing", right_thigh=-120), -30.0),  # the leg behind the body
        (hold("chair-sitting", lumbar=60), 120.0),  # leaning forward in a chair
        (hold("prone", lumbar=30), -30.0),  # chest lifted from lying on the front
    ],
)
def test_hip_bend_is_the_thigh_turned_from_the_trunk(spec: FigureSpec, hip: float) -> None:
    right = readings(spec)[1].sides[0]
    assert right.hip_flexion == pytest.approx(hip)


def test_arm_elevation_head_and_neck() -> None:
    overhead = readings(hold("standing", right_upper_arm=90))[1]
    assert overhead.sides[0].arm_elevation == pytest.approx(180)
    assert readings(hold("standing"))[1].sides[0].arm_elevation == pytest.approx(0)
    folded = readings(hold("standing", lumbar=-60, chest=-80, head=-90, right_thigh=-90))[1]
    assert folded.head_below_heart is not None and folded.head_below_heart > 20
    assert readings(hold("supine"))[1].head_below_heart == pytest.approx(0)
    assert readings(hold("chair-sitting", head=45))[1].neck_tilt == pytest.approx(45)


def test_findings_name_the_leg_the_pose_and_the_angle() -> None:
    facts = {f.fact: f.where for f in findings(hold("supine-knees-bent", left_thigh=130, left_shin=0))}
    assert facts["hip-past-90"] == "the left leg in the figure's hold pose bends the hip 130°, past 90°"
    assert "knee-to-chest" in facts
    straight = {f.fact for f in findings(hold("supine", right_thigh=110, right_shin=110))}  # a straight leg raised
    assert "hip-past-90" in straight and "knee-to-chest" not in straight


def test_library_readings_match_what_the_figures_show() -> None:
    catalogue = load_catalogue()
    facts = {sid: {f.fact for f in findings(catalogue.figure_of(sid))} for sid in catalogue}
    assert "head-below-heart" in facts["standing-forward-fold"]
    assert "arms-overhead" in facts["childs-pose"]
    assert "knee-to-chest" in facts["happy-baby"]
    assert "leg-across" in facts["supine-cross-body-knee-pull"]
    assert "hip-behind" in facts["half-kneeling-hip-flexor"]
    assert facts["wall-calf-stretch"] == {"arm-out"}, "hands on the wall at shoulder height, nothing else"
