// The camera coach's per-frame analysis in the browser, step for step as Tracker.feed in core/motion.py, so frames
// never leave the device. The thresholds are not repeated here: the server puts motion.py's Settings and the
// stretch's Target into the page, and tests/test_web_camera.py checks that both give the same state, value and
// counted hold on every frame of the same sequences.

export const LANDMARK_NAMES = [
  "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
  "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
  "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
  "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
  "left_heel", "right_heel", "left_foot_index", "right_foot_index",
];

const POINTS = {
  hip: ["shoulder", "hip", "knee"],
  knee: ["hip", "knee", "ankle"],
  elbow: ["shoulder", "elbow", "wrist"],
  shoulder: ["elbow", "shoulder", "hip"],
};

export const IN_POSITION = new Set(["moving", "holding", "bouncing"]);
const SINE_RISE_SHARE = (Math.acos(-0.8) - Math.acos(0.8)) / Math.PI;
const DEG = 180 / Math.PI;

// Landmarks by name from a pose model's list in BlazePose order (MediaPipe's poseLandmarks), or as given.
export function named(landmarks) {
  if (!landmarks) return {};
  if (!Array.isArray(landmarks)) return landmarks;
  const out = {};
  landmarks.forEach((p, i) => { if (i < LANDMARK_NAMES.length && p) out[LANDMARK_NAMES[i]] = p; });
  return out;
}

const visibilityOf = (p) => (p.visibility === undefined || p.visibility === null ? 1 : p.visibility);

export function angleDeg(a, b, c, aspect = 1) {
  const ux = (a.x - b.x) * aspect, uy = a.y - b.y;
  const vx = (c.x - b.x) * aspect, vy = c.y - b.y;
  if ((ux === 0 && uy === 0) || (vx === 0 && vy === 0)) return null;
  return Math.atan2(Math.abs(ux * vy - uy * vx), ux * vx + uy * vy) * DEG;
}

// Each joint angle on the better visible side (the mean of both when equally visible), as in joint_angles().
export function jointAngles(landmarks, aspect, minVisibility) {
  const found = {};
  for (const [joint, names] of Object.entries(POINTS)) {
    const sides = [];
    for (const side of ["left", "right"]) {
      const points = names.map((n) => landmarks[`${side}_${n}`]);
      if (points.some((p) => !p)) continue;
      const seen = Math.min(...points.map(visibilityOf));
      const value = angleDeg(points[0], points[1], points[2], aspect);
      if (seen >= minVisibility && value !== null) sides.push([seen, value]);
    }
    if (sides.length) {
      const best = Math.max(...sides.map(([seen]) => seen));
      const chosen = sides.filter(([seen]) => seen === best).map(([, v]) => v);
      found[joint] = chosen.reduce((sum, v) => sum + v, 0) / chosen.length;
    }
  }
  return found;
}

const reached = (bound, value) => (bound.at_most === null || value <= bound.at_most)
  && (bound.at_least === null || value >= bound.at_least);

// The further into the stretch of two angles, as Target.deeper().
export const deeper = (target, a, b) => (target.at_least === null ? Math.min(a, b) : Math.max(a, b));

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Turning points of the smoothed angle with hysteresis, and quick swings in pairs as bounces (motion.py _Swings).
class Swings {
  constructor(settings) {
    this.s = settings;
    this.direction = 0;
    this.anchor = null; // {value, firstT}
    this.high = -Infinity;
    this.low = Infinity;
    this.samples = [];
    this.pending = [];
  }

  feed(t, v) {
    const s = this.s;
    this.samples.push([t, v]);
    while (this.samples[0][0] < t - 6 * s.bounce_max_rise_s) this.samples.shift();
    this.high = Math.max(this.high, v);
    this.low = Math.min(this.low, v);
    let extreme;
    if (this.direction >= 0 && this.high - v >= s.bounce_amplitude_deg) { extreme = this.high; this.direction = -1; }
    else if (this.direction <= 0 && v - this.low >= s.bounce_amplitude_deg) { extreme = this.low; this.direction = 1; }
    else return null;
    this.high = this.low = v;
    return this.turn(extreme);
  }

  turn(extreme) {
    const s = this.s;
    const start = this.anchor;
    const since = start ? start.firstT : -Infinity;
    const swing = this.samples.filter(([t]) => t >= since);
    const size = start ? Math.abs(extreme - start.value) : s.bounce_amplitude_deg;
    const margin = 0.1 * size;
    let arrived = swing.findIndex(([, v]) => Math.abs(v - extreme) <= margin);
    if (arrived < 0) arrived = swing.length - 1;
    let nearStart = -1;
    if (start) for (let i = 0; i < arrived; i++) if (Math.abs(swing[i][1] - start.value) <= margin) nearStart = i;
    const turn = { value: extreme, firstT: swing[arrived][0] };
    const seconds = nearStart >= 0 ? turn.firstT - swing[nearStart][0] : Infinity;
    this.anchor = turn;
    if (!start) return null;
    if (size < s.bounce_amplitude_deg || seconds > s.bounce_max_rise_s) { this.pending = []; return null; }
    this.pending.push([size, seconds]);
    if (this.pending.length < 2) return null;
    const [[size1, seconds1], [size2, seconds2]] = this.pending;
    this.pending = [];
    const rate = SINE_RISE_SHARE / 2 / Math.max((seconds1 + seconds2) / 2, 0.005);
    return { t: turn.firstT, amplitude: Math.round(((size1 + size2) / 2) * 10) / 10, rate: Math.round(rate * 100) / 100 };
  }
}

// One frame at a time, never looking ahead: {t, value, state, counted} per frame, as Tracker.feed().
export class Tracker {
  constructor(target, aspect, settings) {
    Object.assign(this, { target, aspect, settings });
    this.raw = [];
    this.window = [];
    this.swings = new Swings(settings);
    this.lastT = null;
    this.countedUntil = -Infinity;
    this.lastBounceT = -Infinity;
    this.rom = null; // the deepest angle held still, as Analysis.rom_deg
    this.bounces = 0;
  }

  feed(t, landmarks) {
    const s = this.settings;
    if (this.lastT !== null && t <= this.lastT) throw new Error(`frame times must increase: ${t} after ${this.lastT}`);
    const gap = this.lastT !== null ? t - this.lastT : 0;
    this.lastT = t;
    const angles = jointAngles(named(landmarks), this.aspect, s.min_visibility);
    const raw = angles[this.target.angle];
    if (gap > s.max_gap_s) this.reset();
    const result = (value, state, counted = 0) => ({ t, angles, value, state, counted });
    if (raw === undefined) { this.reset(); return result(null, "not-visible"); }
    this.raw.push(raw);
    if (this.raw.length > s.smooth_samples) this.raw.shift();
    const value = median(this.raw);
    if (this.swings.feed(t, value)) { this.lastBounceT = t; this.bounces += 1; }
    const others = this.target.also.map((b) => [b, angles[b.angle]]);
    if (others.some(([, v]) => v === undefined)) { this.window = []; return result(value, "not-visible"); }
    if (!reached(this.target, value) || !others.every(([b, v]) => reached(b, v))) {
      this.window = [];
      return result(value, "out-of-position");
    }
    this.window.push([t, value]);
    const start = Math.max(t - s.still_window_s, this.lastBounceT);
    while (this.window.length && this.window[0][0] < start) this.window.shift();
    if (t - this.lastBounceT < s.bounce_linger_s) return result(value, "bouncing");
    const values = this.window.map(([, v]) => v);
    const span = t - this.window[0][0];
    if (Math.max(...values) - Math.min(...values) > s.still_range_deg || span < s.still_min_span_s) {
      return result(value, "moving");
    }
    const counted = t - Math.max(this.window[0][0], this.countedUntil);
    this.countedUntil = t;
    this.rom = this.rom === null ? value : deeper(this.target, this.rom, value);
    return result(value, "holding", Math.max(0, counted));
  }

  reset() {
    this.raw = [];
    this.window = [];
    this.swings = new Swings(this.settings);
  }
}
