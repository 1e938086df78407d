"""Kivy set-up that must happen before ``kivy.core.window`` is imported.

Kivy reads its window and input configuration once, when the window module is first imported, so
``configure`` is the first thing ``kiosk run`` (and the UI tests) call. The choices:
- full screen and borderless on the kiosk, a plain window with ``--windowed``;
- Escape never exits (``exit_on_escape = 0``; the app also refuses close requests);
- one input provider (the mouse provider, which also receives the SDL touch events) with
  ``multitouch_on_demand``: a second provider makes every tap arrive twice on real touchscreens,
  and without ``multitouch_on_demand`` a right-click leaves red dots on the screen;
- no mouse cursor in full screen;
- Kivy logs through Python ``logging`` (``KIVY_LOG_MODE=PYTHON``) and stderr stays stderr;
- ``KIVY_NO_ARGS`` so Kivy does not try to parse the ``kiosk`` command's own arguments;
- SDL's own SIGINT/SIGTERM handlers off: SDL turns them into a window close request, which the
  kiosk refuses, so ``systemctl stop`` could not stop it. ``kiosk run`` handles SIGTERM itself.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)


def configure(
    *,
    fullscreen: bool = True,
    size: tuple[int, int] | None = None,
    maxfps: int | None = None,
) -> None:
    """Set Kivy's configuration for the kiosk; call before anything imports ``kivy.core.window``."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # Kivy's own log mode replaces sys.stderr, so a traceback could vanish with its console log;
    # in PYTHON mode Kivy logs through the standard logging set up by the caller.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    if "kivy.core.window" in sys.modules:
        log.warning("kivy.core.window was imported before the kiosk configured Kivy; "
                    "full screen and input settings may not apply")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("graphics", "multisamples", "0")  # some kiosk GPUs fail with MSAA; shapes are large
    if size is not None:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    if maxfps is not None:
        Config.set("graphics", "maxfps", str(maxfps))
    if Config.has_section("input"):
        Config.remove_section("input")
    Config.add_section("input")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    Config.set("postproc", "double_tap_time", "250")

    from kiosk.ui.fonts import register_default_font

    register_default_font()
