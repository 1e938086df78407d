"""Benchmark: Next -> the new picture on the screen, seen from outside the app: a separate process
presses a real key (or taps) through the X server and watches the screen's pixels, for the kiosk
and for the same bare Kivy bound as bench/step_latency.py, in the same run.

    .venv/bin/python bench/step_latency_outside.py [--presses 30]

Needs Xvfb and python-xlib (the ``bench`` extra of pyproject.toml:
``.venv/bin/pip install -c constraints.txt -e '.[bench]'``). In one run it:

1. starts its own Xvfb (a free display number, screen 1280x800x24) with ``-fbdir``: Xvfb then
   keeps the screen in a file (``Xvfb_screen0``, in XWD format) that it maps and draws into. This
   process maps the same file read-only (the XWD header says where the pixels start: after
   header_size + ncolors * 12 bytes, and how a line is laid out), so it sees every pixel the
   moment the X server writes it - that is, once the app's buffer swap has been done by the
   server (with Mesa's software renderer a swap is an image put to the server);
2. generates the same pack as bench/step_latency.py (10 phone-sized photos, display copies
   prepared with the real ``kiosk.packs`` library) and runs two child processes on that display,
   one after the other, each in a 1280x800 window with Kivy's own main loop body and the kiosk's
   frame cap (Kivy's default, 60 fps), as bench/step_latency.py runs them:
   - the kiosk (``KioskApp`` with its defaults: autoplay on, the real speech engine, the journal
     writes) on that pack; at the last step it goes back to the task list and starts the task
     again, so every press of Next shows a new picture;
   - the bound: a bare Kivy app, one ``Image`` showing one of two textures uploaded beforehand,
     swapping to the other on any key or tap, drawn at the size and place the kiosk's step screen
     shows the picture (measured in the kiosk run, which goes first), on the kiosk's own main
     loop (``kiosk.ui.calm_loop``), so it waits for nothing the kiosk does not.
   The children inject nothing and time nothing (no wrapped ``flip``, no ``glFinish``): they show
   the step and wait for real X input. A child only tells this process, on a stdout line, where the
   picture and Next are and when it is ready for the next press (after a step change has settled:
   the next pictures prepared, the task restarted after its last step);
3. presses, in each, PRESSES times each: the switch (Space), a key (Enter) and a tap (left button
   down, 80 ms, up) on the place where the kiosk shows Next (the bound swaps on a tap anywhere; the
   same place keeps the pointer, which Xvfb draws into the screen, in the same spot for both).
   The presses are real X input from the XTEST extension (python-xlib ``fake_input`` then
   ``sync``), so they reach the app the way a keyboard's or a touchscreen's do: through the X
   server and SDL's event reading, at a random phase of the app's frame. The clock starts just
   before the key-down request (the key-up follows at once); for a tap at the release, as Next acts
   on the release (a change already during the 80 ms hold would fail the run);
4. stops the clock at the first poll of the mapped screen (every 0.5 ms) that sees the picture
   changed: a grid of points inside the drawn picture (away from the pointer) is read before the
   press, and at least a quarter of them (and 3) must differ. Between presses the worker looks at
   the step for 0.7-1.2 s (counted from the change), as in bench/step_latency.py.

Why the ratio is fair: both apps run in the same Xvfb, in the same window size, under the same
frame cap, are pressed through the same path (XTEST -> X server -> SDL -> Kivy) with the same
pauses, and are watched the same way at the same kind of place (the middle of the same picture
box); what the path adds that neither app can change (X server, SDL, this process's polling) is in
both figures. What is not measured: a real device's input latency and the display's scan-out.

Goals (issue 20): median <= 1.3x the bound and p90 <= 1.5x, for switch, keys and taps alike.
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import queue
import random
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from step_latency import PHOTO_SIZE, PHOTOS, ROOT, WINDOW, bare_picture, generate_pack, kiosk_on_a_step  # noqa: E402

KINDS = ("switch", "key", "tap")
POLL = 0.0005  # seconds between two reads of the screen
HOLD = 0.08  # a tap: button down this long, then up (as bench/step_latency.py)
GRID = (8, 6)  # points watched in the picture, columns x rows
POINTER_CLEARANCE = 32  # pixels kept between a watched point and the pointer (Xvfb draws the cursor)


# -- the X server and its screen ---------------------------------------------------------------
def start_xvfb(fbdir: Path) -> tuple[subprocess.Popen, str]:
    """An Xvfb on a free display number (``-displayfd``: the server picks and says it)."""
    if shutil.which("Xvfb") is None:
        sys.exit("Xvfb is needed: install xvfb.")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{WINDOW[0]}x{WINDOW[1]}x24"]
        + ["-fbdir", str(fbdir), "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as said:
        number = said.readline().strip()
    if not number:
        proc.kill()
        sys.exit("Could not start Xvfb.")
    return proc, f":{number}"


class Screen:
    """The Xvfb screen as its XWD file, mapped read-only; reads the colour of chosen pixels."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        fields = struct.unpack(">25I", self._map[:100])  # XWDFileHeader: 25 big-endian CARD32
        header_size, self.width, self.height = fields[0], fields[4], fields[5]
        byte_order, bits_per_pixel, self.bytes_per_line = fields[7], fields[11], fields[12]
        masks, ncolors = fields[14:17], fields[19]
        if bits_per_pixel != 32:
            raise RuntimeError(f"expected 32 bits per pixel in the XWD screen, found {bits_per_pixel}")
        self._order: Literal["little", "big"] = "little" if byte_order == 0 else "big"  # LSBFirst = 0
        self._shifts = [(mask & -mask).bit_length() - 1 for mask in masks]
        self._pixels = header_size + ncolors * 12  # the header (with the window name), the colours

    def offsets(self, points: list[tuple[int, int]]) -> list[int]:
        return [self._pixels + y * self.bytes_per_line + x * 4 for x, y in points]

    def read(self, offsets: list[int]) -> list[int]:
        data, order = self._map, self._order
        return [int.from_bytes(data[at : at + 4], order) for at in offsets]

    def changed(self, before: list[int], now: list[int]) -> int:
        """How many points differ by more than a little (sum over the three channels)."""
        count = 0
        for old, new in zip(before, now):
            if old != new and sum(abs((old >> s & 255) - (new >> s & 255)) for s in self._shifts) > 12:
                count += 1
        return count


# -- the child: shows the step, waits for real X input ------------------------------------------

CHILD = textwrap.dedent("""
    import json, os, sys, time
    sys.path.insert(0, {root!r})
    MODE = {mode!r}
    from kiosk.ui import bootstrap
    bootstrap.configure(fullscreen=False, size=({w}, {h}))
    from kivy.base import EventLoop, runTouchApp
    from kivy.core.window import Window

    {kiosk_on_a_step}
    # The same set-up as bench/step_latency.py's child, without its injector and its timing.
    if MODE == "kiosk":
        app, start = kiosk_on_a_step({packs!r}, {data!r})
        screen = start()
        picture = screen.ids.picture
        x, y = screen.ids.next.to_window(*screen.ids.next.center)
        tap = [int(x), int(Window.height - y)]

        def settle():
            global restarts
            if screen.session.is_last:  # Next would finish the task: start it again
                restarts += 1
                app.abandon_task()
                loop_until(lambda: app.sm.current == "tasks" and not app.sm.transition.is_active)
                start()
            loop_until(lambda: not app.step_pictures.busy)
    else:
        {bare_picture}
        tap = {tap!r}  # where the kiosk shows Next: the bound swaps on a tap anywhere

        def settle():
            pass

    def ready():
        bx, by = picture.to_window(*picture.pos)
        iw, ih = picture.norm_image_size  # the drawn picture, centred in the widget
        shown = [bx + (picture.width - iw) / 2, Window.height - by - (picture.height + ih) / 2, iw, ih]  # top-left origin
        print("READY", json.dumps({{"changes": changes, "restarts": restarts, "box": [bx, by, *picture.size], "shown": shown, "tap": tap,
                                   "window": [Window.width, Window.height]}}), flush=True)

    changes = restarts = 0
    loop_until(lambda: False, 1.0)
    settle()
    ready()
    while True:
        seen = picture.texture
        loop_until(lambda: picture.texture is not seen, 3600.0)
        changes += 1
        settle()
        ready()
""")


class Child:
    """One app under test on the display; its READY lines arrive through a reader thread."""

    def __init__(self, script: Path, display: str, log: Path) -> None:
        env = dict(os.environ, DISPLAY=display, KIVY_NO_FILELOG="1", KIVY_NO_ARGS="1", SDL_AUDIODRIVER="dummy")
        self.log = log
        with open(log, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=err, text=True, env=env
            )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.last: dict[str, Any] = {"changes": -1}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("READY "):
                self.lines.put(json.loads(line[len("READY ") :]))

    def ready(self, changes: int, timeout: float) -> dict[str, Any]:
        """The child's latest report once it has settled after at least ``changes`` step changes."""
        end = time.monotonic() + timeout
        while self.last["changes"] < changes:
            try:
                self.last = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                if self.proc.poll() is not None or time.monotonic() > end:
                    self.stop()
                    raise RuntimeError(f"the child did not get ready:\n{self.log.read_text()[-4000:]}") from None
        return self.last

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- pressing and watching ---------------------------------------------------------------------
class Presser:
    def __init__(self, display_name: str) -> None:
        from Xlib import X, XK, display
        from Xlib.ext import xtest

        self.X, self.xtest = X, xtest
        self.display = display.Display(display_name)
        if not self.display.has_extension("XTEST"):
            sys.exit("The X server has no XTEST extension.")
        self.root = self.display.screen().root
        self.keys = {
            "switch": self.display.keysym_to_keycode(XK.XK_space),
            "key": self.display.keysym_to_keycode(XK.XK_Return),
        }

    def app_window(self) -> tuple[Any, int, int]:
        """The app's top-level window (the one viewable window of the window's size) and its origin."""
        for _ in range(100):
            for window in self.root.query_tree().children:
                geometry = window.get_geometry()
                if (
                    window.get_attributes().map_state == self.X.IsViewable
                    and (geometry.width, geometry.height) == WINDOW
                ):
                    origin = self.root.translate_coords(window, 0, 0)
                    return window, origin.x, origin.y
            time.sleep(0.1)
        raise RuntimeError("the app's window is not on the display")

    def focus(self, window: Any) -> None:
        self.display.set_input_focus(window, self.X.RevertToParent, self.X.CurrentTime)
        self.display.sync()

    def move(self, x: int, y: int) -> None:
        self.xtest.fake_input(self.display, self.X.MotionNotify, x=x, y=y)
        self.display.sync()

    def key(self, kind: str) -> float:
        """Space or Enter, down and up; returns the time just before the key-down."""
        code = self.keys[kind]
        started = time.perf_counter()
        self.xtest.fake_input(self.display, self.X.KeyPress, code)
        self.xtest.fake_input(self.display, self.X.KeyRelease, code)
        self.display.sync()
        return started

    def button(self, down: bool) -> float:
        started = time.perf_counter()
        self.xtest.fake_input(self.display, self.X.ButtonPress if down else self.X.ButtonRelease, 1)
        self.display.sync()
        return started


def watch(screen: Screen, offsets: list[int], before: list[int], since: float, limit: float) -> float | None:
    """Poll the screen until the picture changed; the time of that poll, or None after ``limit`` s."""
    need = max(3, len(offsets) // 4)
    while True:
        now_pixels = screen.read(offsets)
        now = time.perf_counter()
        if screen.changed(before, now_pixels) >= need:
            return now
        if now - since > limit:
            return None
        time.sleep(POLL)


def still(screen: Screen, offsets: list[int], limit: float = 5.0) -> list[int]:
    """The watched points once two reads 30 ms apart agree (nothing is being drawn there)."""
    end = time.monotonic() + limit
    last = screen.read(offsets)
    while True:
        time.sleep(0.03)
        now = screen.read(offsets)
        if now == last or time.monotonic() > end:
            return now
        last = now


def measure(
    child: Child, presser: Presser, screen: Screen, presses: int, park: tuple[int, int]
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """PRESSES presses of each kind on the running child: seconds from the input to the new picture.

    Also counts, per kind, the presses that showed no change within 3 s (repeated) and those whose
    first changed frame was not yet the picture the step kept (the figure would then be too kind).
    """
    info = child.ready(0, 180.0)
    window, ox, oy = presser.app_window()
    presser.focus(window)
    tap = (ox + info["tap"][0], oy + info["tap"][1])
    parked = (ox + park[0], oy + park[1])
    x0, y0, width, height = info["shown"]
    points = []
    for column in range(GRID[0]):
        for row in range(GRID[1]):
            x = int(ox + x0 + width * (0.15 + 0.7 * column / (GRID[0] - 1)))
            y = int(oy + y0 + height * (0.15 + 0.7 * row / (GRID[1] - 1)))
            if all(max(abs(x - px), abs(y - py)) > POINTER_CLEARANCE for px, py in (tap, parked)):
                points.append((x, y))
    offsets = screen.offsets(points)
    need = max(3, len(offsets) // 4)
    changes = info["changes"]
    results: dict[str, list[float]] = {}
    misses: dict[str, int] = {}
    unsettled: dict[str, int] = {}
    for kind in KINDS:
        presser.move(*(tap if kind == "tap" else parked))
        times: list[float] = []
        misses[kind] = unsettled[kind] = 0
        last_change = time.perf_counter()
        first: tuple[list[int], int] | None = None  # the first new frame seen, and the restarts before it
        while len(times) < presses:
            report = child.ready(changes, 60.0)
            # the worker looks at the step; the last 30 ms of the look check that nothing is drawn
            pause = last_change + random.uniform(0.7, 1.2) - 0.03 - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            before = still(screen, offsets)
            if first is not None and first[1] == report["restarts"] and screen.changed(first[0], before) >= need:
                unsettled[kind] += 1
            if kind == "tap":
                down = presser.button(True)
                early = watch(screen, offsets, before, down, HOLD)
                if early is not None:
                    presser.button(False)
                    raise RuntimeError(f"the picture changed {(early - down) * 1000:.1f} ms after the button-down")
                started = presser.button(False)
            else:
                started = presser.key(kind)
            seen = watch(screen, offsets, before, started, 3.0)
            if seen is None:
                misses[kind] += 1
                if misses[kind] > 3:
                    raise RuntimeError(f"{kind}: no new picture within 3 s, {misses[kind]} times")
                last_change, first = time.perf_counter(), None
                continue
            times.append(seen - started)
            changes += 1
            last_change = seen
            time.sleep(0.005)  # the server has written the whole frame (the next comes >= 16 ms later)
            first = (screen.read(offsets), report["restarts"])
        results[kind] = times
    return results, {**info, "points": len(points), "misses": misses, "unsettled": unsettled}


# -- main --------------------------------------------------------------------------------------


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=30, help="presses of each kind (switch, key, tap)")
    args = parser.parse_args()
    start_load = os.getloadavg()
    work = Path(tempfile.gettempdir()) / "step-kiosk-bench-latency"  # the pack is shared with step_latency.py
    work.mkdir(exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(work / "kivy-home"))
    fbdir = Path(tempfile.mkdtemp(prefix="step-kiosk-xvfb-"))
    xvfb, display_name = start_xvfb(fbdir)
    try:
        packs = work / "packs"
        pack_folder = generate_pack(packs)
        data = work / "data-outside"
        shutil.rmtree(data, ignore_errors=True)
        from kiosk.packs import Library
        from kiosk.paths import DataDir

        cache = DataDir(data).ensure().cache
        (pack,) = Library([packs], cache).scan().packs
        print(f"pack: {PHOTOS} photos {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} in {pack_folder}, display copies prepared")
        pictures = [str(pack.display_image(step)) for step in pack.steps[:2]]
        screen = Screen(fbdir / "Xvfb_screen0")
        if (screen.width, screen.height) != WINDOW:
            raise RuntimeError(f"the XWD screen is {screen.width}x{screen.height}")
        presser = Presser(display_name)
        results: dict[str, dict[str, list[float]]] = {}
        infos: dict[str, dict[str, Any]] = {}
        for mode in ("kiosk", "bare"):  # the kiosk first: the bound draws the picture where it did
            script = work / f"latency_outside_{mode}.py"
            script.write_text(
                CHILD.format(
                    root=str(ROOT),
                    mode=mode,
                    w=WINDOW[0],
                    h=WINDOW[1],
                    packs=str(packs),
                    data=str(data),
                    bare_picture=bare_picture(pictures, infos.get("kiosk", {}).get("box")),
                    kiosk_on_a_step=kiosk_on_a_step(),
                    tap=infos.get("kiosk", {}).get("tap"),
                )
            )
            child = Child(script, display_name, work / f"latency_outside_{mode}.log")
            try:
                results[mode], infos[mode] = measure(child, presser, screen, args.presses, park=(2, 2))
            finally:
                child.stop()
    finally:
        xvfb.terminate()
        xvfb.wait()
        shutil.rmtree(fbdir, ignore_errors=True)

    end_load = os.getloadavg()
    print(f"load average at the start: {start_load[0]:.2f} {start_load[1]:.2f} {start_load[2]:.2f}")
    print(f"load average at the end:   {end_load[0]:.2f} {end_load[1]:.2f} {end_load[2]:.2f}")
    print()
    print("Next -> new picture on the screen, seen from outside (XTEST input, Xvfb screen polled every 0.5 ms)")
    print(
        f"{'input':<8} {'kiosk median':>13} {'p90':>7} {'bare median':>12} {'p90':>7} {'ratio median':>13} "
        f"{'ratio p90':>10} {'presses':>8}"
    )
    for kind in KINDS:
        kiosk = [v * 1000 for v in results["kiosk"][kind]]
        bare = [v * 1000 for v in results["bare"][kind]]
        k50, b50 = statistics.median(kiosk), statistics.median(bare)
        k90, b90 = p90(kiosk), p90(bare)
        print(
            f"{kind:<8} {k50:>10.1f} ms {k90:>7.1f} {b50:>9.1f} ms {b90:>7.1f} {k50 / b50:>12.2f}x {k90 / b90:>9.2f}x "
            f"{len(kiosk):>8}"
        )
    print("goals: median <= 1.3x and p90 <= 1.5x the bound, for every input")
    x, y, w, h = infos["kiosk"]["box"]
    print(
        f"the picture's box (both): {w:.0f}x{h:.0f} at ({x:.0f}, {y:.0f}) in a {WINDOW[0]}x{WINDOW[1]} window; "
        f"watched points: kiosk {infos['kiosk']['points']}, bare {infos['bare']['points']}; "
        f"taps at {tuple(infos['kiosk']['tap'])} (the kiosk's Next)"
    )
    for mode in ("kiosk", "bare"):
        misses, unsettled = infos[mode]["misses"], infos[mode]["unsettled"]
        print(
            f"checks, {mode}: presses without a change in 3 s (repeated) "
            + ", ".join(f"{kind} {misses[kind]}" for kind in KINDS)
            + "; first new frame not the step's picture "
            + ", ".join(f"{kind} {unsettled[kind]}" for kind in KINDS)
        )


if __name__ == "__main__":
    main()
