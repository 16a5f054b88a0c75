// backstretch service worker: keeps the app's own files so pages already visited open without a network.
// Assets and figures: cache first (they only change with a new version). Pages: network first, cache as fallback.
// The JSON API (/api/) is never cached: writes and live data always go to the server.
// The server decides what may be kept: a response marked `Cache-Control: no-store` (in clinic mode every personal
// page, on one person's computer the charts) is passed on and never stored, so after signing out on a shared
// computer nobody's page can be read from this cache.
const VERSION = "backstretch-v6";
const SHELL = ["/static/app.css", "/static/app.js", "/static/notify.js", "/static/player.js", "/static/player/outbox.js",
  "/static/player/session.js", "/static/player/view.js", "/static/player/coach.js", "/static/csrf.js",
  "/static/icon.svg", "/static/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION && k !== NOTICE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const cacheable = (url) => url.origin === self.location.origin && !url.pathname.startsWith("/api/");
const isAsset = (url) => url.pathname.startsWith("/static/") || url.pathname.startsWith("/figures/");
// Only a whole, successful answer the server lets anyone keep.
const keepable = (response) => response.ok && response.type === "basic"
  && !/no-store|private/i.test(response.headers.get("Cache-Control") || "");

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || !cacheable(url)) return;
  event.respondWith(isAsset(url) ? cacheFirst(request) : networkFirst(request));
});

// A page asks to keep what it needs offline (the player: its own address, its script, style and figures), even
// what it loaded before this worker controlled it. A page asks to forget everything (signing out).
self.addEventListener("message", (event) => {
  if (event.data && event.data.forget) {
    event.waitUntil(forgetAll());
    return;
  }
  if (event.data && event.data.notice) {
    const answer = event.ports[0];
    event.waitUntil(dailyNotice(event.data.notice).finally(() => answer && answer.postMessage("done")));
    return;
  }
  const urls = event.data && Array.isArray(event.data.keep) ? event.data.keep : [];
  const wanted = urls.map((u) => new URL(String(u), self.location.origin)).filter(cacheable);
  event.waitUntil(caches.open(VERSION).then((cache) => Promise.all(wanted.map(async (url) => {
    try {
      if (isAsset(url) && await cache.match(url.href)) return;
      const response = await fetch(url.href);
      if (keepable(response)) await cache.put(url.href, response);
    } catch (error) { /* offline now: kept next time */ }
  }))));
});

async function forgetAll() {
  await Promise.all((await caches.keys()).map((k) => caches.delete(k)));
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (keepable(response)) (await caches.open(VERSION)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (keepable(response)) (await caches.open(VERSION)).put(request, response.clone());
    else if (response.ok) (await caches.open(VERSION)).delete(request);  // kept before, personal now: forget it
    return response;
  } catch (error) {
    const cached = await caches.match(request);
    if (cached) return cached;
    // The player is one page whatever its address says (the script reads the session from the address itself).
    if (new URL(request.url).pathname === "/player") {
      const player = await caches.match(request, { ignoreSearch: true });
      if (player) return player;
    }
    throw error;
  }
}

// The daily notification (Settings, "A reminder from this app"). The choice lives in its own cache, so this worker
// reads it with no page open; it is kept across versions and forgotten on signing out like everything else.
// Browsers give a worker no timer at a set time (Notification Triggers never became a standard), so it is asked to
// look: every 30 s by each open page of the app (with the page's clock), and, where the browser offers Periodic
// Background Sync to an installed app, whenever the browser chooses. Shown once a day, at or after the time set.
const NOTICE = "backstretch-notice";
const NOTICE_KEY = "/notice-choice";
const NOTICE_TITLE = "Time for your stretches";

const localDay = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function passed(at, now) {
  const [hours, minutes] = String(at).split(":").map(Number);
  const time = new Date(now);
  time.setHours(hours, minutes, 0, 0);
  return now >= time;
}

async function noticeChoice() {
  const kept = await (await caches.open(NOTICE)).match(NOTICE_KEY);
  return kept ? kept.json() : null;
}

async function keepNoticeChoice(choice) {
  await (await caches.open(NOTICE)).put(NOTICE_KEY, new Response(JSON.stringify(choice),
    { headers: { "Content-Type": "application/json" } }));
}

// {set: {at, on}, now}: a new choice (a time already passed today waits for tomorrow); {now}: look whether it is due.
async function dailyNotice({ set, now }) {
  const today = new Date(now || Date.now());
  if (set) {
    await keepNoticeChoice({ at: set.at, on: Boolean(set.on), last: passed(set.at, today) ? localDay(today) : "" });
    return;
  }
  const choice = await noticeChoice();
  if (!choice || !choice.on || choice.last === localDay(today) || !passed(choice.at, today)) return;
  if (self.Notification && Notification.permission !== "granted") return;
  await keepNoticeChoice({ ...choice, last: localDay(today) });
  await self.registration.showNotification(NOTICE_TITLE, {
    body: "A few minutes of gentle stretching. Open Today to start.", tag: "backstretch-daily",
    icon: "/static/icon.svg", data: { url: "/today" },
  });
}

self.addEventListener("periodicsync", (event) => {
  if (event.tag === "daily-stretch") event.waitUntil(dailyNotice({ now: Date.now() }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/today";
  event.waitUntil(clients.matchAll({ type: "window" }).then((open) => {
    const here = open.find((client) => "focus" in client);
    if (!here) return clients.openWindow(url);
    return here.focus().then(() => here.navigate(url)).catch(() => clients.openWindow(url));
  }));
});
