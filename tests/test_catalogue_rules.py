"""The rules every stretch file must follow, checked for every combination a file could state."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core.catalogue import CatalogueError, parse_stretch, required_avoid_if, stretch_from_data
from backstretch.core.vocab import (
    FLOOR_POSITIONS,
    Condition,
    Position,
    Region,
    SpinalMovement,
    condition_source,
)
from backstretch.library import load_builtin, load_catalogue, to_toml


def base_data() -> dict[str, Any]:
    stretch, _ = load_builtin()["chair-hamstring-reach"]
    return stretch.model_dump(mode="json", exclude_none=True)


def with_required(data: dict[str, Any]) -> dict[str, Any]:
    """Complete a candidate with the precautions and sources the rules ask for."""
    probe = stretch_from_data_unchecked(data)
    avoid = sorted({*data["avoid_if"], *(c.value for c in required_avoid_if(probe))})
    refs = {"A2", *(condition_source(Condition(c)) for c in avoid)}
    return {**data, "avoid_if": avoid, "sources": [{"ref": r, "supports": "why this applies"} for r in sorted(refs)]}


def stretch_from_data_unchecked(data: dict[str, Any]) -> Any:
    from backstretch.core.catalogue import Stretch

    return Stretch.model_validate(data)


candidates = st.fixed_dictionaries(
    {
        "position": st.sampled_from([p.value for p in Position]),
        "spinal_movement": st.sampled_from([m.value for m in SpinalMovement]),
        "primary": st.lists(st.sampled_from([r.value for r in Region]), min_size=1, max_size=3, unique=True),
    }
)


def candidate_data(c: dict[str, Any]) -> dict[str, Any]:
    data = base_data()
    data.update(position=c["position"], spinal_movement=c["spinal_movement"], avoid_if=[], desk_friendly=False,
                regions={"primary": c["primary"], "secondary": []}, harder=[])  # fmt: skip
    data["equipment"] = ["chair"] if c["position"] == "chair" else ["none"]
    return data


@settings(max_examples=400)
@given(candidates)
def test_missing_required_precaution_is_always_refused(c: dict[str, Any]) -> None:
    data = with_required(candidate_data(c))
    stretch = stretch_from_data(data, "candidate.toml")
    for condition in required_avoid_if(stretch):
        without = {**data, "avoid_if": [a for a in data["avoid_if"] if a != condition.value]}
        with pytest.raises(CatalogueError) as caught:
            stretch_from_data(without, "candidate.toml")
        assert any(p.field == "avoid_if" and condition.value in p.message for p in caught.value.problems)


@settings(max_examples=400)
@given(candidates)
def test_safety_rules_follow_clinical_facts(c: dict[str, Any]) -> None:
    stretch = stretch_from_data(with_required(candidate_data(c)), "candidate.toml")
    conditions = set(stretch.avoid_if)
    if stretch.position in FLOOR_POSITIONS:
        assert Condition.CANNOT_GET_TO_FLOOR in conditions
    if stretch.spinal_movement is SpinalMovement.FLEXION:
        assert Condition.FLEXION_INTOLERANT in conditions
    if stretch.spinal_movement is SpinalMovement.EXTENSION:
        assert Condition.EXTENSION_INTOLERANT in conditions
    if stretch.position is Position.FLOOR_PRONE:
        assert Condition.PREGNANCY in conditions
    back = {Region.LOWER_BACK, Region.UPPER_BACK, Region.SIDE_BODY} & set(stretch.all_regions)
    if back and stretch.spinal_movement in (SpinalMovement.FLEXION, SpinalMovement.ROTATION):
        assert Condition.OSTEOPOROSIS in conditions


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
