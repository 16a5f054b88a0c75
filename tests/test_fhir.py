"""The FHIR R4 export: a Bundle the fhir.resources models accept, that says what each code means, keeps the person
pseudonymous unless they give a name, and carries every measure value exactly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from backstretch.core.measures import Measure, MeasureKind
from backstretch.fhir import LOCAL_SYSTEM, bundle, measures_from_bundle
from backstretch.store import open_store
from tests.helpers import backstretch
from tests.printing_data import seed
from tests.strategies import measures


def _export(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "bundle.json"
    made = backstretch("export", "--format", "fhir", "-o", out, *args)
    assert made.returncode == 0, made.stderr
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    Bundle.model_validate(data)  # raises unless every resource is valid FHIR
    return data


def _resources(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_and_carries_every_measure_and_session(tmp_path: Path) -> None:
    store = open_store(None)
    seed(store, date.today())
    data = _export(tmp_path)
    assert data["type"] == "collection"
    (patient,) = _resources(data, "Patient")
    assert "name" not in patient and set(patient) == {"resourceType", "id"}  # pseudonymous
    observations = _resources(data, "Observation")
    assert measures_from_bundle(data) == store.measures()  # exact values, notes, activities, morning flags
    pain = [o for o in observations if o["code"]["coding"][0]["code"] == "72514-3"]
    assert pain and all(o["code"]["coding"][0]["system"] == "http://loinc.org" for o in pain)
    assert all(o["valueQuantity"]["code"] == "{score}" for o in pain)
    local = {o["code"]["coding"][0]["code"] for o in observations if o["code"]["coding"][0]["system"] == LOCAL_SYSTEM}
    assert local == {"psfs-mean", "fingertip-to-floor"}
    procedures = _resources(data, "Procedure")
    assert len(procedures) == len(store.history()) == 14
    assert {p["status"] for p in procedures} == {"completed", "stopped"}
    assert all(o["subject"]["reference"] == data["entry"][0]["fullUrl"] for o in observations + procedures)


def test_a_name_goes_in_only_when_given(tmp_path: Path) -> None:
    open_store(None).add_measure(Measure(kind=MeasureKind.PAIN, on=date(2026, 11, 2), value=3))
    (patient,) = _resources(_export(tmp_path, "--name", "  Ann   Example "), "Patient")
    assert patient["name"] == [{"text": "Ann Example"}]
    wrong = backstretch("export", "--format", "json", "--name", "Ann")
    assert wrong.returncode == 2 and "--name is for --format fhir only" in wrong.stderr


@settings(max_examples=60, deadline=None)
@given(st.lists(measures(earliest=date(1970, 1, 1)), max_size=6))
def test_any_measures_round_trip_exactly_through_valid_fhir(readings: list[Measure]) -> None:
    data = json.loads(json.dumps(bundle(readings, [], person_id=1)))  # through JSON text, as a file carries it
    Bundle.model_validate(data)
    assert measures_from_bundle(data) == [m for m in readings if m.kind is not MeasureKind.ROM]


def test_the_camera_coachs_range_of_motion_is_left_out_of_the_bundle(tmp_path: Path) -> None:
    """A pose model's angle from one camera is not a clinician's joint range: it stays out (see fhir.bundle)."""
    store = open_store(None)
    store.add_measure(Measure(kind=MeasureKind.PAIN, on=date(2026, 11, 2), value=3))
    store.add_measure(Measure(kind=MeasureKind.ROM, on=date(2026, 11, 2), value=61.5, stretch="standing-forward-fold"))
    data = _export(tmp_path)
    assert measures_from_bundle(data) == [m for m in store.measures() if m.kind is MeasureKind.PAIN]
    assert len(_resources(data, "Observation")) == 1
