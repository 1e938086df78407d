"""Kivy set-up that must happen before ``kivy.core.window`` is imported.

Kivy reads its window and input configuration once, when the window module is first imported, so
``configure`` is the first thing ``kiosk run`` (and the UI tests) call. The choices:
- full screen on the kiosk, a plain window with ``--windowed``. "Full screen" is a borderless
  window at (0, 0) of the display's size (asked from Kivy's own SDL2 library before the window
  exists), because SDL's real full-screen mode needs a window manager: on an X server without one
  (a plain ``xinit`` kiosk, Xvfb) the window stayed 800x600 while Kivy drew for the full size.
  When the display size cannot be found, SDL's full-screen mode ("auto") is used instead;
- Escape never exits (``exit_on_escape = 0``; the app also refuses close requests);
- one input provider (the mouse provider, which also receives the SDL touch events) with
  ``multitouch_on_demand``: a second provider makes every tap arrive twice on real touchscreens,
  and without ``multitouch_on_demand`` a right-click leaves red dots on the screen;
- no mouse cursor in full screen;
- Kivy logs through Python ``logging`` (``KIVY_LOG_MODE=PYTHON``) and stderr stays stderr;
- ``KIVY_NO_ARGS`` so Kivy does not try to parse the ``kiosk`` command's own arguments;
- SDL's own SIGINT/SIGTERM handlers off: SDL turns them into a window close request, which the
  kiosk refuses, so ``systemctl stop`` could not stop it. ``kiosk run`` handles SIGTERM itself;
- a software renderer (Mesa's llvmpipe, on kiosks without a GPU driver) draws with twice as many
  threads as there are processors (``renderer_threads``), unless ``LP_NUM_THREADS`` is set.
"""

from __future__ import annotations

import logging
import os
import sys

from kiosk.packs.images import tune_allocator

log = logging.getLogger(__name__)

#: Threads per processor for llvmpipe: see ``renderer_threads``.
RENDERER_THREADS_PER_CPU = 2
#: llvmpipe's own limit on its threads (LP_MAX_THREADS in Mesa 22-24).
RENDERER_THREADS_MAX = 16


def renderer_threads() -> int:
    """How many threads llvmpipe draws with: twice the processors this process may run on.

    Why: llvmpipe's default is one thread per processor. Its frame then waits for the slower of
    two halves, and on a machine where the X server and the kiosk share two cores a Next's frame
    took either ~8.5 or ~13 ms (two modes): median 10.2 ms, p75 13.3 ms for the step screen
    (1280x800). With four threads: median 8.2 ms, p75 9.2 ms; three 9.1, six and eight 9.2 ms
    (probe in docs/ui.md, "Next -> picture, 5 December"). Mesa ignores the variable on a GPU."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(RENDERER_THREADS_MAX, cpus * RENDERER_THREADS_PER_CPU))


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
    os.environ.setdefault("LP_NUM_THREADS", str(renderer_threads()))  # read when the window's GL starts
    tune_allocator()  # big picture buffers go back to the system when freed (kiosk.packs.images)
    if "kivy.core.window" in sys.modules:
        log.warning(
            "kivy.core.window was imported before the kiosk configured Kivy; "
            "full screen and input settings may not apply"
        )
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("kivy", "keyboard_mode", "systemanddock")  # hardware keys + the docked on-screen keyboard
    Config.set("graphics", "fullscreen", "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    if fullscreen:
        screen = display_size()
        if screen is None:
            Config.set("graphics", "fullscreen", "auto")
        else:
            size = screen
            Config.set("graphics", "position", "custom")
            Config.set("graphics", "left", "0")
            Config.set("graphics", "top", "0")
            Config.set("graphics", "always_on_top", "1")
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


def display_size() -> tuple[int, int] | None:
    """The first display's size in pixels, from the SDL2 library bundled with Kivy (Linux wheels
    keep it in ``Kivy.libs``); None when it cannot be asked (then SDL's full screen is used)."""
    import ctypes
    import glob
    import importlib.util

    spec = importlib.util.find_spec("kivy")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = os.path.dirname(list(spec.submodule_search_locations)[0])
    libraries = sorted(glob.glob(os.path.join(site, "Kivy.libs", "libSDL2-*.so*")))
    if not libraries:
        return None

    class DisplayMode(ctypes.Structure):
        _fields_ = [
            ("format", ctypes.c_uint32),
            ("w", ctypes.c_int),
            ("h", ctypes.c_int),
            ("refresh_rate", ctypes.c_int),
            ("driverdata", ctypes.c_void_p),
        ]

    try:
        sdl = ctypes.CDLL(libraries[0])
        if sdl.SDL_InitSubSystem(0x20) != 0:  # SDL_INIT_VIDEO; Kivy initialises it again later
            return None
        mode = DisplayMode()
        if sdl.SDL_GetDesktopDisplayMode(0, ctypes.byref(mode)) != 0 or mode.w <= 0 or mode.h <= 0:
            return None
        return mode.w, mode.h
    except (OSError, AttributeError) as exc:
        log.info("Display size not available from SDL (%s); using SDL full screen", exc)
        return None
