"""Everything that reaches into pyttsx3's private parts, in one place.

Checked against pyttsx3 2.99 (its espeak driver ``pyttsx3/drivers/espeak.py`` and the ctypes
binding ``pyttsx3/drivers/_espeak.py``) with espeak-ng 1.51. pyproject asks for ``pyttsx3>=2.99``:
on an upgrade, run ``tests/speech/test_speech_quirks.py`` first; it fails when one of the private
names used here is gone. Every function degrades to "do nothing" when its private name is missing,
so a newer pyttsx3 loses a workaround, never the speech.

Why each workaround exists:
- ``wait_until_idle``: pyttsx3's ``runAndWait`` ends its loop through the driver's ``stop()``,
  which cancels espeak when espeak still reports "playing", and cancels again once the next
  synthesis has started: the new text is dropped and an empty file is written. espeak stays busy for
  a moment after each file and after each parameter change; a job straight after another one lost
  its text about once in ten files (measured). Waiting for ``_espeak.IsPlaying()`` to clear first
  prevents that.
- ``leave_run_loop``: a ``runAndWait`` that raised leaves ``engine._inLoop`` set, and every later
  job is refused with "run loop already started".
- ``silence_saved_notice``: the driver ``print``s "Audio saved to <file>" after every file, from
  espeak's callback thread. That line must not reach the stdout of a command line whose output is
  read by machines, and with no stdout at all (pythonw) the print raises inside the callback and
  ``runAndWait`` waits forever. The driver module's own ``print`` is replaced (a module global, so
  nothing else in the process is touched): its lines go to the log instead.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger("kiosk.speech.pyttsx3")

_DRIVER_MODULE = "pyttsx3.drivers.espeak"


def is_espeak(engine: Any) -> bool:
    """True for a pyttsx3 engine running the espeak(-ng) driver (``Engine.driver_name``)."""
    return str(getattr(engine, "driver_name", "")) == "espeak"


def wait_until_idle(engine: Any, limit: float = 2.0) -> None:
    """Wait (up to ``limit`` seconds) until espeak-ng has nothing queued or playing."""
    if not is_espeak(engine):
        return
    try:
        from pyttsx3.drivers import _espeak  # noqa: PLC0415 - the driver's own binding, already loaded

        is_playing = _espeak.IsPlaying
    except Exception:  # noqa: BLE001 - a pyttsx3 without it: no wait
        return
    deadline = time.monotonic() + limit
    while is_playing():
        if time.monotonic() > deadline:
            log.warning("espeak stayed busy for %.1f s; starting the next file anyway", limit)
            return
        time.sleep(0.002)


def leave_run_loop(engine: Any) -> None:
    """After ``runAndWait`` raised: end pyttsx3's loop so the next job is not refused."""
    try:
        if getattr(engine, "_inLoop", False):
            engine.endLoop()
    except Exception:  # noqa: BLE001
        log.debug("could not end the pyttsx3 loop", exc_info=True)


def silence_saved_notice() -> bool:
    """Send the espeak driver's prints to the log instead of stdout; True when it is in place.

    Call after ``pyttsx3.init()`` (which imports the driver module). Idempotent."""
    module = sys.modules.get(_DRIVER_MODULE)
    if module is None:
        return False
    if getattr(module, "print", None) is not _driver_print:
        module.print = _driver_print  # shadows the builtin inside that module only
    return True


def _driver_print(*values: object, **_options: object) -> None:
    """The espeak driver's ``print``: "Audio saved to ..." and "Playback error: ..." lines, logged.

    Never raises (it runs inside espeak's callback, where an exception hangs ``runAndWait``)."""
    try:
        log.debug("pyttsx3: %s", " ".join(str(value) for value in values))
    except Exception:  # noqa: BLE001
        pass
