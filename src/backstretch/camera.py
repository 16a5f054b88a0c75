"""The camera coach's pose backend: video frames in, a landmark series for `core.motion` out.

It needs the `camera` extra (`pip install 'backstretch[camera]'`): MediaPipe Pose, whose wheel carries the person
detector and the "full" landmark model, so nothing is downloaded at run time, and OpenCV to read videos and
cameras. Without the extra everything else in backstretch works, and the camera commands say how to add it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backstretch.core.motion import LANDMARK_NAMES, Landmark, LandmarkSeries, PoseFrame

Image = NDArray[np.uint8]

INSTALL_HINT = "the camera coach needs the camera extra: pip install 'backstretch[camera]' (see docs/install.md)"
# MediaPipe's "full" landmark model, the one its wheel ships; the lite and heavy ones would be fetched at run time.
MODEL_COMPLEXITY = 1


class CameraError(Exception):
    """Something a person can fix (a missing extra, a file that is not a video, no camera): said in one line."""


def _cv2() -> ModuleType:
    # OpenCV logs every failed camera probe to the terminal; our own one-line message says it better.
    os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
    try:
        import cv2
    except ImportError:
        raise CameraError(INSTALL_HINT) from None
    module: ModuleType = cv2
    return module


def _mediapipe_pose() -> ModuleType:
    try:
        from mediapipe.python.solutions import pose
    except ImportError:
        raise CameraError(INSTALL_HINT) from None
    module: ModuleType = pose
    return module


@contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Hide what MediaPipe's C++ side writes straight to the terminal (notes about its delegates and image
    projections, from its own threads too, not for the person); Python exceptions still come through."""
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def missing_extra() -> str | None:
    """Why the camera backend cannot run here, or None when it can."""
    try:
        _cv2()
        _mediapipe_pose()
    except CameraError as error:
        return str(error)
    return None


class PoseEstimator:
    """MediaPipe Pose in video mode (it tracks the person from frame to frame); one person per picture."""

    def __init__(self) -> None:
        self._cv2 = _cv2()
        pose = _mediapipe_pose()
        with _quiet_native_stderr():
            self._pose: Any = pose.Pose(
                static_image_mode=False, model_complexity=MODEL_COMPLEXITY, enable_segmentation=False
            )
            # The graph opens its models in threads of its own; one blank picture waits until they are open.
            self._pose.process(np.zeros((64, 64, 3), np.uint8))

    def landmarks(self, bgr: Image) -> dict[str, Landmark]:
        """Landmarks of the person in a BGR picture (as OpenCV reads it); empty when nobody is found."""
        rgb = self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2RGB)
        with _quiet_native_stderr():
            found = self._pose.process(rgb).pose_landmarks
        if found is None:
            return {}
        return {
            name: Landmark(point.x, point.y, point.z, point.visibility)
            for name, point in zip(LANDMARK_NAMES, found.landmark, strict=True)
        }

    def close(self) -> None:
        with _quiet_native_stderr():
            self._pose.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def read_video(path: Path) -> Iterator[tuple[float, Image]]:
    """(seconds, BGR picture) for each frame of a video file (MP4, GIF, whatever OpenCV's FFmpeg reads)."""
    if not path.is_file():
        raise CameraError(f"no video file at {path}")
    cv2 = _cv2()
    capture = cv2.VideoCapture(str(path))
    try:
        ok, picture = capture.read() if capture.isOpened() else (False, None)
        if not ok or picture is None:
            raise CameraError(f"cannot read {path} as a video (an MP4, GIF or another format FFmpeg reads)")
        fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
        t = 0.0
        while ok and picture is not None:
            yield t, picture
            ok, picture = capture.read()
            stamp = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000
            t = stamp if stamp > t else t + 1 / fps  # some containers give no time stamps: count frames
    finally:
        capture.release()


def video_series(path: Path, crop: tuple[float, float, float, float] | None = None) -> LandmarkSeries:
    """The landmark series of a video; `crop` = (top, bottom, left, right) as shares of the frame keeps one part."""
    frames: list[PoseFrame] = []
    aspect = 1.0
    with PoseEstimator() as estimator:
        for t, picture in read_video(path):
            if crop is not None:
                height, width = picture.shape[:2]
                top, bottom, left, right = crop
                rows, columns = (
                    slice(round(top * height), round(bottom * height)),
                    slice(round(left * width), round(right * width)),
                )
                picture = picture[rows, columns]
            aspect = picture.shape[1] / picture.shape[0]
            frames.append(PoseFrame(t, estimator.landmarks(picture)))
    return LandmarkSeries(aspect, tuple(frames))


def open_camera(index: int) -> Any:
    """An opened OpenCV camera, or a CameraError saying none could be opened."""
    cv2 = _cv2()
    capture = cv2.VideoCapture(index)
    if not capture.isOpened() or not capture.read()[0]:
        capture.release()
        raise CameraError(f"no camera could be opened at index {index}: is one connected, and free for us to use?")
    return capture
