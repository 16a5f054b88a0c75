"""Outcome scores: leg pain, the rating of change, and questionnaire totals taken elsewhere; their checks, their
trends against the important change, the schedule that asks for them, and every face that records them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given
from hypothesis import strategies as st

from backstretch.app import scores as app_scores
from backstretch.core import measures as m
from backstretch.core.measures import ELSEWHERE, MEASURES, SCORES, MeasureError, MeasureKind, outcome_score, trend
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.core.scores import (
    CHECKPOINT_WEEKS,
    EARLY_DAYS,
    LAST_WINDOW_DAYS,
    asked_at,
    checkpoint_days,
    checkpoint_due,
)
from backstretch.fhir import LOCAL_SYSTEM, LOINC, bundle, measures_from_bundle
from backstretch.store import open_store
from backstretch.web.app import create_app
from tests.helpers import backstretch

START = date(2026, 3, 2)
SCORE_KINDS = [*SCORES, MeasureKind.GLOBAL_CHANGE]


def _reading(kind: MeasureKind, on: date, value: float = 3) -> m.Measure:
    return outcome_score(kind, 1 if kind is MeasureKind.GLOBAL_CHANGE else value, on)


# --- the readings themselves --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (MeasureKind.RMDQ, 25, "the Roland-Morris total is a whole number from 0 to 24, not 25"),
        (MeasureKind.RMDQ, 12.5, "the Roland-Morris total is a whole number from 0 to 24, not 12.5"),
        (MeasureKind.ODI, 101, "the Oswestry total is a whole number from 0 to 100, not 101"),
        (MeasureKind.NDI, -1, "the Neck Disability Index total is a whole number from 0 to 50, not -1"),
        (MeasureKind.PEG, 10.5, "the PEG score is from 0 to 10, not 10.5"),
        (MeasureKind.LEG_PAIN, 11, "leg pain is a whole number from 0 to 10, not 11"),
        (MeasureKind.GLOBAL_CHANGE, 4, "a rating of change is a whole number from -3 (very much worse) to 3"),
    ],
)
def test_a_score_off_its_scale_is_refused_with_what_to_fix(kind: MeasureKind, value: float, message: str) -> None:
    with pytest.raises(MeasureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        outcome_score(kind, value, START)


def test_a_peg_mean_of_three_ratings_keeps_two_decimals() -> None:
    assert outcome_score(MeasureKind.PEG, 13 / 3, START).value == 4.33
    with pytest.raises(MeasureError, match="not an outcome score"):
        outcome_score(MeasureKind.PAIN, 3, START)


def test_every_score_names_its_important_change_and_source() -> None:
    for kind in SCORES:
        info = MEASURES[kind]
        assert info.important_change > 0 and info.source and info.how_to and info.maximum > 0
        assert any(ch.isdigit() for ch in info.source), f"{kind}: a source with its year and pages"
    assert {k for k in ELSEWHERE} == {MeasureKind.RMDQ, MeasureKind.ODI, MeasureKind.NDI, MeasureKind.PEG}
    # Only the codes verified on loinc.org (or a named copy of it) are LOINC; the others use our own system.
    assert {k: MEASURES[k].loinc for k in SCORES if MEASURES[k].loinc} == {
        MeasureKind.ODI: ("97909-6", "Oswestry disability index score ODI"),
        MeasureKind.PEG: ("91147-9", "Mean score [PEG]"),
    }


# --- trends against the important change (clinical-facts, rule trends) ---------------------------------------


def _series(kind: MeasureKind, values: list[float]) -> list[m.Measure]:
    return [outcome_score(kind, v, START + timedelta(weeks=w)) for w, v in zip(CHECKPOINT_WEEKS, values, strict=True)]


def test_a_roland_morris_drop_of_5_points_is_real_and_of_3_is_not() -> None:
    real = trend(_series(MeasureKind.RMDQ, [14, 12, 10, 8]), MeasureKind.RMDQ)
    assert real.enough and real.important and real.better
    assert real.statement.startswith("Roland-Morris total is down 6 points since you started (14 → 8): a change")
    small = trend(_series(MeasureKind.RMDQ, [14, 14, 12, 11]), MeasureKind.RMDQ)
    assert small.enough and not small.important
    assert "less than the 5 points that counts as a change most people notice" in small.statement


def test_a_30_percent_drop_counts_for_oswestry_even_under_10_points() -> None:
    found = trend(_series(MeasureKind.ODI, [24, 22, 20, 16]), MeasureKind.ODI)
    assert found.change == -8 and found.important and found.better  # 8 of 24 is a third


def test_a_rise_in_the_neck_index_is_called_the_wrong_direction() -> None:
    found = trend(_series(MeasureKind.NDI, [10, 14, 18, 22]), MeasureKind.NDI)
    assert found.important and found.better is False and "in the wrong direction" in found.statement


def test_three_checkpoints_are_not_enough_for_a_trend() -> None:
    found = trend(_series(MeasureKind.PEG, [6, 5, 3, 2])[:3], MeasureKind.PEG)
    assert not found.enough and not found.important
    assert found.statement == (
        "PEG score: not enough data for a trend yet (readings on 3 days, spread over 42 days). A trend needs at "
        "least 4 readings on different days spread over 2 weeks."
    )


@given(kind=st.sampled_from(SCORES), values=st.lists(st.integers(0, 100), min_size=4, max_size=8))
def test_real_change_is_never_claimed_below_the_important_change(kind: MeasureKind, values: list[int]) -> None:
    info = MEASURES[kind]
    scaled = [min(v, int(info.maximum)) for v in values]
    readings = [outcome_score(kind, v, START + timedelta(days=10 * n)) for n, v in enumerate(scaled)]
    found = trend(readings, kind)
    assert found.enough and found.change is not None and found.baseline is not None
    if found.important:  # real only at the important change, or (improving) at its share of the start
        share = info.important_share or 1.0
        assert abs(found.change) >= info.important_change - 1e-9 or (
            found.better and found.baseline > 0 and abs(found.change) / found.baseline >= share - 1e-9
        )
    assert ("less than the" in found.statement) == (found.change != 0 and not found.important)


# --- the schedule ---------------------------------------------------------------------------------------------


readings_near = st.lists(
    st.tuples(st.sampled_from(SCORE_KINDS), st.integers(-10, 120)).map(
        lambda t: _reading(t[0], START + timedelta(days=t[1]))
    ),
    max_size=8,
)


@given(offset=st.integers(-30, 150), readings=readings_near, dismissed=st.sets(st.sampled_from(CHECKPOINT_WEEKS)))
def test_the_schedule_asks_only_in_a_checkpoints_window_for_what_is_missing(
    offset: int, readings: list[m.Measure], dismissed: set[int]
) -> None:
    today = START + timedelta(days=offset)
    found = checkpoint_due(START, today, readings, dismissed)
    last_day = START + timedelta(weeks=CHECKPOINT_WEEKS[-1], days=LAST_WINDOW_DAYS - 1)
    if today < START or today > last_day:
        assert found is None
    if found is None:
        return
    assert found.week in CHECKPOINT_WEEKS and found.week not in dismissed
    assert found.day == START + timedelta(weeks=found.week) <= today
    assert found.kinds and set(found.kinds) <= set(asked_at(found.week, set(SCORE_KINDS)))
    since = START if found.week == 0 else found.day - timedelta(days=EARLY_DAYS)
    assert not any(r.kind in found.kinds and since <= r.on <= today for r in readings)
    # Giving what it asks for, today, ends the prompt.
    answered = [*readings, *(_reading(k, today) for k in found.kinds)]
    assert checkpoint_due(START, today, answered, dismissed) is None


@given(week=st.sampled_from(CHECKPOINT_WEEKS), later=st.integers(0, 13))
def test_each_checkpoint_asks_from_its_day_until_the_next(week: int, later: int) -> None:
    (first, last) = next((f, e) for w, f, e in checkpoint_days(START) if w == week)
    today = first + timedelta(days=later)
    found = checkpoint_due(START, today, [], set())
    if today <= last:
        assert found is not None and found.week == week
        assert found.kinds == (
            (MeasureKind.LEG_PAIN,) if week == 0 else (MeasureKind.LEG_PAIN, MeasureKind.GLOBAL_CHANGE)
        )


def test_a_questionnaire_total_is_asked_again_once_there_is_one_and_a_few_days_early_counts() -> None:
    readings = [_reading(MeasureKind.RMDQ, START, 12), _reading(MeasureKind.LEG_PAIN, START)]
    assert checkpoint_due(START, START, readings, set()) is None  # the start is done
    week6 = START + timedelta(weeks=6)
    found = checkpoint_due(START, week6, readings, set())
    assert found is not None and found.kinds == (MeasureKind.LEG_PAIN, MeasureKind.GLOBAL_CHANGE, MeasureKind.RMDQ)
    early = checkpoint_due(START, week6, [*readings, _reading(MeasureKind.LEG_PAIN, week6 - timedelta(days=3))], set())
    assert early is not None and early.kinds == (MeasureKind.GLOBAL_CHANGE, MeasureKind.RMDQ)
    assert checkpoint_due(START, week6, readings, {6}) is None


# --- the store and the application layer (SQLite and PostgreSQL) ---------------------------------------------


def test_recording_and_dismissing_through_the_store(database_url: str) -> None:
    store = open_store(database_url)
    today = date.today()
    assert store.started_on() == today
    due = app_scores.due(store, today)
    assert due is not None and due.week == 0 and due.kinds == (MeasureKind.LEG_PAIN,)
    with pytest.raises(MeasureError, match="is in the future"):
        app_scores.record(store, MeasureKind.LEG_PAIN, 3, today + timedelta(days=1), today)
    with pytest.raises(MeasureError, match="from 0 to 24"):
        app_scores.record(store, MeasureKind.RMDQ, 30, today, today)
    assert store.measures() == [], "nothing half-written"
    app_scores.record(store, MeasureKind.RMDQ, 14, today - timedelta(days=15), today, " from my physio ")
    assert store.started_on() == today - timedelta(days=15)  # the oldest reading moves the start back
    due = app_scores.due(store, today)
    assert due is not None and due.week == 2 and MeasureKind.RMDQ in due.kinds
    app_scores.dismiss(store, 2, today)
    app_scores.dismiss(store, 2, today)  # twice is once
    assert app_scores.due(store, today) is None and store.dismissed_score_weeks() == {2}
    with pytest.raises(MeasureError, match="not 3"):
        app_scores.dismiss(store, 3, today)
    assert store.measures()[0].note == "from my physio"
    store.delete_all()
    assert store.dismissed_score_weeks() == set() and store.measures() == []


def test_names_and_answers_the_faces_accept() -> None:
    assert app_scores.kind_named("RMDQ") is MeasureKind.RMDQ
    assert app_scores.kind_named("leg-pain") is MeasureKind.LEG_PAIN
    with pytest.raises(MeasureError, match="there is no score called 'sf36'; the scores are leg-pain, rmdq"):
        app_scores.kind_named("sf36")
    assert app_scores.answer_value("Much-Better") == 2 and app_scores.answer_value("-3") == -3
    with pytest.raises(MeasureError, match="not 'sideways'"):
        app_scores.answer_value("sideways")


# --- the command line -----------------------------------------------------------------------------------------


def test_the_command_line_records_trends_and_puts_the_prompt_away() -> None:
    today = date.today()
    for weeks, total in zip((12, 6, 2, 0), (14, 12, 10, 8), strict=True):
        on = (today - timedelta(weeks=weeks)).isoformat()
        made = backstretch("log", "total", "rmdq", str(total), "--date", on, "--note", "physio")
        assert made.returncode == 0 and f"Logged Roland-Morris total {total} out of 24" in made.stdout, made.stderr
    assert backstretch("log", "leg-pain", "3").returncode == 0
    made = backstretch("log", "global-change", "much-better")
    assert made.returncode == 0 and "much better since you started" in made.stdout
    shown = backstretch("progress")
    assert "Roland-Morris total" in shown.stdout and "Leg pain" in shown.stdout
    assert "Rating of change: much better since you started" in shown.stdout
    bad = backstretch("log", "total", "odi", "130")
    assert (
        bad.returncode != 0
        and "the Oswestry total is a whole number from 0 to 100, not 130; nothing was saved" in bad.stderr
    )
    wrong = backstretch("log", "total", "leg-pain", "3")
    assert wrong.returncode != 0 and "use `backstretch log leg-pain`" in wrong.stderr
    data = json.loads(backstretch("progress", "--json").stdout)
    assert data["measures"]["rmdq"]["important"] is True and "odi" not in data["measures"]
    assert data["measures"]["rmdq"]["statement"].startswith("Roland-Morris total is down 6 points since you started")
    assert backstretch("log", "skip-scores").stdout.strip() == "No scores are due today."


# --- FHIR -----------------------------------------------------------------------------------------------------


def test_scores_go_to_fhir_with_loinc_where_verified_and_come_back_exactly() -> None:
    readings = [outcome_score(k, 1 if k is MeasureKind.GLOBAL_CHANGE else 7, START, note="clinic") for k in SCORE_KINDS]
    data = bundle(readings, [], person_id=1)
    Bundle.model_validate(data)
    codes = {
        (e["resource"]["code"]["coding"][0]["system"], e["resource"]["code"]["coding"][0]["code"])
        for e in data["entry"][1:]
    }
    assert (LOINC, "97909-6") in codes and (LOINC, "91147-9") in codes
    assert {c for s, c in codes if s == LOCAL_SYSTEM} == {"leg-pain", "global-rating-of-change", "rmdq-total",
                                                          "ndi-total"}  # fmt: skip
    assert measures_from_bundle(json.loads(json.dumps(data))) == readings


# --- the web pages and the API --------------------------------------------------------------------------------


def _client(url: str) -> TestClient:
    return TestClient(create_app(url))


def test_the_forms_and_the_api_record_scores_and_bad_ones_store_nothing(database_url: str) -> None:
    client = _client(database_url)
    store = open_store(database_url)
    for path, data, message in (
        ("/progress/scores/total", {"instrument": "rmdq", "value": "30"}, "from 0 to 24, not 30"),
        ("/progress/scores/total", {"instrument": "sf36", "value": "3"}, "choose which questionnaire"),
        ("/progress/scores/leg-pain", {"value": "lots"}, "choose a number for leg pain, not &#39;lots&#39;"),
        ("/progress/scores/global-change", {"value": "9"}, "a rating of change is a whole number"),
    ):
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 422 and message in response.text, (path, response.text[:300])
    assert store.measures() == []
    response = client.post("/progress/scores/total", data={"instrument": "odi", "value": "36", "note": "GP"},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303 and response.headers["location"].endswith("logged=odi#scores")
    assert "Saved your Oswestry total reading" in client.get(response.headers["location"]).text
    client.post("/progress/scores/global-change", data={"value": "-1"})
    page = client.get("/progress").text
    assert "you rated your back a little worse than when you started" in page
    api: Any = client.post("/api/measures", json={"kind": "peg", "value": 4.333}).json()
    assert api["kind"] == "peg" and api["value"] == 4.33
    refused = client.post("/api/measures", json={"kind": "ndi", "value": 51})
    assert refused.status_code == 422 and "from 0 to 50, not 51" in refused.json()["detail"]
    assert [(x.kind, x.value, x.note) for x in store.measures()] == [
        (MeasureKind.ODI, 36, "GP"), (MeasureKind.GLOBAL_CHANGE, -1, ""), (MeasureKind.PEG, 4.33, "")]  # fmt: skip
    assert client.get("/api/progress").json()["measures"]["odi"]["points"] == 1


def test_today_prompts_until_the_scores_are_in_or_put_away(database_url: str) -> None:
    store = open_store(database_url)
    store.save_profile(Profile())
    store.add_screening(Screening(taken_on=date.today(), answers={q.id: False for q in QUESTIONS}))
    client = _client(database_url)
    today_page = client.get("/today").text
    assert 'id="scores-due"' in today_page and "As you start: a minute for your scores (leg pain)" in today_page
    assert client.get("/api/scores/due").json()["due"]["scores"] == ["leg_pain"]
    client.post("/progress/scores/leg-pain", data={"value": "2"})
    assert 'id="scores-due"' not in client.get("/today").text
    # Two weeks on (the oldest reading sets the start), the next checkpoint asks, and Skip puts it away.
    store.add_measure(m.pain(4, date.today() - timedelta(days=14)))
    assert client.get("/api/scores/due").json()["due"]["week"] == 2
    skipped = client.post("/progress/scores-dismiss", data={"week": "2", "back": "today"}, follow_redirects=False)
    assert skipped.status_code == 303 and skipped.headers["location"] == "/today"
    assert 'id="scores-due"' not in client.get("/today").text
    assert client.post("/api/scores/dismiss", json={"week": 5}).status_code == 422


def test_a_score_reading_is_changed_on_its_own_form(database_url: str, tmp_path: Path) -> None:
    store = open_store(database_url)
    reading_id = store.add_measure(outcome_score(MeasureKind.RMDQ, 12, date.today()))
    client = _client(database_url)
    form = client.get(f"/progress/measures/{reading_id}").text
    assert "Change your Roland-Morris total reading" in form and 'max="24"' in form
    bad = client.post(f"/progress/measures/{reading_id}", data={"value": "40", "on": date.today().isoformat()})
    assert bad.status_code == 422 and "from 0 to 24, not 40" in bad.text
    client.post(f"/progress/measures/{reading_id}", data={"value": "9", "on": date.today().isoformat()})
    assert store.logged_measure(reading_id) == outcome_score(MeasureKind.RMDQ, 9, date.today())
    patched = client.patch(f"/api/measures/{reading_id}", json={"value": 25})
    assert patched.status_code == 422 and store.logged_measure(reading_id).value == 9  # type: ignore[union-attr]


# --- the clinic -----------------------------------------------------------------------------------------------


def test_the_dashboard_and_the_patient_page_show_each_score_against_its_important_change(database_url: str) -> None:
    from tests.test_clinic_web import _clinic_with_two_patients, _signed_in_as

    app, accounts, doc, amy, ben = _clinic_with_two_patients(database_url)
    amy_store = open_store(database_url).for_person(amy)
    start = date.today() - timedelta(weeks=12)
    for weeks, (odi, ndi) in zip(CHECKPOINT_WEEKS, ((40, 20), (36, 20), (30, 18), (26, 16)), strict=True):
        amy_store.add_measure(outcome_score(MeasureKind.ODI, odi, start + timedelta(weeks=weeks)))
        amy_store.add_measure(outcome_score(MeasureKind.NDI, ndi, start + timedelta(weeks=weeks)))
    open_store(database_url).for_person(ben).add_measure(outcome_score(MeasureKind.RMDQ, 9, date.today()))
    clinic = _signed_in_as(app, accounts, doc.id)
    board = clinic.get("/clinic").text
    assert "ODI 40 → 26: real change, better" in board  # 14 points, past the 10
    assert "NDI 20 → 16: no real change yet" in board  # 4 points, under the 10
    assert "RMDQ 9 (1 reading, too few to judge)" in board
    patient = clinic.get(f"/clinic/patients/{amy}").text
    assert "Oswestry total, since the start" in patient
    assert "Oswestry total is down 14 points since you started (40 → 26): a change most people notice." in patient


def test_the_printed_report_lists_each_score_against_its_important_change() -> None:
    from backstretch.library import load_catalogue
    from backstretch.printing import report_data, report_html

    store = open_store(None)
    today = date.today()
    for weeks, total in zip(CHECKPOINT_WEEKS, (14, 12, 10, 8), strict=True):
        store.add_measure(outcome_score(MeasureKind.RMDQ, total, today - timedelta(weeks=12 - weeks)))
    store.add_measure(outcome_score(MeasureKind.GLOBAL_CHANGE, 2, today))
    html = " ".join(report_html(report_data(store, today, 12), load_catalogue()).split())
    assert "<strong>Roland-Morris total:</strong> 14 → 8 (change -6)" in html and "Important change, better" in html
    assert "5 points or 30 % of the start" in html
    assert "<strong>Rating of change:</strong> much better since the start" in html
