"""One photo from the tablet's camera, for the worker form and the task editor.

Kivy's core camera is opened on demand and stopped after one picture: a camera left running keeps
the sensor, a thread and a few frames of memory busy all day. A kiosk without a camera (or without
a camera provider in Kivy) gets None from ``open_camera``, and the screen says so calmly; the
photo can still be chosen from the device.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHOT_DELAY_S = 2.0  # time to hold still after the tap: the picture is taken after it


def open_camera(resolution: tuple[int, int] = (1280, 960)) -> Any | None:
    """Kivy's camera, started, or None when there is none (no device, no camera provider)."""
    try:
        from kivy.core.camera import Camera as CoreCamera
    except Exception:  # noqa: BLE001
        return None
    if CoreCamera is None:
        return None
    try:
        camera = CoreCamera(index=0, resolution=resolution, stopped=True)
        camera.start()
    except Exception:  # noqa: BLE001 - any provider failure means: no camera here
        return None
    return camera


def save_shot(camera: Any, target: Path) -> Path:
    """Save the camera's current picture as ``target`` and stop the camera (also on failure).
    Main thread only: the picture is a GL texture. Raises when the camera gave no picture."""
    try:
        texture = getattr(camera, "texture", None)
        if texture is None:
            raise RuntimeError("no picture from the camera")
        target.parent.mkdir(parents=True, exist_ok=True)
        texture.save(str(target), flipped=False)
        return target
    finally:
        try:
            camera.stop()
        except Exception:  # noqa: BLE001
            pass
