// The guided session in the browser. The server owns the timeline; this page keeps the clock, shows and speaks
// each step, and posts every step the moment it ends (in order, kept on the device and sent again until the server
// has it, even across a reload while offline).

const $ = (id) => document.getElementById(id);
const setup = JSON.parse($("setup").textContent);
const speed = Math.min(200, Math.max(1, Number(new URLSearchParams(location.search).get("speed")) || setup.speed || 1));
const RING = 2 * Math.PI * 52;
const INHALE_SHARE = 0.4;
const AT_START = new Set(["setup", "position", "switch-side", "rest", "checklist"]);

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
// Every write (a step, a pain check, the finish) first goes into a queue kept in localStorage for its session, and
// is then sent in order; it leaves the queue only once the server has answered it. Offline, the queue waits and is
// sent again when the connection comes back, or when the page is opened again. The server stores each write once
// (a step by its index, a pain check by stretch and feeling, the finish by its status), so a replay is harmless.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PENDING = "backstretch.pending.";
const KEPT = "backstretch.session";
const PATHS = { step: "steps", report: "reports", finish: "finish" };
const waiting = new Map(); // queued write id -> {resolve, reject}, for the writes this page waits on
const memory = new Map(); // queued write id -> {session, entry}: sent this visit even if localStorage is full
const flushing = new Set(); // sessions whose queue is being sent
const retries = new Map(); // session -> {timer, attempt}

function pending(id) {
  try { return JSON.parse(localStorage.getItem(PENDING + id)) || []; } catch (error) { return []; }
}

function setPending(id, list) {
  try {
    if (list.length) localStorage.setItem(PENDING + id, JSON.stringify(list)); else localStorage.removeItem(PENDING + id);
  } catch (error) { /* storage full or blocked: the write is still sent from memory below */ }
}

function pendingSessions() {
  const ids = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key && key.startsWith(PENDING)) ids.push(Number(key.slice(PENDING.length)));
  }
  return ids.filter((id) => Number.isInteger(id) && id > 0);
}

function waitFor(entryId) {
  return new Promise((resolve, reject) => waiting.set(entryId, { resolve, reject }));
}

function enqueue(kind, body) {
  const id = data.id;
  const entry = { id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`, kind, body };
  memory.set(entry.id, { session: id, entry });
  setPending(id, [...pending(id).filter((e) => e.id !== entry.id), entry]);
  const answer = waitFor(entry.id);
  flush(id);
  return answer;
}

function queueOf(id) {
  const stored = pending(id);
  const known = new Set(stored.map((e) => e.id));
  const extra = [...memory.values()].filter((m) => m.session === id && !known.has(m.entry.id)).map((m) => m.entry);
  return [...stored, ...extra];
}

function markOffline(on) {
  document.body.classList.toggle("offline", on);
}

async function flush(id) {
  if (flushing.has(id)) return;
  flushing.add(id);
  const retry = retries.get(id) || { timer: null, attempt: 0 };
  clearTimeout(retry.timer);
  retries.set(id, retry);
  try {
    for (;;) {
      const [entry] = queueOf(id);
      if (!entry) { retry.attempt = 0; if (!data || data.id === id) markOffline(false); return; }
      let response = null;
      try {
        response = await fetch(`/api/sessions/${id}/${PATHS[entry.kind]}`, {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(entry.body),
        });
      } catch (error) { /* offline */ }
      if (!response || response.status >= 500 || response.status === 408 || response.status === 429) {
        if (!data || data.id === id) markOffline(true);
        retry.timer = setTimeout(() => flush(id), Math.min(5000, 500 * 2 ** retry.attempt++));
        return;
      }
      retry.attempt = 0;
      const answer = await response.json().catch(() => ({}));
      // Answered (saved, already saved, or refused for good): it leaves the queue either way. A safety refusal
      // (the safety questions, answered again, now say no) stops the session on screen and says why.
      const reasons = refusedReasons(response, answer);
      if (reasons && data && data.id === id) showRefusal(reasons);
      setPending(id, pending(id).filter((e) => e.id !== entry.id));
      memory.delete(entry.id);
      const waiter = waiting.get(entry.id);
      waiting.delete(entry.id);
      if (waiter) (response.ok ? waiter.resolve : waiter.reject)(answer);
    }
  } finally {
    flushing.delete(id);
  }
}

function flushAll() {
  const ids = new Set(pendingSessions());
  for (const m of memory.values()) ids.add(m.session);
  for (const id of ids) flush(id);
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

// A copy of the session kept on this device, so a reload while offline can go on where it was.
function keepCopy(session) {
  try { localStorage.setItem(KEPT, JSON.stringify(session)); } catch (error) { /* too big or blocked: online only */ }
}

function keptCopy(id) {
  try {
    const kept = JSON.parse(localStorage.getItem(KEPT));
    return kept && kept.id === id ? kept : null;
  } catch (error) { return null; }
}

function forgetCopy(id) {
  if (keptCopy(id)) localStorage.removeItem(KEPT);
}

// Ask the service worker to keep what this session needs offline: the page, its script and style, every figure.
function keepOffline() {
  if (!("serviceWorker" in navigator) || !data) return;
  const urls = [location.pathname + location.search, "/static/player.js", "/static/app.css", "/static/app.js",
    ...new Set(data.items.map((i) => `/figures/${encodeURIComponent(i.stretch)}.svg`))];
  navigator.serviceWorker.ready
    .then((registration) => registration.active && registration.active.postMessage({ keep: urls }))
    .catch(() => {});
}

// What the server would say about a session, with the writes still waiting in the queue laid over it.
function overlay(session) {
  const list = queueOf(session.id);
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
  $("hurts").disabled = step.kind === "checklist";
  document.body.dataset.step = step.kind;
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
    const size = way === "in" ? 0.45 + 0.55 * fraction : 1 - 0.55 * fraction;
    $("pacer-dot").style.transform = `scale(${size.toFixed(3)})`;
    $("pacer-label").textContent = way === "in" ? "Breathe in" : "Breathe out";
  }
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
  t += dt * speed;
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
  askHurt(step.stretch, step.item, false);
}

// --- pain checks -------------------------------------------------------------------------------------------------
let checking = null; // {stretch, item, fromCheck}

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
  let easier = [];
  if (stretch) {
    const answer = report(stretch, "painful").catch(() => ({ easier: [] }));
    await Promise.race([answer, offlineSignal(answer)]); // offline: go on; it is saved when the connection is back
    easier = (await Promise.race([answer, Promise.resolve({ easier: [] })])).easier || [];
  }
  const next = easier.length ? ` Your plans may suggest the easier ${easier[0]} instead.` : "";
  $("noted-text").textContent = fromCheck || !stretch
    ? `Noted. ${stretch ? "It will be left out of your plans for the next 14 days." : ""}${next}`
    : `We skip the rest of it. It will be left out of your plans for the next 14 days.${next}`;
  afterNoted = () => {
    if (!fromCheck) { if (stretch && item !== null) jumpPastItem(item); else { idx += 1; t = 0; } }
    play();
  };
}

// --- the end -----------------------------------------------------------------------------------------------------
function end(status) {
  endStatus = status;
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
  const id = data.id;
  offlineSignal(answer).then(() => {
    if (phase === "end" && document.body.classList.contains("offline")) {
      $("end-text").textContent = "You seem to be offline. Your session is kept on this device and will be saved "
        + "as soon as you are back online.";
    }
  });
  try {
    showSummary(await answer);
    forgetCopy(id);
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
  if (result.pain_before !== null || result.pain_after !== null) {
    lines.push(`Pain before ${result.pain_before ?? "–"}, after ${result.pain_after ?? "–"}.`);
  }
  body.replaceChildren(...lines.map((l) => Object.assign(document.createElement("p"), { textContent: l })));
  show("summary");
}

// --- starting and resuming ---------------------------------------------------------------------------------------
function remember() {
  const url = new URL(location.href);
  url.search = "";
  url.searchParams.set("session", data.id);
  if (speed !== 1) url.searchParams.set("speed", String(speed));
  history.replaceState(null, "", url);
}

async function start(pain) {
  const error = document.querySelector("#before .error");
  error.hidden = true;
  for (const b of document.querySelectorAll("#before button")) b.disabled = true;
  const body = { swap: setup.swap, pain_before: pain };
  if (setup.minutes) body.minutes = setup.minutes;
  try {
    const response = await fetch("/api/sessions", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
      const d = answer.detail;
      throw new Error(d && d.reasons ? d.reasons.join(" ") : [].concat(d).join(" "));
    }
    data = answer;
    keepCopy(data);
  } catch (e) {
    error.textContent = e.message || "The session could not be started. Please try again.";
    error.hidden = false;
    for (const b of document.querySelectorAll("#before button")) b.disabled = false;
    return;
  }
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
      flush(id); // what is waiting is still sent: a pain report and the finish are saved, a step is refused
      return;
    }
    if (!response.ok) { forgetCopy(id); location.href = "/player"; return; }
    fresh = await response.json();
    keepCopy(fresh);
  } catch (error) { /* offline: go on from the copy kept on this device */ }
  data = fresh || keptCopy(id);
  if (!data) {
    $("step-title").textContent = "This session cannot be opened offline";
    $("cue").textContent = "Please connect to the internet and reload the page.";
    return;
  }
  keepOffline();
  const finishing = overlay(data);
  flush(id);
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
$("pause").addEventListener("click", () => setPaused(!paused));
$("skip").addEventListener("click", skip);
$("hurts").addEventListener("click", hurts);
$("stop").addEventListener("click", () => {
  const step = currentStep();
  if (step && t > 0) saveStep(step.index, t, "stopped");
  end("partial");
});
$("finish").addEventListener("click", finish);
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
  if (phase !== "play" || e.ctrlKey || e.metaKey || e.altKey) return;
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
const sessionParam = Number(new URLSearchParams(location.search).get("session")) || setup.session;
for (const id of pendingSessions()) if (id !== sessionParam) flush(id);
if (sessionParam) resume(sessionParam); else show("before");
