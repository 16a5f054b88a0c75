// The offline outbox: every write of a session (the start, a step, a pain check, a range of motion, the finish)
// first goes into a queue kept on the device under the session's key, and is then sent in order; it leaves the
// queue only once the server has answered it. Offline, the queue waits and is sent again when the connection comes
// back, or when the page is opened again. The server stores each write once (the start by its key, a step by its
// index, a pain check by stretch and feeling, the finish by its status), so a replay is harmless.
//
// No page state lives here: the page says which session it shows (`current`) and hears back through `hooks`, so
// the outbox can be tested on its own with a stand-in `fetch` and storage.

export const PENDING = "backstretch.pending.";
export const COPY = "backstretch.copy."; // + session key: the session as last known, to go on offline
export const IDS = "backstretch.ids"; // session key -> the id the server gave it
const PATHS = { step: "steps", report: "reports", rom: "rom", finish: "finish" };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A random version 4 UUID; crypto.getRandomValues works on plain http too (randomUUID needs https or localhost).
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A session started here has its own key; one started elsewhere (the terminal) is known by its id.
export const keyOf = (session) => session.key || `id-${session.id}`;

// The reasons of a safety refusal (409 with {refused, reasons}), or null for any other answer.
export function refusedReasons(response, answer) {
  const d = answer && answer.detail;
  return response.status === 409 && d && d.refused && Array.isArray(d.reasons) ? d.reasons : null;
}

export class Outbox {
  // hooks: current() -> the key of the session on screen (or null); offline(on); started(key, id);
  // refused(key, reasons) (a safety no: the session stops on screen); dropped(key, reasons) (its start was
  // refused for good, so nothing else of it can be saved).
  constructor({ storage = localStorage, fetcher = (...a) => fetch(...a), headers = () => ({}), hooks = {} } = {}) {
    this.storage = storage;
    this.fetcher = fetcher;
    this.headers = headers;
    this.hooks = { current: () => null, offline() {}, started() {}, refused() {}, dropped() {}, ...hooks };
    this.waiting = new Map(); // queued write id -> {resolve, reject}, for the writes this page waits on
    this.memory = new Map(); // queued write id -> {session, entry}: sent this visit even if storage is full
    this.flushing = new Set(); // session keys whose queue is being sent
    this.retries = new Map(); // session key -> {timer, attempt}
    this.idsSeen = new Map(); // the same as IDS, for when storage is full or blocked
    this.written = 0;
    this.isOffline = false;
  }

  storedIds() {
    try { return JSON.parse(this.storage.getItem(IDS)) || {}; } catch (error) { return {}; }
  }

  idOf(key) {
    if (this.idsSeen.has(key)) return this.idsSeen.get(key);
    const stored = this.storedIds()[key];
    if (Number.isInteger(stored)) return stored;
    if (key.startsWith("id-")) return Number(key.slice(3)) || null;
    return /^\d+$/.test(key) ? Number(key) : null; // a queue kept by an earlier version of this page
  }

  rememberId(key, id) {
    this.idsSeen.set(key, id);
    try { this.storage.setItem(IDS, JSON.stringify({ ...this.storedIds(), [key]: id })); } catch (error) { /* memory */ }
  }

  pending(key) {
    try { return JSON.parse(this.storage.getItem(PENDING + key)) || []; } catch (error) { return []; }
  }

  setPending(key, list) {
    try {
      if (list.length) this.storage.setItem(PENDING + key, JSON.stringify(list));
      else this.storage.removeItem(PENDING + key);
    } catch (error) { /* storage full or blocked: the write is still sent from memory */ }
  }

  pendingKeys() {
    const keys = [];
    for (let i = 0; i < this.storage.length; i++) {
      const name = this.storage.key(i);
      if (name && name.startsWith(PENDING) && name.length > PENDING.length) keys.push(name.slice(PENDING.length));
    }
    return keys;
  }

  waitFor(entryId) {
    return new Promise((resolve, reject) => this.waiting.set(entryId, { resolve, reject }));
  }

  // Queue a write for the session with this key; resolves with the server's answer once it is saved.
  enqueue(key, kind, body) {
    const seq = Date.now() * 1000 + (this.written++ % 1000); // the order writes were made in, across reloads
    const entry = { id: `${seq.toString(36)}-${Math.random().toString(36).slice(2, 10)}`, seq, kind, body };
    this.memory.set(entry.id, { session: key, entry });
    this.setPending(key, [...this.pending(key).filter((e) => e.id !== entry.id), entry]);
    const answer = this.waitFor(entry.id);
    this.flush(key);
    return answer;
  }

  // The session's writes in the order they were made, whether kept in storage or (storage full) only in memory.
  queueOf(key) {
    const stored = this.pending(key);
    const known = new Set(stored.map((e) => e.id));
    const extra = [...this.memory.values()].filter((m) => m.session === key && !known.has(m.entry.id))
      .map((m) => m.entry);
    return [...stored, ...extra].sort((a, b) => (a.seq || 0) - (b.seq || 0));
  }

  isCurrent(key) {
    return this.hooks.current() === key;
  }

  settle(entry, ok, answer) {
    this.memory.delete(entry.id);
    const waiter = this.waiting.get(entry.id);
    this.waiting.delete(entry.id);
    if (waiter) (ok ? waiter.resolve : waiter.reject)(answer);
  }

  // The start was refused for good (the safety answers now say no, or the routine no longer suits): nothing else
  // of this session can be saved, so its queue goes.
  drop(key, reasons) {
    const list = this.queueOf(key);
    this.setPending(key, []);
    for (const entry of list) this.settle(entry, false, {});
    this.forgetCopy({ key });
    this.hooks.dropped(key, reasons);
  }

  markOffline(key, on) {
    if (this.hooks.current() === null || this.isCurrent(key)) {
      this.isOffline = on;
      this.hooks.offline(on);
    }
  }

  async flush(key) {
    if (this.flushing.has(key)) return;
    this.flushing.add(key);
    const retry = this.retries.get(key) || { timer: null, attempt: 0 };
    clearTimeout(retry.timer);
    this.retries.set(key, retry);
    try {
      for (;;) {
        const [entry] = this.queueOf(key);
        if (!entry) { retry.attempt = 0; this.markOffline(key, false); return; }
        const id = this.idOf(key);
        if (entry.kind !== "start" && !id) { this.drop(key, []); return; } // its start is lost: nothing to save to
        let response = null;
        try {
          const url = entry.kind === "start" ? "/api/sessions" : `/api/sessions/${id}/${PATHS[entry.kind]}`;
          response = await this.fetcher(url, { method: "POST", headers: this.headers(), body: JSON.stringify(entry.body) });
        } catch (error) { /* offline */ }
        if (!response || response.status >= 500 || response.status === 408 || response.status === 429) {
          this.markOffline(key, true);
          if (entry.kind === "start" && !entry.body.offline) this.markStartOffline(key, entry);
          retry.timer = setTimeout(() => this.flush(key), Math.min(5000, 500 * 2 ** retry.attempt++));
          return;
        }
        retry.attempt = 0;
        const answer = await response.json().catch(() => ({}));
        const reasons = refusedReasons(response, answer);
        if (entry.kind === "start") {
          if (!response.ok) {
            this.drop(key, reasons || [].concat((answer && answer.detail) || []).map(String));
            return;
          }
          this.rememberId(key, answer.id);
          this.hooks.started(key, answer.id);
        }
        // Answered (saved, already saved, or refused for good): it leaves the queue either way. A safety refusal
        // (the safety questions, answered again, now say no) stops the session on screen and says why.
        if (reasons && this.isCurrent(key)) this.hooks.refused(key, reasons);
        this.setPending(key, this.pending(key).filter((e) => e.id !== entry.id));
        this.settle(entry, response.ok, answer);
      }
    } finally {
      this.flushing.delete(key);
    }
  }

  // A start that could not be sent when the session began is, once it arrives, the record of a session already
  // done: the server then saves it even if something has changed since (see the API's `offline`).
  markStartOffline(key, entry) {
    entry.body.offline = true;
    this.setPending(key, this.pending(key).map((e) => (e.id === entry.id ? entry : e)));
  }

  flushAll() {
    const keys = new Set(this.pendingKeys());
    for (const m of this.memory.values()) keys.add(m.session);
    for (const key of keys) this.flush(key);
  }

  // Resolves once the queue has failed to send at least once (the page is offline), so nobody waits on a dead line.
  async offlineSignal(answer) {
    let settled = false;
    answer.then(() => { settled = true; }, () => { settled = true; });
    while (!settled && !this.isOffline) await sleep(100);
  }

  // --- copies of sessions kept on this device, so a reload while offline can go on where it was ---------------
  keepCopy(session) {
    try { this.storage.setItem(COPY + keyOf(session), JSON.stringify(session)); } catch (error) { /* online only */ }
  }

  copies() {
    const found = [];
    for (let i = 0; i < this.storage.length; i++) {
      const name = this.storage.key(i);
      if (!name || !name.startsWith(COPY)) continue;
      try { found.push(JSON.parse(this.storage.getItem(name))); } catch (error) { /* not ours to read */ }
    }
    return found.filter((c) => c && typeof c === "object");
  }

  // The kept copy of the session with this id (a number) or this key (a string), or null.
  keptCopy(idOrKey) {
    if (typeof idOrKey === "number") return this.copies().find((c) => c.id === idOrKey) || null;
    try { return JSON.parse(this.storage.getItem(COPY + idOrKey)); } catch (error) { return null; }
  }

  forgetCopy(session) {
    const kept = session.key ? null : this.keptCopy(session.id);
    this.storage.removeItem(COPY + keyOf(kept || session));
  }

  // Copies of sessions older than the server keeps offline starts for, and ids of keys with nothing left to send,
  // are no longer needed.
  tidy(current) {
    const oldest = new Date(Date.now() - 8 * 86400e3).toISOString().slice(0, 10);
    for (const c of this.copies()) {
      if (c.day < oldest && !this.queueOf(keyOf(c)).length) this.storage.removeItem(COPY + keyOf(c));
    }
    const kept = Object.fromEntries(Object.entries(this.storedIds()).filter(([k]) => k === current
      || this.queueOf(k).length || this.keptCopy(k)));
    try { this.storage.setItem(IDS, JSON.stringify(kept)); } catch (error) { /* nothing to tidy then */ }
  }

  // What the server would say about a session, with the writes still waiting in the queue laid over it (changes
  // `session` in place); the finish still waiting, if any.
  overlay(session) {
    const list = this.queueOf(keyOf(session));
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
}
