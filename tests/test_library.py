"""The shipped library: every file valid, links mutual, and the spread of stretches the product promises."""

from __future__ import annotations

from collections import Counter

import pytest

from backstretch.core.catalogue import Catalogue, Stretch, required_avoid_if
from backstretch.core.profile import Profile, Trimester
from backstretch.core.vocab import FLOOR_POSITIONS, Condition, Equipment, Position, Region, SpinalMovement
from backstretch.library import load_builtin, load_catalogue


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def stretches(catalogue: Catalogue) -> list[Stretch]:
    return [catalogue[sid] for sid in sorted(catalogue)]


def test_library_loads_with_unique_ids_matching_file_names() -> None:
    builtin = load_builtin()
    for sid, (stretch, source) in builtin.items():
        assert stretch.id == sid
        assert source == f"stretches/{sid}.toml"


def test_at_least_48_stretches(stretches: list[Stretch]) -> None:
    assert len(stretches) >= 48


@pytest.mark.parametrize(
    ("regions", "at_least"),
    [
        ({Region.HAMSTRINGS}, 4),
        ({Region.HIPS, Region.HIP_FLEXORS}, 4),
        ({Region.GLUTES}, 4),
        ({Region.LOWER_BACK}, 4),
        ({Region.UPPER_BACK}, 4),
        ({Region.NECK}, 4),
        ({Region.SHOULDERS, Region.CHEST}, 4),
        ({Region.CALVES}, 2),
        ({Region.SIDE_BODY}, 2),
    ],
)
def test_primary_region_spread(stretches: list[Stretch], regions: set[Region], at_least: int) -> None:
    count = sum(1 for s in stretches if regions & set(s.regions.primary))
    assert count >= at_least, f"only {count} stretches with primary region in {sorted(regions)}"


def test_position_spread(stretches: list[Stretch]) -> None:
    desk = [s for s in stretches if s.position is Position.CHAIR and s.desk_friendly]
    standing = [s for s in stretches if s.position is Position.STANDING]
    floor = [s for s in stretches if s.position in FLOOR_POSITIONS]
    assert len(desk) >= 12
    assert len(standing) >= 8
    assert len(floor) >= 16


def test_yoga_and_back_stretcher(stretches: list[Stretch]) -> None:
    assert sum(1 for s in stretches if s.yoga_name) >= 8
    device = [s for s in stretches if Equipment.BACK_STRETCHER in s.equipment]
    assert len(device) >= 2
    lowest = [s for s in device if not s.easier]
    assert lowest, "a back-stretcher protocol must be the starting point with no easier variant"
    assert all("lowest" in " ".join(s.steps.into).lower() for s in lowest)


def test_spinal_movements_balanced(stretches: list[Stretch]) -> None:
    counts = Counter(s.spinal_movement for s in stretches)
    assert set(counts) == set(SpinalMovement)
    flexion = counts[SpinalMovement.FLEXION]
    assert flexion <= 3 * counts[SpinalMovement.EXTENSION]
    assert flexion <= 3 * counts[SpinalMovement.ROTATION]


def test_every_stretch_is_safe_by_construction(catalogue: Catalogue, stretches: list[Stretch]) -> None:
    for s in stretches:
        missing = set(required_avoid_if(s, catalogue.figure_of(s.id))) - set(s.avoid_if)
        assert not missing, f"{s.id} must avoid {missing}"


def test_variants_resolve_and_are_mutual(catalogue: Catalogue) -> None:
    for sid in catalogue:
        s = catalogue[sid]
        for easier in s.easier:
            assert sid in catalogue[easier].harder
        for harder in s.harder:
            assert sid in catalogue[harder].easier


def test_every_stretch_has_a_figure_with_the_props_its_equipment_needs(catalogue: Catalogue) -> None:
    for sid in catalogue:
        figure = catalogue.figure_of(sid)
        kinds = {p.kind.value for p in figure.props}
        for needed in {"chair", "wall", "strap", "back-stretcher"} & {e.value for e in catalogue[sid].equipment}:
            assert needed in kinds, f"{sid}: equipment {needed} is not drawn"


# Issue 18: every miss seen in a real plan, as stretch id -> the people it must never be planned for. A person is
# described by their profile's conditions; pregnancy is of unknown stage (what a profile without the trimester
# means), and the planner leaves a stretch out when its avoid_if meets the profile's effective conditions.
ISSUE_18: dict[str, set[Condition]] = {
    "supine-knee-to-chest": {Condition.PREGNANCY},
    "supine-lying-twist": {Condition.PREGNANCY, Condition.SHOULDER_INJURY},
    "supine-crossed-leg-twist": {Condition.SHOULDER_INJURY},
    "supine-figure-four": {Condition.PREGNANCY, Condition.OSTEOPOROSIS, Condition.FLEXION_INTOLERANT},
    "supine-hamstring-strap": {Condition.PREGNANCY},
    "doorway-hamstring": {Condition.PREGNANCY},
    "reclined-butterfly": {Condition.PREGNANCY},
    "supine-cross-body-knee-pull": {Condition.PREGNANCY, Condition.OSTEOPOROSIS, Condition.FLEXION_INTOLERANT},
    "kneeling-puppy-pose": {Condition.HIP_REPLACEMENT, Condition.WRIST_PAIN},
    "kneeling-thread-the-needle": {Condition.HIP_REPLACEMENT},
    "low-lunge": {Condition.HIP_REPLACEMENT, Condition.OSTEOPOROSIS},
    "cat-stretch": {Condition.HIP_REPLACEMENT, Condition.SHOULDER_INJURY},
    "cow-stretch": {Condition.HIP_REPLACEMENT, Condition.SHOULDER_INJURY},
    "downward-dog": {Condition.KNEE_REPLACEMENT, Condition.OSTEOPOROSIS, Condition.BALANCE_PROBLEMS},
    "happy-baby": {Condition.OSTEOPOROSIS, Condition.FLEXION_INTOLERANT},
    "kneeling-gate-pose": {Condition.OSTEOPOROSIS},
    "chair-figure-four": {Condition.FLEXION_INTOLERANT},
    "butterfly-stretch": {Condition.FLEXION_INTOLERANT},
    "standing-hip-flexor-chair": {Condition.BALANCE_PROBLEMS},
    "cobra-pose": {Condition.NECK_INJURY, Condition.SHOULDER_INJURY},
    "back-stretcher-lowest": {Condition.NECK_INJURY},
    "back-stretcher-middle": {Condition.NECK_INJURY},
    "standing-forward-fold": {Condition.NECK_INJURY},
    "chair-forward-lean": {Condition.NECK_INJURY},
    "childs-pose": {Condition.SHOULDER_INJURY, Condition.WRIST_PAIN},
}


@pytest.mark.parametrize(("sid", "conditions"), sorted(ISSUE_18.items()))
def test_issue_18_misses_stay_fixed(catalogue: Catalogue, sid: str, conditions: set[Condition]) -> None:
    stretch = catalogue[sid]
    for condition in conditions:
        person = Profile(conditions=(condition,))
        assert set(stretch.avoid_if) & person.effective_conditions(), f"{sid} could be planned with {condition}"


def test_pregnancy_stage_decides_lying_stretches(catalogue: Catalogue) -> None:
    """Rule pregnancy: lying on the back or front only in the first trimester; balance and end range never."""
    lying = [s for s in catalogue.values() if s.position in (Position.FLOOR_SUPINE, Position.FLOOR_PRONE)]
    assert len(lying) >= 10
    first = Profile(conditions=(Condition.PREGNANCY,), pregnancy_trimester=Trimester.FIRST).effective_conditions()
    for trimester in (Trimester.SECOND, Trimester.THIRD, Trimester.NOT_KNOWN, None):
        later = Profile(conditions=(Condition.PREGNANCY,), pregnancy_trimester=trimester).effective_conditions()
        assert all(set(s.avoid_if) & later for s in lying)
    # The plain hamstring strap is fine early in pregnancy, and barred later.
    assert not set(catalogue["supine-hamstring-strap"].avoid_if) & first
    for s in catalogue.values():
        if (s.balance and not s.balance_supported) or s.end_range:
            assert set(s.avoid_if) & first, s.id
