"""The player's session state machine and offline outbox on their own, in real headless Chromium: each test imports
the ES module into a page of the running app, as the player does, and drives it with no player page around it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page

from tests.web import LiveServer

# A small session: the checklist, one stretch (setup, move in, hold, release), a change of position, and a second
# stretch. Steps that wait for the person are marked as the server marks them.
KINDS = [("checklist", True, 20, None), ("setup", True, 10, 0), ("move-in", False, 5, 0), ("hold", False, 20, 0),
         ("release", False, 5, 0), ("position", True, 25, 1), ("setup", True, 10, 1), ("move-in", False, 5, 1),
         ("hold", False, 20, 1), ("release", False, 5, 1)]  # fmt: skip


def _steps() -> list[dict[str, Any]]:
    steps, start = [], 0
    for index, (kind, waits, seconds, item) in enumerate(KINDS):
        stretch = None if item is None or kind == "position" else f"stretch-{item}"
        steps.append({"index": index, "kind": kind, "waits": waits, "seconds": seconds, "start": start,
                      "item": item, "stretch": stretch, "title": kind, "lines": [], "cues": []})  # fmt: skip
        start += seconds
    return steps


DATA = {"steps": _steps(), "total_seconds": sum(k[2] for k in KINDS), "items": [{"stretch": "stretch-0"},
        {"stretch": "stretch-1"}], "breaths_per_minute": 6, "next_index": 0}  # fmt: skip

# Runs a list of actions through the state machine: ["advance", seconds] or ["goOn"]; gives back every event and
# the step index after each action.
RUN = """async ([data, actions]) => {
  const { Session } = await import("/static/player/session.js");
  const session = new Session(data, { index: 0 });
  const out = [];
  for (const [action, seconds] of actions) {
    const before = session.idx;
    const events = action === "advance" ? session.advance(seconds) : session.goOn();
    out.push({ before, after: session.idx, events });
  }
  return out;
}"""


def _blank(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/api/health")  # a page of the app with no player script of its own


def test_a_step_that_waits_never_ends_on_the_clock(page: Page, live_server: LiveServer) -> None:
    _blank(page, live_server)
    run = [["advance", 3600], ["goOn"], ["advance", 600], ["goOn"], ["goOn"], ["advance", 4], ["advance", 1],
           ["advance", 100], ["advance", 600], ["goOn"]]  # fmt: skip
    out = page.evaluate(RUN, [DATA, run])
    assert out[0] == {"before": 0, "after": 0, "events": []}, "an hour at the checklist: still the checklist"
    assert out[1]["events"] == [{"type": "save", "index": 0, "seconds": 20, "outcome": "done"}]
    assert out[2] == {"before": 1, "after": 1, "events": []}, "ten minutes reading the setup: still the setup"
    assert out[3]["after"] == 2
    assert out[4] == {"before": 2, "after": 2, "events": []}, "a press during a timed step does nothing"
    assert out[5]["events"] == [] and out[6]["events"][0]["index"] == 2, "moving in is timed"
    saved = [e["index"] for e in out[7]["events"] if e["type"] == "save"]
    assert saved == [3, 4] and out[7]["events"][-1] == {"type": "check", "stretch": "stretch-0", "item": 0}
    assert out[8] == {"before": 5, "after": 5, "events": []}, "the change of position waits too"
    assert out[9]["after"] == 6


actions = st.lists(st.one_of(st.tuples(st.just("advance"), st.floats(0, 120)), st.tuples(st.just("goOn"))),
                   max_size=40)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions)
def test_for_any_presses_and_pauses_steps_are_saved_in_order_and_waiting_ones_only_by_a_press(
    page: Page, live_server: LiveServer, run: list[tuple[Any, ...]]
) -> None:
    if not page.url.endswith("/api/health"):
        _blank(page, live_server)
    out = page.evaluate(RUN, [DATA, [list(a) for a in run]])
    saved: list[int] = []
    for (action, *_), result in zip(run, out, strict=True):
        indices = [e["index"] for e in result["events"] if e["type"] == "save"]
        saved += indices
        if action == "advance":
            assert not any(DATA["steps"][i]["waits"] for i in indices), "the clock never ends a step that waits"
        else:
            assert len(indices) <= 1 and all(DATA["steps"][i]["waits"] for i in indices), "a press ends only that"
        assert result["after"] >= result["before"]
    assert saved == list(range(len(saved))), "every step saved once, in order"


# A stand-in for localStorage and the network, so the outbox can be watched on its own.
OUTBOX = """async () => {
  const { Outbox } = await import("/static/player/outbox.js");
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const kept = new Map();
  const storage = { getItem: (k) => (kept.has(k) ? kept.get(k) : null), setItem: (k, v) => kept.set(k, String(v)),
    removeItem: (k) => kept.delete(k), key: (i) => [...kept.keys()][i] ?? null, get length() { return kept.size; } };
  let online = false;
  const sent = [];
  const fetcher = async (url, init) => {
    if (!online) throw new TypeError("offline");
    sent.push([url, JSON.parse(init.body)]);
    return new Response(JSON.stringify(url === "/api/sessions" ? { id: 7 } : { saved: true }),
      { status: url === "/api/sessions" ? 201 : 200 });
  };
  const heard = [];
  const hooks = { current: () => "k1", offline: (on) => heard.push(on), started: (k, id) => heard.push([k, id]) };
  const first = new Outbox({ storage, fetcher, hooks });
  first.enqueue("k1", "start", { key: "k1" }).catch(() => {});
  first.enqueue("k1", "step", { index: 0 }).catch(() => {});
  first.enqueue("k1", "step", { index: 1 }).catch(() => {});
  await sleep(100);
  const offline = { queued: first.queueOf("k1").length, sent: sent.length, offline: first.isOffline };
  // The page is reloaded: a new outbox finds the queue on the device, and sends it once the network is back.
  const again = new Outbox({ storage, fetcher, hooks });
  const found = again.pendingKeys();
  const session = { key: "k1", status: "in-progress", recorded: [], reports: {}, steps: %s };
  again.overlay(session);
  online = true;
  await again.flush("k1");
  return { offline, found, next: session.next_index, sent, left: again.queueOf("k1").length, heard,
    id: again.idOf("k1") };
}"""


def test_the_outbox_keeps_writes_on_the_device_while_offline_and_sends_them_once_in_order(
    page: Page, live_server: LiveServer
) -> None:
    _blank(page, live_server)
    result = page.evaluate(OUTBOX % json.dumps(DATA["steps"]))
    assert result["offline"] == {"queued": 3, "sent": 0, "offline": True}
    assert result["found"] == ["k1"], "the queue survives a reload"
    assert result["next"] == 2, "a reload goes on after the steps still waiting to be sent"
    assert result["sent"] == [
        ["/api/sessions", {"key": "k1", "offline": True}],
        ["/api/sessions/7/steps", {"index": 0}],
        ["/api/sessions/7/steps", {"index": 1}],
    ]
    assert result["left"] == 0 and result["id"] == 7
    assert result["heard"][0] is True and ["k1", 7] in result["heard"] and result["heard"][-1] is False
