// The daily notification, from the page's side: every open page of the app asks the service worker, every 30 s,
// whether the daily notification is due (the worker decides and shows it; see sw.js), and Settings turns it on or
// off and says honestly when it can come. Nothing here goes to the server: the choice belongs to this browser.
const CHECK_EVERY_MS = 30_000;
const NOTICE = "backstretch-notice";
const NOTICE_KEY = "/notice-choice";

async function worker() {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.ready;
  return registration.active ? registration : null;
}

// The worker answers on the channel once it has done what was asked (kept a choice, or looked and maybe shown it).
async function tell(message) {
  const registration = await worker();
  if (!registration) return;
  await new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    registration.active.postMessage({ notice: { ...message, now: Date.now() } }, [channel.port2]);
  });
}

async function choice() {
  if (!("caches" in self)) return null;
  const kept = await (await caches.open(NOTICE)).match(NOTICE_KEY);
  return kept ? kept.json() : null;
}

// What this browser allows: "unsupported" (no notifications, or no service worker), "denied", "default" (not
// asked yet) or "granted".
export function allowed() {
  if (!("Notification" in self) || !("serviceWorker" in navigator) || !("caches" in self)) return "unsupported";
  return Notification.permission;
}

let checking = false;

export function startChecking() {
  if (checking || allowed() !== "granted") return;
  checking = true;
  tell({});
  setInterval(() => tell({}), CHECK_EVERY_MS);
}

// Where the browser offers it to an installed app, also ask to be woken now and then with no page open; the
// browser decides when (at most a few times a day), so this is a help, never a promise.
async function askForBackgroundChecks() {
  const registration = await worker();
  if (!registration || !("periodicSync" in registration)) return false;
  try {
    const state = await navigator.permissions.query({ name: "periodic-background-sync" });
    if (state.state !== "granted") return false;
    await registration.periodicSync.register("daily-stretch", { minInterval: 60 * 60 * 1000 });
    return true;
  } catch (error) {
    return false;  // not installed, or not allowed: the open pages still look
  }
}

const SAYS = {
  unsupported: "This browser cannot show notifications from backstretch. The calendar reminders above work everywhere.",
  denied: "Notifications are blocked for backstretch in this browser. To get one, allow notifications for this "
    + "site in the browser's settings, then come back here.",
  default: "Off. Turning it on asks this browser's permission to show notifications.",
  off: "Off.",
};

function onWords(at, background) {
  if (!background) return `On: a notification at ${at} each day, while backstretch is open here.`;
  return `On: a notification at ${at} each day. When the app is closed, this browser may still let it look now and `
    + "then, but the browser decides when: it can come late, or not at all.";
}

async function backgroundChecks() {
  const registration = await worker();
  if (!registration || !("periodicSync" in registration)) return false;
  try {
    return (await registration.periodicSync.getTags()).includes("daily-stretch");
  } catch (error) {
    return false;
  }
}

async function showState(status, form) {
  const state = allowed();
  const background = state === "granted" && await backgroundChecks();
  const kept = state === "unsupported" ? null : await choice();
  if (kept && kept.at) form.elements.at.value = kept.at;
  if (state === "unsupported" || state === "denied") status.textContent = SAYS[state];
  else if (state === "granted" && kept && kept.on) status.textContent = onWords(kept.at, background);
  else status.textContent = state === "default" ? SAYS.default : SAYS.off;
  const on = Boolean(state === "granted" && kept && kept.on);
  form.querySelector("#notice-off").hidden = !on;
  form.querySelector("#notice-on").textContent = on ? "Change the time" : "Turn on";
  form.querySelector("#notice-on").disabled = state === "unsupported";
}

export function settingsForm(form, status) {
  form.hidden = false;
  showState(status, form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const at = form.elements.at.value;
    if (!/^\d{2}:\d{2}$/.test(at)) {
      status.textContent = "Please choose a time for the notification.";
      return;
    }
    const answer = allowed() === "default" ? await Notification.requestPermission() : allowed();
    if (answer === "granted") {
      await tell({ set: { at, on: true } });
      await askForBackgroundChecks();
      startChecking();
      await showState(status, form);
    } else {
      await showState(status, form);
    }
  });
  form.querySelector("#notice-off").addEventListener("click", async () => {
    await tell({ set: { at: form.elements.at.value || "07:30", on: false } });
    const registration = await worker();
    if (registration && "periodicSync" in registration) {
      await registration.periodicSync.unregister("daily-stretch").catch(() => {});
    }
    await showState(status, form);
  });
}
