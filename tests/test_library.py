"""The shipped library: every file valid, links mutual, and the spread of stretches the product promises."""

from __future__ import annotations

from collections import Counter

import pytest

from backstretch.core.catalogue import Catalogue, Stretch, required_avoid_if
from backstretch.core.vocab import FLOOR_POSITIONS, Equipment, Position, Region, SpinalMovement
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


def test_every_stretch_is_safe_by_construction(stretches: list[Stretch]) -> None:
    for s in stretches:
        missing = set(required_avoid_if(s)) - set(s.avoid_if)
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
