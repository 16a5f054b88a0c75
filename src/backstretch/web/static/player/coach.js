// The camera coach's glue to the player. Optional, and only after the person agrees: in a stretch the camera can
// coach (setup.camera.targets), the pose model runs in this browser on each frame (camera.js), motion.js says what
// it sees, and in a hold the ring moves only while the person is in position and still. Whenever the coach cannot
// see the joints that matter, or gets no frames, the plain timer counts and the page says so. Nothing is recorded
// or sent; once a stretch ends, only the deepest angle held still is saved with the session.

const $ = (id) => document.getElementById(id);
const NO_BOUNCE_EVERY_S = 6; // the spoken "no bouncing" cue at most this often, so it guides rather than nags
const STALE_S = 2; // no analysed frame for this long: the coach cannot see, so the timer counts
const STATE_WORDS = {
  holding: "Holding still: the timer counts",
  moving: "In position: now hold still",
  "out-of-position": "Move into position",
  bouncing: "Gently, no bouncing",
  "not-visible": "Can't see you well: the timer counts",
};
const nowS = () => performance.now() / 1000;

// player: {step() -> the step running or null, playing() -> bool, paused() -> bool, setPaused(bool), say(text),
// saveRom(stretch, degrees)}
export function createCoach(config, player) {
  const CAMERA = config || { settings: null, targets: {} };
  let camera = null; // the Camera while it is on
  let modules = null; // camera.js and motion.js, imported the first time the camera is turned on
  let coach = null; // the stretch being watched: {item, stretch, tracker, counted, state, at}
  let lastNoBounce = -Infinity;
  let pausedForConsent = false;
  const romReached = []; // {measure, degrees} of each stretch this visit, for the summary

  const targetOf = (step) => (step && step.stretch ? CAMERA.targets[step.stretch] || null : null);
  const sees = (step) => Boolean(camera && coach && step && coach.item === step.item && nowS() - coach.at <= STALE_S
    && coach.state !== "not-visible");

  function render() {
    const step = player.playing() ? player.step() : null;
    const target = targetOf(step);
    $("coach").hidden = !camera && !target;
    $("camera-start").hidden = Boolean(camera) || !target;
    $("camera-stop").hidden = !camera;
    $("camera-view").hidden = !camera;
    document.body.classList.toggle("camera-on", Boolean(camera));
    if (!camera) return;
    let state = null;
    if (!target) state = "untracked";
    else if (!sees(step)) state = "not-visible";
    else state = coach.state;
    showState(state);
  }

  function showState(state, words) {
    const label = $("camera-state");
    const text = words || (state === "untracked" ? "The timer counts this stretch: the camera has nothing to check"
      : STATE_WORDS[state] || "");
    if (label.textContent !== text) label.textContent = text;
    label.dataset.state = state || "";
  }

  // A frame analysed by the pose model (landmarks, or null when nobody was found), or an error that stops it.
  function onFrame(frame, error) {
    if (error) { stop(); showState("problem", "The camera coach stopped, so the timer counts."); return; }
    const step = player.step();
    const target = targetOf(step);
    if (!player.playing() || !target) return;
    if (!coach || coach.item !== step.item) {
      close(true);
      coach = { item: step.item, stretch: step.stretch, counted: 0, state: null, at: 0,
        tracker: new modules.Tracker(target, frame.aspect, CAMERA.settings) };
    }
    const result = coach.tracker.feed(frame.t, frame.landmarks || []);
    coach.state = result.state;
    coach.at = nowS();
    if (!player.paused()) coach.counted += result.counted;
    if (result.state === "bouncing" && !player.paused() && coach.at - lastNoBounce >= NO_BOUNCE_EVERY_S) {
      lastNoBounce = coach.at;
      player.say("Gently, no bouncing");
    }
    render();
  }

  // The stretch watched is over: keep its deepest angle held still (unless it ended because it hurt).
  function close(save) {
    if (!coach) return;
    const { stretch, tracker } = coach;
    coach = null;
    if (!save || tracker.rom === null) return;
    const degrees = Math.round(tracker.rom * 10) / 10;
    romReached.push({ measure: CAMERA.targets[stretch].measure, degrees });
    player.saveRom(stretch, degrees);
  }

  // Seconds the step's clock moves on: the plain timer's, or in a coached hold the seconds the coach counted.
  function advance(step, dt, speed) {
    const counted = coach ? coach.counted : 0;
    if (coach) coach.counted = 0;
    if (!step || step.kind !== "hold" || !targetOf(step) || !sees(step)) return dt * speed;
    return counted * speed;
  }

  function ask() {
    if (camera || !player.playing()) return;
    pausedForConsent = !player.paused();
    if (!player.paused()) player.setPaused(true);
    $("camera-consent").showModal();
    $("consent-yes").focus();
  }

  // The clock waits while the person reads, and while the model loads (seconds on a slow device), so no hold
  // time is lost to it.
  async function answerConsent(yes) {
    $("camera-consent").close();
    if (yes) await start(); else $("camera-start").focus();
    if (pausedForConsent && player.playing() && player.paused()) player.setPaused(false);
    pausedForConsent = false;
  }

  async function start() {
    showState("starting", "Starting the camera…");
    let made = null;
    try {
      if (!modules) {
        const [cam, motion] = await Promise.all([import("/static/camera.js"), import("/static/motion.js")]);
        modules = { ...cam, ...motion };
      }
      made = new modules.Camera($("camera-video"), $("camera-overlay"), onFrame);
      camera = made;
      render();
      showState("starting", "Starting the camera…");
      await made.start();
    } catch (error) {
      if (made && camera !== made) return; // Stop camera pressed while it started: nothing went wrong
      camera = null;
      render();
      const words = modules ? modules.cameraProblem(error) : "The camera coach could not load, so the timer counts.";
      $("coach").hidden = false;
      showState("problem", words);
    }
  }

  function stop() {
    if (!camera) return;
    camera.stop();
    camera = null;
    close(true);
    render();
    showState(null, "");
  }

  // A new step: a stretch the coach watched is over once another one starts.
  function enter(step) {
    if (coach && coach.item !== step.item) close(true);
    render();
  }

  // "It hurts" in the stretch watched: how far someone got before it hurt is no goal.
  function forget(item) {
    if (coach && coach.item === item) close(false);
  }

  $("camera-start").addEventListener("click", ask);
  $("camera-stop").addEventListener("click", stop);
  $("consent-yes").addEventListener("click", () => answerConsent(true));
  $("consent-no").addEventListener("click", () => answerConsent(false));
  $("camera-consent").addEventListener("cancel", (e) => { e.preventDefault(); answerConsent(false); });

  return { render, advance, stop, enter, forget, romReached, isOn: () => Boolean(camera),
    consentOpen: () => $("camera-consent").open };
}
