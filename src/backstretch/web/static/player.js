// The guided session in the browser. The server plans the routine and builds its steps into the page; this page
// keeps the clock, shows and speaks each step, and posts every step the moment it ends (in order, kept on the
// device and sent again until the server has it, even across a reload while offline). A session can start
// offline: the page gives it a key of its own, and the server opens it once when the start arrives.
//
// The parts: player/outbox.js (the offline queue), player/session.js (the state machine), player/view.js (the
// screen, speech and the ending) and player/coach.js (the camera coach). This file wires them together.

import { jsonHeaders } from "/static/csrf.js";
import { Outbox, keyOf, newKey, refusedReasons } from "/static/player/outbox.js";
import { Session } from "/static/player/session.js";
import * as view from "/static/player/view.js";
import { createCoach } from "/static/player/coach.js";

const { $ } = view;
const setup = JSON.parse($("setup").textContent);
const speed = Math.min(200, Math.max(1, Number(new URLSearchParams(location.search).get("speed")) || setup.speed || 1));
const MODULES = ["/static/player.js", "/static/player/outbox.js", "/static/player/session.js",
  "/static/player/view.js", "/static/player/coach.js"];

let data = null; // the session: steps, items, what is saved
let session = null; // its state machine
let endStatus = "completed";
let lastTick = 0;
let afterNoted = null;
let painAfter = null;

const outbox = new Outbox({
  headers: jsonHeaders,
  hooks: {
    current: () => (data ? keyOf(data) : null),
    offline: (on) => document.body.classList.toggle("offline", on),
    started: (key, id) => {
      if (!data || keyOf(data) !== key) return;
      data.id = id;
      outbox.keepCopy(data);
      remember();
      keepOffline();
    },
    refused: (key, reasons) => refuse(reasons),
    dropped: (key, reasons) => {
      if (!data || keyOf(data) !== key) return;
      history.replaceState(null, "", "/player"); // a reload starts afresh rather than replaying what was refused
      refuse(reasons.length ? reasons : ["This session could not be saved. Please open Today and start again."]);
    },
  },
});

const enqueue = (kind, body) => outbox.enqueue(keyOf(data), kind, body);
const saveStep = (index, seconds, outcome) =>
  enqueue("step", { index, seconds: Math.round(seconds * 100) / 100, outcome }).catch(() => {});
const report = (stretch, feeling) => enqueue("report", { stretch, feeling });
const playing = () => view.phase === "play";

const coach = createCoach(setup.camera, {
  step: () => (session ? session.step : null),
  playing,
  paused: () => Boolean(session && session.paused),
  setPaused: (value) => setPaused(value),
  say: view.say,
  saveRom: (stretch, degrees) => { if (data) enqueue("rom", { stretch, degrees }).catch(() => {}); },
});

// Ask the service worker to keep what a session needs offline: the page, its scripts and style, every figure.
function keepOffline(kept = data) {
  if (!("serviceWorker" in navigator) || !kept) return;
  const figures = [...new Set(kept.items.map((i) => i.stretch))]
    .flatMap((id) => [view.figureUrl(id), view.figureUrl(id, "start"), view.figureUrl(id, "hold")]);
  const urls = [location.pathname + location.search, ...MODULES, "/static/csrf.js", "/static/app.css",
    "/static/app.js", ...figures];
  navigator.serviceWorker.ready
    .then((registration) => registration.active && registration.active.postMessage({ keep: urls }))
    .catch(() => {});
}

// The safety check now says no: stop here, calmly, as the page does when a session may not start.
function refuse(reasons) {
  if (session) session.paused = true;
  coach.stop();
  afterNoted = null;
  view.keepAwake(false);
  view.hush();
  view.showRefusal(reasons);
}

// --- the clock and the events of the state machine ---------------------------------------------------------------
// What the state machine says happened: save steps, ask the pain check, ask about pain, end.
function apply(events) {
  for (const e of events) {
    if (e.type === "save") saveStep(e.index, e.seconds, e.outcome);
    else if (e.type === "check") { askCheck(e.stretch); return; }
    else if (e.type === "hurt") { hurtAsked(e); return; }
    else if (e.type === "end") { end(e.status); return; }
  }
  if (playing()) view.render(session, speed, coach);
}

function tick() {
  const now = performance.now();
  const dt = (now - lastTick) / 1000;
  lastTick = now;
  if (!playing() || !session || session.paused) return;
  apply(session.advance(coach.advance(session.step, dt, speed)));
}

function play() {
  session.paused = false;
  lastTick = performance.now();
  view.show("play");
  view.showPaused(false, session.waiting);
  view.keepAwake(true);
  if (!session.step) { end("completed"); return; }
  view.forgetShownStep();
  view.render(session, speed, coach);
}

function setPaused(value) {
  session.paused = value;
  lastTick = performance.now();
  view.showPaused(value, session.waiting);
  if (value) view.hush();
  view.keepAwake(!value);
}

function goOn() {
  if (!playing() || !session) return;
  apply(session.goOn());
}

function skip() {
  if (!playing() || !session.step) return;
  apply(session.skip());
}

function hurts() {
  const step = session && session.step;
  if (!playing() || !step || step.kind === "checklist") return;
  apply(session.hurt());
}

function hurtAsked({ stretch, item }) {
  view.hush();
  view.keepAwake(false);
  coach.forget(item);
  askHurt(stretch, item, false);
}

// --- pain checks -------------------------------------------------------------------------------------------------
let checking = null; // {stretch, item, fromCheck}
let tryEasier = null; // what "Try the easier one" does, when the server offered one

function nameOf(stretch) {
  const found = data.items.find((i) => i.stretch === stretch);
  return found ? found.name : stretch;
}

function askCheck(stretch) {
  view.keepAwake(false);
  checking = { stretch, item: null, fromCheck: true };
  $("check-name").textContent = nameOf(stretch);
  view.show("check");
  view.say(`How did ${nameOf(stretch)} feel?`);
}

function askHurt(stretch, item, fromCheck) {
  checking = { stretch, item, fromCheck };
  view.show("hurt");
  view.say("Stopped. Is it sharp or shooting, running down a leg, or numb or tingling?");
}

function answerCheck(feeling) {
  if (view.phase !== "check") return;
  if (feeling === "painful") { askHurt(checking.stretch, null, true); return; }
  report(checking.stretch, feeling);
  play();
}

// The easier variant, shown before it plays: its figure, its position and what it does.
function previewEasier(easier) {
  $("easier-name").textContent = easier.name;
  $("easier-where").textContent = easier.same_position ? `Also done ${easier.position}.`
    : `It is done ${easier.position}, so you change position for it.`;
  $("easier-summary").textContent = easier.summary || "";
  const img = $("easier-figure");
  img.src = view.figureUrl(easier.stretch);
  img.alt = `${easier.name}: the figure shows the position`;
  $("easier").hidden = false;
}

async function answerSharp(sharp) {
  if (view.phase !== "hurt") return;
  const { stretch, item, fromCheck } = checking;
  if (sharp) {
    if (stretch) report(stretch, "sharp");
    $("advice").textContent = data.sharp_advice;
    end("stopped");
    return;
  }
  view.show("noted");
  $("noted-text").textContent = "Saving…";
  $("try-easier").hidden = true;
  $("easier").hidden = true;
  $("go-on").textContent = "Go on";
  $("go-on").classList.remove("secondary");
  tryEasier = null;
  let easier = null;
  if (stretch) {
    const answer = report(stretch, "painful").catch(() => ({ easier: null }));
    await Promise.race([answer, outbox.offlineSignal(answer)]); // offline: go on; it is saved when back online
    easier = (await Promise.race([answer, Promise.resolve({ easier: null })])).easier || null;
  }
  // An easier variant can be put in only while the server has everything so far (it rebuilds the steps).
  const canSwap = easier && !fromCheck && item !== null && data.id && !outbox.queueOf(keyOf(data)).length;
  if (canSwap) {
    $("noted-text").textContent = `We stop ${nameOf(stretch)} here; it will be left out of your plans for the next `
      + `14 days. Would you like to try the easier ${easier.name} instead?`;
    previewEasier(easier);
    $("try-easier").textContent = `Try ${easier.name}`;
    $("try-easier").hidden = false;
    $("go-on").textContent = "No, go on";
    $("go-on").classList.add("secondary");
    tryEasier = () => swapIn(stretch, item);
  } else {
    $("noted-text").textContent = fromCheck || !stretch
      ? `Noted. ${stretch ? "It will be left out of your plans for the next 14 days." : ""}`
      : "We skip the rest of it. It will be left out of your plans for the next 14 days.";
  }
  afterNoted = () => {
    session.after(stretch ? item : null, fromCheck);
    play();
  };
}

// Ask the server to put the easier variant in right after the stretch that hurt, then go on with it.
async function swapIn(stretch, item) {
  $("try-easier").disabled = true;
  $("go-on").disabled = true; // one answer at a time: the steps after this depend on it
  try {
    const response = await fetch(`/api/sessions/${data.id}/easier`, {
      method: "POST", headers: jsonHeaders(), body: JSON.stringify({ stretch }),
    });
    const answer = await response.json().catch(() => ({}));
    const reasons = refusedReasons(response, answer);
    if (reasons) { refuse(reasons); return; }
    if (!response.ok) throw new Error("refused");
    data = answer;
    outbox.keepCopy(data);
    keepOffline();
    session = new Session(data);
    afterNoted = null;
    play();
  } catch (error) {
    $("noted-text").textContent = "The easier stretch could not be loaded, so we skip to the next one.";
    $("try-easier").hidden = true;
    $("easier").hidden = true;
    $("go-on").textContent = "Go on";
    tryEasier = null;
    if (!afterNoted) { session.jumpPastItem(item); play(); }
  } finally {
    $("try-easier").disabled = false;
    $("go-on").disabled = false;
  }
}

// --- the end -----------------------------------------------------------------------------------------------------
function end(status) {
  endStatus = status;
  coach.stop();
  view.keepAwake(false);
  view.hush();
  const stopped = status === "stopped";
  $("end-title").textContent = stopped ? "Session ended" : status === "completed" ? "Well done" : "Stopped here";
  $("end-text").textContent = stopped ? "" : status === "completed"
    ? "That's today's stretching."
    : "What you did is saved.";
  $("advice").hidden = !stopped;
  $("after-box").hidden = stopped;
  view.show("end");
  view.say(stopped ? data.sharp_advice : $("end-text").textContent);
}

async function finish() {
  $("finish").disabled = true;
  await finished(enqueue("finish", { status: endStatus, pain_after: painAfter, note: $("note").value.trim() }));
}

const cameraLines = () => coach.romReached.map((r) => `Camera: ${r.measure}: ${r.degrees}.`);

async function finished(answer) {
  const kept = data;
  outbox.offlineSignal(answer).then(() => {
    if (view.phase === "end" && outbox.isOffline) {
      $("end-text").textContent = "You seem to be offline. Your session is kept on this device and will be saved "
        + "as soon as you are back online.";
    }
  });
  try {
    const result = await answer;
    view.showEnding(result.id ?? kept.id, result, cameraLines());
    outbox.forgetCopy(kept);
  } catch (error) {
    $("finish").disabled = false;
    $("end-text").textContent = "That could not be saved. Please try again.";
  }
}

// --- starting and resuming ---------------------------------------------------------------------------------------
// The address says which session this is, so a reload comes back to it: its id, or its key until the server
// has seen it.
function remember() {
  const url = new URL(location.href);
  url.search = "";
  if (data.id) url.searchParams.set("session", data.id); else url.searchParams.set("key", keyOf(data));
  if (speed !== 1) url.searchParams.set("speed", String(speed));
  history.replaceState(null, "", url);
}

// Start today's routine from the page at once (it is in the page, so this works offline too); the start is sent
// first in the session's queue, with its own key, and the server opens it once.
function start(pain) {
  const error = document.querySelector("#before .error");
  const draft = setup.draft;
  if (!draft || Date.now() >= draft.until * 1000) { // `until`: the end of the server's day it was planned for
    if (draft && navigator.onLine) { location.reload(); return; } // a page left open since another day
    error.textContent = "This page holds no routine for today. Please connect to the internet and reload it.";
    error.hidden = false;
    return;
  }
  data = { ...JSON.parse(JSON.stringify(draft)), key: newKey(), pain_before: pain };
  outbox.keepCopy(data);
  const plan = draft.items.map((i) => ({
    stretch: i.stretch, name: i.name, hold_seconds: i.hold_seconds, reps: i.reps, sides: i.sides,
    position: i.position, regions: i.regions, spinal_movement: i.spinal_movement, seconds: i.seconds,
  }));
  enqueue("start", { key: data.key, day: draft.day, plan, pain_before: pain }).catch(() => {});
  remember();
  keepOffline();
  session = new Session(data, { index: 0 });
  play();
}

async function resume(id) {
  view.show("play");
  let fresh = null;
  try {
    const response = await fetch(`/api/sessions/${id}`);
    const answer = response.status === 409 ? await response.clone().json().catch(() => ({})) : null;
    const reasons = refusedReasons(response, answer);
    if (reasons) {
      data = outbox.keptCopy(id) || { id };
      refuse(reasons);
      outbox.flush(keyOf(data)); // what waits is still sent: a pain report and the finish are saved, a step refused
      return;
    }
    if (!response.ok) { outbox.forgetCopy({ id }); location.href = "/player"; return; }
    fresh = await response.json();
    outbox.keepCopy(fresh);
  } catch (error) { /* offline: go on from the copy kept on this device */ }
  data = fresh || outbox.keptCopy(id);
  goOnFromCopy();
}

// A session started here offline and not yet seen by the server: go on from the copy kept on this device.
function resumeLocal(key) {
  view.show("play");
  data = outbox.keptCopy(key);
  if (!data) outbox.flush(key); // nothing to show, but what waits is still sent
  goOnFromCopy();
}

// Go on with the session in `data` where it was, with the writes still waiting laid over it.
function goOnFromCopy() {
  if (!data) {
    $("step-title").textContent = "This session cannot be opened offline";
    $("cue").textContent = "Please connect to the internet and reload the page.";
    return;
  }
  keepOffline();
  const finishing = outbox.overlay(data);
  outbox.flush(keyOf(data));
  session = new Session(data);
  if (finishing && data.status === "in-progress") {
    endStatus = finishing.body.status;
    end(endStatus);
    $("finish").disabled = true;
    finished(outbox.waitFor(finishing.id));
    return;
  }
  if (data.status !== "in-progress") { view.showEnding(data.id, data, cameraLines()); return; }
  if (data.pending_check) { askCheck(data.pending_check); return; }
  if (!session.step) { end("completed"); return; }
  play();
  setPaused(true); // wait for the person: speech and the wake lock need a tap after a reload
  $("cue").textContent = "Welcome back. Press Resume when you are ready.";
}

// --- wiring ------------------------------------------------------------------------------------------------------
for (const b of document.querySelectorAll("[data-pain]")) {
  b.addEventListener("click", () => start(b.dataset.pain === "" ? null : Number(b.dataset.pain)));
}
for (const b of document.querySelectorAll("[data-after]")) {
  b.addEventListener("click", () => {
    painAfter = Number(b.dataset.after);
    for (const o of document.querySelectorAll("[data-after]")) o.setAttribute("aria-pressed", String(o === b));
  });
}
for (const b of document.querySelectorAll("[data-feeling]")) b.addEventListener("click", () => answerCheck(b.dataset.feeling));
for (const b of document.querySelectorAll("[data-sharp]")) b.addEventListener("click", () => answerSharp(b.dataset.sharp === "yes"));
$("go-on").addEventListener("click", () => { if (afterNoted) { const f = afterNoted; afterNoted = null; f(); } });
$("try-easier").addEventListener("click", () => { if (tryEasier) { const f = tryEasier; tryEasier = null; f(); } });
$("go").addEventListener("click", goOn);
$("pause").addEventListener("click", () => setPaused(!session.paused));
$("skip").addEventListener("click", skip);
$("hurts").addEventListener("click", hurts);
$("stop").addEventListener("click", () => {
  if (!session.paused) setPaused(true);
  view.confirmEnd(true);
});
$("confirm-end-no").addEventListener("click", () => {
  view.confirmEnd(false);
  setPaused(false);
  $("stop").focus();
});
$("confirm-end-yes").addEventListener("click", () => {
  view.confirmEnd(false);
  apply(session.stop());
});
$("finish").addEventListener("click", finish);
$("speech").addEventListener("click", view.toggleSpeech);

const ownsKey = (e) => e.target instanceof HTMLElement && Boolean(e.target.closest("button, a, input, textarea, select"));
const ownsSpace = (e) => e.target instanceof HTMLElement && Boolean(e.target.closest("#hurts, a, input, textarea"));
document.addEventListener("keyup", (e) => {
  if (playing() && e.key === " " && !ownsSpace(e)) e.preventDefault();
});
document.addEventListener("keydown", (e) => {
  if (!playing() || e.ctrlKey || e.metaKey || e.altKey || coach.consentOpen() || !$("confirm-end").hidden) return;
  // At a step that waits, space or Enter says "I'm in position" (Enter on a focused button presses that button).
  // At a timed step space pauses wherever focus is, except on "It hurts" itself.
  if (session.waiting && !session.paused && (e.key === "Enter" || e.key === " ")) {
    if (e.key === "Enter" && ownsKey(e)) return;
    if (e.key === " " && ownsSpace(e)) return;
    e.preventDefault();
    if (!e.repeat) goOn();
  } else if (e.key === " " && !ownsSpace(e)) { e.preventDefault(); if (!e.repeat) $("pause").click(); }
  else if (e.key === "h" || e.key === "H") hurts();
  else if (e.key === "s" || e.key === "S") skip();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && playing() && session && !session.paused) view.keepAwake(true);
});

$("ring-arc").style.strokeDasharray = String(2 * Math.PI * 52);
view.renderSpeech();
setInterval(tick, 50);
window.addEventListener("online", () => outbox.flushAll());
// The session in the address (the page may come from the offline copy of another /player address) resumes, and
// sends its own queue once it has laid it over what the server knows; other sessions' queues are sent now.
const params = new URLSearchParams(location.search);
const sessionParam = Number(params.get("session")) || setup.session
  || (params.get("key") && outbox.idOf(params.get("key")));
const keyParam = params.get("key");
const kept = sessionParam ? outbox.keptCopy(sessionParam) : keyParam ? outbox.keptCopy(keyParam) : null;
const ownKey = kept ? keyOf(kept) : keyParam || (sessionParam ? `id-${sessionParam}` : null);
outbox.tidy(ownKey);
for (const key of outbox.pendingKeys()) if (key !== ownKey) outbox.flush(key);
if (sessionParam) resume(sessionParam);
else if (keyParam) resumeLocal(keyParam);
else { view.show("before"); keepOffline(setup.draft); } // today's routine can then start with no connection
