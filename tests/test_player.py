"""The terminal player driven in a real pseudo-terminal, and what the store keeps when things go wrong."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

import pexpect
import pytest

from backstretch.core.safety import QUESTIONS
from tests.helpers import backstretch

PAIN_CHECK = r"How did (.+?) feel\?"
AFTER = r"How much pain do you have now\?"
WAITING = r"Press Enter when you (?:are ready|are in position|have moved)"


@pytest.fixture
def person(tmp_path: Path, backstretch_home: Path) -> Path:
    answers = "\n".join(f"{q.id} = false" for q in QUESTIONS)
    profile = tmp_path / "me.toml"
    profile.write_text(
        f'minutes = 5\nequipment = ["chair", "wall"]\n[screening]\ntaken_on = {date.today()}\n{answers}\n'
    )
    assert backstretch("profile", "--from", profile).returncode == 0
    return backstretch_home


def spawn(*args: str) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "backstretch", "start", "--no-sound", *args], env=dict(os.environ),
                          encoding="utf-8", timeout=60, dimensions=(50, 120))  # fmt: skip
    child.expect("how much pain do you have right now")
    child.sendline("4")
    return child


def history() -> list[dict[str, object]]:
    result = backstretch("history", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


TOP = r"╭[^╮\n]*╮"  # the top border of the player's panel, with the step's title in it
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _title(text: str) -> str:
    """The step title in the last panel border drawn in this text."""
    found = re.findall(r"╭─+ (.+?) ─+╮", ANSI.sub("", text))
    return found[-1] if found else ""


def go_on(child: pexpect.spawn, *until: str) -> int:
    """Press Enter at every step that waits for the person, until one of `until` shows; which one it was."""
    patterns = [WAITING, *until]
    title = ""
    while True:
        index = child.expect(patterns)
        if index:
            return index - 1
        title = _title(child.before) or title
        child.send("\r")
        # The screen is redrawn several times a second: frames of the same step drawn before the key arrived are
        # read and passed over, so one step gets one Enter however slow the machine is.
        while True:
            index = child.expect([TOP, *until])
            if index:
                return index - 1
            if _title(child.after) != title:
                title = _title(child.after)
                break


def finish(child: pexpect.spawn) -> None:
    child.sendline("1")
    child.expect("A note")
    child.sendline("loosened up")
    child.expect(pexpect.EOF)


def test_complete_session_then_a_painful_one_then_quit_halfway(person: Path) -> None:
    planned = json.loads(backstretch("plan", "--json").stdout)["items"]
    names = [i["name"] for i in planned]

    child = spawn("--speed", "50")
    for _ in planned:
        assert go_on(child, PAIN_CHECK) == 0
        child.send("1")
    assert go_on(child, AFTER) == 0
    finish(child)
    first = history()
    assert len(first) == 1
    assert first[0]["status"] == "completed"
    assert first[0]["done"] == [i["stretch"] for i in planned]
    assert first[0]["pain_before"] == 4 and first[0]["pain_after"] == 1 and first[0]["note"] == "loosened up"

    child = spawn("--speed", "50")
    go_on(child, PAIN_CHECK)
    hurt_name = child.match.group(1)
    child.send("3")
    child.expect("sharp or shooting")
    child.send("n")
    while go_on(child, PAIN_CHECK, AFTER) == 0:
        child.send("1")
    finish(child)
    second = history()[1]
    hurt = next(i["stretch"] for i in planned if i["name"] == hurt_name) if hurt_name in names else None
    assert second["painful"] == [hurt] if hurt else len(second["painful"]) == 1  # type: ignore[arg-type]
    assert second["status"] == "completed"

    child = spawn("--speed", "50")
    go_on(child, PAIN_CHECK)
    child.send("1")
    child.send("q")
    child.expect("Stopped here")
    child.expect(AFTER)
    finish(child)
    third = history()[2]
    assert third["status"] == "partial"
    assert len(third["done"]) >= 1  # type: ignore[arg-type]
    assert len(third["done"]) < len(planned)  # type: ignore[arg-type]


def test_sharp_pain_ends_the_session_with_advice(person: Path) -> None:
    child = spawn("--speed", "50")
    go_on(child, PAIN_CHECK)
    child.send("3")
    child.expect("sharp or shooting")
    child.send("y")
    child.expect("Session ended")
    child.expect("A note")
    child.sendline("")
    child.expect(pexpect.EOF)
    assert history()[0]["status"] == "stopped"


def test_kill_9_mid_session_keeps_every_finished_step(person: Path) -> None:
    child = spawn("--speed", "4")
    database = person / "backstretch.sqlite3"
    deadline = time.monotonic() + 60
    count = 0
    go_on(child, PAIN_CHECK)  # ready, in position, and the first stretch held
    while time.monotonic() < deadline and count < 3:
        child.expect([pexpect.TIMEOUT], timeout=0.2)  # keep reading the screen, as a terminal does
        with sqlite3.connect(database) as db:
            count = db.execute("SELECT count(*) FROM session_step").fetchone()[0]
    assert count >= 3, "the player should have finished a few steps by now"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        steps = db.execute("SELECT step_index FROM session_step ORDER BY id").fetchall()
    assert [s[0] for s in steps] == list(range(len(steps))), "finished steps are all there, in order"
    shown = history()
    assert shown[0]["status"] == "partial"


def test_it_hurts_stops_the_stretch_and_offers_its_easier_variant(person: Path, tmp_path: Path) -> None:
    harder = {
        "stretch": "standing-hamstring-step",
        "name": "Standing hamstring stretch",
        "hold_seconds": 20,
        "reps": 1,
        "sides": 2,
        "position": "standing",
        "regions": ["hamstrings"],
        "spinal_movement": "neutral",
        "seconds": 85,
    }
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps({"items": [harder]}))
    child = spawn("--plan", str(saved), "--speed", "10")
    go_on(child, "Next: ")
    child.send("h")
    child.expect("sharp or shooting")
    child.send("n")
    child.expect("Try the easier")
    child.send("y")
    go_on(child, PAIN_CHECK)
    assert "chair" in child.match.group(1).lower()
    child.send("1")
    go_on(child, AFTER)
    finish(child)
    session = history()[0]
    assert session["painful"] == ["standing-hamstring-step"]
    assert session["done"] == ["chair-hamstring-reach"]
    assert session["status"] == "completed"
    exported = json.loads(backstretch("export").stdout)["sessions"][0]
    assert [i["stretch"] for i in exported["plan"]["items"]] == ["standing-hamstring-step", "chair-hamstring-reach"]
    indices = [s["step_index"] for s in exported["steps"]]
    assert len(indices) == len(set(indices)), "each step of the changed session is saved once, in its own place"


def test_pause_skip_and_the_bell_at_each_change(person: Path, tmp_path: Path) -> None:
    items = json.loads(backstretch("plan", "--json", "--minutes", "5").stdout)["items"][:2]
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps({"items": items}))
    child = pexpect.spawn(sys.executable, ["-m", "backstretch", "start", "--plan", str(saved), "--speed", "10"],
                          env=dict(os.environ), encoding="utf-8", timeout=60, dimensions=(50, 120))  # fmt: skip
    child.expect("how much pain do you have right now")
    child.sendline("")
    child.expect("Press Enter when you are ready")
    child.send("\r")
    child.expect("\a")  # a cue sounds when the step changes: the terminal bell, as espeak-ng is not installed here
    go_on(child, f"Next: {items[0]['name']}")
    child.send(" ")
    child.expect("PAUSED")
    child.send(" ")
    child.send("s")
    go_on(child, PAIN_CHECK)
    assert items[1]["name"] in child.match.group(1), "skipping moves straight on to the next stretch"
    child.send("1")
    go_on(child, AFTER)
    finish(child)
    session = history()[0]
    assert session["skipped"] == [items[0]["stretch"]]
    assert session["done"] == [items[1]["stretch"]]


def test_a_saved_plan_is_checked_again_before_it_is_followed(person: Path, tmp_path: Path) -> None:
    items = json.loads(backstretch("plan", "--json").stdout)["items"]
    unsafe = [{**items[0], "hold_seconds": 90}]
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps({"items": unsafe}))
    result = backstretch("start", "--plan", saved, "--no-sound")
    assert result.returncode == 2
    assert "safe range" in " ".join(result.stderr.split())
    assert history() == [], "nothing is started"


def test_reading_a_stretch_and_getting_into_position_waits_for_enter(person: Path) -> None:
    """At 50 times the speed, 3 s of reading is 150 s of session time, far longer than setup's 10 s estimate: the
    player still waits, saves nothing more, and goes on only when the person presses Enter."""
    child = spawn("--speed", "50")
    database = person / "backstretch.sqlite3"

    def saved() -> list[tuple[int, str]]:
        with sqlite3.connect(database) as db:
            return db.execute("SELECT step_index, kind FROM session_step ORDER BY step_index").fetchall()

    child.expect("Press Enter when you are ready")  # the checklist waits too
    time.sleep(2)
    assert saved() == []
    child.send("\r")
    child.expect("Press Enter when you are in position")
    child.expect(r"Start like this")  # the start pose beside the goal
    at_setup = saved()
    assert at_setup[-1][1] == "warm-up", "the timed warm-up went by on its own; the stretch's setup waits"
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # keep reading the screen, as a terminal does
        child.expect([WAITING, pexpect.TIMEOUT], timeout=0.2)
    assert saved() == at_setup, "nothing moves on while the person reads"
    shown = child.before + (child.after if isinstance(child.after, str) else "")
    assert "Press Enter when you are in position" in shown
    child.send("\r")
    go_on(child, PAIN_CHECK)
    kinds = [k for _, k in saved()]
    assert kinds[len(at_setup)] == "setup" and "hold" in kinds[len(at_setup) :], "Enter goes on to the hold"
    child.send("q")
    child.expect(AFTER)
    finish(child)
