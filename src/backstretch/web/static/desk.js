// Desk mode: a short break every N minutes while this page is open, only in the chosen work hours and days.
// The work hours, days and interval are stored on the server (the desktop notifier follows them too); whether
// breaks are on here, and the next one, stay in localStorage. One break at a time: while a break is showing, no timer runs, so nothing repeats.

import { jsonHeaders } from "/static/csrf.js";

const KEY = "backstretch.desk";
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]; // indexed by Date.getDay()
const BREAK_MS = 2 * 60 * 1000; // a break lasts up to 2 minutes and must end by the end of work hours
const SNOOZE_MS = 10 * 60 * 1000;
const MINUTE = 60 * 1000;

const $ = (id) => document.getElementById(id);
const form = $("desk-form");
let timer = null;
let current = null; // the break on screen: {stretch, name, hold_seconds, sides, ...}
let notice = null; // its Notification, closed when the break is dealt with
let counting = null;
let held = 0;

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "{}");
  } catch {
    return {};
  }
}

function save(changes) {
  const stored = { ...load(), ...changes };
  localStorage.setItem(KEY, JSON.stringify(stored));
  return stored;
}

function minutesOf(text) {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text || "");
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

// The form's settings, or an error message a person can act on.
function readForm() {
  const every = Number(form.every.value);
  const from = minutesOf(form.from.value);
  const to = minutesOf(form.to.value);
  const days = [...form.querySelectorAll('input[name="days"]:checked')].map((box) => box.value);
  if (!Number.isInteger(every) || every < Number(form.every.min) || every > Number(form.every.max)) {
    return { error: `Choose a break every ${form.every.min} to ${form.every.max} minutes.` };
  }
  if (from === null || to === null) return { error: "Give the start and end of your work hours." };
  if (from + every + BREAK_MS / MINUTE > to) {
    return { error: `No break fits between ${form.from.value} and ${form.to.value} every ${every} minutes: widen your work hours.` };
  }
  if (!days.length) return { error: "Choose at least one work day." };
  return { every, from: form.from.value, to: form.to.value, days };
}

// Keep the choice on the server, so desktop notifications follow the same hours.
async function saveSettings(settings) {
  try {
    const response = await fetch("/api/desk/settings", {
      method: "PUT",
      headers: jsonHeaders(),
      body: JSON.stringify({ every: settings.every, from: settings.from, to: settings.to, days: settings.days }),
    });
    if (!response.ok) throw new Error(String(response.status));
  } catch {
    $("form-error").textContent = "Could not save these hours. Check the app is running and change them again.";
    $("form-error").hidden = false;
  }
}

// A break a desktop notification's Start opened: /desk?break=<stretch>.
async function openAsked() {
  const asked = new URLSearchParams(window.location.search).get("break");
  if (!asked) return false;
  let response;
  try {
    response = await fetch(`/api/desk/breaks/${encodeURIComponent(asked)}`);
  } catch {
    return false;
  }
  if (response.status === 409) {
    stop(await reasonsOf(response));
    return true;
  }
  if (!response.ok) return false;
  clearTimeout(timer);
  timer = null;
  openBreak(await response.json());
  return true;
}

function at(day, clock) {
  const when = new Date(day);
  const minutes = minutesOf(clock);
  when.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return when;
}

function inWorkHours(when, s) {
  return s.days.includes(DAYS[when.getDay()]) && when >= at(when, s.from)
    && when.getTime() + BREAK_MS <= at(when, s.to).getTime();
}

// The next break after `now`: one interval on, or one interval into the next work period.
function nextBreak(now, s, waitMs = s.every * MINUTE) {
  let when = new Date(now.getTime() + waitMs);
  for (let tries = 0; tries < 16; tries += 1) {
    if (inWorkHours(when, s)) return when;
    const start = at(when, s.from);
    if (s.days.includes(DAYS[when.getDay()]) && when < start) {
      when = new Date(start.getTime() + s.every * MINUTE);
    } else {
      start.setDate(start.getDate() + 1);
      when = new Date(start.getTime() + s.every * MINUTE);
    }
  }
  return null;
}

function clockText(when) {
  const sameDay = when.toDateString() === new Date().toDateString();
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return sameDay ? time : `${when.toLocaleDateString([], { weekday: "long" })} at ${time}`;
}

function showStatus() {
  const stored = load();
  $("turn-on").hidden = Boolean(stored.on);
  $("turn-off").hidden = !stored.on;
  if (!stored.on) {
    $("status").textContent = "Desk breaks are off.";
  } else if (current) {
    $("status").textContent = "Desk breaks are on. A break is showing above.";
  } else if (stored.next) {
    $("status").textContent = `Desk breaks are on. Next break: ${clockText(new Date(stored.next))}.`;
  }
}

function schedule(when) {
  clearTimeout(timer);
  timer = null;
  const stored = load();
  if (!stored.on || current) return;
  if (!when) {
    save({ next: null });
    $("status").textContent = "Desk breaks are on, but no break fits your work hours.";
    return;
  }
  save({ next: when.getTime() });
  timer = setTimeout(fire, Math.max(0, when.getTime() - Date.now()));
  showStatus();
}

function stop(reasons) {
  clearTimeout(timer);
  timer = null;
  save({ on: false, next: null });
  closeBreak();
  const list = $("stopped-reasons");
  list.replaceChildren(...reasons.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  $("stopped").hidden = false;
  $("turn-on").disabled = true;
  showStatus();
}

async function reasonsOf(response) {
  try {
    const body = await response.json();
    const detail = body.detail;
    if (detail && Array.isArray(detail.reasons)) return detail.reasons;
    if (Array.isArray(detail)) return detail.map(String);
    return [String(detail)];
  } catch {
    return [`The server answered ${response.status}.`];
  }
}

async function fire() {
  timer = null;
  const stored = load();
  const settings = readForm();
  if (!stored.on || current || settings.error) return;
  const now = new Date();
  if (!inWorkHours(now, settings)) {
    // A sleeping computer can wake the timer late: never prompt outside work hours, wait for the next period.
    schedule(nextBreak(now, settings));
    return;
  }
  let response;
  try {
    response = await fetch(`/api/desk/next${stored.last ? `?after=${encodeURIComponent(stored.last)}` : ""}`);
  } catch {
    schedule(nextBreak(now, settings)); // offline: try again at the next break
    return;
  }
  if (response.status === 409) {
    stop(await reasonsOf(response));
    return;
  }
  if (!response.ok) {
    schedule(nextBreak(now, settings));
    return;
  }
  openBreak(await response.json());
}

function holdText(b) {
  return b.sides === 2 ? `Hold for ${b.hold_seconds} seconds on each side.` : `Hold for ${b.hold_seconds} seconds.`;
}

function openBreak(b, restoring = false) {
  current = b;
  // `before` lets Snooze bring back this same stretch: the next one after `before` in the rotation.
  save(restoring ? { next: null } : { before: load().last || null, last: b.stretch, next: null, showing: b });
  $("break-figure").src = b.figure;
  $("break-figure").alt = `Figure: ${b.name}`;
  $("break-name").textContent = b.name;
  $("break-hold").textContent = holdText(b);
  $("break-steps").replaceChildren(...b.steps.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  $("break-release").textContent = `To come out: ${b.release.join(" ")}`;
  resetCountdown();
  $("break-error").hidden = true;
  $("saved").hidden = true;
  $("break").hidden = false;
  $("break-heading").focus();
  showStatus();
  if ("Notification" in window && Notification.permission === "granted") {
    try {
      notice = new Notification("Time for a short desk break", {
        body: `${b.name}: ${holdText(b).toLowerCase()} Move slowly and stop if it hurts.`,
        tag: "backstretch-desk-break", // at most one on screen: a new one replaces an old one
        icon: "/static/icon.svg",
      });
      notice.onclick = () => {
        window.focus();
        notice.close();
      };
    } catch {
      notice = null; // some browsers only show notifications from a service worker; the card is still here
    }
  }
}

function closeBreak() {
  current = null;
  clearInterval(counting);
  counting = null;
  if (notice) notice.close();
  notice = null;
  save({ showing: null });
  $("break").hidden = true;
}

function resetCountdown() {
  clearInterval(counting);
  counting = null;
  held = 0;
  $("count-side").textContent = "";
  $("count").textContent = current ? `${current.hold_seconds} s` : "";
  $("start-hold").hidden = false;
}

function startCountdown() {
  const b = current;
  let side = 1;
  let left = b.hold_seconds;
  const label = () => (b.sides === 2 ? (side === 1 ? "First side:" : "Second side:") : "Hold:");
  $("start-hold").hidden = true;
  $("count-side").textContent = label();
  $("count").textContent = `${left} s`;
  counting = setInterval(() => {
    left -= 1;
    held += 1;
    if (left <= 0 && side < b.sides) {
      side += 1;
      left = b.hold_seconds;
    } else if (left <= 0) {
      clearInterval(counting);
      counting = null;
      $("count-side").textContent = "";
      $("count").textContent = "Well done. Release slowly, then press Done.";
      return;
    }
    $("count-side").textContent = label();
    $("count").textContent = `${left} s`;
  }, 1000);
}

async function done() {
  const b = current;
  // Pressing Done without the timer means it was held the usual time.
  const seconds = held > 0 ? held : b.hold_seconds * b.sides;
  $("done").disabled = true;
  let response;
  try {
    response = await fetch("/api/desk/breaks", {
      method: "POST",
      headers: jsonHeaders(),
      body: JSON.stringify({ stretch: b.stretch, seconds: Math.min(seconds, 120) }),
    });
  } catch {
    response = null;
  } finally {
    $("done").disabled = false;
  }
  if (response && response.status === 409) {
    stop(await reasonsOf(response));
    return;
  }
  if (!response || !response.ok) {
    $("break-error").textContent = "Could not save this break. Check the app is running and press Done again.";
    $("break-error").hidden = false;
    return;
  }
  closeBreak();
  $("saved").textContent = `Saved: ${b.name}. It counts toward today's stretching.`;
  $("saved").hidden = false;
  later(nextBreak(new Date(), readForm()));
}

function later(when) {
  const settings = readForm();
  closeBreak();
  if (settings.error) return;
  schedule(when);
}

async function turnOn() {
  const settings = readForm();
  if (settings.error) {
    $("form-error").textContent = settings.error;
    $("form-error").hidden = false;
    return;
  }
  $("form-error").hidden = true;
  let permission = "unsupported";
  if ("Notification" in window) {
    try {
      permission = await Notification.requestPermission(); // asked only now, because the person pressed the button
    } catch {
      permission = Notification.permission;
    }
  }
  const denied = $("denied");
  if (permission === "granted") {
    denied.hidden = true;
  } else {
    denied.textContent = permission === "unsupported"
      ? "This browser cannot show notifications, so breaks will appear only on this page while it is open."
      : "Notifications are not allowed for this page, so breaks will appear only on this page while it is open. "
        + "To get notifications, allow them for this site in your browser's settings, then turn desk breaks on again.";
    denied.hidden = false;
  }
  save({ ...settings, on: true });
  schedule(nextBreak(new Date(), settings));
}

function turnOff() {
  clearTimeout(timer);
  timer = null;
  closeBreak();
  save({ on: false, next: null });
  showStatus();
}

form.addEventListener("change", () => {
  const settings = readForm();
  $("form-error").textContent = settings.error || "";
  $("form-error").hidden = !settings.error;
  if (settings.error) return;
  const stored = save(settings);
  saveSettings(settings);
  if (stored.on && !current) schedule(nextBreak(new Date(), settings));
});
form.addEventListener("submit", (event) => event.preventDefault());
$("turn-on").addEventListener("click", turnOn);
$("turn-off").addEventListener("click", turnOff);
$("start-hold").addEventListener("click", startCountdown);
$("done").addEventListener("click", done);
$("snooze").addEventListener("click", () => {
  const settings = readForm();
  if (settings.error) return later(null);
  const now = new Date();
  const soon = new Date(now.getTime() + SNOOZE_MS);
  save({ last: load().before || null });
  later(inWorkHours(soon, settings) ? soon : nextBreak(now, settings));
});
$("not-now").addEventListener("click", () => later(nextBreak(new Date(), readForm())));

// On load: if breaks were on, carry on (never asking for permission here); the form holds the stored choice.
const stored = load();
if (stored.on && !$("turn-on").disabled) {
  const settings = readForm();
  if (!settings.error) {
    const now = new Date();
    const next = stored.showing ? now : stored.next && stored.next > now.getTime() ? new Date(stored.next) : nextBreak(now, settings);
    if (stored.showing && inWorkHours(now, settings)) openBreak(stored.showing, true);
    else schedule(stored.showing ? nextBreak(now, settings) : next);
  }
} else if (stored.on) {
  save({ on: false, next: null });
}
showStatus();
if (!$("turn-on").disabled) openAsked();
