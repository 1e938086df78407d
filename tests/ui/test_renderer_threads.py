"""A software renderer draws with twice as many threads as processors, unless told otherwise
(``kiosk.ui.bootstrap.renderer_threads``): the real window's llvmpipe threads are counted."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kiosk.ui import bootstrap

#: Opens a real window and prints the renderer's name and its drawing threads (Mesa names them
#: "llvmpipe-0", "llvmpipe-1", ...).
_PROBE = textwrap.dedent(
    """
    import os, sys
    from kiosk.ui import bootstrap
    bootstrap.configure(fullscreen=False, size=(320, 240))
    from kivy.core.window import Window
    from kivy.graphics.opengl import glGetString, GL_RENDERER
    Window.canvas.ask_update()
    Window.dispatch("on_draw"); Window.dispatch("on_flip")
    names = [open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")]
    print(glGetString(GL_RENDERER).decode(), os.environ["LP_NUM_THREADS"],
          sum(name.startswith("llvmpipe") for name in names))
    os._exit(0)
    """
)


def _probe(**env: str) -> tuple[str, int, int]:
    clean = {k: v for k, v in os.environ.items() if k != "LP_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={**clean, "KIVY_NO_CONSOLELOG": "1", "SDL_AUDIODRIVER": "dummy", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    *renderer, asked, threads = done.stdout.strip().splitlines()[-1].split()
    return " ".join(renderer), int(asked), int(threads)


def test_twice_the_processors_capped_at_llvmpipes_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert bootstrap.renderer_threads() == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(64)))
    assert bootstrap.renderer_threads() == bootstrap.RENDERER_THREADS_MAX


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (tests/conftest.py starts Xvfb)")
def test_the_window_draws_with_the_threads_asked_for() -> None:
    renderer, asked, threads = _probe()
    if "llvmpipe" not in renderer:
        pytest.skip(f"the renderer here is {renderer}, not llvmpipe")
    assert asked == bootstrap.renderer_threads()
    assert threads == asked
    _renderer, asked, threads = _probe(LP_NUM_THREADS="3")  # set by whoever runs the kiosk: kept
    assert asked == 3 and threads == 3
