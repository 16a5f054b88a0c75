// Loaded on every page: registers the service worker so the app installs and opens offline, and looks whether the
// daily notification is due (notify.js).
import { settingsForm, startChecking } from "/static/notify.js";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Without a service worker the app still works online; nothing to tell the person.
  });
}

// Signing out on a shared computer: nothing of this person's stays readable in this browser. The server's answer
// says the same (Clear-Site-Data), which browsers honour only over https or on this computer; this covers the rest.
for (const form of document.querySelectorAll("form.sign-out")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    forgetThisBrowser().finally(() => form.submit());  // submit() does not come back through this listener
  });
}

async function forgetThisBrowser() {
  try { localStorage.clear(); sessionStorage.clear(); } catch (error) { /* storage turned off: nothing kept */ }
  if (!("caches" in self)) return;
  await Promise.all((await caches.keys()).map((k) => caches.delete(k)));
}

startChecking();
const noticeForm = document.getElementById("notice-form");
if (noticeForm) settingsForm(noticeForm, document.getElementById("notice-status"));
