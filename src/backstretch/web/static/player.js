// The guided session in the browser. The server plans the routine and builds its steps into the page; this page
// keeps the clock, shows and speaks each step, and posts every step the moment it ends (in order, kept on the
// device and sent again until the server has it, even across a reload while offline). A session can start
// offline: the page gives it a key of its own, and the server opens it once when the start arrives.

import { jsonHeaders } from "/static/csrf.js";

const $ = (id) => document.getElementById(id);
const setup = JSON.parse($("setup").textContent);
const speed = Math.min(200, Math.max(1, Number(new URLSearchParams(location.search).get("speed")) || setup.speed || 1));
const RING = 2 * Math.PI * 52;
const INHALE_SHARE = 0.4;
const AT_START = new Set(["setup", "position", "switch-side", "rest", "checklist"]);
const REDUCED_MOTION = matchMedia("(prefers-reduced-motion: reduce)");

let data = null; // the session: steps, items, what is saved
let idx = 0; // the step running
let t = 0; // seconds into it
let phase = "before"; // before, play, check, hurt, noted, end, summary
let paused = false;
let endStatus = "completed";
let lastTick = 0;
let spokenCue = -1;
let shownStep = -1;
let afterNoted = null;
let painAfter = null;
let wakeLock = null;
let speechOn = localStorage.getItem("backstretch.speech") !== "off";

// --- saving ------------------------------------------------------------------------------------------------------
// Every write (the start, a step, a pain check, the finish) first goes into a queue kept in localStorage under the
// session's key, and is then sent in order; it leaves the queue only once the server has answered it. Offline, the
// queue waits and is sent again when the connection comes back, or when the page is opened again. The server
// stores each write once (the start by its key, a step by its index, a pain check by stretch and feeling, the
// finish by its status), so a replay is harmless.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PENDING = "backstretch.pending.";
const COPY = "backstretch.copy."; // + session key: the session as last known, to go on offline
const IDS = "backstretch.ids"; // session key -> the id the server gave it
const PATHS = { step: "steps", report: "reports", rom: "rom", finish: "finish" };
const waiting = new Map(); // queued write id -> {resolve, reject}, for the writes this page waits on
const memory = new Map(); // queued write id -> {session, entry}: sent this visit even if localStorage is full
const flushing = new Set(); // session keys whose queue is being sent
const retries = new Map(); // session key -> {timer, attempt}
const idsSeen = new Map(); // the same as IDS, for when localStorage is full or blocked

// A random version 4 UUID; crypto.getRandomValues works on plain http too (randomUUID needs https or localhost).
function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A session started here has its own key; one started elsewhere (the terminal) is known by its id.
const keyOf = (session) => session.key || `id-${session.id}`;

function storedIds() {
  try { return JSON.parse(localStorage.getItem(IDS)) || {}; } catch (error) { return {}; }
}

function idOf(key) {
  if (idsSeen.has(key)) return idsSeen.get(key);
  const stored = storedIds()[key];
  if (Number.isInteger(stored)) return stored;
  if (key.startsWith("id-")) return Number(key.slice(3)) || null;
  return /^\d+$/.test(key) ? Number(key) : null; // a queue kept by an earlier version of this page
}

function rememberId(key, id) {
  idsSeen.set(key, id);
  try { localStorage.setItem(IDS, JSON.stringify({ ...storedIds(), [key]: id })); } catch (error) { /* memory */ }
}

function pending(key) {
  try { return JSON.parse(localStorage.getItem(PENDING + key)) || []; } catch (error) { return []; }
}

function setPending(key, list) {
  try {
    if (list.length) localStorage.setItem(PENDING + key, JSON.stringify(list)); else localStorage.removeItem(PENDING + key);
  } catch (error) { /* storage full or blocked: the write is still sent from memory below */ }
}

function pendingKeys() {
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const name = localStorage.key(i);
    if (name && name.startsWith(PENDING) && name.length > PENDING.length) keys.push(name.slice(PENDING.length));
  }
  return keys;
}

function waitFor(entryId) {
  return new Promise((resolve, reject) => waiting.set(entryId, { resolve, reject }));
}

let written = 0;

function enqueue(kind, body) {
  const key = keyOf(data);
  const seq = Date.now() * 1000 + (written++ % 1000); // the order writes were made in, across reloads
  const entry = { id: `${seq.toString(36)}-${Math.random().toString(36).slice(2, 10)}`, seq, kind, body };
  memory.set(entry.id, { session: key, entry });
  setPending(key, [...pending(key).filter((e) => e.id !== entry.id), entry]);
  const answer = waitFor(entry.id);
  flush(key);
  return answer;
}

// The session's writes in the order they were made, whether kept in localStorage or (storage full) only in memory.
function queueOf(key) {
  const stored = pending(key);
  const known = new Set(stored.map((e) => e.id));
  const extra = [...memory.values()].filter((m) => m.session === key && !known.has(m.entry.id)).map((m) => m.entry);
  return [...stored, ...extra].sort((a, b) => (a.seq || 0) - (b.seq || 0));
}

const isCurrent = (key) => Boolean(data) && keyOf(data) === key;

function settle(entry, ok, answer) {
  memory.delete(entry.id);
  const waiter = waiting.get(entry.id);
  waiting.delete(entry.id);
  if (waiter) (ok ? waiter.resolve : waiter.reject)(answer);
}

// The start was refused for good (the safety answers now say no, or the routine no longer suits): nothing else of
// this session can be saved, so its queue goes, and the page says why.
function dropSession(key, reasons) {
  const list = queueOf(key);
  setPending(key, []);
  for (const entry of list) settle(entry, false, {});
  forgetCopy({ key });
  if (isCurrent(key)) {
    history.replaceState(null, "", "/player"); // a reload starts afresh rather than replaying what was refused
    showRefusal(reasons.length ? reasons : ["This session could not be saved. Please open Today and start again."]);
  }
}

function markOffline(on) {
  document.body.classList.toggle("offline", on);
}

async function flush(key) {
  if (flushing.has(key)) return;
  flushing.add(key);
  const retry = retries.get(key) || { timer: null, attempt: 0 };
  clearTimeout(retry.timer);
  retries.set(key, retry);
  try {
    for (;;) {
      const [entry] = queueOf(key);
      if (!entry) { retry.attempt = 0; if (!data || isCurrent(key)) markOffline(false); return; }
      const id = idOf(key);
      if (entry.kind !== "start" && !id) { dropSession(key, []); return; } // its start is lost: nothing to save to
      let response = null;
      try {
        const url = entry.kind === "start" ? "/api/sessions" : `/api/sessions/${id}/${PATHS[entry.kind]}`;
        response = await fetch(url, {
          method: "POST", headers: jsonHeaders(), body: JSON.stringify(entry.body),
        });
      } catch (error) { /* offline */ }
      if (!response || response.status >= 500 || response.status === 408 || response.status === 429) {
        if (!data || isCurrent(key)) markOffline(true);
        if (entry.kind === "start" && !entry.body.offline) markStartOffline(key, entry);
        retry.timer = setTimeout(() => flush(key), Math.min(5000, 500 * 2 ** retry.attempt++));
        return;
      }
      retry.attempt = 0;
      const answer = await response.json().catch(() => ({}));
      const reasons = refusedReasons(response, answer);
      if (entry.kind === "start") {
        if (!response.ok) { dropSession(key, reasons || [].concat((answer && answer.detail) || []).map(String)); return; }
        rememberId(key, answer.id);
        if (isCurrent(key)) { data.id = answer.id; keepCopy(data); remember(); keepOffline(); }
      }
      // Answered (saved, already saved, or refused for good): it leaves the queue either way. A safety refusal
      // (the safety questions, answered again, now say no) stops the session on screen and says why.
      if (reasons && isCurrent(key)) showRefusal(reasons);
      setPending(key, pending(key).filter((e) => e.id !== entry.id));
      settle(entry, response.ok, answer);
    }
  } finally {
    flushing.delete(key);
  }
}

// A start that could not be sent when the session began is, once it arrives, the record of a session already done:
// the server then saves it even if something has changed since (see the API's `offline`).
function markStartOffline(key, entry) {
  entry.body.offline = true;
  setPending(key, pending(key).map((e) => (e.id === entry.id ? entry : e)));
}

function flushAll() {
  const keys = new Set(pendingKeys());
  for (const m of memory.values()) keys.add(m.session);
  for (const key of keys) flush(key);
}

// Resolves once the queue has failed to send at least once (the page is offline), so nobody waits on a dead line.
async function offlineSignal(answer) {
  let settled = false;
  answer.then(() => { settled = true; }, () => { settled = true; });
  while (!settled && !document.body.classList.contains("offline")) await sleep(100);
}

const saveStep = (index, seconds, outcome) =>
  enqueue("step", { index, seconds: Math.round(seconds * 100) / 100, outcome }).catch(() => {});
const report = (stretch, feeling) => enqueue("report", { stretch, feeling });

// A copy of each session kept on this device, so a reload while offline can go on where it was.
function keepCopy(session) {
  try { localStorage.setItem(COPY + keyOf(session), JSON.stringify(session)); } catch (error) { /* online only */ }
}

function copies() {
  const found = [];
  for (let i = 0; i < localStorage.length; i++) {
    const name = localStorage.key(i);
    if (!name || !name.startsWith(COPY)) continue;
    try { found.push(JSON.parse(localStorage.getItem(name))); } catch (error) { /* not ours to read */ }
  }
  return found.filter((c) => c && typeof c === "object");
}

// The kept copy of the session with this id (a number) or this key (a string), or null.
function keptCopy(idOrKey) {
  if (typeof idOrKey === "number") return copies().find((c) => c.id === idOrKey) || null;
  try { return JSON.parse(localStorage.getItem(COPY + idOrKey)); } catch (error) { return null; }
}

function forgetCopy(session) {
  const kept = session.key ? null : keptCopy(session.id);
  localStorage.removeItem(COPY + keyOf(kept || session));
}

// Copies of sessions older than the server keeps offline starts for, and ids of keys with nothing left to send,
// are no longer needed.
function tidy(current) {
  const oldest = new Date(Date.now() - 8 * 86400e3).toISOString().slice(0, 10);
  for (const c of copies()) if (c.day < oldest && !queueOf(keyOf(c)).length) localStorage.removeItem(COPY + keyOf(c));
  const ids = storedIds();
  const kept = Object.fromEntries(Object.entries(ids).filter(([k]) => k === current || queueOf(k).length
    || keptCopy(k)));
  try { localStorage.setItem(IDS, JSON.stringify(kept)); } catch (error) { /* nothing to tidy then */ }
}

// Ask the service worker to keep what a session needs offline: the page, its script and style, every figure.
function keepOffline(session = data) {
  if (!("serviceWorker" in navigator) || !session) return;
  const urls = [location.pathname + location.search, "/static/player.js", "/static/csrf.js", "/static/app.css",
    "/static/app.js", ...new Set(session.items.map((i) => `/figures/${encodeURIComponent(i.stretch)}.svg`))];
  navigator.serviceWorker.ready
    .then((registration) => registration.active && registration.active.postMessage({ keep: urls }))
    .catch(() => {});
}

// What the server would say about a session, with the writes still waiting in the queue laid over it.
function overlay(session) {
  const list = queueOf(keyOf(session));
  if (!list.length) return null;
  const recorded = new Map(session.recorded.map((r) => [r.index, r.outcome]));
  const reports = { ...session.reports };
  let finishing = null;
  for (const e of list) {
    if (e.kind === "step" && !recorded.has(e.body.index)) recorded.set(e.body.index, e.body.outcome);
    else if (e.kind === "report") reports[e.body.stretch] = e.body.feeling;
    else if (e.kind === "finish") finishing = e;
  }
  session.recorded = [...recorded].sort((a, b) => a[0] - b[0]).map(([index, outcome]) => ({ index, outcome }));
  session.reports = reports;
  const steps = session.steps;
  const lastOf = (item) => steps.filter((s) => s.item === item).at(-1);
  const last = recorded.size ? Math.max(...recorded.keys()) : -1;
  const step = last >= 0 ? steps[last] : null;
  session.next_index = last < 0 ? 0
    : step && step.item !== null && ["skipped", "stopped"].includes(recorded.get(last)) ? lastOf(step.item).index + 1
      : last + 1;
  session.pending_check = step && step.item !== null && step.stretch && step.kind === "release"
    && session.status === "in-progress" && lastOf(step.item).index === step.index && !(step.stretch in reports)
    ? step.stretch : null;
  return finishing;
}

// --- screens -----------------------------------------------------------------------------------------------------
const PANELS = ["before", "play", "check", "hurt", "noted", "end", "summary"];

function show(name) {
  phase = name;
  for (const p of PANELS) $(p).hidden = p !== name;
  document.body.classList.toggle("playing", name === "play");
  const focus = $(name).querySelector("h1");
  if (focus && name !== "play") { focus.tabIndex = -1; focus.focus(); }
}

// The reasons of a safety refusal (409 with {refused, reasons}), or null for any other answer.
function refusedReasons(response, answer) {
  const d = answer && answer.detail;
  return response.status === 409 && d && d.refused && Array.isArray(d.reasons) ? d.reasons : null;
}

// The safety check now says no: stop here, calmly, as the page does when a session may not start.
function showRefusal(reasons) {
  if (phase === "refused") return;
  phase = "refused";
  paused = true;
  stopCamera();
  afterNoted = null;
  keepAwake(false);
  if ("speechSynthesis" in window) speechSynthesis.cancel();
  for (const p of PANELS) $(p).hidden = true;
  document.body.classList.remove("playing", "paused");
  const el = (tag, props, ...children) => {
    const made = Object.assign(document.createElement(tag), props);
    made.append(...children);
    return made;
  };
  const title = el("h1", { id: "refused-title", tabIndex: -1, textContent: "Not today, and that is fine" });
  const section = el("section", { id: "refused", className: "panel" }, title,
    el("div", { className: "notice" },
      el("p", { textContent: "Your latest safety answers mean this session stops here. Before a guided session we "
        + "need a few things in place:" }),
      el("ul", {}, ...reasons.map((r) => el("li", { textContent: r })))),
    el("p", {}, el("a", { className: "button", href: "/", textContent: "Back to the start" })));
  section.setAttribute("aria-labelledby", "refused-title");
  $("player").append(section);
  title.focus();
}

// --- speech and wake lock ----------------------------------------------------------------------------------------
function say(text) {
  if (!speechOn || !("speechSynthesis" in window) || !text) return;
  if (speechSynthesis.pending) speechSynthesis.cancel(); // never fall behind the clock
  const u = new SpeechSynthesisUtterance(text);
  u.rate = 0.95;
  speechSynthesis.speak(u);
}

function renderSpeech() {
  $("speech").setAttribute("aria-pressed", String(speechOn));
  $("speech").textContent = `Spoken cues: ${speechOn ? "on" : "off"}`;
}

async function keepAwake(on) {
  try {
    if (on && !wakeLock && "wakeLock" in navigator && document.visibilityState === "visible") {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => { wakeLock = null; });
    } else if (!on && wakeLock) {
      const lock = wakeLock;
      wakeLock = null;
      await lock.release();
    }
  } catch (error) { wakeLock = null; /* not allowed here: the session still works */ }
}

// --- the figure --------------------------------------------------------------------------------------------------
const figures = new Map();
let figureShown; // undefined at first, so the first step always sets the figure up

async function showFigure(id) {
  if (id === figureShown) return;
  figureShown = id;
  const box = $("figure");
  if (!id) { box.replaceChildren(); box.hidden = true; return; }
  box.hidden = false;
  if (!figures.has(id)) figures.set(id, fetch(`/figures/${encodeURIComponent(id)}.svg`).then((r) => r.text()));
  const text = await figures.get(id);
  if (figureShown !== id) return;
  box.innerHTML = text;
  const svg = box.querySelector("svg");
  if (!svg) return;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  // The figure draws the starting position as a faint ghost group before the held position: split the two so the
  // page can move from one to the other.
  const ghost = svg.querySelector(":scope > g[opacity]");
  if (ghost) {
    ghost.classList.add("pose-start");
    ghost.removeAttribute("opacity");
    const hold = document.createElementNS("http://www.w3.org/2000/svg", "g");
    hold.classList.add("pose-hold");
    while (ghost.nextSibling) hold.appendChild(ghost.nextSibling);
    svg.appendChild(hold);
  }
  setPose(currentStep(), false);
}

function setPose(step, animate) {
  if (!step) return;
  const box = $("figure");
  const ms = animate && (step.kind === "move-in" || step.kind === "release") ? (step.seconds * 1000) / speed : 0;
  box.style.setProperty("--pose-ms", `${Math.round(ms)}ms`);
  box.classList.toggle("at-start", AT_START.has(step.kind) || step.kind === "release");
  // The figure shows the first (right) side; the left side is its mirror image.
  box.classList.toggle("mirrored", step.side === "left");
}

// --- the camera coach --------------------------------------------------------------------------------------------
// Optional, and only after the person agrees: in a stretch the camera can coach (setup.camera.targets), the pose
// model runs in this browser on each frame (camera.js), motion.js says what it sees, and in a hold the ring moves
// only while the person is in position and still. Whenever the coach cannot see the joints that matter, or gets no
// frames, the plain timer counts and the page says so. Nothing is recorded or sent; once a stretch ends, only the
// deepest angle held still is saved with the session.
const CAMERA = setup.camera || { settings: null, targets: {} };
const NO_BOUNCE_EVERY_S = 6; // the spoken "no bouncing" cue at most this often, so it guides rather than nags
const STALE_S = 2; // no analysed frame for this long: the coach cannot see, so the timer counts
const STATE_WORDS = {
  holding: "Holding still: the timer counts",
  moving: "In position: now hold still",
  "out-of-position": "Move into position",
  bouncing: "Gently, no bouncing",
  "not-visible": "Can't see you well: the timer counts",
};
let camera = null; // the Camera while it is on
let modules = null; // camera.js and motion.js, imported the first time the camera is turned on
let coach = null; // the stretch being watched: {item, stretch, tracker, counted, state, at}
let lastNoBounce = -Infinity;
let pausedForConsent = false;
const romReached = []; // {measure, degrees} of each stretch this visit, for the summary

const nowS = () => performance.now() / 1000;
const targetOf = (step) => (step && step.stretch ? CAMERA.targets[step.stretch] || null : null);
const coachSees = (step) => Boolean(camera && coach && step && coach.item === step.item && nowS() - coach.at <= STALE_S
  && coach.state !== "not-visible");

function renderCoach() {
  const step = phase === "play" ? currentStep() : null;
  const target = targetOf(step);
  $("coach").hidden = !camera && !target;
  $("camera-start").hidden = Boolean(camera) || !target;
  $("camera-stop").hidden = !camera;
  $("camera-view").hidden = !camera;
  document.body.classList.toggle("camera-on", Boolean(camera));
  if (!camera) return;
  let state = null;
  if (!target) state = "untracked";
  else if (!coachSees(step)) state = "not-visible";
  else state = coach.state;
  showCoachState(state);
}

function showCoachState(state, words) {
  const label = $("camera-state");
  const text = words || (state === "untracked" ? "The timer counts this stretch: the camera has nothing to check"
    : STATE_WORDS[state] || "");
  if (label.textContent !== text) label.textContent = text;
  label.dataset.state = state || "";
}

// A frame analysed by the pose model (landmarks, or null when nobody was found), or an error that stops it.
function onFrame(frame, error) {
  if (error) { stopCamera(); showCoachState("problem", "The camera coach stopped, so the timer counts."); return; }
  const step = currentStep();
  const target = targetOf(step);
  if (phase !== "play" || !target) return;
  if (!coach || coach.item !== step.item) {
    closeCoach(true);
    coach = { item: step.item, stretch: step.stretch, counted: 0, state: null, at: 0,
      tracker: new modules.Tracker(target, frame.aspect, CAMERA.settings) };
  }
  const result = coach.tracker.feed(frame.t, frame.landmarks || []);
  coach.state = result.state;
  coach.at = nowS();
  if (!paused) coach.counted += result.counted;
  if (result.state === "bouncing" && !paused && coach.at - lastNoBounce >= NO_BOUNCE_EVERY_S) {
    lastNoBounce = coach.at;
    say("Gently, no bouncing");
  }
  renderCoach();
}

// The stretch watched is over: keep its deepest angle held still (unless it ended because it hurt).
function closeCoach(save) {
  if (!coach) return;
  const { stretch, tracker } = coach;
  coach = null;
  if (!save || tracker.rom === null || !data) return;
  const degrees = Math.round(tracker.rom * 10) / 10;
  romReached.push({ measure: CAMERA.targets[stretch].measure, degrees });
  enqueue("rom", { stretch, degrees }).catch(() => {});
}

// Seconds the step's clock moves on: the plain timer's, or in a coached hold the seconds the coach counted.
function advance(step, dt) {
  const counted = coach ? coach.counted : 0;
  if (coach) coach.counted = 0;
  if (!step || step.kind !== "hold" || !targetOf(step) || !coachSees(step)) return dt * speed;
  return counted * speed;
}

function askCamera() {
  if (camera || phase !== "play") return;
  pausedForConsent = !paused;
  if (!paused) setPaused(true);
  $("camera-consent").showModal();
  $("consent-yes").focus();
}

// The clock waits while the person reads, and while the model loads (seconds on a slow device), so no hold time
// is lost to it.
async function answerConsent(yes) {
  $("camera-consent").close();
  if (yes) await startCamera(); else $("camera-start").focus();
  if (pausedForConsent && phase === "play" && paused) setPaused(false);
  pausedForConsent = false;
}

async function startCamera() {
  showCoachState("starting", "Starting the camera…");
  let made = null;
  try {
    if (!modules) {
      const [cam, motion] = await Promise.all([import("/static/camera.js"), import("/static/motion.js")]);
      modules = { ...cam, ...motion };
    }
    made = new modules.Camera($("camera-video"), $("camera-overlay"), onFrame);
    camera = made;
    renderCoach();
    showCoachState("starting", "Starting the camera…");
    await made.start();
  } catch (error) {
    if (made && camera !== made) return; // Stop camera pressed while it started: nothing went wrong
    camera = null;
    renderCoach();
    const words = modules ? modules.cameraProblem(error) : "The camera coach could not load, so the timer counts.";
    $("coach").hidden = false;
    showCoachState("problem", words);
  }
}

function stopCamera() {
  if (!camera) return;
  camera.stop();
  camera = null;
  closeCoach(true);
  renderCoach();
  showCoachState(null, "");
}

// --- the clock ---------------------------------------------------------------------------------------------------
const currentStep = () => (data && idx < data.steps.length ? data.steps[idx] : null);
const lastOfItem = (item) => data.steps.filter((s) => s.item === item).at(-1);

function breathAt(seconds) {
  const cycle = 60 / data.breaths_per_minute;
  const p = (seconds % cycle) / cycle;
  return p < INHALE_SHARE ? ["in", p / INHALE_SHARE] : ["out", (p - INHALE_SHARE) / (1 - INHALE_SHARE)];
}

function enterStep() {
  const step = currentStep();
  spokenCue = -1;
  shownStep = idx;
  if (!step) return;
  const item = step.item !== null ? data.items[step.item] : null;
  let title = step.title;
  if (step.side) title += ` (${step.side} side)`;
  if (step.kind === "hold" && item && item.reps > 1) title += `, ${step.rep} of ${item.reps}`;
  $("step-title").textContent = title;
  $("step-of").textContent = item ? `Stretch ${step.item + 1} of ${data.items.length}` : "Getting ready";
  $("lines").replaceChildren(...step.lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
  $("cue").textContent = "";
  $("pacer").hidden = !(step.kind === "hold" || step.kind === "rest");
  $("skip").textContent = step.kind === "checklist" ? "I'm ready" : "Skip";
  $("hurts").disabled = step.kind === "checklist" || step.kind === "warm-up";
  document.body.dataset.step = step.kind;
  if (coach && coach.item !== step.item) closeCoach(true);
  renderCoach();
  showFigure(step.stretch || (item ? item.stretch : null));
  setPose(step, true);
  say(step.title);
}

function render() {
  const step = currentStep();
  if (!step) return;
  if (shownStep !== idx) enterStep();
  const left = Math.max(0, step.seconds - t);
  $("ring-text").textContent = String(Math.ceil(left - 1e-6));
  $("ring-arc").style.strokeDashoffset = String(RING * Math.min(1, t / step.seconds));
  $("session-progress").style.width = `${(100 * (step.start + t)) / data.total_seconds}%`;
  if (step.kind === "hold" || step.kind === "rest") {
    const [way, fraction] = breathAt(t);
    // With reduced motion asked for, the dot stays still and the words alone pace the breath.
    const size = REDUCED_MOTION.matches ? 1 : way === "in" ? 0.45 + 0.55 * fraction : 1 - 0.55 * fraction;
    $("pacer-dot").style.transform = `scale(${size.toFixed(3)})`;
    $("pacer-label").textContent = way === "in" ? "Breathe in" : "Breathe out";
  }
  if (camera) renderCoach();
  let cue = -1;
  step.cues.forEach((c, i) => { if (c.at <= t) cue = i; });
  if (cue > spokenCue) {
    spokenCue = cue;
    $("cue").textContent = step.cues[cue].text;
    if (cue > 0 || step.cues[cue].text !== step.title) say(step.cues[cue].text);
  }
}

function tick() {
  const now = performance.now();
  const dt = (now - lastTick) / 1000;
  lastTick = now;
  if (phase !== "play" || paused || !data) return;
  t += advance(currentStep(), dt);
  let step = currentStep();
  while (step && t >= step.seconds) {
    t -= step.seconds;
    saveStep(step.index, step.seconds, "done");
    if (step.kind === "release" && step.stretch && lastOfItem(step.item).index === step.index) {
      idx += 1;
      t = 0;
      askCheck(step.stretch);
      return;
    }
    idx += 1;
    step = currentStep();
  }
  if (!step) { end("completed"); return; }
  render();
}

function play() {
  paused = false;
  lastTick = performance.now();
  show("play");
  $("pause").textContent = "Pause";
  $("pause").setAttribute("aria-pressed", "false");
  $("paused-label").hidden = true;
  keepAwake(true);
  if (!currentStep()) { end("completed"); return; }
  shownStep = -1;
  render();
}

function setPaused(value) {
  paused = value;
  lastTick = performance.now();
  $("pause").textContent = paused ? "Resume" : "Pause";
  $("pause").setAttribute("aria-pressed", String(paused));
  $("paused-label").hidden = !paused;
  document.body.classList.toggle("paused", paused);
  if (paused && "speechSynthesis" in window) speechSynthesis.cancel();
  keepAwake(!paused);
}

function jumpPastItem(item) {
  idx = lastOfItem(item).index + 1;
  t = 0;
}

function skip() {
  const step = currentStep();
  if (phase !== "play" || !step) return;
  if (step.kind === "checklist") {
    saveStep(step.index, t, "done");
    idx += 1;
  } else {
    saveStep(step.index, t, "skipped");
    if (step.item !== null) jumpPastItem(step.item); else idx += 1;
  }
  t = 0;
  if (!currentStep()) end("completed"); else render();
}

function hurts() {
  const step = currentStep();
  if (phase !== "play" || !step || step.kind === "checklist") return;
  saveStep(step.index, t, "stopped");
  if ("speechSynthesis" in window) speechSynthesis.cancel();
  keepAwake(false);
  if (coach && coach.item === step.item) closeCoach(false); // how far someone got before it hurt is no goal
  askHurt(step.stretch, step.item, false);
}

// --- pain checks -------------------------------------------------------------------------------------------------
let checking = null; // {stretch, item, fromCheck}
let tryEasier = null; // what "Try the easier one" does, when the server offered one

function nameOf(stretch) {
  const found = data.items.find((i) => i.stretch === stretch);
  return found ? found.name : stretch;
}

function askCheck(stretch) {
  keepAwake(false);
  checking = { stretch, item: null, fromCheck: true };
  $("check-name").textContent = nameOf(stretch);
  show("check");
  say(`How did ${nameOf(stretch)} feel?`);
}

function askHurt(stretch, item, fromCheck) {
  checking = { stretch, item, fromCheck };
  show("hurt");
  say("Stopped. Is it sharp or shooting, running down a leg, or numb or tingling?");
}

async function answerCheck(feeling) {
  if (phase !== "check") return;
  if (feeling === "painful") { askHurt(checking.stretch, null, true); return; }
  report(checking.stretch, feeling);
  play();
}

async function answerSharp(sharp) {
  if (phase !== "hurt") return;
  const { stretch, item, fromCheck } = checking;
  if (sharp) {
    if (stretch) report(stretch, "sharp");
    $("advice").textContent = data.sharp_advice;
    end("stopped");
    return;
  }
  show("noted");
  $("noted-text").textContent = "Saving…";
  $("try-easier").hidden = true;
  $("go-on").textContent = "Go on";
  $("go-on").classList.remove("secondary");
  tryEasier = null;
  let easier = null;
  if (stretch) {
    const answer = report(stretch, "painful").catch(() => ({ easier: null }));
    await Promise.race([answer, offlineSignal(answer)]); // offline: go on; it is saved when the connection is back
    easier = (await Promise.race([answer, Promise.resolve({ easier: null })])).easier || null;
  }
  // An easier variant can be put in only while the server has everything so far (it rebuilds the steps).
  const canSwap = easier && !fromCheck && item !== null && data.id && !queueOf(keyOf(data)).length;
  if (canSwap) {
    $("noted-text").textContent = `We stop ${nameOf(stretch)} here; it will be left out of your plans for the next `
      + `14 days. Would you like to try the easier ${easier.name} instead?`;
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
    if (!fromCheck) { if (stretch && item !== null) jumpPastItem(item); else { idx += 1; t = 0; } }
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
    if (reasons) { showRefusal(reasons); return; }
    if (!response.ok) throw new Error("refused");
    data = answer;
    keepCopy(data);
    keepOffline();
    idx = data.next_index;
    t = 0;
    afterNoted = null;
    play();
  } catch (error) {
    $("noted-text").textContent = "The easier stretch could not be loaded, so we skip to the next one.";
    $("try-easier").hidden = true;
    $("go-on").textContent = "Go on";
    tryEasier = null;
    if (!afterNoted) { jumpPastItem(item); play(); }
  } finally {
    $("try-easier").disabled = false;
    $("go-on").disabled = false;
  }
}

// --- the end -----------------------------------------------------------------------------------------------------
function end(status) {
  endStatus = status;
  stopCamera();
  keepAwake(false);
  if ("speechSynthesis" in window) speechSynthesis.cancel();
  const stopped = status === "stopped";
  $("end-title").textContent = stopped ? "Session ended" : status === "completed" ? "Well done" : "Stopped here";
  $("end-text").textContent = stopped ? "" : status === "completed"
    ? "That's today's stretching."
    : "What you did is saved.";
  $("advice").hidden = !stopped;
  $("after-box").hidden = stopped;
  show("end");
  say(stopped ? data.sharp_advice : $("end-text").textContent);
}

async function finish() {
  $("finish").disabled = true;
  await finished(enqueue("finish", { status: endStatus, pain_after: painAfter, note: $("note").value.trim() }));
}

async function finished(answer) {
  const session = data;
  offlineSignal(answer).then(() => {
    if (phase === "end" && document.body.classList.contains("offline")) {
      $("end-text").textContent = "You seem to be offline. Your session is kept on this device and will be saved "
        + "as soon as you are back online.";
    }
  });
  try {
    showSummary(await answer);
    forgetCopy(session);
  } catch (error) {
    $("finish").disabled = false;
    $("end-text").textContent = "That could not be saved. Please try again.";
  }
}

function showSummary(result) {
  const s = result.summary;
  const body = $("summary-body");
  const lines = [];
  if (s) {
    lines.push(`${s.minutes} minutes, ${s.done.length} stretch${s.done.length === 1 ? "" : "es"} done.`);
    if (s.done.length) lines.push(`Done: ${s.done.join(", ")}.`);
    if (s.skipped.length) lines.push(`Skipped: ${s.skipped.join(", ")}.`);
    if (s.painful.length) lines.push(`Left out for 14 days because they hurt: ${s.painful.join(", ")}.`);
  } else {
    lines.push(`This session is ${result.status === "in-progress" ? "open" : result.status}.`);
  }
  for (const r of romReached) lines.push(`Camera: ${r.measure}: ${r.degrees}.`);
  if (result.pain_before !== null || result.pain_after !== null) {
    lines.push(`Pain before ${result.pain_before ?? "–"}, after ${result.pain_after ?? "–"}.`);
  }
  body.replaceChildren(...lines.map((l) => Object.assign(document.createElement("p"), { textContent: l })));
  show("summary");
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
  keepCopy(data);
  const plan = draft.items.map((i) => ({
    stretch: i.stretch, name: i.name, hold_seconds: i.hold_seconds, reps: i.reps, sides: i.sides,
    position: i.position, regions: i.regions, spinal_movement: i.spinal_movement, seconds: i.seconds,
  }));
  enqueue("start", { key: data.key, day: draft.day, plan, pain_before: pain }).catch(() => {});
  remember();
  keepOffline();
  idx = 0;
  t = 0;
  play();
}

async function resume(id) {
  show("play");
  let fresh = null;
  try {
    const response = await fetch(`/api/sessions/${id}`);
    const answer = response.status === 409 ? await response.clone().json().catch(() => ({})) : null;
    const reasons = refusedReasons(response, answer);
    if (reasons) {
      data = keptCopy(id) || { id };
      showRefusal(reasons);
      flush(keyOf(data)); // what is waiting is still sent: a pain report and the finish are saved, a step is refused
      return;
    }
    if (!response.ok) { forgetCopy({ id }); location.href = "/player"; return; }
    fresh = await response.json();
    keepCopy(fresh);
  } catch (error) { /* offline: go on from the copy kept on this device */ }
  data = fresh || keptCopy(id);
  goOn();
}

// A session started here offline and not yet seen by the server: go on from the copy kept on this device.
function resumeLocal(key) {
  show("play");
  data = keptCopy(key);
  if (!data) flush(key); // nothing to show, but what waits is still sent
  goOn();
}

// Go on with the session in `data` where it was, with the writes still waiting laid over it.
function goOn() {
  if (!data) {
    $("step-title").textContent = "This session cannot be opened offline";
    $("cue").textContent = "Please connect to the internet and reload the page.";
    return;
  }
  keepOffline();
  const finishing = overlay(data);
  flush(keyOf(data));
  if (finishing && data.status === "in-progress") {
    endStatus = finishing.body.status;
    end(endStatus);
    $("finish").disabled = true;
    finished(waitFor(finishing.id));
    return;
  }
  if (data.status !== "in-progress") { showSummary(data); return; }
  idx = data.next_index;
  t = 0;
  if (data.pending_check) { askCheck(data.pending_check); return; }
  if (!currentStep()) { end("completed"); return; }
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
$("pause").addEventListener("click", () => setPaused(!paused));
$("skip").addEventListener("click", skip);
$("hurts").addEventListener("click", hurts);
$("stop").addEventListener("click", () => {
  const step = currentStep();
  if (step && t > 0) saveStep(step.index, t, "stopped");
  end("partial");
});
$("finish").addEventListener("click", finish);
$("camera-start").addEventListener("click", askCamera);
$("camera-stop").addEventListener("click", stopCamera);
$("consent-yes").addEventListener("click", () => answerConsent(true));
$("consent-no").addEventListener("click", () => answerConsent(false));
$("camera-consent").addEventListener("cancel", (e) => { e.preventDefault(); answerConsent(false); });
$("speech").addEventListener("click", () => {
  speechOn = !speechOn;
  localStorage.setItem("backstretch.speech", speechOn ? "on" : "off");
  if (!speechOn && "speechSynthesis" in window) speechSynthesis.cancel();
  renderSpeech();
});
const spaceIsTheButtons = (e) => e.target instanceof HTMLElement && Boolean(e.target.closest("#hurts, a, input, textarea"));
document.addEventListener("keyup", (e) => {
  if (phase === "play" && e.key === " " && !spaceIsTheButtons(e)) e.preventDefault();
});
document.addEventListener("keydown", (e) => {
  if (phase !== "play" || e.ctrlKey || e.metaKey || e.altKey || $("camera-consent").open) return;
  // Space pauses wherever focus is (Enter still presses the focused button), except on "It hurts" itself.
  if (e.key === " " && !spaceIsTheButtons(e)) { e.preventDefault(); if (!e.repeat) setPaused(!paused); }
  else if (e.key === "h" || e.key === "H") hurts();
  else if (e.key === "s" || e.key === "S") skip();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && phase === "play" && !paused) keepAwake(true);
});

$("ring-arc").style.strokeDasharray = String(RING);
renderSpeech();
setInterval(tick, 50);
window.addEventListener("online", flushAll);
// The session in the address (the page may come from the offline copy of another /player address) resumes, and
// sends its own queue once it has laid it over what the server knows; other sessions' queues are sent now.
const params = new URLSearchParams(location.search);
const sessionParam = Number(params.get("session")) || setup.session || (params.get("key") && idOf(params.get("key")));
const keyParam = params.get("key");
const kept = sessionParam ? keptCopy(sessionParam) : keyParam ? keptCopy(keyParam) : null;
const ownKey = kept ? keyOf(kept) : keyParam || (sessionParam ? `id-${sessionParam}` : null);
tidy(ownKey);
for (const key of pendingKeys()) if (key !== ownKey) flush(key);
if (sessionParam) resume(sessionParam);
else if (keyParam) resumeLocal(keyParam);
else { show("before"); keepOffline(setup.draft); } // today's routine can then start with no connection
