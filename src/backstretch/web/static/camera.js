// The camera for the player's coach: the person's camera in a small preview, MediaPipe's pose model (vendored under
// /static/vendor/mediapipe-pose, loaded only when the camera is turned on) run on each frame in this browser, and
// the skeleton drawn over the preview. Frames never leave the device: only the landmarks go to the analysis.

const VENDOR = "/static/vendor/mediapipe-pose/";

// BlazePose landmark pairs drawn as the skeleton: face outline, arms, trunk and legs, by index.
const BONES = [
  [0, 2], [0, 5], [2, 7], [5, 8], [9, 10],
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [15, 19], [16, 20],
  [11, 23], [12, 24], [23, 24],
  [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32],
];

let loading = null; // the pose model's script, loaded once per page

function loadModel() {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement("script"), { src: `${VENDOR}pose.js`, async: true });
      script.addEventListener("load", () => (window.Pose ? resolve(window.Pose) : reject(new Error("no Pose"))));
      script.addEventListener("error", () => { loading = null; reject(new Error("the pose model did not load")); });
      document.head.append(script);
    });
  }
  return loading;
}

// Why the camera cannot be used, in words for the person, from a getUserMedia or model error.
export function cameraProblem(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "The camera was not allowed, so the timer counts. You can allow it in your browser's site settings.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "NotReadableError") {
    return "No camera could be opened on this device, so the timer counts.";
  }
  if (error && error.message === "no-media") return "This browser gives no camera access here, so the timer counts.";
  return "The camera coach could not start in this browser, so the timer counts.";
}

export class Camera {
  constructor(video, canvas, onFrame) {
    Object.assign(this, { video, canvas, onFrame });
    this.stream = null;
    this.pose = null;
    this.running = false;
    this.firstFrame = null; // {resolve, reject} until the first frame is analysed
  }

  // Ask for the camera (after the person agreed), start the model, then analyse frames until stop().
  async start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error("no-media");
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
    });
    try {
      this.video.srcObject = this.stream;
      await this.video.play();
      if (!this.pose) {
        const Pose = await loadModel();
        const pose = new Pose({ locateFile: (file) => VENDOR + file });
        // The lite model, the only one vendored; smoothing as MediaPipe's Python default, which the coach's
        // thresholds were measured with.
        pose.setOptions({ modelComplexity: 0, smoothLandmarks: true, enableSegmentation: false });
        await pose.initialize();
        this.pose = pose;
      }
    } catch (error) {
      this.stop();
      throw error;
    }
    // Resolves with the first frame analysed: the first one also readies the model (seconds on a slow device).
    const first = new Promise((resolve, reject) => { this.firstFrame = { resolve, reject }; });
    this.pose.onResults((results) => this.results(results));
    this.running = true;
    this.loop();
    await first;
  }

  async loop() {
    while (this.running) {
      if (this.video.readyState >= 2 && this.video.videoWidth) {
        this.sentAt = performance.now() / 1000;
        try {
          await this.pose.send({ image: this.video });
        } catch (error) {
          this.stop();
          if (this.firstFrame) this.firstFrame.reject(error); else this.onFrame(null, error);
          return;
        }
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  results(results) {
    if (!this.running) return;
    const landmarks = results.poseLandmarks || null;
    this.draw(landmarks);
    if (this.firstFrame) { this.firstFrame.resolve(); this.firstFrame = null; }
    this.onFrame({ t: this.sentAt, landmarks, aspect: this.video.videoWidth / this.video.videoHeight });
  }

  draw(landmarks) {
    const { canvas, video } = this;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (!landmarks) return;
    const seen = (p) => p && (p.visibility === undefined || p.visibility >= 0.5);
    const at = (p) => [p.x * canvas.width, p.y * canvas.height];
    const scale = Math.max(2, canvas.width / 160);
    g.lineWidth = scale;
    g.lineCap = "round";
    g.strokeStyle = "#00e0c0";
    for (const [a, b] of BONES) {
      if (!seen(landmarks[a]) || !seen(landmarks[b])) continue;
      g.beginPath();
      g.moveTo(...at(landmarks[a]));
      g.lineTo(...at(landmarks[b]));
      g.stroke();
    }
    g.fillStyle = "#ffffff";
    for (const p of landmarks) {
      if (!seen(p)) continue;
      g.beginPath();
      g.arc(...at(p), scale * 1.2, 0, 2 * Math.PI);
      g.fill();
    }
    canvas.dataset.drawn = String(landmarks.filter(seen).length); // how many points were drawn, for tests
  }

  stop() {
    this.running = false;
    if (this.firstFrame) { this.firstFrame.reject(new Error("stopped")); this.firstFrame = null; }
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.video.srcObject = null;
    const g = this.canvas.getContext("2d");
    g.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }
}
