"""`backstretch coach`: the camera coach on a recorded video or a live camera.

It counts a hold only while the person is in the stretch's position and still, notices bouncing, and measures how
far they go; when it cannot see the joints well it says so and leaves the timing to the plain timer.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from backstretch.camera import CameraError, PoseEstimator, open_camera, video_series
from backstretch.cli.stretches import _lookup, err, fail
from backstretch.core.catalogue import Catalogue, Stretch
from backstretch.core.motion import (
    Analysis,
    JointAngle,
    LandmarkSeries,
    LiveHold,
    PoseFrame,
    SeriesError,
    State,
    Target,
    analyze,
)
from backstretch.core.motion import series_from_data as read_series
from backstretch.library import load_catalogue

out = Console(highlight=False, soft_wrap=True)  # a report line stays one line in a pipe or a log
app = typer.Typer(help="The camera coach: holds that count only while you are in position and still.")

BOUNCE_CUE = "Gently: no bouncing. Ease in and stay still."
# Out of sight this long (longer than stepping back from the camera takes), the coach stops guessing and
# counts like the plain timer.
LOST_FOR_TIMER_S = 5.0


def _camera_stretch(catalogue: Catalogue, sid: str) -> Stretch:
    stretch = _lookup(catalogue, sid)
    if stretch.camera is None:
        with_camera = ", ".join(s for s in sorted(catalogue) if catalogue[s].camera is not None)
        raise fail(f"{sid!r} has no camera check, so the plain timer times it. Stretches with one: {with_camera}")
    return stretch


def _series(path: Path) -> LandmarkSeries:
    """A video through the pose model, or a landmark series already made (JSON, as a browser would send it)."""
    if path.suffix.lower() == ".json":
        try:
            return read_series(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise fail(f"no file at {path}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise fail(f"cannot read {path} as JSON: {error}") from None
        except SeriesError as error:
            raise fail(f"{path}: {error}") from None
    try:
        return video_series(path)
    except CameraError as error:
        raise fail(str(error)) from None


@dataclass(frozen=True)
class _Watch:
    """What a video is judged against: a stretch's camera check, or one joint angle watched on its own."""

    id: str
    title: str
    rule: str
    target: Target
    hold_s: int | None

    @classmethod
    def stretch(cls, stretch: Stretch) -> _Watch:
        assert stretch.camera is not None
        rule = f"in position when the {stretch.camera.describe()}"
        return cls(stretch.id, stretch.name, rule, stretch.camera.target, stretch.hold_seconds.default)

    @classmethod
    def angle(cls, angle: JointAngle) -> _Watch:
        return cls(f"{angle.value}-angle", f"The {angle.value} angle", "watched in any pose", Target(angle), None)


def _as_data(watch: _Watch, analysis: Analysis) -> dict[str, Any]:
    target = {k: v for k, v in asdict(watch.target).items() if v not in (None, [], ())}
    return {
        "id": watch.id,
        "name": watch.title,
        "target": target,
        "visible_share": round(analysis.visible_share, 3),
        "trusted": analysis.trusted,
        "held_s": round(analysis.held_s, 1),
        "rom_deg": None if analysis.rom_deg is None else round(analysis.rom_deg),
        "segments": [
            {
                "start_s": round(seg.start, 2),
                "end_s": round(seg.end, 2),
                "held_s": round(seg.held_s, 1),
                "rom_deg": None if seg.rom_deg is None else round(seg.rom_deg),
                "bounces": [
                    {"t_s": round(b.t, 2), "amplitude_deg": b.amplitude_deg, "frequency_hz": b.frequency_hz}
                    for b in seg.bounces
                ],
            }
            for seg in analysis.segments
        ],
    }


def _worth_showing(analysis: Analysis) -> bool:
    """Without --stretch, a stretch is reported once the video holds it still, or stays in it a second or more."""
    return analysis.held_s > 0 or any(seg.end - seg.start >= 1.0 for seg in analysis.segments)


def _print(watch: _Watch, analysis: Analysis) -> None:
    out.print(f"[bold]{watch.title}[/] [dim]({watch.id}; {watch.rule})[/]")
    if not analysis.trusted:
        out.print(
            f"  The camera could see the joints that matter in only {analysis.visible_share:.0%} of the frames: "
            "too little to judge, so the plain timer is the one to follow."
        )
    if not analysis.segments:
        out.print("  Not seen in position.")
    angle = watch.target.angle.value
    for seg in analysis.segments:
        reach = f"{angle} angle {seg.rom_deg:.0f}°" if seg.rom_deg is not None else "never still"
        out.print(f"  {seg.start:5.1f}–{seg.end:5.1f} s  held {seg.held_s:4.1f} s  {reach}")
        for b in seg.bounces:
            swing = f"{b.amplitude_deg:.0f}° at {b.frequency_hz:.1f} Hz"
            out.print(f"      bounce at {b.t:.1f} s ({swing}): [yellow]{BOUNCE_CUE}[/]")
    total = f"  total held {analysis.held_s:.1f} s"
    if watch.hold_s is not None:
        total += f" of the {watch.hold_s} s hold"
    if analysis.rom_deg is not None:
        total += f"; deepest {angle} angle held {analysis.rom_deg:.0f}°"
    out.print(total)


@app.command("analyze")
def analyze_command(
    video: Annotated[Path, typer.Argument(help="A video (MP4, GIF...), or a landmark series as JSON.")],
    stretch_id: Annotated[str | None, typer.Option("--stretch", help="Judge the video as this stretch.")] = None,
    angle: Annotated[
        JointAngle | None, typer.Option(help="Instead, watch one joint angle in any pose (holds, bounces).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Per stretch seen in a video: the hold counted, bounces with their times, and the range of motion reached.

    Without --stretch, every stretch with a camera check is tried and those the video holds are shown.
    """
    catalogue = load_catalogue()
    if stretch_id and angle:
        raise fail("give --stretch or --angle, not both")
    chosen = [_Watch.stretch(_camera_stretch(catalogue, stretch_id))] if stretch_id else []
    chosen += [_Watch.angle(angle)] if angle else []
    series = _series(video)
    if not series.frames:
        raise fail(f"{video} has no frames")
    candidates = chosen or [_Watch.stretch(catalogue[s]) for s in sorted(catalogue) if catalogue[s].camera]
    results = []
    for watch in candidates:
        result = analyze(series.frames, watch.target, series.aspect)
        if chosen or _worth_showing(result):
            results.append((watch, result))
    duration = series.frames[-1].t - series.frames[0].t
    found_person = sum(1 for f in series.frames if f.landmarks) / len(series.frames)
    if as_json:
        data = {
            "video": str(video),
            "frames": len(series.frames),
            "duration_s": round(duration, 2),
            "person_found_share": round(found_person, 3),
            "results": [_as_data(w, r) for w, r in results],
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out.print(f"{video.name}: {len(series.frames)} frames, {duration:.1f} s; a person found in {found_person:.0%}")
    if not results:
        out.print("No stretch with a camera check was held in this video.")
    for watch, result in results:
        _print(watch, result)


@app.command("live")
def live_command(
    camera: Annotated[int, typer.Option("--camera", help="Which camera: 0 is the first.")] = 0,
    stretch_id: Annotated[str, typer.Option("--stretch", help="The stretch to hold.")] = "standing-forward-fold",
    seconds: Annotated[int | None, typer.Option(help="Seconds to hold (default: the stretch's hold).")] = None,
) -> None:
    """Hold a stretch in front of a webcam: the count runs only while you are in position and still."""
    stretch = _camera_stretch(load_catalogue(), stretch_id)
    assert stretch.camera is not None
    goal = seconds or stretch.hold_seconds.default  # clinical-facts: hold-time, as the stretch's file sets it
    try:
        capture = open_camera(camera)
        estimator = PoseEstimator()
    except CameraError as error:
        raise fail(str(error)) from None
    width, height = capture.get(3), capture.get(4)  # OpenCV's frame width and height properties
    aspect = width / height if width and height else 4 / 3
    hold = LiveHold(stretch.camera.target, goal, aspect, lost_after_s=LOST_FOR_TIMER_S)
    out.print(f"[bold]{stretch.name}[/]: hold {goal} s. Get into position; the count starts when you are still.")
    start = time.monotonic()
    last_state: State | None = None
    try:
        while hold.timer_from is None and not hold.done():
            ok, picture = capture.read()
            if not ok:
                raise fail(f"camera {camera} stopped sending pictures")
            frame = hold.feed(PoseFrame(time.monotonic() - start, estimator.landmarks(picture)))
            if frame.state is not last_state:
                cue = BOUNCE_CUE if frame.state is State.BOUNCING else frame.state.value
                out.print(f"{frame.t:6.1f} s  held {hold.held_s():4.1f} s  {cue}")
                last_state = frame.state
    except KeyboardInterrupt:
        err.print("Stopped.")
        raise typer.Exit(130) from None
    finally:
        capture.release()
        estimator.close()
    if hold.timer_from is not None:
        out.print("I cannot see you well enough, so I will not guess: the plain timer counts the rest.")
        while not hold.done(now := time.monotonic() - start):
            out.print(f"  {goal - hold.held_s(now):4.0f} s to go")
            time.sleep(min(5.0, goal - hold.held_s(now)))
    out.print(f"Held {hold.held_s(time.monotonic() - start):.0f} s of {goal} s. Come out of the stretch slowly.")
