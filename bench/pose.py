"""Camera coach benchmark: frames per second at 640x480 on one core, for pose inference alone and with the analysis.

Run: .venv/bin/python bench/pose.py [--rounds 5] [--video PATH] [--cores 1]
Needs the camera extra. The frames of a real video (by default the dancing clip of the test footage, no overlay)
are decoded once and resized to 640x480, so decoding is not timed. The process is pinned to `--cores` cores. Each
round times one pass over every frame through MediaPipe Pose alone, then one through MediaPipe Pose and the motion
analysis (a standing forward fold tracker fed every frame), side by side, and the analysis alone on the landmarks
the round found. Prints medians over the rounds, the end-to-end frame rate against the 30 fps target and the
analysis overhead against the 10 % target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from backstretch.camera import PoseEstimator, read_video
from backstretch.core.motion import PoseFrame, Tracker
from backstretch.library import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = Path(os.environ.get("BACKSTRETCH_TESTDATA") or ROOT.parent / "shared" / "testdata") / "pose"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--video", type=Path, default=DEFAULT_VIDEO / "pose_segmentation.mp4")
    parser.add_argument("--cores", type=int, default=1)
    args = parser.parse_args()
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))

    import cv2  # the camera extra, as backstretch.camera uses it

    frames = [cv2.resize(picture, (640, 480)) for _, picture in read_video(args.video)]
    fps_source = 30.0  # time stamps as a 30 fps camera gives them
    check = load_catalogue()["standing-forward-fold"].camera
    assert check is not None

    infer_ms: list[float] = []
    both_ms: list[float] = []
    analysis_ms: list[float] = []
    for _ in range(args.rounds):
        with PoseEstimator() as estimator:
            start = time.perf_counter()
            found = [estimator.landmarks(picture) for picture in frames]
            infer_ms.append((time.perf_counter() - start) * 1000 / len(frames))
        with PoseEstimator() as estimator:
            tracker = Tracker(check.target, aspect=640 / 480)
            start = time.perf_counter()
            for i, picture in enumerate(frames):
                tracker.feed(PoseFrame(i / fps_source, estimator.landmarks(picture)))
            both_ms.append((time.perf_counter() - start) * 1000 / len(frames))
        tracker = Tracker(check.target, aspect=640 / 480)
        series = [PoseFrame(i / fps_source, landmarks) for i, landmarks in enumerate(found)]
        start = time.perf_counter()
        for frame in series:
            tracker.feed(frame)
        analysis_ms.append((time.perf_counter() - start) * 1000 / len(frames))

    infer, both, alone = (statistics.median(x) for x in (infer_ms, both_ms, analysis_ms))
    seen = sum(1 for landmarks in found if landmarks)
    print(f"video: {args.video.name}, {len(frames)} frames at 640x480 (a person found in {seen}); "
          f"{args.rounds} rounds; pinned to {len(os.sched_getaffinity(0))} core(s) of {os.cpu_count()}")  # fmt: skip
    print(f"pose inference alone:        median {infer:6.2f} ms/frame = {1000 / infer:6.1f} fps")
    print(f"inference + analysis:        median {both:6.2f} ms/frame = {1000 / both:6.1f} fps  (target >= 30 fps)")
    print(f"analysis alone:              median {alone:6.3f} ms/frame = {1000 / alone:8.0f} fps")
    print(
        f"analysis overhead: {100 * alone / infer:.2f} % of inference (analysis alone / inference alone); "
        f"{100 * (both / infer - 1):+.1f} % measured side by side (target <= 10 %)"
    )
    print(
        f"best round: inference {min(infer_ms):.2f} ms/frame = {1000 / min(infer_ms):.1f} fps, "
        f"both {min(both_ms):.2f} ms/frame = {1000 / min(both_ms):.1f} fps (the least disturbed by other work)"
    )
    print(
        "per round, ms/frame: inference "
        + " ".join(f"{x:.2f}" for x in infer_ms)
        + " | both "
        + " ".join(f"{x:.2f}" for x in both_ms)
    )
    load = os.getloadavg()[0]
    print(f"load average while it ran: {load:.1f} on {os.cpu_count()} cores (above 1 per core, figures are slowed)")


if __name__ == "__main__":
    main()
