"""The web player's camera coach: its analysis in the browser agrees with core/motion.py frame by frame, and the
player runs it on a camera (Chromium's fake camera playing real footage), or says why not and keeps the timer."""

from __future__ import annotations

import json
import math
import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from backstretch.app.routine import item_json
from backstretch.core.measures import MeasureKind, rom
from backstretch.core.motion import (
    LANDMARK_NAMES,
    Landmark,
    PoseFrame,
    State,
    Target,
    Tracker,
    settings_data,
    target_data,
)
from backstretch.core.planner import PlanItem, item_seconds
from backstretch.core.profile import Profile
from backstretch.core.safety import QUESTIONS, Screening
from backstretch.library import load_catalogue
from backstretch.store import open_store
from backstretch.web.app import create_app
from tests.helpers import backstretch as backstretch_cli
from tests.poses import ease, stretch_series
from tests.test_coach import FLOW, _need_camera
from tests.web import DESK, PHONE, SCREENSHOTS, LiveServer, chromium_path, in_position, past_the_warm_up, screenshot

CATALOGUE = load_catalogue()
FPS = 30.0


def _fold_target() -> Target:
    camera = CATALOGUE["standing-forward-fold"].camera
    assert camera is not None
    return camera.target


FOLD_FIGURE = CATALOGUE.figure_of("standing-forward-fold")


def _fold(shares: list[float]) -> list[PoseFrame]:
    return stretch_series(FOLD_FIGURE, shares, FPS)


def _steady() -> list[PoseFrame]:
    return _fold(ease(2, 10))


def _bouncing() -> list[PoseFrame]:
    dips = [1 - 0.1 * (1 - math.cos(2 * math.pi * i / FPS)) for i in range(round(6 * FPS))]
    return _fold(ease(2, 3) + dips + [1.0] * round(3 * FPS))


def _leaving() -> list[PoseFrame]:
    frames = _fold(ease(2, 5) + [0.0] * round(2 * FPS) + ease(2, 5))
    frames = frames[: round(7 * FPS)] + [PoseFrame(0, {})] * round(2 * FPS) + frames[round(7 * FPS) :]
    return [PoseFrame(i / FPS, f.landmarks) for i, f in enumerate(frames)]


def _low_visibility() -> list[PoseFrame]:
    return [PoseFrame(f.t, {k: Landmark(p.x, p.y, p.z, 0.3) for k, p in f.landmarks.items()})
            for f in _fold(ease(2, 4))]  # fmt: skip


def _noisy() -> list[PoseFrame]:
    """Tracking jitter of a few thousandths of the frame on every point, a point now and then rated hardly seen,
    and a dropped second (a gap in time) in the middle."""
    rng = random.Random(8)
    frames = []
    for f in _fold(ease(2, 12)):
        if 6.0 <= f.t < 7.0:
            continue
        frames.append(PoseFrame(f.t, {
            k: Landmark(p.x + rng.gauss(0, 0.003), p.y + rng.gauss(0, 0.003), None,
                        0.45 if rng.random() < 0.01 else 0.9)
            for k, p in f.landmarks.items()
        }))  # fmt: skip
    return frames


SEQUENCES = {"steady": _steady, "bouncing": _bouncing, "leaving": _leaving, "low-visibility": _low_visibility,
             "noisy": _noisy}  # fmt: skip


def _frames_data(frames: list[PoseFrame]) -> list[dict[str, Any]]:
    return [{"t": f.t, "landmarks": {k: {"x": p.x, "y": p.y, "visibility": p.visibility}
                                     for k, p in f.landmarks.items()}} for f in frames]  # fmt: skip


RUN_IN_BROWSER = """async ({target, settings, aspect, frames}) => {
  const {Tracker} = await import("/static/motion.js");
  const tracker = new Tracker(target, aspect, settings);
  const out = frames.map((f) => { const r = tracker.feed(f.t, f.landmarks); return [r.state, r.counted, r.value]; });
  return {frames: out, rom: tracker.rom, bounces: tracker.bounces};
}"""


@pytest.mark.parametrize("name", SEQUENCES)
def test_the_browser_analysis_gives_the_same_state_and_hold_as_the_python_one_on_every_frame(
    name: str, live_server: LiveServer, page: Page
) -> None:
    frames = SEQUENCES[name]()
    target = _fold_target()
    tracker = Tracker(target, 1.0)
    expected = [tracker.feed(f) for f in frames]
    analysis = tracker.analysis()
    page.goto(live_server.url + "/")
    got = page.evaluate(RUN_IN_BROWSER, {"target": target_data(target), "settings": settings_data(), "aspect": 1.0,
                                         "frames": _frames_data(frames)})  # fmt: skip
    states = [state for state, _, _ in got["frames"]]
    assert states == [r.state.value for r in expected]
    for (_, counted, value), want in zip(got["frames"], expected, strict=True):
        assert counted == pytest.approx(want.counted_s, abs=1e-9)
        assert (value is None) == (want.value is None)
        if value is not None and want.value is not None:
            assert value == pytest.approx(want.value, abs=1e-9)
    if analysis.rom_deg is None:
        assert got["rom"] is None
    else:
        assert got["rom"] == pytest.approx(analysis.rom_deg, abs=1e-9)
    assert got["bounces"] == len(analysis.bounces)
    # Each sequence shows what it is meant to, so the agreement is not only on trivial frames.
    seen = set(states)
    meant = {"steady": State.HOLDING, "bouncing": State.BOUNCING, "leaving": State.NOT_VISIBLE,
             "low-visibility": State.NOT_VISIBLE, "noisy": State.HOLDING}  # fmt: skip
    assert meant[name].value in seen
    if name == "low-visibility":
        assert seen == {"not-visible"}


# --- the player with a camera ------------------------------------------------------------------------------------

FOLD_FRAMES = [*range(34, 39), *range(4)]  # where she is in the fold (tests/test_coach.py), the loop's seam between


def _fake_camera(folder: Path) -> Path:
    """The fold part of the footage as a Y4M file (a text header, then each frame's raw I420 planes), which Chromium
    plays in a loop as its fake camera."""
    import cv2

    from backstretch.camera import read_video

    frames = [picture for _, picture in read_video(FLOW)]
    height, width = frames[0].shape[:2]
    out = folder / "fold.y4m"
    with out.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for n in FOLD_FRAMES:
            f.write(b"FRAME\n" + cv2.cvtColor(frames[n], cv2.COLOR_BGR2YUV_I420).tobytes())
    return out


# The fold first; the others are there because at most a third of a session may bend the spine forward.
ROUTINE = ("standing-forward-fold", "wall-chest-stretch", "standing-overhead-side-bend")


def _plan_item(stretch_id: str) -> dict[str, Any]:
    s = CATALOGUE[stretch_id]
    sides = 2 if s.per_side else 1
    return item_json(PlanItem(s.id, s.name, 20, 1, sides, s.position, s.regions.primary, s.spinal_movement,
                              item_seconds(20, 1, s.per_side)))  # fmt: skip


def _session_with(url: str, *stretches: str) -> int:
    store = open_store(url)
    store.save_profile(Profile(minutes=5))
    store.add_screening(Screening(date.today(), {q.id: False for q in QUESTIONS}))
    started = TestClient(create_app(url)).post("/api/sessions", json={"plan": [_plan_item(s) for s in stretches]})
    assert started.status_code == 201, started.text
    session_id: int = started.json()["id"]
    return session_id


def _into_the_fold(page: Page) -> None:
    """From a resumed session's first screen (paused, the checklist) to the fold's first step."""
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="I'm ready").click()
    past_the_warm_up(page)
    expect(page.get_by_role("button", name="Use my camera")).to_be_visible()


def _at_the_hold(page: Page) -> None:
    in_position(page, timeout=60_000)


def test_the_camera_coach_watches_the_fold_from_a_fake_camera_and_the_ring_waits_for_stillness(
    browser: Browser, tmp_path: Path
) -> None:
    _need_camera()  # the footage, and the camera extra's OpenCV to read it
    camera = _fake_camera(tmp_path)
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    session_id = _session_with(url, *ROUTINE)
    fake = browser.browser_type.launch(executable_path=chromium_path(), args=[
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}"])  # fmt: skip
    try:
        with LiveServer(url) as server:
            context = fake.new_context(viewport=DESK, permissions=["camera"])  # type: ignore[arg-type]
            page = context.new_page()
            page.add_init_script(SPOKEN)
            # At the real speed: the hold must outlast the checks below, or the pain check after it takes over.
            page.goto(f"{server.url}/player?session={session_id}")
            _into_the_fold(page)
            page.get_by_role("button", name="Use my camera").click()
            consent = page.get_by_role("dialog", name="Use your camera?")
            expect(consent).to_be_visible()
            expect(consent).to_contain_text("The pictures stay on this device")
            assert Axe().run(page).violations_count == 0
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / "player-camera-consent.png")
            consent.get_by_role("button", name="Turn on the camera").click()
            expect(consent).to_be_hidden()
            # The clock waits while the model loads (in software WebGL here, many seconds).
            expect(page.locator("#camera-state")).to_have_text("Starting the camera…")
            expect(page.get_by_role("button", name="Resume")).to_be_visible()
            overlay = page.locator("#camera-overlay")
            # The pose model found her: most of the 33 points are drawn.
            expect(overlay).to_have_attribute("data-drawn", re.compile(r"^(2[0-9]|3[0-3])$"), timeout=120_000)
            # Resumed: reading the fold and getting into it waits for her, with no clock running.
            expect(page.get_by_role("button", name="I'm in position")).to_be_visible()
            _at_the_hold(page)
            state = page.locator("#camera-state")
            expect(state).to_have_text(re.compile("^(In position: now hold still|Holding still: the timer counts)$"),
                                       timeout=30_000)  # fmt: skip
            # While the coach says she is not still yet (here the model sees about one frame a second, too few to
            # judge stillness), the ring waits, though the plain timer would run a second of the hold. Read both
            # every 100 ms for a second: the state can change only at a model frame.
            samples = []
            for _ in range(10):
                samples.append((state.inner_text(), page.locator("#ring-text").text_content()))
                page.wait_for_timeout(100)
            if all(text.startswith("In position") for text, _ in samples):
                assert len({ring for _, ring in samples}) == 1, samples
            # Paused, so the hold cannot end (and the camera with it) while the slower checks below run.
            pause = page.locator("#pause")
            if (pause.text_content() or "").strip() == "Pause":
                pause.dispatch_event("click")  # wherever the pointer is
            expect(pause).to_have_text("Resume")
            assert Axe().run(page).violations_count == 0
            page.screenshot(path=SCREENSHOTS / "player-camera.png")
            page.set_viewport_size(PHONE)  # type: ignore[arg-type]
            page.wait_for_timeout(300)
            page.screenshot(path=SCREENSHOTS / "player-camera-phone.png", full_page=True)
            page.get_by_role("button", name="Stop camera").click()
            expect(page.locator("#camera-view")).to_be_hidden()
            assert page.evaluate("document.getElementById('camera-video').srcObject") is None
            expect(page.get_by_role("button", name="Use my camera")).to_be_visible()
            context.close()
    finally:
        fake.close()


def test_without_a_camera_the_player_says_so_and_the_timer_keeps_counting(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    session_id = _session_with(f"sqlite:///{tmp_path / 'web.sqlite3'}", *ROUTINE)
    page.goto(f"{live_server.url}/player?session={session_id}&speed=5")
    _into_the_fold(page)
    page.get_by_role("button", name="Use my camera").click()
    page.get_by_role("dialog", name="Use your camera?").get_by_role("button", name="Turn on the camera").click()
    # This browser has no camera, and the permission is not given: either way the page says why, in words.
    expect(page.locator("#camera-state")).to_contain_text("so the timer counts", timeout=30_000)
    expect(page.get_by_role("button", name="Use my camera")).to_be_visible()
    _at_the_hold(page)
    first = int(page.locator("#ring-text").text_content() or "0")
    page.wait_for_timeout(1200)
    assert int(page.locator("#ring-text").text_content() or "0") < first  # the plain timer runs the hold


def test_saying_not_now_keeps_the_camera_off_and_the_session_going(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    session_id = _session_with(f"sqlite:///{tmp_path / 'web.sqlite3'}", *ROUTINE)
    page.add_init_script(ASKED)
    page.goto(f"{live_server.url}/player?session={session_id}&speed=5")
    _into_the_fold(page)
    page.get_by_role("button", name="Use my camera").click()
    dialog = page.get_by_role("dialog", name="Use your camera?")
    expect(page.locator("#paused-label")).to_be_visible()  # the clock waits while the person reads
    dialog.get_by_role("button", name="Not now").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#paused-label")).to_be_hidden()
    expect(page.locator("#camera-view")).to_be_hidden()
    assert page.evaluate("window.asked") == 0  # the browser was never asked for the camera


def test_the_camera_coach_can_be_turned_off_for_a_whole_server(
    page: Page, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _session_with(f"sqlite:///{tmp_path / 'web.sqlite3'}", *ROUTINE)
    monkeypatch.setenv("BACKSTRETCH_CAMERA", "off")
    page.goto(f"{live_server.url}/player?session={session_id}&speed=5")
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="I'm ready").click()
    past_the_warm_up(page)
    expect(page.locator("#step-title")).to_contain_text("Standing forward fold")
    expect(page.get_by_role("button", name="Use my camera")).to_be_hidden()


ASKED = """
window.asked = 0;
const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (...how) => { window.asked += 1; return ask(...how); };
"""
SPOKEN = """
window.spoken = [];
const speak = speechSynthesis.speak.bind(speechSynthesis);
speechSynthesis.speak = (u) => { window.spoken.push(u.text); speak(u); };
"""


# --- the range of motion, saved and shown -------------------------------------------------------------------------


def test_a_range_of_motion_is_saved_once_checked_first_and_shown_on_the_progress_page(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    session_id = _session_with(url, *ROUTINE)
    client = TestClient(create_app(url))
    saved = client.post(f"/api/sessions/{session_id}/rom", json={"stretch": "standing-forward-fold", "degrees": 72.44})
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"stretch": "standing-forward-fold", "degrees": 72.4, "saved": True,
                            "measure": "hip angle in Standing forward fold, degrees (lower is deeper)"}  # fmt: skip
    again = client.post(f"/api/sessions/{session_id}/rom", json={"stretch": "standing-forward-fold", "degrees": 72.4})
    assert again.status_code == 200 and again.json()["saved"] is False  # a replay after being offline: stored once
    refused = {
        "an angle past 180": ({"stretch": "standing-forward-fold", "degrees": 181}, 422, "degrees"),
        "a negative angle": ({"stretch": "standing-forward-fold", "degrees": -1}, 422, "degrees"),
        "a stretch with no camera target": ({"stretch": "wall-chest-stretch", "degrees": 40}, 422, "no camera target"),
        "a stretch not in the session": ({"stretch": "downward-dog", "degrees": 40}, 422, "not part of session"),
        "an unknown field": ({"stretch": "standing-forward-fold", "degrees": 40, "note": "x"}, 422, "note"),
    }  # fmt: skip
    for why, (body, status, words) in refused.items():
        answer = client.post(f"/api/sessions/{session_id}/rom", json=body)
        assert answer.status_code == status and words in answer.text, why
    assert client.post("/api/sessions/999/rom", json={"stretch": "standing-forward-fold", "degrees": 40}).status_code \
        == 404  # fmt: skip
    by_hand = client.post("/api/measures", json={"kind": "rom", "value": 40})
    assert by_hand.status_code == 422 and "camera coach" in by_hand.json()["detail"]
    stored = client.get("/api/measures", params={"kind": "rom"}).json()
    assert [(m["stretch"], m["value"]) for m in stored] == [("standing-forward-fold", 72.4)]  # nothing half-written

    # Two earlier sessions, so the chart has a line: the deepest of a closing angle is the smallest.
    store = open_store(url)
    for days_ago, degrees in ((14, 80.0), (7, 69.5)):
        store.add_measure(rom(degrees, date.today() - timedelta(days=days_ago), "standing-forward-fold"))
    page.goto(f"{live_server.url}/progress")
    row = page.locator("#rom tr[data-stretch='standing-forward-fold']")
    expect(row).to_contain_text("hip angle in Standing forward fold, degrees (lower is deeper)")
    expect(row.locator("td")).to_have_text(["3", "80", "72.4", "69.5"])
    checked = Axe().run(page)
    assert checked.violations_count == 0, checked.generate_report()
    chart = client.get("/progress/rom.svg")
    assert chart.status_code == 200 and 'id="rom-standing-forward-fold"' in chart.text
    screenshot(page, "progress-rom")
    shown = backstretch_cli("progress", "--db", url)
    assert shown.returncode == 0, shown.stderr
    assert "Range of motion (camera coach)" in shown.stdout
    assert "80 (" in shown.stdout and "72.4 (" in shown.stdout and "69.5" in shown.stdout  # first, latest, deepest


# --- the player's coaching, with a pose model that plays a known sequence ------------------------------------------

# Stands in for MediaPipe's pose.js in the next test only: in headless Chromium the real model sees about one frame
# a second, too few to judge stillness, so this one answers every frame with the next pose of a sequence made from
# the fold's figure (30 a second, over and over). The camera (Chromium's fake one), camera.js, motion.js and the
# player are the real ones.
FAKE_POSE = """
window.Pose = class {
  constructor() { this.frames = window.poseFrames; this.start = null; }
  setOptions() {}
  async initialize() {}
  onResults(callback) { this.callback = callback; }
  async send() {
    const now = performance.now() / 1000;
    if (this.start === null) this.start = now;
    this.callback({ poseLandmarks: this.frames[Math.floor((now - this.start) * 30) % this.frames.length] });
  }
};
"""


def _blazepose_frames(frames: list[PoseFrame]) -> list[list[dict[str, float]]]:
    """The frames as the pose model gives them: 33 points in BlazePose's order (the figure's own, and the rest
    unseen)."""
    hidden = {"x": 0.0, "y": 0.0, "visibility": 0.0}
    return [[{"x": p.x, "y": p.y, "visibility": p.visibility} if (p := f.landmarks.get(name)) else hidden
             for name in LANDMARK_NAMES] for f in frames]  # fmt: skip


def test_the_ring_counts_only_a_still_hold_says_no_bouncing_and_the_deepest_angle_is_saved(
    browser: Browser, tmp_path: Path
) -> None:
    # Into the fold in 2 s, still for 6 s, bouncing for 4 s (a 10 % dip once a second), still for 2 s; then again.
    bounces = [1 - 0.1 * (1 - math.cos(2 * math.pi * i / FPS)) for i in range(round(4 * FPS))]
    shares = ease(2, 6) + bounces + [1.0] * round(2 * FPS)
    sequence = _fold(shares)
    tracker = Tracker(_fold_target(), 640 / 480)
    for frame in sequence:
        tracker.feed(frame)
    deepest = tracker.analysis().rom_deg
    assert deepest is not None
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    session_id = _session_with(url, *ROUTINE)
    fake = browser.browser_type.launch(executable_path=chromium_path(), args=[
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])  # fmt: skip
    try:
        with LiveServer(url) as server:
            # No service worker: it would fetch pose.js itself, past the stand-in.
            context = fake.new_context(viewport=DESK, permissions=["camera"],  # type: ignore[arg-type]
                                       service_workers="block")  # fmt: skip
            page = context.new_page()
            page.add_init_script(SPOKEN)
            page.add_init_script(f"window.poseFrames = {json.dumps(_blazepose_frames(sequence))};")
            page.route("**/static/vendor/mediapipe-pose/pose.js",
                       lambda route: route.fulfill(body=FAKE_POSE, content_type="text/javascript"))  # fmt: skip
            page.goto(f"{server.url}/player?session={session_id}&speed=2")
            _into_the_fold(page)
            page.get_by_role("button", name="Use my camera").click()
            page.get_by_role("dialog", name="Use your camera?").get_by_role("button", name="Turn on the camera").click()
            _at_the_hold(page)
            state = page.locator("#camera-state")
            expect(state).to_have_text("Holding still: the timer counts", timeout=30_000)
            before = int(page.locator("#ring-text").text_content() or "0")
            page.wait_for_timeout(1500)
            if state.inner_text().startswith("Holding"):
                assert int(page.locator("#ring-text").text_content() or "0") < before, "a still hold counts"
            page.wait_for_function("() => window.spoken.includes('Gently, no bouncing')", timeout=30_000)
            page.get_by_role("button", name="Just a stretch").click(timeout=60_000)  # the fold's pain check
            expect(page.locator("#step-title")).to_contain_text("Wall chest stretch")
            store = open_store(url)
            for _ in range(50):  # the page sends it from its queue of writes, a moment after the stretch ends
                if store.measures(MeasureKind.ROM):
                    break
                page.wait_for_timeout(200)
            context.close()
    finally:
        fake.close()
    stored = store.measures(MeasureKind.ROM)
    assert [m.stretch for m in stored] == ["standing-forward-fold"]
    # The deepest angle held still: the sequence's own, as the Python coach finds it (to the tenth it is saved to).
    assert stored[0].value == pytest.approx(deepest, abs=0.06)
