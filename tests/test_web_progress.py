"""Progress and settings in the browser: logging measures, honest trends, charts, reminders, export, import, delete."""

from __future__ import annotations

import json
import re
from datetime import date, time, timedelta
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from icalendar import Calendar
from playwright.sync_api import Page, expect

from backstretch.app.reminders import build_reminders, calendar_bytes
from backstretch.core import measures as m
from backstretch.core.consistency import consistency
from backstretch.core.measures import EVERYDAY, MEASURES, MeasureKind, trend
from backstretch.core.profile import Profile
from backstretch.core.reminders import break_times
from backstretch.core.vocab import Condition
from backstretch.core.words import day_words
from backstretch.library import load_catalogue
from backstretch.store import open_store
from backstretch.store.transfer import export_data
from backstretch.web.app import create_app
from tests.helpers import backstretch, five_weeks, record_session
from tests.web import SCREENSHOTS, LiveServer, screenshot


def _no_violations(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'web.sqlite3'}"  # the live_server fixture's database


def test_logging_measures_through_the_forms(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = open_store(_db(tmp_path))
    page.goto(f"{live_server.url}/progress")
    expect(page.locator("#consistency-message")).to_contain_text("No stretching logged yet")
    page.get_by_text("How to rate your pain").click()
    expect(page.get_by_text("Rate your back pain right now")).to_be_visible()
    page.get_by_label("Pain, 0 (none) to 10").fill("4")
    page.get_by_label("Taken on waking").check()
    log = page.locator("#log")  # the everyday measures' form (the scores below have forms of their own)
    log.get_by_text("Another day or a note").click()
    log.get_by_label("Note (optional)").fill("stiff")
    page.get_by_role("button", name="Save pain").click()
    expect(page.get_by_role("status")).to_have_text("Saved your pain reading. Thank you.")
    stored = store.measures()
    assert [(x.kind, x.value, x.morning, x.note, x.on) for x in stored] == [
        (MeasureKind.PAIN, 4, True, "stiff", date.today())
    ]
    expect(page.locator('.trend[data-kind="pain"]')).to_contain_text("readings on 1 day)")

    # Out of range, past the browser's own check: the message is by the form, the value kept, nothing stored.
    page.locator("#pain-value").evaluate("input => { input.max = '20'; }")
    page.get_by_label("Pain, 0 (none) to 10").fill("11")
    page.get_by_role("button", name="Save pain").click()
    expect(page.locator("#pain-error")).to_have_text("pain is a whole number from 0 to 10, not 11")
    expect(page.locator("#pain-value")).to_have_value("11")
    expect(page.locator("#pain-value")).to_have_attribute("aria-describedby", "pain-error")
    assert len(store.measures()) == 1

    page.get_by_role("link", name="Function").click()
    page.get_by_label("What you find hard").first.fill("putting on socks")
    page.get_by_label("Score, 0 (cannot do it)").first.fill("4")
    page.get_by_label("What you find hard").nth(1).fill("sitting an hour")
    page.get_by_label("Score, 0 (cannot do it)").nth(1).fill("7")
    page.get_by_role("button", name="Save function").click()
    expect(page.get_by_role("status")).to_have_text("Saved your function reading. Thank you.")
    # Next time the form offers the same activities, so the scores compare.
    expect(page.get_by_label("What you find hard").nth(1)).to_have_value("sitting an hour")

    page.get_by_role("link", name="Reach").click()
    page.get_by_label("Fingertip to floor").fill("5")
    page.get_by_label("Unit").select_option("in")
    page.get_by_role("button", name="Save reach").click()
    expect(page.get_by_role("status")).to_have_text("Saved your reach reading. Thank you.")
    kinds = [(x.kind, x.value) for x in store.measures()]
    assert sorted(kinds) == sorted([(MeasureKind.PAIN, 4), (MeasureKind.FUNCTION, 5.5), (MeasureKind.REACH, 12.7)])


def test_bad_form_posts_store_nothing(database_url: str) -> None:
    url = database_url
    client = TestClient(create_app(url))
    future = (date.today() + timedelta(days=1)).isoformat()
    for path, data, message in (
        ("/progress/pain", {"value": "11"}, "pain is a whole number from 0 to 10, not 11"),
        ("/progress/pain", {"value": "3", "on": future}, "is in the future"),
        ("/progress/function", {"activity": ["socks", ""], "score": ["12", ""]}, "must be from 0 to 10, not 12"),
        ("/progress/function", {"activity": ["", ""], "score": ["", ""]}, "name at least one activity"),
        ("/progress/reach", {"value": "200"}, "reach is measured from -40 to 80 cm, not 200 cm"),
        ("/progress/reach", {"value": "far"}, "reach is a distance such as 12 or 12.5, not &#39;far&#39;"),
    ):
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 422 and message in response.text, (path, data)
    assert open_store(url).measures() == []


def test_api_measures_and_progress_match_the_command_line(database_url: str) -> None:
    url = database_url
    five_weeks(open_store(url))
    client = TestClient(create_app(url))
    assert client.post("/api/measures", json={"kind": "pain", "value": 11}).json() == {
        "detail": "pain is a whole number from 0 to 10, not 11"
    }
    assert client.post("/api/measures", json={"kind": "reach", "value": 5, "morning": True}).status_code == 422
    created = client.post("/api/measures", json={"kind": "reach", "value": 4, "unit": "in", "note": "legs"})
    assert created.status_code == 201 and created.json()["value"] == 10.2
    function = {"kind": "function", "activities": [{"activity": "socks", "score": 6}], "date": "2026-01-05"}
    assert client.post("/api/measures", json=function).json()["date"] == "2026-01-05"
    listed = client.get("/api/measures", params={"kind": "reach"}).json()
    assert listed[-1] == {"id": created.json()["id"], "kind": "reach", "value": 10.2, "activities": [],
                          "morning": False, "note": "legs", "date": date.today().isoformat()}  # fmt: skip
    cli = backstretch("progress", "--json", "--db", url)
    assert cli.returncode == 0, cli.stderr
    assert client.get("/api/progress").json() == json.loads(cli.stdout)


def test_seeded_progress_shows_the_core_trends_and_charts(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = five_weeks(open_store(_db(tmp_path)))
    today = date.today()
    readings = store.measures()
    summary = consistency(store.active_days(), today, store.load_profile().planned_weekdays)  # type: ignore[union-attr]
    page.goto(f"{live_server.url}/progress")
    for kind in EVERYDAY:  # the kinds with trends for everyone (a score has one once it has readings)
        expected = trend(readings, kind).statement
        expect(page.locator(f'.trend[data-kind="{kind.value}"]')).to_have_text(expected)
    assert trend(readings, MeasureKind.PAIN).enough and not trend(readings, MeasureKind.FUNCTION).enough
    expect(page.locator("#consistency-message")).to_have_text(summary.message)
    expect(page.locator("#current-streak")).to_contain_text(str(summary.current_streak))
    expect(page.locator("#longest-streak")).to_contain_text(str(summary.longest_streak))
    page.get_by_text("Week by week as a table").click()
    table = page.get_by_role("table", name="Days and minutes of stretching")
    expect(table.locator("tbody tr")).to_have_count(len(summary.weeks))
    for kind in EVERYDAY:  # each measure in its own card, drawn as inline SVG with a title and a description
        chart = page.locator(f"#card-{kind.value} svg.svg-chart")
        expect(chart).to_have_attribute("role", "img")
        expect(chart.locator("title").first).to_have_text(f"{MEASURES[kind].title} over time")
        expect(chart.locator("circle.dot")).to_have_count(len([x for x in readings if x.kind is kind]))
    pains = len([x for x in readings if x.kind is MeasureKind.PAIN])
    expect(page.locator("#chart-pain desc")).to_contain_text(f"{pains} readings")
    assert page.locator("main img").count() == 0, "no chart is a fixed-size image any more"
    for name in ("chart", "calendar"):  # the print report and the clinic still use these
        response = page.request.get(f"{live_server.url}/progress/{name}.svg")
        assert response.headers["content-type"] == "image/svg+xml" and b"<svg" in response.body()
        assert response.body() == page.request.get(f"{live_server.url}/progress/{name}.svg").body()  # deterministic
    screenshot(page, "progress")
    _no_violations(page)


def test_the_empty_page_says_so_in_plain_words(tmp_path: Path) -> None:
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    text = client.get("/progress").text
    assert "No pain readings yet: " in text and "No reach readings yet: " in text and "<svg" not in text
    assert "backstretch" not in text.split("<main", 1)[1].lower(), "no command line on the page"


def _json_without_time(text: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(text)
    document.pop("exported_at")
    return document


def test_settings_reminders_export_import_and_delete(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = five_weeks(open_store(_db(tmp_path)))
    page.goto(f"{live_server.url}/settings")
    expect(page.get_by_role("link", name="Edit your profile")).to_have_attribute("href", "/onboarding/profile")
    expect(page.get_by_role("link", name="Answer the safety questions again")).to_have_attribute(
        "href", "/onboarding/safety"
    )
    screenshot(page, "settings")
    assert Axe().run(page).violations_count == 0

    # Reminders: the same file the command line builds for the same choices.
    page.get_by_label("Time of the daily stretch").fill("07:30")
    page.get_by_label("Saturday").first.check()
    page.get_by_label("Add 2-minute desk breaks").check()
    page.get_by_label("Every (30 to 60 minutes)").fill("60")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download reminders (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "backstretch-reminders.ics"
    data = Path(download.path()).read_bytes()
    events = Calendar.from_ical(data).walk("VEVENT")
    times = break_times(time(9), time(17), 60)
    assert len(events) == 1 + len(times) and str(events[0]["summary"]) == "Stretch for your back (8 min)"
    expected = build_reminders(load_catalogue(), store.load_profile(), date.today(), time(7, 30), None,
                               frozenset(range(7)), times, frozenset(range(5)), live_server.url)  # fmt: skip
    assert data == calendar_bytes(expected)
    response = page.goto(f"{live_server.url}/settings/reminders.ics?desk_breaks=true&every=20&from=09:00&to=17:00")
    assert response is not None and response.status == 422
    expect(page.locator("#reminders-error")).to_contain_text("desk breaks must come every 30 to 60 minutes, not 20")

    # Export, then import into a fresh database through the form: the same data comes out again.
    page.goto(f"{live_server.url}/settings")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as JSON").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert download_info.value.suggested_filename.endswith(".json")
    backup = tmp_path / "backup.json"
    backup.write_text(exported, encoding="utf-8")
    csv = page.request.get(f"{live_server.url}/settings/export.csv")
    assert "attachment" in csv.headers["content-disposition"] and csv.text().startswith("record,")
    with LiveServer(f"sqlite:///{tmp_path / 'fresh.sqlite3'}") as fresh:
        page.goto(f"{fresh.url}/settings")
        page.get_by_label("File made by Export").set_input_files(backup)
        page.get_by_role("button", name="Import").click()
        expect(page.locator(".notice.confirm")).to_contain_text("Imported. What is stored now: 1 profile")
        again = page.request.get(f"{fresh.url}/settings/export.json").text()
        assert _json_without_time(again) == _json_without_time(exported)

        # A broken file: the first bad record is named, and nothing changes, even with "replace" ticked.
        broken = json.loads(exported)
        broken["measures"][1]["value"] = 99
        broken["measures"][3]["value"] = 99
        bad = tmp_path / "broken.json"
        bad.write_text(json.dumps(broken), encoding="utf-8")
        page.get_by_label("File made by Export").set_input_files(bad)
        page.get_by_label("Replace what is stored now").check()
        page.get_by_role("button", name="Import").click()
        expect(page.locator("#import-error")).to_contain_text("measures[1]")
        expect(page.locator("#import-error")).not_to_contain_text("measures[3]")
        expect(page.locator("#import-error")).to_contain_text("nothing was imported")
        assert page.request.get(f"{fresh.url}/settings/export.json").text() != ""
        assert _json_without_time(page.request.get(f"{fresh.url}/settings/export.json").text()) == (
            _json_without_time(exported)
        )

    # Deleting everything needs DELETE typed; anything else deletes nothing.
    page.goto(f"{live_server.url}/settings")
    page.get_by_text("Delete all my data…").click()
    page.get_by_label("To confirm, type DELETE").fill("delete")
    page.get_by_role("button", name="Delete everything").click()
    expect(page.locator("#delete-error")).to_contain_text("Nothing was deleted")
    assert store.load_profile() is not None and store.measures()
    page.get_by_label("To confirm, type DELETE").fill("DELETE")
    page.get_by_role("button", name="Delete everything").click()
    page.wait_for_url(f"{live_server.url}/")
    emptied = export_data(store)
    assert emptied["profile"] is None
    assert emptied["screenings"] == emptied["sessions"] == emptied["measures"] == []


def test_bad_upload_and_full_database_are_clear(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'upload.sqlite3'}"
    five_weeks(open_store(url))
    client = TestClient(create_app(url))
    before = export_data(open_store(url))
    not_export = client.post("/settings/import", files={"file": ("notes.txt", b"hello")})
    assert not_export.status_code == 422 and "not a backstretch export" in not_export.text
    full = client.post("/settings/import", files={"file": ("b.json", client.get("/settings/export.json").content)})
    assert full.status_code == 409 and "nothing was imported" in full.text
    after = export_data(open_store(url))
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before


def test_confirmations_come_from_the_server_not_the_address(database_url: str) -> None:
    url = database_url
    client = TestClient(create_app(url))
    saved = client.post("/progress/pain", data={"value": "3"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/progress?logged=pain#log-pain"
    assert "Saved your pain reading. Thank you." in client.get("/progress?logged=pain").text
    made_up = client.get("/progress", params={"logged": "pain", "text": "Pain 0/10, you are cured"}).text
    assert "cured" not in made_up and "Saved your pain reading" in made_up
    assert 'role="status"' not in client.get("/progress", params={"logged": "You are cured"}).text
    shown = client.get("/settings", params={"imported": "Imported a made-up backup"}).text
    assert "made-up" not in shown and "notice confirm" not in shown
    assert "Imported. What is stored now: 0 profiles" in client.get("/settings", params={"done": "imported"}).text


def test_a_fourth_function_activity_is_an_error_not_dropped(database_url: str) -> None:
    url = database_url
    client = TestClient(create_app(url))
    names, scores = ["socks", "sitting", "stairs", "lifting"], ["4", "5", "6", "7"]
    response = client.post("/progress/function", data={"activity": names, "score": scores})
    assert response.status_code == 422 and "rate at most 3 activities; activity 4 is one too many" in response.text
    assert open_store(url).measures() == []
    # A fourth box left empty is fine.
    ok = client.post("/progress/function", data={"activity": [*names[:3], " "], "score": [*scores[:3], ""]},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and [m.value for m in open_store(url).measures()] == [5.0]


def test_reach_test_is_never_offered_to_someone_barred_from_forward_folds(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    """Rule reach-safety on every face: the page has no reach form or how-to, the form post, the API and
    `backstretch log reach` store nothing and say why in plain words."""
    url = _db(tmp_path)
    store = open_store(url)
    store.save_profile(Profile(conditions=(Condition.OSTEOPOROSIS,)))
    page.goto(f"{live_server.url}/progress")
    page.get_by_role("link", name="Reach").click()
    section = page.locator("#log-reach")
    expect(section).to_contain_text("The reach test is not for you")
    expect(section).to_contain_text("With osteoporosis, bending the spine forward")
    expect(page.get_by_label("Fingertip to floor")).to_have_count(0)
    expect(page.get_by_text("How to measure your reach")).to_have_count(0)
    expect(page.get_by_role("button", name="Save reach")).to_have_count(0)
    _no_violations(page)
    screenshot(page, "progress-reach-refused")

    client = TestClient(create_app(url))
    posted = client.post("/progress/reach", data={"value": "10"}, follow_redirects=False)
    assert posted.status_code == 422 and "The reach test is not for you" in posted.text
    assert "Nothing was saved." in posted.text
    api = client.post("/api/measures", json={"kind": "reach", "value": 10})
    assert api.status_code == 409 and api.json()["detail"].startswith("The reach test is not for you")
    cli = backstretch("log", "reach", "10", "--db", url)
    assert cli.returncode == 3 and "The reach test is not for you" in cli.stderr and "Traceback" not in cli.stderr
    assert store.measures() == []
    # Pain is still logged as before.
    assert client.post("/api/measures", json={"kind": "pain", "value": 3}).status_code == 201


def test_reach_form_explains_a_minus_number(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = open_store(_db(tmp_path))
    store.save_profile(Profile())
    page.goto(f"{live_server.url}/progress?log=reach")
    expect(page.locator("#reach-hint")).to_contain_text("minus number")
    expect(page.get_by_label("Fingertip to floor")).to_have_attribute("aria-describedby", "reach-hint")
    page.get_by_text("How to measure your reach").click()
    expect(page.get_by_text("stand on a sturdy step")).to_be_visible()
    page.get_by_label("Fingertip to floor").fill("-3")
    page.get_by_role("button", name="Save reach").click()
    expect(page.get_by_role("status")).to_have_text("Saved your reach reading. Thank you.")
    assert [(x.kind, x.value) for x in store.measures()] == [(MeasureKind.REACH, -3.0)]
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#log-reach").scroll_into_view_if_needed()
    screenshot(page, "progress-reach-form")


def _chart_text_px(page: Page, selector: str) -> float:
    """The smallest rendered size of a chart's text: its font size in the drawing's units, scaled to the screen."""
    return float(page.locator(selector).evaluate(
        "svg => Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize)"
        " * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width))"))  # fmt: skip


def _row(page: Page, kind: str, day_text: str) -> object:
    page.locator(f"#card-{kind} summary").click()
    return page.locator(f"#readings-{kind} tbody tr", has_text=day_text)


def test_log_change_delete_and_undo_each_measure_on_a_phone(page: Page, live_server: LiveServer,
                                                             tmp_path: Path) -> None:  # fmt: skip
    """At 390 x 844: the log form is at the top, each measure is logged, changed (a bad value refused with the value
    kept), deleted and put back with Undo, and the reading comes back exactly as it was."""
    store = open_store(_db(tmp_path))
    store.save_profile(Profile())
    today = date.today()
    today_words = day_words(today, today)
    page.goto(f"{live_server.url}/progress")
    form = page.locator("#log-pain").bounding_box()
    assert form is not None and form["y"] < 844, "the log form is on the first screen of a phone"

    # Pain
    page.get_by_label("Pain, 0 (none) to 10").fill("6")
    page.get_by_role("button", name="Save pain").click()
    expect(page.get_by_role("status")).to_have_text("Saved your pain reading. Thank you.")
    (pain_id,) = [e.id for e in store.logged_measures(MeasureKind.PAIN)]
    row = _row(page, "pain", today_words)
    expect(row).to_contain_text("6 out of 10")
    row.get_by_role("link", name=re.compile("Change")).click()
    expect(page.get_by_role("heading", name="Change your pain reading")).to_be_visible()
    page.get_by_label("Pain, 0 (none) to 10").evaluate("input => { input.max = '20'; }")
    page.get_by_label("Pain, 0 (none) to 10").fill("12")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("#edit-error")).to_have_text("pain is a whole number from 0 to 10, not 12")
    expect(page.get_by_label("Pain, 0 (none) to 10")).to_have_value("12")  # what was typed, kept
    assert [x.value for x in store.measures(MeasureKind.PAIN)] == [6]
    page.get_by_label("Pain, 0 (none) to 10").fill("3")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("status")).to_have_text(f"Changed your pain reading of {today_words}.")
    assert [(e.id, e.measure.value) for e in store.logged_measures(MeasureKind.PAIN)] == [(pain_id, 3)]
    page.locator(f'tr[data-measure="{pain_id}"]').get_by_role("button", name=re.compile("Delete")).click()
    expect(page.get_by_role("status")).to_contain_text(f"Deleted your pain reading of {today_words}.")
    assert store.measures(MeasureKind.PAIN) == []
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text(f"Put back your pain reading of {today_words}.")
    assert [(e.id, e.measure.value) for e in store.logged_measures(MeasureKind.PAIN)] == [(pain_id, 3)]
    _no_violations(page)

    # Function
    page.get_by_role("link", name="Function", exact=True).click()
    page.get_by_label("What you find hard").first.fill("putting on socks")
    page.get_by_label("Score, 0 (cannot do it)").first.fill("4")
    page.get_by_role("button", name="Save function").click()
    expect(page.get_by_role("status")).to_have_text("Saved your function reading. Thank you.")
    (function_id,) = [e.id for e in store.logged_measures(MeasureKind.FUNCTION)]
    _row(page, "function", today_words).get_by_role("link", name=re.compile("Change")).click()
    expect(page.get_by_label("What you find hard").first).to_have_value("putting on socks")
    page.get_by_label("Score, 0 (cannot do it)").first.fill("7")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("status")).to_have_text(f"Changed your function reading of {today_words}.")
    assert [x.value for x in store.measures(MeasureKind.FUNCTION)] == [7]
    page.locator(f'tr[data-measure="{function_id}"]').get_by_role("button", name=re.compile("Delete")).click()
    expect(page.get_by_role("status")).to_contain_text("Deleted your function reading")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Put back your function reading")
    assert [x.activities[0].score for x in store.measures(MeasureKind.FUNCTION)] == [7]

    # Reach: two readings of one day, one past the floor, both shown as they are.
    page.get_by_role("link", name="Reach", exact=True).click()
    expect(page.locator("#reach-hint")).to_contain_text("a minus number, such as -3: it means 3 cm past the floor")
    page.get_by_label("Fingertip to floor").fill("12")
    page.get_by_role("button", name="Save reach").click()
    page.get_by_role("link", name="Reach", exact=True).click()
    page.get_by_label("Fingertip to floor").fill("-4")
    page.get_by_role("button", name="Save reach").click()
    expect(page.get_by_role("status")).to_have_text("Saved your reach reading. Thank you.")
    chart = page.locator("#chart-reach")
    expect(chart.locator("circle.dot")).to_have_count(2)
    expect(chart.locator("circle.dot title")).to_have_text([f"{today_words}: 12 cm above the floor",
                                                            f"{today_words}: 4 cm past the floor"])  # fmt: skip
    expect(chart.locator("desc")).to_contain_text("1 reading past the floor, standing on a step")
    expect(chart.locator(".floor-label")).to_have_text("floor")
    expect(page.locator("#card-reach .basis")).to_contain_text("on the 1 day with more than one reading, the middle")
    page.locator("#card-reach summary").click()
    expect(page.locator("#readings-reach tbody tr")).to_have_count(2)
    expect(page.locator("#readings-reach")).to_contain_text("4 cm past the floor")
    past_id = next(e.id for e in store.logged_measures(MeasureKind.REACH) if e.measure.value < 0)
    before = store.logged_measures(MeasureKind.REACH)
    page.locator(f'tr[data-measure="{past_id}"]').get_by_role("link", name=re.compile("Change")).click()
    expect(page.locator("#reach-hint")).to_contain_text("-3 is 3 cm past the floor")
    page.get_by_label("Fingertip to floor in cm").fill("-50")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("#edit-error")).to_have_text("reach is measured from -40 to 80 cm, not -50 cm")
    expect(page.get_by_label("Fingertip to floor in cm")).to_have_value("-50")
    screenshot(page, "progress-change-reach")
    page.get_by_role("link", name="Cancel").click()
    page.locator("#card-reach summary").click()
    page.locator(f'tr[data-measure="{past_id}"]').get_by_role("button", name=re.compile("Delete")).click()
    expect(page.locator("#chart-reach circle.dot")).to_have_count(1)
    screenshot(page, "progress-deleted-undo")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#chart-reach circle.dot")).to_have_count(2)
    assert store.logged_measures(MeasureKind.REACH) == before

    for kind in ("pain", "function", "reach"):  # real text sizes on a phone
        assert _chart_text_px(page, f"#chart-{kind}") >= 14
    _no_violations(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_no_command_lines_or_iso_dates_on_the_page(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    page.goto(f"{live_server.url}/progress")
    text = page.locator("main").inner_text()
    assert "backstretch " not in text and "`" not in text
    five_weeks(open_store(_db(tmp_path)))
    page.goto(f"{live_server.url}/progress")
    for details in page.locator("main details").all():
        details.evaluate("d => { d.open = true; }")
    text = page.locator("main").inner_text()
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), "an ISO date on the page"
    assert "backstretch log" not in text


def _screens(page: Page, url: str, name: str) -> None:
    page.goto(url)
    screenshot(page, name)


def test_progress_screenshots(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    """Empty, a few readings, and many (a year of them): saved at phone and desk sizes to look at."""
    url = _db(tmp_path)
    _screens(page, f"{live_server.url}/progress", "progress-empty")
    store = open_store(url)
    today = date.today()
    for n, value in enumerate((5, 4, 4)):
        store.add_measure(m.pain(value, today - timedelta(days=3 * n)))
    store.add_measure(m.reach(12, today))
    store.add_measure(m.reach(-4, today))
    _screens(page, f"{live_server.url}/progress", "progress-few")
    for n in range(365):
        day = today - timedelta(days=n)
        store.add_measure(m.pain(max(0, min(10, 3 + (n // 40) % 4 - (n % 3 == 0))), day))
        if n % 2 == 0:
            record_session(store, day, 8)
        if n % 7 == 0:
            store.add_measure(m.reach(round(20 - (365 - n) / 20, 1), day))
            store.add_measure(m.function([("putting on socks", 3 + (365 - n) // 60)], day))
    _screens(page, f"{live_server.url}/progress", "progress-many")
    for kind in ("pain", "function", "reach"):
        assert _chart_text_px(page, f"#chart-{kind}") >= 14
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=SCREENSHOTS / "progress-many-1366x900.png", full_page=True)
