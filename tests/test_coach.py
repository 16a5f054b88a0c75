"""The camera coach on real footage with the real pose model, and `backstretch coach` run as a person runs it.

The footage lives outside the repository (it must not ship): in BACKSTRETCH_TESTDATA/pose, by default
../shared/testdata/pose beside this clone. Without it, or without the camera extra, the tests that need them are
skipped with the reason; with BACKSTRETCH_REQUIRE_CAMERA=1 (set by .ci/run) they fail instead, so CI never passes
without running them.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from backstretch.camera import missing_extra, video_series
from backstretch.core.motion import IN_POSITION, JointAngle, LandmarkSeries, Target, analyze
from backstretch.library import load_catalogue
from tests.helpers import backstretch
from tests.poses import ease, stretch_series

pytestmark = pytest.mark.camera

REQUIRE_ENV = "BACKSTRETCH_REQUIRE_CAMERA"
ROOT = Path(__file__).resolve().parents[1]
POSE = Path(os.environ.get("BACKSTRETCH_TESTDATA") or ROOT.parent / "shared" / "testdata") / "pose"
FLOW = POSE / "pose_tracking_example.gif"  # a forward fold, a lunge and a downward dog, 5 frames a second
REPS = POSE / "pose_classification_pushups_and_squats.gif"  # push-ups above, squats below, 5 repetitions each


def _unavailable() -> str | None:
    if not POSE.is_dir():
        return f"no test footage at {POSE} (set BACKSTRETCH_TESTDATA to the folder holding pose/)"
    return missing_extra()


def _need_camera() -> None:
    why = _unavailable()
    if why is not None and os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but the footage tests cannot run: {why}")
    if why is not None:
        pytest.skip(why)


@pytest.fixture(scope="module")
def flow() -> LandmarkSeries:
    _need_camera()
    return video_series(FLOW)


@pytest.fixture(scope="module")
def panels() -> tuple[LandmarkSeries, LandmarkSeries]:
    _need_camera()
    return video_series(REPS, crop=(0, 0.5, 0, 1)), video_series(REPS, crop=(0.5, 1, 0, 1))


def test_the_forward_fold_at_the_start_of_the_flow_is_in_position_at_the_hip_angle_measured_before(
    flow: LandmarkSeries,
) -> None:
    check = load_catalogue()["standing-forward-fold"].camera
    assert check is not None
    result = analyze(flow.frames, check.target, flow.aspect)
    opening = [f for f in result.frames if f.t < 0.5]  # frames 0-2: the fold, before she steps into the lunge
    assert [f.state in IN_POSITION for f in opening] == [True] * 3
    assert all(70 <= (f.value or 0) <= 80 for f in opening)  # the README's 70-80 degrees
    assert result.segments[0].start == 0 and result.segments[0].held_s > 0
    assert result.trusted and result.visible_share == 1


def test_the_flow_never_holds_the_dog_still_and_the_fold_is_seen_again_at_the_end(flow: LandmarkSeries) -> None:
    catalogue = load_catalogue()
    dog, fold = (catalogue[s].camera for s in ("downward-dog", "standing-forward-fold"))
    assert dog is not None and fold is not None
    assert analyze(flow.frames, dog.target, flow.aspect).held_s == 0  # the leg lifts and lowers all the time
    last = analyze(flow.frames, fold.target, flow.aspect).segments[-1]
    assert last.end >= 7.4 and last.held_s > 0 and last.rom_deg is not None and 45 <= last.rom_deg <= 65


@pytest.mark.parametrize(("panel", "joint"), [(0, JointAngle.ELBOW), (1, JointAngle.KNEE)])
def test_push_ups_and_squats_oscillate_five_times_each(
    panels: tuple[LandmarkSeries, LandmarkSeries], panel: int, joint: JointAngle
) -> None:
    series = panels[panel]
    result = analyze(series.frames, Target(joint), series.aspect)
    assert len(result.bounces) == 5
    assert all(b.amplitude_deg >= 50 and 0.5 <= b.frequency_hz <= 2 for b in result.bounces)
    assert result.held_s < 1.5  # always on the move


def test_coach_analyze_prints_holds_bounces_and_angles_for_the_footage() -> None:
    _need_camera()
    done = backstretch("coach", "analyze", FLOW, "--stretch", "standing-forward-fold", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "pose_tracking_example.gif: 39 frames, 7.6 s; a person found in 100%"
    assert lines[1].startswith("Standing forward fold (standing-forward-fold; in position when the hip angle at")
    assert lines[2].startswith("    0.0–  1.2 s  held  0.6 s  hip angle 6")  # the fold she starts in
    assert lines[-1].startswith("  total held 1.4 s of the 20 s hold; deepest hip angle held 5")

    data = json.loads(backstretch("coach", "analyze", FLOW, "--json", timeout=120).stdout)
    assert data["frames"] == 39 and data["person_found_share"] == 1
    shown = {s["id"]: s for s in data["results"]}
    assert set(shown) == {"standing-forward-fold", "downward-dog"}  # no chair, floor or kneeling stretch
    fold = shown["standing-forward-fold"]
    assert fold["segments"][0]["start_s"] == 0 and fold["held_s"] > 0 and fold["trusted"]


def test_coach_analyze_reports_each_repetition_of_the_push_ups_as_a_bounce() -> None:
    _need_camera()
    done = backstretch("coach", "analyze", REPS, "--angle", "elbow", timeout=120)
    assert done.returncode == 0, done.stderr
    bounces = [line for line in done.stdout.splitlines() if "bounce at" in line]
    assert len(bounces) == 5 and all("Gently: no bouncing." in line for line in bounces)


def test_a_series_from_a_browser_is_analysed_without_the_camera_extra(tmp_path: Path) -> None:
    # Held still for 10 s, then bouncing 20 % of the way up and back once a second for 4 s.
    shares = ease(2, 10) + [1 - 0.1 * (1 - math.cos(2 * math.pi * i / 30)) for i in range(4 * 30)]
    frames = stretch_series(load_catalogue().figure_of("standing-forward-fold"), shares)
    series = {
        "aspect": 1.0,
        "frames": [
            {"t": f.t, "landmarks": {k: {"x": p.x, "y": p.y, "visibility": p.visibility} for k, p in lms.items()}}
            for f in frames
            for lms in [f.landmarks]
        ],
    }
    path = tmp_path / "series.json"
    path.write_text(json.dumps(series))
    done = backstretch("coach", "analyze", path, "--stretch", "standing-forward-fold")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2].startswith("    1.1– 16.0 s  held 10.5 s  hip angle 50°")  # in position from half way down
    # each reported as it ends: when the angle is back within 10 % of where the dip started
    assert [line.split(" (")[0] for line in lines[3:-1]] == [f"      bounce at {t}.9 s" for t in range(12, 16)]
    assert lines[-1].startswith("  total held 10.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["coach", "analyze", "nowhere.mp4"], "Error: no video file at nowhere.mp4"),
        (["coach", "analyze", "README.md"], "Error: cannot read README.md as a video"),
        (["coach", "analyze", "x.mp4", "--stretch", "no-such"], "Error: no stretch with the id 'no-such'"),
        (["coach", "analyze", "x.mp4", "--stretch", "chair-chin-tuck"], "Error: 'chair-chin-tuck' has no camera check"),
        (["coach", "live", "--camera", "9"], "Error: no camera could be opened at index 9"),
    ],
)
def test_bad_input_is_one_clear_line(args: list[str], message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if "README.md" in args or "live" in args:
        _need_camera()  # without the extra these say how to install it instead
    monkeypatch.chdir(ROOT)
    done = backstretch(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_stretch_page_says_what_the_camera_checks() -> None:
    done = backstretch("stretches", "show", "downward-dog")
    words = " ".join(done.stdout.replace("│", " ").split())  # the text wraps inside the panel's borders
    assert "Camera coach in position when the shoulder angle at least 145°, knee angle at least 140°" in words


def test_a_bad_landmark_series_is_named(tmp_path: Path) -> None:
    path = tmp_path / "series.json"
    path.write_text('{"frames": [{"t": 0}, {"t": -1}]}')
    done = backstretch("coach", "analyze", path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"Error: {path}: frames[1]: 't' must be later than the frame before (-1.0 after 0.0)"
