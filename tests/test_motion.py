"""The camera coach's motion analysis on synthetic landmark series: the library's own figures, moved in time."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core.motion import (
    IN_POSITION,
    LANDMARK_NAMES,
    Bound,
    JointAngle,
    Landmark,
    LiveHold,
    PoseFrame,
    SeriesError,
    State,
    Target,
    Tracker,
    analyze,
    angle_deg,
    joint_angles,
    series_from_data,
)
from backstretch.library import load_catalogue
from tests.poses import ease, figure_landmarks, stretch_series

CATALOGUE = load_catalogue()
FOLD = CATALOGUE["standing-forward-fold"]
assert FOLD.camera is not None
FOLD_TARGET = FOLD.camera.target
FOLD_FIGURE = CATALOGUE.figure_of(FOLD.id)
FOLD_HIP = joint_angles(figure_landmarks(FOLD_FIGURE, 1.0))[JointAngle.HIP]  # about 50 degrees (knees soft)
FPS = 30.0


def fold(shares: list[float], fps: float = FPS) -> list[PoseFrame]:
    return stretch_series(FOLD_FIGURE, shares, fps)


def states(frames: list[PoseFrame], target: Target = FOLD_TARGET) -> list[State]:
    return [f.state for f in analyze(frames, target).frames]


def test_a_steady_hold_counts_the_time_in_position_and_still() -> None:
    result = analyze(fold(ease(2, 20)), FOLD_TARGET)
    seen = states(fold(ease(2, 20)))
    assert seen[0] is State.OUT_OF_POSITION  # standing up: not in the stretch yet
    assert State.MOVING in seen  # then folding, not yet still
    assert seen[-1] is State.HOLDING
    assert 19.0 <= result.held_s <= 20.5  # the 20 s held, give or take the last of the way in
    assert result.held_s <= result.elapsed_s
    assert result.bounces == ()
    assert len(result.segments) == 1
    assert result.rom_deg == pytest.approx(FOLD_HIP, abs=1)
    assert result.trusted


def test_bouncing_at_the_end_of_the_stretch_is_reported_and_not_counted() -> None:
    # Folded, then dipping 20 % of the way up and back once a second, as someone bouncing to reach further.
    shares = ease(2, 4) + [1 - 0.1 * (1 - math.cos(2 * math.pi * i / FPS)) for i in range(round(8 * FPS))]
    result = analyze(fold(shares), FOLD_TARGET)
    assert 6 <= len(result.bounces) <= 8  # eight dips: the first completes the pattern of two swings
    assert all(b.amplitude_deg >= 20 and 0.7 <= b.frequency_hz <= 1.5 for b in result.bounces)
    bouncing = [f for f in result.frames if f.t >= 7 and f.state is State.BOUNCING]
    assert len(bouncing) > 0.8 * 7 * FPS
    assert result.held_s <= 4.5  # only the still part before the bouncing started
    assert all(6 <= b.t <= 14 for b in result.bounces)


def test_breathing_and_slowly_easing_deeper_are_not_bounces() -> None:
    # A breath every 5 s sways the fold by 12 degrees; then the person eases 18 degrees deeper over 8 s.
    breathe = [0.9 + 0.05 * math.cos(2 * math.pi * i / (5 * FPS)) for i in range(round(15 * FPS))]
    deeper = [0.95 + 0.15 * i / (8 * FPS) for i in range(round(8 * FPS))]
    result = analyze(fold([0.95 * share for share in ease(2, 0)] + breathe + deeper), FOLD_TARGET)
    assert result.bounces == ()
    assert result.held_s >= 20


def test_someone_who_leaves_and_comes_back_gets_two_segments_and_no_time_while_away() -> None:
    away = [PoseFrame(0, {})] * round(3 * FPS)  # nobody in the picture for 3 s
    frames = fold(ease(2, 8) + [0.0] * round(3 * FPS) + ease(2, 8))
    frames = frames[: round(10 * FPS)] + away + frames[round(10 * FPS) :]
    frames = [PoseFrame(i / FPS, f.landmarks) for i, f in enumerate(frames)]
    result = analyze(frames, FOLD_TARGET)
    gone = [f.state for f in result.frames if 10.1 <= f.t <= 12.9]
    assert set(gone) == {State.NOT_VISIBLE}
    assert len(result.segments) == 2
    assert all(7 <= s.held_s <= 8.5 for s in result.segments)
    assert sum(f.counted_s for f in result.frames if 10 <= f.t <= 16) == 0  # away, then standing, then folding


def test_low_visibility_means_no_hold_and_a_plain_timer() -> None:
    frames = [
        PoseFrame(f.t, {k: Landmark(p.x, p.y, p.z, 0.3) for k, p in f.landmarks.items()}) for f in fold(ease(2, 20))
    ]
    result = analyze(frames, FOLD_TARGET)
    assert {f.state for f in result.frames} == {State.NOT_VISIBLE}
    assert result.held_s == 0
    assert not result.trusted


def test_the_better_seen_side_decides() -> None:
    folded, standing = figure_landmarks(FOLD_FIGURE, 1.0), figure_landmarks(FOLD_FIGURE, 0.0)
    # The left side is folded and clearly seen; the right side, hidden behind the body, is tracked as standing.
    mixed = {k: (folded[k] if k.startswith("left") else Landmark(*_xyz(standing[k]), 0.6)) for k in folded}
    assert joint_angles(mixed)[JointAngle.HIP] == pytest.approx(FOLD_HIP, abs=0.5)
    hidden = {k: Landmark(*_xyz(p), 0.4) if k.startswith("right") else p for k, p in mixed.items()}
    assert joint_angles(hidden)[JointAngle.HIP] == pytest.approx(FOLD_HIP, abs=0.5)


def _xyz(p: Landmark) -> tuple[float, float, float | None]:
    return p.x, p.y, p.z


def test_noisy_landmarks_still_hold_and_do_not_bounce() -> None:
    rng = random.Random(8)
    frames = []
    for f in fold(ease(2, 20)):
        spike = rng.random() < 0.02  # now and then one point jumps for a frame, as trackers do
        frames.append(
            PoseFrame(
                f.t,
                {
                    k: Landmark(
                        p.x + rng.gauss(0, 0.004) + (0.05 if spike and k == "left_knee" else 0),
                        p.y + rng.gauss(0, 0.004),
                        p.z,
                        p.visibility,
                    )
                    for k, p in f.landmarks.items()
                },
            )
        )
    result = analyze(frames, FOLD_TARGET)
    assert result.bounces == ()
    assert result.held_s >= 18


def test_the_other_angles_keep_apart_stretches_with_the_same_hip_angle() -> None:
    # Folded at the hips with the knees bent to 90 degrees is a squat, not a standing forward fold.
    landmarks = figure_landmarks(FOLD_FIGURE, 1.0)
    frames = [PoseFrame(i / FPS, landmarks) for i in range(60)]
    squat = Target(JointAngle.HIP, at_most=110, also=(Bound(JointAngle.KNEE, at_most=100),))
    assert set(states(frames, squat)) == {State.OUT_OF_POSITION}
    assert states(frames)[-1] is State.HOLDING


def test_a_pose_never_reached_is_out_of_position() -> None:
    result = analyze(fold([0.0] * 300), FOLD_TARGET)
    assert {f.state for f in result.frames} == {State.OUT_OF_POSITION}
    assert result.held_s == 0 and result.segments == () and result.rom_deg is None


def test_a_gap_in_time_counts_nothing_across_it() -> None:
    frames = fold(ease(1, 5))
    later = [PoseFrame(f.t + 60, f.landmarks) for f in fold([1.0] * 150)]
    result = analyze(frames + later, FOLD_TARGET)
    assert result.held_s <= 10.5
    tracker = Tracker(FOLD_TARGET)
    tracker.feed(frames[1])
    with pytest.raises(ValueError, match="must increase"):
        tracker.feed(frames[0])


def test_an_at_least_stretch_measures_its_largest_angle() -> None:
    target = Target(JointAngle.HIP, at_least=150)
    result = analyze(fold([0.0] * 60), target)
    assert result.rom_deg == pytest.approx(180, abs=1)
    assert target.deeper(150, 170) == 170 and FOLD_TARGET.deeper(80, 60) == 60


# Every camera check in the library must fit its own figure: the start is out of position, the hold is in it.
@pytest.mark.parametrize("sid", sorted(s for s in CATALOGUE if CATALOGUE[s].camera is not None))
def test_each_camera_check_matches_its_figure(sid: str) -> None:
    check = CATALOGUE[sid].camera
    assert check is not None
    figure = CATALOGUE.figure_of(sid)
    held = joint_angles(figure_landmarks(figure, 1.0))
    start = joint_angles(figure_landmarks(figure, 0.0))
    assert check.target.reached(held[check.angle]) and all(b.reached(held[b.angle]) for b in check.target.also)
    assert not (check.target.reached(start[check.angle]) and all(b.reached(start[b.angle]) for b in check.also))


# Rules that hold for every input.

coordinate = st.floats(min_value=-0.5, max_value=1.5, allow_nan=False)
visibility = st.floats(min_value=0, max_value=1)
landmark = st.builds(Landmark, coordinate, coordinate, st.none(), visibility)
pose = st.fixed_dictionaries({name: landmark for name in LANDMARK_NAMES if "_" in name and "eye" not in name})


@given(pose, st.floats(min_value=0.3, max_value=3))
def test_joint_angles_are_between_0_and_180(landmarks: dict[str, Landmark], aspect: float) -> None:
    assert all(0 <= value <= 180 for value in joint_angles(landmarks, aspect).values())


def _mirror(landmarks: dict[str, Landmark]) -> dict[str, Landmark]:
    """Left and right swapped, x flipped. About 0 rather than the picture's middle (1 - x): angles do not move with
    the picture, and negating is exact in floating point where 1 - x rounds (a CI run found limbs a few 1e-17 long
    that 1 - x made zero, and a near-straight joint off by 0.006 degrees)."""

    def other(name: str) -> str:
        return name.replace("left", "@").replace("right", "left").replace("@", "right")

    return {other(k): Landmark(-p.x, p.y, p.z, p.visibility) for k, p in landmarks.items()}


@given(pose, st.floats(min_value=0.3, max_value=3))
def test_a_mirrored_picture_gives_the_same_angles(landmarks: dict[str, Landmark], aspect: float) -> None:
    plain, mirrored = joint_angles(landmarks, aspect), joint_angles(_mirror(landmarks), aspect)
    assert plain.keys() == mirrored.keys()
    for joint, value in plain.items():
        assert mirrored[joint] == pytest.approx(value, abs=1e-6)


@given(
    st.lists(
        st.tuples(st.floats(0.001, 0.7), st.floats(0, 1), st.booleans()),  # time step, share of the fold, seen
        min_size=1,
        max_size=120,
    )
)
@settings(max_examples=150, deadline=None)
def test_the_counted_hold_never_exceeds_the_time_that_passed(steps: list[tuple[float, float, bool]]) -> None:
    frames, t = [], 0.0
    for step, share, seen in steps:
        t += step
        frames.append(PoseFrame(t, figure_landmarks(FOLD_FIGURE, share) if seen else {}))
    result = analyze(frames, FOLD_TARGET)
    assert 0 <= result.held_s <= result.elapsed_s + 1e-9
    for segment in result.segments:
        assert segment.held_s <= segment.end - segment.start + 1e-9
    for frame in result.frames:
        assert (frame.counted_s > 0) <= (frame.state is State.HOLDING)
        assert frame.state in IN_POSITION or frame.counted_s == 0


def test_angles_in_a_frame_taller_than_wide() -> None:
    # A right angle on screen in a 640x480 frame: 0.25 of the width across, 1/3 of the height up.
    a, b, c = Landmark(0.75, 0.5), Landmark(0.5, 0.5), Landmark(0.5, 0.5 - 1 / 3)
    assert angle_deg(a, b, c, aspect=640 / 480) == pytest.approx(90)
    assert angle_deg(b, b, c) is None


def test_a_series_as_a_browser_sends_it() -> None:
    points = [[0.5, 0.5, 0.0, 0.9]] * 33
    by_list = series_from_data({"aspect": 4 / 3, "frames": [{"t": 0, "landmarks": points}, {"t": 0.04}]})
    assert by_list.aspect == pytest.approx(4 / 3)
    assert by_list.frames[0].landmarks["right_foot_index"] == Landmark(0.5, 0.5, 0.0, 0.9)
    assert by_list.frames[1].landmarks == {}
    by_name = series_from_data({"frames": [{"t": 1.5, "landmarks": {"left_hip": {"x": 0.1, "y": 0.2}}}]})
    assert by_name.frames[0].landmarks["left_hip"] == Landmark(0.1, 0.2, None, 1.0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a list 'frames'"),
        ({"frames": [{"t": "soon"}]}, r"frames\[0\]: needs a number 't'"),
        ({"frames": [{"t": 1}, {"t": 1}]}, r"frames\[1\]: 't' must be later"),
        ({"frames": [{"t": 0, "landmarks": {"left_hip": {"x": 0.1}}}]}, r"landmarks.left_hip: needs numbers x and y"),
        ({"frames": [{"t": 0, "landmarks": [[0, 0, 0, 2]]}]}, r"landmarks.nose: visibility must be between 0 and 1"),
        ({"frames": [{"t": 0, "landmarks": [[0, 0]] * 34}]}, "at most the 33"),
        ({"aspect": 0, "frames": []}, "'aspect'"),
    ],
)
def test_a_bad_series_is_named_where_it_is_wrong(data: object, message: str) -> None:
    with pytest.raises(SeriesError, match=message):
        series_from_data(data)


def test_a_live_hold_counts_to_its_goal() -> None:
    hold = LiveHold(FOLD_TARGET, goal_s=20)
    for frame in fold(ease(2, 25)):
        hold.feed(frame)
        if hold.done():
            break
    assert hold.held_s() == 20 and hold.timer_from is None
    assert 21 <= frame.t <= 23  # done about 20 s after settling into the fold


def test_a_live_hold_gives_the_rest_to_the_plain_timer_when_the_camera_loses_the_person() -> None:
    hold = LiveHold(FOLD_TARGET, goal_s=20, lost_after_s=5)
    frames = fold(ease(2, 8))  # folded and still for 8 s, then out of sight (say, the camera was knocked)
    frames += [PoseFrame(frames[-1].t + (i + 1) / FPS, {}) for i in range(round(6 * FPS))]
    for frame in frames:
        hold.feed(frame)
    assert hold.timer_from == pytest.approx(10 + 5, abs=0.1)  # 5 s after it last saw the fold
    counted = hold.counted_s
    assert 7 <= counted <= 8.5  # nothing counted while unseen, before the timer took over
    assert hold.held_s(now=hold.timer_from + 4) == pytest.approx(counted + 4)
    assert hold.done(now=hold.timer_from + 20 - counted)
    assert hold.held_s(now=1000) == 20
