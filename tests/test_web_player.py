"""The player in the browser: a session saved step by step, "it hurts", a reload that resumes, the API's refusals."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from markupsafe import escape
from playwright.sync_api import Page, Response, expect
from sqlalchemy import create_engine, text

from backstretch.core.planner import painful_recently
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.store import Store, open_store
from backstretch.web.app import create_app
from tests.web import LiveServer, in_position, screenshot

PAGE_WEIGHT_LIMIT = 150 * 1024


def _url(tmp_path: Path) -> str:
    """The database the live server opens."""
    return f"sqlite:///{tmp_path / 'web.sqlite3'}"


def _seed(url: str, screening: bool = True) -> Store:
    """A profile and an all-no safety check taken today."""
    store = open_store(url)
    store.save_profile(Profile(minutes=3))
    if screening:
        store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    return store


def _rows(tmp_path: Path, session_id: int) -> list[int]:
    with sqlite3.connect(tmp_path / "web.sqlite3") as db:
        query = "SELECT step_index FROM session_step WHERE session_id = ? ORDER BY step_index"
        return [r[0] for r in db.execute(query, (session_id,))]


def _session_id(page: Page) -> int:
    page.wait_for_url("**/player?session=*")
    return int(page.url.split("session=")[1].split("&")[0])


def _run_to_end(page: Page) -> None:
    """Answer every pain check with "just a stretch" until the session ends."""
    end = page.locator("#end")
    check = page.get_by_role("button", name="Just a stretch")
    go = page.locator("#go")
    for _ in range(400):
        if end.is_visible():
            return
        if check.is_visible():
            check.click()
        elif go.is_visible():
            go.click()
        page.wait_for_timeout(100)
    raise AssertionError("the session did not end")


def test_a_whole_session_is_saved_step_by_step(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = _seed(_url(tmp_path))
    page.goto(f"{live_server.url}/player?minutes=3&speed=100")
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    page.locator("#before").get_by_role("button", name="3", exact=True).click()
    session_id = _session_id(page)
    _run_to_end(page)
    expect(page.get_by_role("heading", name="Well done")).to_be_visible()
    page.locator("#end").get_by_role("button", name="1", exact=True).click()
    page.get_by_label("A note on how it felt").fill("Easy today.")
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    expect(page.get_by_role("link", name="See your progress")).to_have_attribute("href", "/progress")
    assert Axe().run(page).violations_count == 0
    screenshot(page, "player-summary")

    steps = TestClient(create_app(_url(tmp_path))).get(f"/api/sessions/{session_id}").json()
    assert _rows(tmp_path, session_id) == list(range(len(steps["steps"]))), "every step saved once, in order"
    assert {r["outcome"] for r in steps["recorded"]} == {"done"}
    (session,) = store.history()
    assert (session.status, session.pain_before, session.pain_after, session.note) == ("completed", 3, 1, "Easy today.")
    assert set(session.done) == {i["stretch"] for i in steps["items"]}
    assert steps["reports"] == {i["stretch"]: "just-a-stretch" for i in steps["items"]}


def test_it_hurts_stops_the_stretch_and_the_planner_leaves_it_out(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    store = _seed(_url(tmp_path))
    page.goto(f"{live_server.url}/player?minutes=5&speed=10")  # three stretches: one to hurt, more to go on to
    page.locator("#before").get_by_role("button", name="Skip this question").click()
    session_id = _session_id(page)
    in_position(page, timeout=30000)
    page.keyboard.press("h")
    expect(page.get_by_role("heading", name="Stopped. Rest a moment.")).to_be_visible()
    screenshot(page, "player-hurt")
    assert Axe().run(page).violations_count == 0
    page.get_by_role("button", name="No: painful, but not like that").click()
    expect(page.locator("#noted-text")).to_contain_text("left out of your plans for the next 14 days")
    with sqlite3.connect(tmp_path / "web.sqlite3") as db:
        reports = db.execute(
            "SELECT stretch, feeling FROM stretch_report WHERE session_id = ?", (session_id,)
        ).fetchall()
        stopped = db.execute("SELECT kind FROM session_step WHERE outcome = 'stopped'").fetchall()
    assert len(reports) == 1 and reports[0][1] == "painful" and stopped == [("hold",)]
    hurt = reports[0][0]
    assert hurt in painful_recently(store.planner_history(date.today()), date.today())
    page.get_by_role("button", name="Go on").click()
    expect(page.locator("#play")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_text("End the session now?")).to_be_visible()  # asked first, on the page
    expect(page.locator("#play")).to_be_visible()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    (session,) = store.history()
    assert session.status == "partial" and session.painful == (hurt,)
    client = TestClient(create_app(_url(tmp_path)))
    again = client.post("/api/sessions", json={"minutes": 5}).json()
    assert hurt not in [i["stretch"] for i in again["items"]], "the next plan leaves the painful stretch out"


HARDER = {"stretch": "standing-hamstring-step", "name": "Standing hamstring stretch with the heel on a step",
          "hold_seconds": 20, "reps": 1, "sides": 2, "position": "standing", "regions": ["hamstrings"],
          "spinal_movement": "neutral", "seconds": 85}  # fmt: skip


def test_it_hurts_offers_the_easier_variant_and_plays_it(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = _seed(_url(tmp_path))
    client = TestClient(create_app(_url(tmp_path)))
    started = client.post("/api/sessions", json={"plan": [HARDER], "pain_before": 2})
    assert started.status_code == 201, started.text
    session_id = started.json()["id"]
    page.goto(f"{live_server.url}/player?session={session_id}&speed=10")
    page.get_by_role("button", name="Resume").click()
    in_position(page, timeout=15000)
    page.get_by_role("button", name="It hurts").click()
    page.get_by_role("button", name="No: painful, but not like that").click()
    offer = page.get_by_role("button", name="Try Seated hamstring stretch on a chair")
    expect(offer).to_be_visible()
    # What it is, before it plays: its figure, and that it means changing position.
    expect(page.locator("#easier")).to_contain_text("It is done on a chair, so you change position for it.")
    expect(page.locator("#easier-figure")).to_have_attribute("src", "/figures/chair-hamstring-reach.svg")
    screenshot(page, "player-easier")
    offer.click()
    expect(page.locator("#step-title")).to_have_text("Sit on a chair", timeout=15000)  # a step of its own, waiting
    in_position(page, "setup")
    expect(page.locator("#step-title")).to_contain_text("Seated hamstring stretch on a chair", timeout=15000)
    page.get_by_role("button", name="I'm in position").click()
    expect(page.locator("#step-title")).to_contain_text("(left side)", timeout=30000)
    expect(page.locator("#figure")).to_have_class("figure-box mirrored", timeout=5000)
    page.keyboard.press(" ")  # paused, to look at the left side's mirrored figure
    screenshot(page, "player-left-side")
    page.keyboard.press(" ")
    _run_to_end(page)
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    (session,) = store.history()
    assert session.painful == ("standing-hamstring-step",) and session.done == ("chair-hamstring-reach",)
    played = client.get(f"/api/sessions/{session_id}").json()
    assert [i["stretch"] for i in played["items"]] == ["standing-hamstring-step", "chair-hamstring-reach"]
    assert _rows(tmp_path, session_id) == sorted(set(_rows(tmp_path, session_id))), "each step saved once"
    again = client.post(f"/api/sessions/{session_id}/easier", json={"stretch": "standing-hamstring-step"})
    assert again.status_code == 409, "a finished session takes no more changes"


def test_the_easier_variant_only_after_pain_and_only_once(database_url: str) -> None:
    _seed(database_url)
    client = TestClient(create_app(database_url))
    session = client.post("/api/sessions", json={"plan": [HARDER]}).json()
    url = f"/api/sessions/{session['id']}"
    body = {"stretch": "standing-hamstring-step"}
    assert client.post(f"{url}/easier", json=body).status_code == 409, "not before it hurt"
    answer = client.post(f"{url}/reports", json={**body, "feeling": "painful"}).json()
    offer = {k: answer["easier"][k] for k in ("stretch", "name", "position", "same_position")}
    assert offer == {
        "stretch": "chair-hamstring-reach",
        "name": "Seated hamstring stretch on a chair",
        "position": "on a chair",
        "same_position": False,
    }, "what it is, to show before it plays"
    first, second = client.post(f"{url}/easier", json=body), client.post(f"{url}/easier", json=body)
    assert first.status_code == second.status_code == 200
    assert [i["stretch"] for i in second.json()["items"]] == ["standing-hamstring-step", "chair-hamstring-reach"]
    variant = second.json()["items"][1]
    assert (variant["hold_seconds"], variant["reps"]) == (10, 1), "the gentlest dose of the easier stretch"
    assert client.post(f"{url}/easier", json={"stretch": "cat-stretch"}).status_code == 422


CHEST = {
    "stretch": "wall-chest-stretch",
    "name": "Chest stretch on a wall",
    "hold_seconds": 20,
    "reps": 1,
    "sides": 2,
    "position": "standing",
    "regions": ["chest"],
    "spinal_movement": "neutral",
    "seconds": 85,
}


def test_two_app_processes_save_steps_against_the_plan_as_it_is_now(database_url: str) -> None:
    """Clinic mode runs several app processes on one database. One has read a session to save its steps; the
    other puts an easier variant in. The first then saves each step as the new plan numbers it, never the old."""
    _seed(database_url)
    first, second = TestClient(create_app(database_url)), TestClient(create_app(database_url))
    session = first.post("/api/sessions", json={"plan": [HARDER, CHEST]}).json()
    url = f"/api/sessions/{session['id']}"
    old = {s["index"]: s["stretch"] for s in session["steps"]}
    assert first.post(f"{url}/steps", json={"index": 0, "seconds": 30, "outcome": "done"}).json()["saved"] is True
    assert second.post(f"{url}/reports", json={"stretch": HARDER["stretch"], "feeling": "painful"}).status_code == 200
    assert second.post(f"{url}/easier", json={"stretch": HARDER["stretch"]}).status_code == 200
    new = {s["index"]: s["stretch"] for s in second.get(url).json()["steps"]}
    # A number that was a chest stretch step before the change and is the easier variant's now.
    moved = next(i for i in old if old[i] == CHEST["stretch"] and new[i] == "chair-hamstring-reach")
    last = max(new)  # a number the old plan did not have
    for index in (moved, last):
        saved = first.post(f"{url}/steps", json={"index": index, "seconds": 1, "outcome": "done"})
        assert saved.status_code == 200 and saved.json()["saved"] is True
    with create_engine(database_url).connect() as db:
        stored = dict(db.execute(text("SELECT step_index, stretch FROM session_step WHERE session_id = :s"),
                                 {"s": session["id"]}).all())  # fmt: skip
    assert stored == {0: None, moved: "chair-hamstring-reach", last: new[last]}, "stored as the new plan numbers them"
    assert second.post(f"{url}/finish", json={"status": "partial"}).status_code == 200
    assert first.post(f"{url}/steps", json={"index": 1, "seconds": 1, "outcome": "done"}).status_code == 409


def test_sharp_pain_ends_the_session_with_advice(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    store = _seed(_url(tmp_path))
    page.goto(f"{live_server.url}/player?minutes=3&speed=10")
    page.locator("#before").get_by_role("button", name="5", exact=True).click()
    in_position(page, timeout=15000)
    page.get_by_role("button", name="It hurts").click()
    page.get_by_role("button", name="Yes: sharp, shooting, numb or tingling").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    expect(page.locator("#advice")).to_contain_text("see a doctor or physiotherapist")
    expect(page.locator("#after-box")).to_be_hidden()
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    (session,) = store.history()
    assert session.status == "stopped" and len(session.painful) == 1


def test_reload_resumes_without_saving_a_step_twice(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(_url(tmp_path))
    page.goto(f"{live_server.url}/player?minutes=3&speed=10")
    screenshot(page, "player-before")
    page.locator("#before").get_by_role("button", name="2", exact=True).click()
    session_id = _session_id(page)
    expect(page.locator("body[data-step='checklist']")).to_be_attached()
    screenshot(page, "player-checklist")
    page.get_by_role("button", name="I'm ready").click()
    in_position(page, timeout=15000)
    page.keyboard.press(" ")
    expect(page.locator("#paused-label")).to_be_visible()
    page.wait_for_timeout(300)  # the figure has settled into the hold
    expect(page.locator("#figure .pose-start")).to_be_attached()  # the start pose, faded behind the hold
    expect(page.locator("#figure")).not_to_have_class("figure-box at-start")
    speech = page.get_by_role("button", name="Spoken cues: on")
    expect(speech).to_have_attribute("aria-pressed", "true")
    speech.click()
    expect(page.get_by_role("button", name="Spoken cues: off")).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="Spoken cues: off").click()
    screenshot(page, "player-hold")
    assert Axe().run(page).violations_count == 0
    before = _rows(tmp_path, session_id)
    assert before and before == list(range(len(before)))
    page.reload()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    assert _rows(tmp_path, session_id) == before
    # An offline retry of a step already saved changes nothing.
    retry = page.request.post(f"{live_server.url}/api/sessions/{session_id}/steps",
                              data={"index": before[-1], "seconds": 1, "outcome": "done"})  # fmt: skip
    assert retry.ok and retry.json()["already_saved"] is True
    page.goto(f"{live_server.url}/player?session={session_id}&speed=100")
    page.get_by_role("button", name="Resume").click()
    _run_to_end(page)
    screenshot(page, "player-end")
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    rows = _rows(tmp_path, session_id)
    assert len(rows) == len(set(rows)), "no step saved twice"
    total = len(page.request.get(f"{live_server.url}/api/sessions/{session_id}").json()["steps"])
    assert rows == list(range(total))


# Records what the page asks of the browser, and still passes every call on to the real API.
SPY = """
window.spoken = [];
const speak = speechSynthesis.speak.bind(speechSynthesis);
speechSynthesis.speak = (u) => { window.spoken.push(u.text); speak(u); };
window.locks = [];
const request = navigator.wakeLock.request.bind(navigator.wakeLock);
navigator.wakeLock.request = async (type) => {
  const lock = await request(type);
  window.locks.push(lock);
  return lock;
};
"""


def test_the_screen_stays_awake_and_the_cues_are_spoken(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(_url(tmp_path))
    page.add_init_script(SPY)
    page.goto(f"{live_server.url}/player?minutes=3&speed=5")
    page.locator("#before").get_by_role("button", name="Skip this question").click()
    expect(page.locator("body[data-step='checklist']")).to_be_attached()
    held = "() => window.locks.length > 0 && window.locks.every((l, i) => l.released === (i < window.locks.length - 1))"
    page.wait_for_function(held)  # one lock, held while the session plays
    assert "Before you start" in page.evaluate("window.spoken")
    page.get_by_role("button", name="I'm ready").click()
    page.wait_for_function("() => window.spoken.some((t) => t.startsWith('Next: '))")
    in_position(page)
    page.keyboard.press(" ")
    page.wait_for_function("() => window.locks.every((l) => l.released)")  # paused: the screen may sleep again
    page.get_by_role("button", name="Spoken cues: on").click()
    said = page.evaluate("window.spoken.length")
    page.keyboard.press(" ")
    page.wait_for_function(held)  # playing again: the lock is taken again
    page.wait_for_timeout(3000)  # a few steps at five times the speed
    assert page.evaluate("window.spoken.length") == said, "nothing is spoken once spoken cues are off"


def test_player_page_weight(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _seed(_url(tmp_path))
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{live_server.url}/player?minutes=3&speed=10")
    page.locator("#before").get_by_role("button", name="1", exact=True).click()
    in_position(page, "setup")
    expect(page.locator("#figure svg").first).to_be_attached(timeout=15000)
    assets = [r for r in responses if "/api/" not in r.url]
    weight = sum(len(r.body()) for r in assets)
    api = sum(len(r.body()) for r in responses if "/api/" in r.url)
    print(f"player page weight: {weight} bytes of page, style, script and figure; {api} bytes of session JSON")
    assert {r.url.rsplit("/", 1)[-1].split("?")[0] for r in assets} >= {
        "player",
        "app.css",
        "player.js",
        "outbox.js",
        "session.js",
        "view.js",
        "coach.js",
    }
    assert any("/figures/" in r.url for r in assets)
    assert weight + api <= PAGE_WEIGHT_LIMIT


def test_safety_first_and_clear_errors(database_url: str) -> None:
    client = TestClient(create_app(database_url))
    refused = client.post("/api/sessions", json={})
    assert refused.status_code == 409 and "profile" in refused.json()["detail"]["reasons"][0]
    _seed(database_url, screening=False)
    refused = client.post("/api/sessions", json={"minutes": 3})
    assert refused.status_code == 409 and "safety questions" in refused.json()["detail"]["reasons"][0]
    page = client.get("/player")
    assert page.status_code == 200 and "safety questions" in page.text and 'href="/"' in page.text
    assert "player.js" not in page.text

    store = open_store(database_url)
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    for body, field in (({"pain_before": 11}, "pain_before"), ({"minutes": 1}, "minutes"),
                        ({"swap": "x"}, "swap"), ({"colour": "red"}, "colour")):  # fmt: skip
        bad = client.post("/api/sessions", json=body)
        assert bad.status_code == 422 and field in bad.json()["detail"][0], bad.json()
    assert client.post("/api/sessions", json={"swap": ["no-such-stretch"]}).status_code == 422
    created = client.post("/api/sessions", json={"minutes": 3, "pain_before": 4})
    assert created.status_code == 201
    session = created.json()
    first = session["items"][0]["stretch"]
    swapped = client.post("/api/sessions", json={"minutes": 3, "swap": [first]}).json()
    assert first not in [i["stretch"] for i in swapped["items"]]
    assert [s["index"] for s in session["steps"]] == list(range(len(session["steps"])))
    assert session["steps"][0]["kind"] == "checklist" and session["next_index"] == 0
    url = f"/api/sessions/{session['id']}"
    assert client.post(f"{url}/steps", json={"index": 0, "seconds": 20, "outcome": "done"}).json()["saved"] is True
    assert client.post(f"{url}/steps", json={"index": 0, "seconds": 20, "outcome": "done"}).json()["saved"] is False
    assert client.get(url).json()["next_index"] == 1
    for body, field in (({"index": 1, "seconds": 5, "outcome": "maybe"}, "outcome"),
                        ({"index": -1, "seconds": 5, "outcome": "done"}, "index"),
                        ({"index": 9999, "seconds": 5, "outcome": "done"}, "index")):  # fmt: skip
        bad = client.post(f"{url}/steps", json=body)
        assert bad.status_code == 422 and field in bad.json()["detail"][0], bad.json()
    assert client.post(f"{url}/reports", json={"stretch": first, "feeling": "fine"}).status_code == 422
    assert client.post(f"{url}/reports", json={"stretch": "no-such", "feeling": "painful"}).status_code == 422
    assert client.post(f"{url}/finish", json={"status": "done"}).status_code == 422
    assert client.post(f"{url}/finish", json={"status": "partial", "pain_after": 12}).status_code == 422
    assert client.get("/api/sessions/999").status_code == 404
    assert client.post("/api/sessions/999/steps", json={"index": 0, "seconds": 1, "outcome": "done"}).status_code == 404
    assert client.get("/player", params={"session": 999}).status_code == 404
    finished = client.post(f"{url}/finish", json={"status": "partial", "pain_after": 3, "note": "short"})
    assert finished.status_code == 200 and finished.json()["summary"]["status"] == "partial"
    assert client.post(f"{url}/steps", json={"index": 1, "seconds": 5, "outcome": "done"}).status_code == 409


def _screen_again(store: Store, **yes: bool) -> None:
    """A newer safety check, taken today, with the named answers (dashes as underscores) yes."""
    answers = {q.id: yes.get(q.id.replace("-", "_"), False) for q in QUESTIONS}
    store.add_screening(Screening(date.today(), answers))


def test_a_newer_safety_no_stops_a_session_in_progress(database_url: str) -> None:
    store = _seed(database_url)
    client = TestClient(create_app(database_url))
    session = client.post("/api/sessions", json={"minutes": 3}).json()
    url = f"/api/sessions/{session['id']}"
    assert client.post(f"{url}/steps", json={"index": 0, "seconds": 30, "outcome": "done"}).json()["saved"] is True
    _screen_again(store, bladder_bowel=True)

    resumed = client.get(url)
    assert resumed.status_code == 409 and resumed.json()["detail"]["refused"] is True
    reasons = resumed.json()["detail"]["reasons"]
    assert reasons == client.post("/api/sessions", json={}).json()["detail"]["reasons"]
    page = client.get("/player", params={"session": session["id"]})
    assert page.status_code == 200 and "Not today, and that is fine" in page.text and "player.js" not in page.text
    assert all(escape(r) in page.text for r in reasons)
    step = client.post(f"{url}/steps", json={"index": 1, "seconds": 5, "outcome": "done"})
    assert step.status_code == 409 and step.json()["detail"]["reasons"] == reasons
    assert store.recorded_steps(session["id"]) == {0}
    # Saying it hurt, and finishing, are still saved; a finished session can be looked at again.
    first = session["items"][0]["stretch"]
    assert client.post(f"{url}/reports", json={"stretch": first, "feeling": "sharp"}).status_code == 200
    finished = client.post(f"{url}/finish", json={"status": "stopped"})
    assert finished.status_code == 200 and finished.json()["status"] == "stopped"
    assert client.get(url).status_code == 200
    assert client.get("/player", params={"session": session["id"]}).text.count("Not today") == 0


def test_the_page_stops_a_running_session_when_the_safety_check_now_says_no(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    store = _seed(_url(tmp_path))
    page.goto(f"{live_server.url}/player?minutes=3&speed=10")
    page.locator("#before").get_by_role("button", name="2", exact=True).click()
    session_id = _session_id(page)
    expect(page.locator("body[data-step='checklist']")).to_be_attached()
    _screen_again(store, bladder_bowel=True)
    # The next step the page saves is refused: it stops, says why, and drops the write instead of retrying it.
    page.get_by_role("button", name="I'm ready").click()
    expect(page.get_by_role("heading", name="Not today, and that is fine")).to_be_visible(timeout=15000)
    expect(page.locator("#refused li").first).to_be_visible()
    expect(page.locator("#play")).to_be_hidden()
    page.wait_for_timeout(500)
    left = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('backstretch.pending.'))")
    assert left == []
    assert _rows(tmp_path, session_id) == []
    assert Axe().run(page).violations_count == 0
    # Opening the session again shows the same calm refusal, and no player.
    page.reload()
    expect(page.get_by_role("heading", name="Not today, and that is fine")).to_be_visible()
    expect(page.locator("#player")).to_have_count(0)


def test_a_stored_plan_that_cannot_be_read_is_a_clear_409(database_url: str) -> None:
    store = _seed(database_url)
    session_id = store.start_session(date.today(), {"items": [{"stretch": "x"}]}, None)
    client = TestClient(create_app(database_url))
    loaded = client.get(f"/api/sessions/{session_id}")
    assert loaded.status_code == 409 and "stored plan" in loaded.json()["detail"]
    step = client.post(f"/api/sessions/{session_id}/steps", json={"index": 0, "seconds": 1, "outcome": "done"})
    assert step.status_code == 409
    shown = client.get("/player", params={"session": session_id})
    assert shown.status_code == 409 and "stored plan" in shown.text
