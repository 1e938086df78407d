"""Playing a finished WAV outside Kivy: for ``SpeechWorker.speak`` in programs without a UI.

The kiosk's UI does not use this: it plays every sound, live speech included, with Kivy's
``SoundLoader`` (``kiosk/ui/audio.py``), so one player owns the sound device and a new voice always
stops the old one. This player is the default of ``SpeechWorker(player=...)`` for command-line and
test use, where Kivy is not loaded: aplay (Linux), afplay (macOS), winsound (Windows).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from .errors import SpeechError

#: Called with the WAV to play (on the speech thread); may have a ``stop()`` method.
Player = Callable[[Path], Any]


class CommandPlayer:
    """Plays a WAV file without blocking; a new file stops the one playing."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @staticmethod
    def command() -> list[str] | None:
        """The command line that plays a file here, or None when there is no player."""
        if sys.platform == "darwin" and shutil.which("afplay"):
            return ["afplay"]
        for name, args in (("aplay", ["-q"]), ("paplay", []), ("pw-play", [])):
            found = shutil.which(name)
            if found:
                return [found, *args]
        return None

    def __call__(self, path: Path) -> None:
        self.stop()
        if sys.platform == "win32":
            import winsound  # noqa: PLC0415

            winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)
            return
        command = self.command()
        if command is None:
            raise SpeechError("There is no program to play sound on this device.", "Install alsa-utils (it has aplay).")
        with self._lock:
            self._process = subprocess.Popen(  # noqa: S603 - fixed program, file path argument
                [*command, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def stop(self) -> None:
        """Stop what is playing (nothing happens when nothing plays)."""
        if sys.platform == "win32":
            import winsound  # noqa: PLC0415

            winsound.PlaySound(None, 0)
            return
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
