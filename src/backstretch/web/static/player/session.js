// The session's state machine: which step runs, how far into it, and what happens when the clock moves or the
// person presses a button. No page, no clock and no network here: each call returns what happened as a list of
// events ({type: "save", index, seconds, outcome}, {type: "check", stretch}, {type: "end", status}), and the page
// acts on them (saves through the outbox, asks the pain check, shows the end). So it can be tested on its own.
//
// Timed steps (warm-up, moving in, holds, releases, rests, switching sides) run on the clock. A step that waits
// (`step.waits`: the checklist, reading a stretch and getting into position, changing position) never ends on
// the clock: it ends when the person says they are ready (goOn), however long they take to read.

export class Session {
  constructor(data, { index = data.next_index || 0 } = {}) {
    this.data = data;
    this.idx = index; // the step running
    this.t = 0; // seconds into it (for a step that waits: how long the person has taken)
    this.paused = false;
  }

  get step() {
    return this.idx < this.data.steps.length ? this.data.steps[this.idx] : null;
  }

  get waiting() {
    const step = this.step;
    return Boolean(step && step.waits);
  }

  lastOfItem(item) {
    return this.data.steps.filter((s) => s.item === item).at(-1);
  }

  // Seconds of the whole session done so far, for the progress bar.
  get elapsed() {
    const step = this.step;
    if (!step) return this.data.total_seconds;
    return step.start + (step.waits ? 0 : Math.min(this.t, step.seconds));
  }

  // The clock moved on by `seconds` (session seconds: the page has applied its speed and the camera coach).
  advance(seconds) {
    const events = [];
    let step = this.step;
    if (this.paused || !step) return events;
    this.t += seconds;
    if (step.waits) return events; // reading and moving: no deadline
    while (step && !step.waits && this.t >= step.seconds) {
      this.t -= step.seconds;
      events.push({ type: "save", index: step.index, seconds: step.seconds, outcome: "done" });
      this.idx += 1;
      if (step.kind === "release" && step.stretch && this.lastOfItem(step.item).index === step.index) {
        this.t = 0;
        events.push({ type: "check", stretch: step.stretch, item: step.item });
        return events;
      }
      step = this.step;
      if (step && step.waits) this.t = 0; // time left over from the timed step is not reading time
    }
    if (!step) events.push({ type: "end", status: "completed" });
    return events;
  }

  // "I'm in position" / "I'm ready": a step that waits ends now. Does nothing on a timed step, so a stray press
  // (or a second press of the same key) never cuts a hold short.
  goOn() {
    const step = this.step;
    if (!step || !step.waits || this.paused) return [];
    const events = [{ type: "save", index: step.index, seconds: Math.min(this.t, step.seconds), outcome: "done" }];
    this.idx += 1;
    this.t = 0;
    if (!this.step) events.push({ type: "end", status: "completed" });
    return events;
  }

  jumpPastItem(item) {
    this.idx = this.lastOfItem(item).index + 1;
    this.t = 0;
  }

  // Skip: the checklist counts as done; anything else skips the rest of its stretch.
  skip() {
    const step = this.step;
    if (!step) return [];
    const events = [];
    if (step.kind === "checklist") {
      events.push({ type: "save", index: step.index, seconds: Math.min(this.t, step.seconds), outcome: "done" });
      this.idx += 1;
    } else {
      events.push({ type: "save", index: step.index, seconds: Math.min(this.t, step.seconds), outcome: "skipped" });
      if (step.item !== null) this.jumpPastItem(step.item); else this.idx += 1;
    }
    this.t = 0;
    if (!this.step) events.push({ type: "end", status: "completed" });
    return events;
  }

  // "It hurts": the step stops here (the page then asks how).
  hurt() {
    const step = this.step;
    if (!step || step.kind === "checklist") return [];
    return [{ type: "save", index: step.index, seconds: Math.min(this.t, step.seconds), outcome: "stopped" },
      { type: "hurt", stretch: step.stretch, item: step.item }];
  }

  // "End session", confirmed: the step under way is saved as stopped when it had begun.
  stop() {
    const step = this.step;
    const events = step && this.t > 0
      ? [{ type: "save", index: step.index, seconds: Math.min(this.t, step.seconds), outcome: "stopped" }] : [];
    return [...events, { type: "end", status: "partial" }];
  }

  // After a pain check that is not a stop: go on past the stretch (from "it hurts") or with the next step.
  after(item, fromCheck) {
    if (fromCheck) return;
    if (item !== null && item !== undefined) this.jumpPastItem(item); else { this.idx += 1; this.t = 0; }
  }
}

// The breath at this many seconds into a hold: "in" or "out", and how far through that half from 0 to 1 (as
// core/timeline.py's breath_at).
export const INHALE_SHARE = 0.4;
export function breathAt(seconds, breathsPerMinute) {
  const cycle = 60 / breathsPerMinute;
  const p = (seconds % cycle) / cycle;
  return p < INHALE_SHARE ? ["in", p / INHALE_SHARE] : ["out", (p - INHALE_SHARE) / (1 - INHALE_SHARE)];
}
