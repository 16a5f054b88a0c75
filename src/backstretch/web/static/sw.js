// backstretch service worker: keeps the app's own files so pages already visited open without a network.
// Assets and figures: cache first (they only change with a new version). Pages: network first, cache as fallback.
// The JSON API (/api/) is never cached: writes and live data always go to the server.
// The server decides what may be kept: a response marked `Cache-Control: no-store` (in clinic mode every personal
// page, on one person's computer the charts) is passed on and never stored, so after signing out on a shared
// computer nobody's page can be read from this cache.
const VERSION = "backstretch-v6";
const SHELL = ["/static/app.css", "/static/app.js", "/static/player.js", "/static/player/outbox.js",
  "/static/player/session.js", "/static/player/view.js", "/static/player/coach.js", "/static/csrf.js",
  "/static/icon.svg", "/static/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
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
