// The player's view: which panel shows, the step on screen (title, instructions, ring, breathing guide, figure),
// spoken cues, keeping the screen awake, and the end of a session. It reads the session state it is given and
// keeps no session state of its own.

import { breathAt } from "/static/player/session.js";

export const $ = (id) => document.getElementById(id);
const RING = 2 * Math.PI * 52;
const AT_START = new Set(["setup", "position", "switch-side", "rest", "checklist"]);
const REDUCED_MOTION = matchMedia("(prefers-reduced-motion: reduce)");
const PANELS = ["before", "play", "check", "hurt", "noted", "end", "summary"];
// Panels shown while a session is under way: no site navigation on them, so nobody leaves mid-session by a tap.
const IN_SESSION = new Set(["play", "check", "hurt", "noted", "end"]);
const GO_WORDS = { checklist: "I'm ready", setup: "I'm in position", position: "I'm in position" };

export let phase = "before"; // before, play, check, hurt, noted, end, summary, refused

export function show(name) {
  phase = name;
  for (const p of PANELS) $(p).hidden = p !== name;
  document.body.classList.toggle("playing", name === "play");
  document.body.classList.toggle("in-session", IN_SESSION.has(name));
  confirmEnd(false);
  const focus = $(name).querySelector("h1");
  if (focus && name !== "play") { focus.tabIndex = -1; focus.focus(); }
}

// --- speech and wake lock ----------------------------------------------------------------------------------------
let speechOn = localStorage.getItem("backstretch.speech") !== "off";

export function say(text) {
  if (!speechOn || !("speechSynthesis" in window) || !text) return;
  if (speechSynthesis.pending) speechSynthesis.cancel(); // never fall behind the clock
  const u = new SpeechSynthesisUtterance(text);
  u.rate = 0.95;
  speechSynthesis.speak(u);
}

export function hush() {
  if ("speechSynthesis" in window) speechSynthesis.cancel();
}

export function toggleSpeech() {
  speechOn = !speechOn;
  localStorage.setItem("backstretch.speech", speechOn ? "on" : "off");
  if (!speechOn) hush();
  renderSpeech();
}

export function renderSpeech() {
  $("speech").setAttribute("aria-pressed", String(speechOn));
  $("speech").textContent = `Spoken cues: ${speechOn ? "on" : "off"}`;
}

let wakeLock = null;
export async function keepAwake(on) {
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

function svgOf(url) {
  if (!figures.has(url)) figures.set(url, fetch(url).then((r) => r.text()));
  return figures.get(url);
}

export const figureUrl = (id, pose) => `/figures/${encodeURIComponent(id)}.svg${pose ? `?pose=${pose}` : ""}`;

function fitted(text) {
  const holder = document.createElement("div");
  holder.innerHTML = text;
  const svg = holder.querySelector("svg");
  if (svg) { svg.removeAttribute("width"); svg.removeAttribute("height"); }
  return svg;
}

// While a person gets into position: the start pose at full contrast, and the goal (the held pose, with its
// arrows) beside it, or below it on a narrow screen.
// Changing position, the position to get into: the next stretch's start, at full contrast.
async function showSetupFigures(id, kind) {
  const box = $("figure");
  const [start, hold] = await Promise.all([svgOf(figureUrl(id, "start")), svgOf(figureUrl(id, "hold"))]);
  if (figureShown !== `${kind}:${id}`) return;
  const panel = (svg, words, cls) => {
    const fig = document.createElement("figure");
    fig.className = cls;
    const caption = document.createElement("figcaption");
    caption.textContent = words;
    const made = fitted(svg);
    if (made) fig.append(made);
    fig.append(caption);
    return fig;
  };
  box.classList.add("setup-figures");
  if (kind === "position") box.replaceChildren(panel(start, "Get into this position", "pose-start-panel"));
  else box.replaceChildren(panel(start, "1. Start like this", "pose-start-panel"), panel(hold, "2. Then move into this", "pose-goal-panel"));
  box.classList.toggle("single", kind === "position");
}

export async function showFigure(step, id, speed) {
  const key = step && (step.kind === "setup" || step.kind === "position") && id ? `${step.kind}:${id}` : id;
  if (key === figureShown) { setPose(step, false, speed); return; }
  figureShown = key;
  const box = $("figure");
  box.classList.remove("setup-figures");
  if (!id) { box.replaceChildren(); box.hidden = true; return; }
  box.hidden = false;
  if (key !== id) { await showSetupFigures(id, step.kind); return; }
  const text = await svgOf(figureUrl(id));
  if (figureShown !== id) return;
  const svg = fitted(text);
  if (!svg) return;
  box.replaceChildren(svg);
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
  setPose(step, false, speed);
}

function setPose(step, animate, speed) {
  if (!step) return;
  const box = $("figure");
  const ms = animate && (step.kind === "move-in" || step.kind === "release") ? (step.seconds * 1000) / speed : 0;
  box.style.setProperty("--pose-ms", `${Math.round(ms)}ms`);
  box.classList.toggle("at-start", AT_START.has(step.kind) || step.kind === "release");
  // The figure shows the first (right) side; the left side is its mirror image.
  box.classList.toggle("mirrored", step.side === "left");
}

// --- the step on screen ------------------------------------------------------------------------------------------
let shownStep = -1;
let spokenCue = -1;

export function forgetShownStep() {
  shownStep = -1;
}

function enterStep(session, speed, coach) {
  const { data } = session;
  const step = session.step;
  spokenCue = -1;
  shownStep = session.idx;
  if (!step) return;
  const item = step.item !== null ? data.items[step.item] : null;
  let title = step.title;
  if (step.side) title += ` (${step.side} side)`;
  if (step.kind === "hold" && item && item.reps > 1) title += `, ${step.rep} of ${item.reps}`;
  $("step-title").textContent = title;
  $("step-of").textContent = item ? `Stretch ${step.item + 1} of ${data.items.length}` : "Getting ready";
  $("lines").replaceChildren(...step.lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
  $("cue").textContent = "";
  const waits = Boolean(step.waits);
  $("pacer").hidden = !(step.kind === "hold" || step.kind === "rest");
  $("ring").toggleAttribute("hidden", waits); // an SVG element: no `hidden` property
  $("wait-note").hidden = !waits;
  $("go").hidden = !waits;
  $("go").textContent = GO_WORDS[step.kind] || "I'm in position";
  $("pause").hidden = waits;
  $("skip").hidden = step.kind === "checklist";
  $("hurts").disabled = step.kind === "checklist" || step.kind === "warm-up";
  document.body.dataset.step = step.kind;
  document.body.classList.toggle("waiting", waits);
  coach.enter(step);
  showFigure(step, step.stretch || (item ? item.stretch : null), speed);
  setPose(step, true, speed);
  // A step to read is read aloud whole, so a person on the mat need not come close to the screen.
  say(waits && step.kind !== "checklist" ? [title, ...step.lines].join(". ") : step.title);
}

export function render(session, speed, coach) {
  const step = session.step;
  if (!step) return;
  if (shownStep !== session.idx) enterStep(session, speed, coach);
  const t = session.t;
  if (!step.waits) {
    const left = Math.max(0, step.seconds - t);
    $("ring-text").textContent = String(Math.ceil(left - 1e-6));
    $("ring-arc").style.strokeDashoffset = String(RING * Math.min(1, t / step.seconds));
  }
  $("session-progress").style.width = `${(100 * session.elapsed) / session.data.total_seconds}%`;
  if (step.kind === "hold" || step.kind === "rest") {
    const [way, fraction] = breathAt(t, session.data.breaths_per_minute);
    // With reduced motion asked for, the dot stays still and the words alone pace the breath.
    const size = REDUCED_MOTION.matches ? 1 : way === "in" ? 0.45 + 0.55 * fraction : 1 - 0.55 * fraction;
    $("pacer-dot").style.transform = `scale(${size.toFixed(3)})`;
    $("pacer-label").textContent = way === "in" ? "Breathe in" : "Breathe out";
  }
  if (coach.isOn()) coach.render();
  let cue = -1;
  step.cues.forEach((c, i) => { if (c.at <= t) cue = i; });
  if (cue > spokenCue) {
    spokenCue = cue;
    $("cue").textContent = step.cues[cue].text;
    if (cue > 0 || step.cues[cue].text !== step.title) say(step.cues[cue].text);
  }
}

// Paused at a step that waits (after a reload, or while the camera is asked for): Resume shows in place of
// "I'm in position", which waits for the session to be resumed.
export function showPaused(paused, waits = false) {
  if (waits) { $("pause").hidden = !paused; $("go").hidden = paused; }
  $("pause").textContent = paused ? "Resume" : "Pause";
  $("pause").setAttribute("aria-pressed", String(paused));
  $("paused-label").hidden = !paused;
  document.body.classList.toggle("paused", paused);
}

// "End session" asks first, on the page: a tap meant for Pause must not end a session.
export function confirmEnd(open) {
  $("confirm-end").hidden = !open;
  $("controls").hidden = open;
  if (open) $("confirm-end-yes").focus();
}

// --- refusal and the end -----------------------------------------------------------------------------------------
export function showRefusal(reasons) {
  if (phase === "refused") return;
  phase = "refused";
  for (const p of PANELS) $(p).hidden = true;
  document.body.classList.remove("playing", "paused", "in-session");
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

// The end of a session, once it is saved: the one place the page goes to then (`result` is the server's answer
// to the finish, or the session as loaded). The lead can point this at a server-rendered ending page.
export function showEnding(sessionId, result, extra = []) {
  const s = result.summary;
  const lines = [];
  if (s) {
    lines.push(`${s.minutes} minutes, ${s.done.length} stretch${s.done.length === 1 ? "" : "es"} done.`);
    if (s.done.length) lines.push(`Done: ${s.done.join(", ")}.`);
    if (s.skipped.length) lines.push(`Skipped: ${s.skipped.join(", ")}.`);
    if (s.painful.length) lines.push(`Left out for 14 days because they hurt: ${s.painful.join(", ")}.`);
  } else {
    lines.push(`This session is ${result.status === "in-progress" ? "open" : result.status}.`);
  }
  lines.push(...extra);
  if (result.pain_before !== null || result.pain_after !== null) {
    lines.push(`Pain before ${result.pain_before ?? "–"}, after ${result.pain_after ?? "–"}.`);
  }
  $("summary-body").replaceChildren(...lines.map((l) => Object.assign(document.createElement("p"), { textContent: l })));
  $("summary").dataset.session = String(sessionId ?? "");
  // Saved on the server: the warm ending (the week, pain in honest words, what changes tomorrow) is its own page.
  const ending = $("ending-link");
  ending.hidden = !(s && Number.isInteger(sessionId));
  if (!ending.hidden) ending.href = `/sessions/${sessionId}/done`;
  show("summary");
}
