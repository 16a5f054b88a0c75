// Loaded on every page: registers the service worker so the app installs and opens offline.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Without a service worker the app still works online; nothing to tell the person.
  });
}
