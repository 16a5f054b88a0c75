"""The person's measures and sessions as an HL7 FHIR R4 Bundle, the standard other health systems read.

The bundle holds a Patient (no name unless the person gives one, and no other identifying detail), an Observation
per measure, and a Procedure per stretching session. Codes:
- pain: LOINC 72514-3, "Pain severity - 0-10 verbal numeric rating [Score] - Reported" (loinc.org);
- the function scale and fingertip-to-floor distance: we found no LOINC code for either, so they use backstretch's
  own code system, `LOCAL_SYSTEM` below (say so to whoever receives the file);
- outcome scores: the Oswestry total, LOINC 97909-6 (loinc.org), and the PEG score, LOINC 91147-9 "Mean score
  [PEG]" (read from a secondary copy of LOINC); for the Roland-Morris and Neck Disability Index totals we could not
  verify a LOINC code, and leg pain and the rating of change are our own questions, so those four use
  `LOCAL_SYSTEM` too (core/measures.py holds each code next to its source);
- a stretching session: a Procedure with a code from the same local system.
Units are UCUM (unitsofmeasure.org): `{score}` for ratings, `cm` for reach. Values are written exactly as stored, so
`measures_from_bundle` gives back the very measures that went in.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from backstretch.core.measures import GLOBAL_CHANGE_QUESTION, MEASURES, SCORES, Measure, MeasureKind
from backstretch.store import Store
from backstretch.store.database import SessionSummary

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
LOCAL_SYSTEM = "urn:backstretch:fhir:codes"  # backstretch's own codes, where no standard code exists
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
PAIN_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")  # loinc.org
# Our own codes: the function scale (Stratford et al. 1995, clinical-facts 6), its activities, reach, sessions.
FUNCTION_CODE = ("psfs-mean", "Patient-specific functional scale, mean of up to 3 activities (0-10)")
ACTIVITY_CODE = ("psfs-activity", "Patient-specific functional scale, one activity (0-10)")
MORNING_CODE = ("morning-reading", "Taken on waking")
REACH_CODE = ("fingertip-to-floor", "Fingertip-to-floor distance")
SESSION_CODE = ("stretching-session", "Guided home stretching session")
# Our own codes for the outcome scores that have no verified LOINC code (core/measures.py says which have one).
SCORE_CODES: dict[MeasureKind, tuple[str, str]] = {
    MeasureKind.LEG_PAIN: ("leg-pain", "Leg pain now, 0-10 numeric rating"),
    MeasureKind.GLOBAL_CHANGE: ("global-rating-of-change", f"{GLOBAL_CHANGE_QUESTION} -3 (very much worse) to 3 "
                                "(very much better)"),
    MeasureKind.RMDQ: ("rmdq-total", "Roland-Morris disability questionnaire total, 0-24, taken elsewhere"),
    MeasureKind.NDI: ("ndi-total", "Neck Disability Index total, 0-50, taken elsewhere"),
}  # fmt: skip


def score_code(kind: MeasureKind) -> tuple[str, tuple[str, str]]:
    """The code system and (code, display) of an outcome score: LOINC where one was found, else ours."""
    loinc = MEASURES[kind].loinc if kind in MEASURES else None
    return (LOINC, loinc) if loinc is not None else (LOCAL_SYSTEM, SCORE_CODES[kind])


NAMESPACE = uuid.UUID("6f1c1b7e-3b0a-4f55-9a57-5d3f0e0b7a10")  # ids derived from it are stable across exports
SESSION_STATUS = {"completed": "completed", "partial": "stopped", "stopped": "stopped"}


class FhirError(ValueError):
    """A bundle that does not hold what backstretch writes."""


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def _coding(system: str, code_display: tuple[str, str]) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code_display[0], "display": code_display[1]}],
            "text": code_display[1]}  # fmt: skip


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY_SYSTEM, "code": code}]}]


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "score", "system": UCUM, "code": "{score}"}


def observation(measure: Measure, patient: str) -> dict[str, Any]:
    """One measure as an Observation about the patient (a `urn:uuid:` reference within the bundle)."""
    found: dict[str, Any] = {"resourceType": "Observation", "status": "final", "subject": {"reference": patient},
                             "effectiveDateTime": measure.on.isoformat()}  # fmt: skip
    if measure.kind is MeasureKind.PAIN:
        found |= {"category": _category("survey"), "code": _coding(LOINC, PAIN_LOINC),
                  "valueQuantity": _score(int(measure.value))}  # fmt: skip
        if measure.morning:
            found["component"] = [{"code": _coding(LOCAL_SYSTEM, MORNING_CODE), "valueBoolean": True}]
    elif measure.kind is MeasureKind.FUNCTION:
        found |= {"category": _category("survey"), "code": _coding(LOCAL_SYSTEM, FUNCTION_CODE),
                  "valueQuantity": _score(measure.value),
                  "component": [{"code": {**_coding(LOCAL_SYSTEM, ACTIVITY_CODE), "text": a.activity},
                                 "valueInteger": a.score} for a in measure.activities]}  # fmt: skip
    elif measure.kind in SCORES or measure.kind is MeasureKind.GLOBAL_CHANGE:
        system, code = score_code(measure.kind)
        found |= {"category": _category("survey"), "code": _coding(system, code),
                  "valueQuantity": _score(measure.value)}  # fmt: skip
    else:
        found |= {"category": _category("exam"), "code": _coding(LOCAL_SYSTEM, REACH_CODE),
                  "valueQuantity": {"value": measure.value, "unit": "cm", "system": UCUM, "code": "cm"}}  # fmt: skip
    if measure.note:
        found["note"] = [{"text": measure.note}]
    return found


def procedure(session: SessionSummary, patient: str) -> dict[str, Any]:
    """A finished session: what was done, how long, and how it ended."""
    minutes = round(session.seconds / 60, 1)
    words = f"{len(session.done)} stretch{'es' if len(session.done) != 1 else ''} done, {minutes:g} min"
    if session.painful:
        words += f"; reported painful: {', '.join(session.painful)}"
    found: dict[str, Any] = {
        "resourceType": "Procedure", "status": SESSION_STATUS[session.status],
        "code": _coding(LOCAL_SYSTEM, SESSION_CODE), "subject": {"reference": patient},
        "performedDateTime": session.day.isoformat(), "note": [{"text": words}],
    }  # fmt: skip
    if session.status != "completed":
        found["statusReason"] = {"text": "ended for safety" if session.status == "stopped" else "ended early"}
    return found


def bundle(measures: list[Measure], sessions: list[SessionSummary], person_id: int, name: str = "",
           now: datetime | None = None) -> dict[str, Any]:  # fmt: skip
    """A `collection` Bundle: the Patient first, then every measure and every finished session."""
    patient_id = _id("person", person_id)
    patient: dict[str, Any] = {"resourceType": "Patient", "id": patient_id}
    if name.strip():
        patient["name"] = [{"text": " ".join(name.split())}]
    ref = f"urn:uuid:{patient_id}"
    entries = [{"fullUrl": ref, "resource": patient}]
    # The camera coach's range of motion stays out: it is a pose model's estimate from one camera, not a measured
    # joint range, and another health system would read an Observation of a joint angle as a clinician's reading.
    for n, m in enumerate(m for m in measures if m.kind is not MeasureKind.ROM):
        oid = _id("person", person_id, "measure", n, m.kind.value, m.on.isoformat())
        entries.append({"fullUrl": f"urn:uuid:{oid}", "resource": {"id": oid, **observation(m, ref)}})
    for s in sessions:
        if s.status in SESSION_STATUS:
            pid = _id("person", person_id, "session", s.id)
            entries.append({"fullUrl": f"urn:uuid:{pid}", "resource": {"id": pid, **procedure(s, ref)}})
    stamp = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    return {"resourceType": "Bundle", "id": _id("bundle", person_id, stamp), "type": "collection",
            "timestamp": stamp, "entry": entries}  # fmt: skip


def export_bundle(store: Store, name: str = "") -> str:
    """The person's bundle as JSON text."""
    return json.dumps(bundle(store.measures(), store.history(), store.person_id, name), indent=2,
                      ensure_ascii=False) + "\n"  # fmt: skip


def _code(resource: dict[str, Any]) -> str:
    codings = resource.get("code", {}).get("coding", [])
    return str(codings[0].get("code")) if codings else ""


SCORE_KINDS = {score_code(k)[1][0]: k for k in (*SCORES, MeasureKind.GLOBAL_CHANGE)}


def measures_from_bundle(data: dict[str, Any]) -> list[Measure]:
    """The measures in a bundle this module wrote, in order: what another system receives, read back."""
    found = []
    for entry in data.get("entry", []):
        r = entry.get("resource", {})
        if r.get("resourceType") != "Observation":
            continue
        code, on, note = _code(r), r["effectiveDateTime"], (r.get("note") or [{}])[0].get("text", "")
        value = r["valueQuantity"]["value"]
        parts = {_code(c): c for c in r.get("component", [])}
        if code == PAIN_LOINC[0]:
            found.append(Measure(kind=MeasureKind.PAIN, on=on, value=value, morning=MORNING_CODE[0] in parts,
                                 note=note))  # fmt: skip
        elif code == FUNCTION_CODE[0]:
            activities = [{"activity": c["code"]["text"], "score": c["valueInteger"]} for c in r["component"]]
            found.append(Measure.model_validate({"kind": "function", "on": on, "value": value,
                                                 "activities": activities, "note": note}))  # fmt: skip
        elif code == REACH_CODE[0]:
            found.append(Measure(kind=MeasureKind.REACH, on=on, value=value, note=note))
        elif code in SCORE_KINDS:
            found.append(Measure(kind=SCORE_KINDS[code], on=on, value=value, note=note))
        else:
            raise FhirError(f"an Observation with code {code!r}, which backstretch does not write")
    return found
