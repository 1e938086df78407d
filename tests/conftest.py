"""Session-wide test set-up: a private Kivy home, no Kivy argument parsing, and a virtual screen.

This runs before any test module imports Kivy. When there is no DISPLAY, an Xvfb server is started
for the whole session, so `pytest` works the same on a desktop, over ssh and in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

_KIVY_HOME = tempfile.mkdtemp(prefix="kivy-home-")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ["KIVY_HOME"] = _KIVY_HOME
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")  # CI machines have no sound card

_xvfb: subprocess.Popen | None = None


def _start_xvfb() -> None:
    global _xvfb
    if os.environ.get("DISPLAY") or shutil.which("Xvfb") is None:
        return
    for number in range(90, 140):
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                os.environ["DISPLAY"] = f":{number}"
                _xvfb = proc
                return
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        proc.kill()


_start_xvfb()


def pytest_unconfigure(config) -> None:  # noqa: ARG001 - pytest hook signature
    if _xvfb is not None:
        _xvfb.terminate()
    shutil.rmtree(_KIVY_HOME, ignore_errors=True)
