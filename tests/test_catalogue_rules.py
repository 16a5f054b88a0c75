"""The rules every stretch file must follow, checked for every combination a file could state."""

from __future__ import annotations

import copy
import math
import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core.catalogue import (
    Catalogue,
    CatalogueError,
    Stretch,
    parse_stretch,
    required_avoid_if,
    stretch_from_data,
)
from backstretch.core.figure import Joint, joints
from backstretch.core.vocab import (
    FLOOR_POSITIONS,
    Balance,
    Condition,
    Position,
    Region,
    SpinalMovement,
    Support,
    condition_source,
)
from backstretch.library import load_builtin, load_catalogue, to_toml

_BASE = load_builtin()["chair-hamstring-reach"][0].model_dump(mode="json", exclude_none=True)


def base_data() -> dict[str, Any]:
    return copy.deepcopy(_BASE)


def with_required(data: dict[str, Any]) -> dict[str, Any]:
    """Complete a candidate with the precautions and sources the rules ask for."""
    probe = Stretch.model_validate(data)
    avoid = sorted({*data["avoid_if"], *(c.value for c in required_avoid_if(probe))})
    refs = {"A2", *(condition_source(Condition(c)) for c in avoid)}
    return {**data, "avoid_if": avoid, "sources": [{"ref": r, "supports": "why this applies"} for r in sorted(refs)]}


FIGURE_BASES = {
    Position.STANDING: "standing", Position.CHAIR: "chair-sitting", Position.FLOOR_SUPINE: "supine",
    Position.FLOOR_PRONE: "prone", Position.FLOOR_SEATED: "long-sitting", Position.KNEELING: "all-fours",
    Position.SIDE_LYING: "side-lying",
}  # fmt: skip
degrees = st.integers(-180, 180).map(float)

candidates = st.fixed_dictionaries(
    {
        "position": st.sampled_from(list(Position)),
        "kneeling_base": st.sampled_from(["all-fours", "kneeling"]),
        "spinal_movement": st.sampled_from([m.value for m in SpinalMovement]),
        "primary": st.lists(st.sampled_from([r.value for r in Region]), min_size=1, max_size=3, unique=True),
        "weight_on": st.lists(st.sampled_from([s.value for s in Support]), max_size=3, unique=True),
        "balance": st.lists(st.sampled_from([b.value for b in Balance]), max_size=2, unique=True),
        "balance_supported": st.booleans(),
        "end_range": st.booleans(),
        "neck_end_range": st.booleans(),
        "hip_turned_in": st.booleans(),
        "hold": st.dictionaries(
            st.sampled_from(["lumbar", "chest", "head", "right_thigh", "right_shin", "right_upper_arm"]),
            degrees,
            max_size=4,
        ),
    }
)


def candidate_data(c: dict[str, Any]) -> dict[str, Any]:
    data = base_data()
    position: Position = c["position"]
    base = c["kneeling_base"] if position is Position.KNEELING else FIGURE_BASES[position]
    data.update(position=position.value, spinal_movement=c["spinal_movement"], avoid_if=[], desk_friendly=False,
                regions={"primary": c["primary"], "secondary": []}, harder=[], weight_on=c["weight_on"],
                balance=c["balance"], balance_supported=c["balance_supported"] and bool(c["balance"]),
                end_range=c["end_range"], neck_end_range=c["neck_end_range"], hip_turned_in=c["hip_turned_in"],
                figure={"view": "side", "base": base, "hold": c["hold"]})  # fmt: skip
    data["equipment"] = ["chair"] if position is Position.CHAIR else ["none"]
    return data


def _between(u: tuple[float, float], v: tuple[float, float]) -> float:
    """The angle between two vectors, 0-180 degrees."""
    dot = u[0] * v[0] + u[1] * v[1]
    return math.degrees(math.acos(max(-1.0, min(1.0, dot / (math.hypot(*u) * math.hypot(*v))))))


def _vector(points: dict[Joint, tuple[float, float]], a: Joint, b: Joint) -> tuple[float, float]:
    return (points[b][0] - points[a][0], points[b][1] - points[a][1])


def expected_tags(stretch: Stretch) -> set[Condition]:
    """The clinical-facts rules written out afresh, reading the figure from its joints rather than its angles."""
    need: set[Condition] = set()
    figure = stretch.figure
    assert figure is not None
    position, base = stretch.position, figure.base
    if position in FLOOR_POSITIONS:
        need.add(Condition.CANNOT_GET_TO_FLOOR)
    if position in (Position.FLOOR_SUPINE, Position.FLOOR_PRONE):
        need.add(Condition.PREGNANCY_AFTER_FIRST_TRIMESTER)
    if position is Position.KNEELING or base in ("all-fours", "kneeling") or Support.KNEES in stretch.weight_on:
        need |= {Condition.CANNOT_KNEEL, Condition.KNEE_REPLACEMENT}
    if Support.HANDS in stretch.weight_on or base == "all-fours":
        need |= {Condition.WRIST_PAIN, Condition.SHOULDER_INJURY}
    if Support.FOREARMS in stretch.weight_on:
        need.add(Condition.SHOULDER_INJURY)
    if stretch.balance:
        need.add(Condition.BALANCE_PROBLEMS)
        if not stretch.balance_supported:
            need |= {Condition.OSTEOPOROSIS, Condition.PREGNANCY}
    if stretch.end_range:
        need.add(Condition.PREGNANCY)
    if stretch.hip_turned_in or base == "all-fours":
        need.add(Condition.HIP_REPLACEMENT)
    if stretch.neck_end_range:
        need.add(Condition.NECK_INJURY)
    if stretch.spinal_movement is SpinalMovement.FLEXION:
        need.add(Condition.FLEXION_INTOLERANT)
    if stretch.spinal_movement is SpinalMovement.EXTENSION:
        need.add(Condition.EXTENSION_INTOLERANT)
    back = {Region.LOWER_BACK, Region.UPPER_BACK, Region.SIDE_BODY} & set(stretch.all_regions)
    if back and stretch.spinal_movement in (SpinalMovement.FLEXION, SpinalMovement.ROTATION):
        need.add(Condition.OSTEOPOROSIS)
    for pose in (figure.start_pose(), figure.hold_pose()):
        p = joints(pose, figure.view)
        down = _vector(p, Joint.WAIST, Joint.PELVIS)  # along the trunk, toward the feet
        thigh = _vector(p, Joint.RIGHT_HIP, Joint.RIGHT_KNEE)
        toward_face = down[0] * thigh[1] - down[1] * thigh[0] >= 0  # anticlockwise in a side view facing right
        bend = _between(down, thigh) if toward_face else -_between(down, thigh)
        if bend > 91:
            need.add(Condition.HIP_REPLACEMENT)  # bent past 90 degrees (posterior approach)
        if bend < -16:
            need.add(Condition.HIP_REPLACEMENT)  # the hip behind the body (anterior approach)
        arm = _vector(p, Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW)
        chest_down = _vector(p, Joint.NECK, Joint.WAIST)
        if _between(chest_down, arm) >= 151:
            need.add(Condition.SHOULDER_INJURY)  # arms overhead
        heart_y = (p[Joint.WAIST][1] + p[Joint.NECK][1]) / 2
        if heart_y - p[Joint.HEAD][1] > 6:
            need.add(Condition.NECK_INJURY)  # head below the heart
    return need


@settings(max_examples=300, deadline=None)
@given(candidates)
def test_missing_required_precaution_is_always_refused(c: dict[str, Any]) -> None:
    data = with_required(candidate_data(c))
    stretch = stretch_from_data(data, "candidate.toml")
    for condition in required_avoid_if(stretch):
        without = {**data, "avoid_if": [a for a in data["avoid_if"] if a != condition.value]}
        with pytest.raises(CatalogueError) as caught:
            stretch_from_data(without, "candidate.toml")
        assert any(p.field == "avoid_if" and condition.value in p.message for p in caught.value.problems)


@settings(max_examples=300, deadline=None)
@given(candidates)
def test_every_feature_brings_its_tag_and_a_file_without_it_is_refused(c: dict[str, Any]) -> None:
    """Rule derived-tags: a stretch generated with a feature (lying on the back, weight on the hands, a hip bent
    past 90 in its figure...) must carry that feature's tag, and the file is refused without it, saying why."""
    data = with_required(candidate_data(c))
    stretch = stretch_from_data(data, "candidate.toml")
    expected = expected_tags(stretch)
    assert expected <= set(stretch.avoid_if), expected - set(stretch.avoid_if)
    for condition in expected:
        without = {**data, "avoid_if": [a for a in data["avoid_if"] if a != condition.value]}
        with pytest.raises(CatalogueError) as caught:
            stretch_from_data(without, "candidate.toml")
        messages = [p.message for p in caught.value.problems if p.field == "avoid_if"]
        assert any(f"must include '{condition.value}' because" in m for m in messages), messages


def test_a_borrowed_figure_decides_tags_too() -> None:
    """A person's stretch that borrows the child's pose figure kneels on all fours with its arms overhead."""
    data = {**base_data(), "id": "my-rest", "figure_from": "childs-pose"}
    del data["figure"]
    mine = stretch_from_data(data, "mine.toml")
    builtin = {sid: s for sid, (s, _) in load_builtin().items()}
    with pytest.raises(CatalogueError) as caught:
        Catalogue({**builtin, "my-rest": mine}, {"my-rest": "mine.toml"})
    messages = [str(p) for p in caught.value.problems if p.source == "mine.toml"]
    for condition in ("knee-replacement", "wrist-pain", "shoulder-injury", "neck-injury"):
        assert any(f"must include '{condition}'" in m and "figure from 'childs-pose'" in m for m in messages), messages


def test_refusal_says_which_tag_and_why() -> None:
    data = base_data()
    data.update(position="floor-supine", equipment=["mat"], desk_friendly=False, avoid_if=[],
                figure={"view": "side", "base": "supine", "hold": {"right_thigh": 100}})  # fmt: skip
    with pytest.raises(CatalogueError) as caught:
        stretch_from_data(data, "mine.toml")
    messages = [str(p) for p in caught.value.problems]
    assert (
        "mine.toml: field 'avoid_if': must include 'pregnancy-after-first-trimester' because it is done lying "
        "on the back, left out after the first trimester (ACOG-804)"
    ) in messages
    assert any(
        "must include 'hip-replacement' because the right leg in the figure's hold pose bends the hip 100°" in m
        for m in messages
    ), messages


def test_balance_supported_needs_a_balance_demand() -> None:
    data = {**base_data(), "balance_supported": True}
    with pytest.raises(CatalogueError) as caught:
        stretch_from_data(data, "mine.toml")
    assert any(p.field == "balance_supported" for p in caught.value.problems)


def test_precaution_without_its_source_is_refused() -> None:
    data = base_data()
    data["sources"] = [s for s in data["sources"] if s["ref"] != "AAOS-THA"]
    with pytest.raises(CatalogueError) as caught:
        stretch_from_data(data, "x.toml")
    assert "AAOS-THA" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"hold_seconds": {"default": 45, "min": 10, "max": 30}}, "hold_seconds.default", "less than or equal to 30"),
        ({"hold_seconds": {"default": 12, "min": 15, "max": 30}}, "hold_seconds", "min <= default <= max"),
        ({"reps": 9}, "reps", "less than or equal to 4"),
        ({"regions": {"primary": ["toes"]}}, "regions.primary.0", "'toes' is not allowed"),
        ({"avoid_if": ["sore-feelings"]}, "avoid_if.0", "'sore-feelings' is not allowed"),
        ({"id": "Not A Slug"}, "id", "pattern"),
        ({"colour": "blue"}, "colour", "Extra inputs are not permitted"),
        ({"steps": {"into": [], "out": ["x out"]}}, "steps.into", "at least 1"),
        ({"sources": [{"ref": "WIKI", "supports": "because"}]}, "sources.0", "unknown source 'WIKI'"),
        ({"desk_friendly": True, "position": "kneeling"}, "desk_friendly", "chair or standing"),
    ],
)
def test_bad_field_message_names_file_field_and_reason(change: dict[str, Any], field: str, words: str) -> None:
    data = {**base_data(), **change}
    with pytest.raises(CatalogueError) as caught:
        stretch_from_data(data, "mine.toml")
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"mine.toml: field '{field}'") and words in m for m in messages), messages


def test_every_library_stretch_survives_a_toml_round_trip() -> None:
    catalogue = load_catalogue()
    for sid in catalogue:
        stretch = catalogue[sid]
        again = parse_stretch(to_toml(stretch), f"{sid}.toml")
        assert again == stretch
        assert tomllib.loads(to_toml(stretch))["id"] == sid


def test_a_knee_across_the_midline_seen_from_the_front_needs_hip_replacement() -> None:
    data = {**base_data(), "avoid_if": []}
    data["figure"] = {"view": "front", "base": "standing", "hold": {"right_thigh": -50, "right_shin": -90}}
    with pytest.raises(CatalogueError) as caught:
        stretch_from_data(data, "mine.toml")
    assert any(
        "must include 'hip-replacement' because the right leg in the figure's hold pose crosses the knee past the "
        "body's midline" in str(p)
        for p in caught.value.problems
    ), caught.value.problems
    data["figure"]["hold"] = {"right_thigh": -100}  # the leg out to its own side: no crossing
    assert not any(c is Condition.HIP_REPLACEMENT for c in required_avoid_if(Stretch.model_validate(data)))
