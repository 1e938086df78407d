"""Benchmark: Next -> the frame with the next picture on the screen, as a worker sees it, against
a bare Kivy app swapping one prepared texture on the same input in the same window.

    .venv/bin/python bench/step_latency.py [--presses 30] [--rounds 3]

Starts its own Xvfb when there is no DISPLAY. In one run it:

1. generates a pack of 10 phone-sized photos (4000x3000 JPEG, noise and shapes so they do not
   compress trivially; kept in the temp folder between runs) and prepares its display copies
   with the real ``kiosk.packs`` library (a kiosk that has had the pack for a while);
2. runs child processes one after the other, each in a 1280x800 window with Kivy's own main
   loop body (``EventLoop.idle()`` then ``Window.mainloop()``, which reads SDL's events) and the
   frame cap as the kiosk runs it (Kivy's default, 60 fps), each set up by the kiosk's own
   ``kiosk.ui.bootstrap.configure`` (the same Kivy configuration, and on llvmpipe the same number
   of drawing threads: printed at the end). The kiosk and the bound take turns
   (``--rounds``, 3 by default, each turn with its share of the presses, and each round with the
   inputs in another order), so that a slower spell of this shared machine falls on both and on
   every input; the reference (below) runs once, at the end:
   - the kiosk (``KioskApp`` with its defaults: autoplay on, the real speech engine, the journal
     writes) on that pack, stepping with Next, with the trainer's "fading" off so that every press
     is at full support (one picture, one sentence, the voice on arrival): with it on, the
     worker's growing record grouped the steps as the run went on, and later presses drew three
     sentences at once;
   - the bound: a bare Kivy app, one ``Image`` drawn as a single rectangle (no stencil, as the
     kiosk draws its pictures) showing one of two RGB textures uploaded beforehand, that swaps to
     the other on the same input. It draws the picture at the size and place the
     kiosk's step screen shows it (measured in the kiosk run, which goes first): a software
     renderer's frame costs about what it fills, so a bound drawing the picture larger than the
     kiosk does (as a full-window picture did: 1067x800 against 854x552 pixels) would be slower
     than the work any kiosk must do, and the ratio too kind.
     The bound runs on the kiosk's main loop (``kiosk.ui.calm_loop``: an idle loop sleeps in SDL's
     event wait, reads input the moment it comes and draws its frame at once), so it waits for
     nothing the kiosk does not; the same bare app on Kivy's own loop (a frame's wait, then the
     next frame) is run too and printed for reference;
3. presses, in each, PRESSES times each: the switch (Space), a key (Enter) and a tap (mouse
   button down, 80 ms, up, on Next / on the picture). The inputs are real SDL events pushed into
   SDL's queue (``SDL_PushEvent``) by a second thread at a random moment, so they are read where
   a real key or touch is read (in ``Window.mainloop``, after a frame, outside the Clock) and at a
   random phase of the frame; the clock starts at the push (for a tap: at the release);
4. stops the clock after the real buffer swap of the first frame that drew the new picture, plus
   ``glFinish``: Kivy's ``Window.flip`` is wrapped (``on_flip`` callbacks run *before* the swap,
   and llvmpipe draws at the swap). Between presses the worker looks at the step for 0.7-1.2 s.

Goals (issue 20): median <= 1.3x the bound and p90 <= 1.5x, for switch, keys and taps alike. What
is not measured: the time from a physical key to SDL's queue (the same for both).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHOTO_SIZE = (4000, 3000)
PHOTOS = 10
WINDOW = (1280, 800)


# -- set-up ------------------------------------------------------------------------------------
def ensure_display() -> subprocess.Popen | None:
    """An Xvfb server when there is no display; returns it so it can be stopped at the end."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("No DISPLAY and no Xvfb: install xvfb or run on a desktop.")
    for number in range(150, 200):
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
                return proc
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        proc.kill()
    sys.exit("Could not start Xvfb.")


def generate_pack(folder: Path) -> Path:
    """10 noisy 12-megapixel photos in the photo-folder convention ("01 Text.jpg")."""
    from PIL import Image, ImageDraw

    pack = folder / "big-photos"
    marker = pack / ".complete"
    if marker.exists():
        return pack
    shutil.rmtree(pack, ignore_errors=True)
    pack.mkdir(parents=True)
    width, height = PHOTO_SIZE
    for number in range(1, PHOTOS + 1):
        base = Image.new("RGB", PHOTO_SIZE, (90 + number * 12, 120, 160 - number * 8))
        draw = ImageDraw.Draw(base)
        for shape in range(12):
            x = (shape * 337 + number * 911) % (width - 800)
            y = (shape * 521 + number * 613) % (height - 600)
            colour = ((shape * 53 + number * 31) % 256, (shape * 97) % 256, (number * 67 + shape * 19) % 256)
            if shape % 2:
                draw.ellipse((x, y, x + 700, y + 500), fill=colour)
            else:
                draw.rectangle((x, y, x + 800, y + 450), fill=colour, outline=(20, 20, 20), width=12)
        noise = Image.effect_noise(PHOTO_SIZE, 60).convert("RGB")
        Image.blend(base, noise, 0.3).save(pack / f"{number:02d} Do step {number}.jpg", quality=90)
    marker.write_text("ok")
    return pack


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


# -- the child: real SDL events in, the swapped frame out ---------------------------------------

#: Both latency benchmarks' children: Kivy's own main loop body until ``done``, and the kiosk on
#: the pack's first step (``start()`` starts the task again). Goes in as ``{kiosk_on_a_step}``.
KIOSK_ON_A_STEP = """\
def loop_until(done, limit=30.0):
    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:
        EventLoop.idle()
        Window.mainloop()


def kiosk_on_a_step(packs, data):
    from kiosk.paths import DataDir
    from kiosk.ui.app import KioskApp

    app = KioskApp([packs], DataDir(data))
    app._run_prepare()
    runTouchApp(embedded=True)
    loop_until(lambda: app.shelf.loaded and app.sm.current == "tasks" and not app.sm.transition.is_active)
    pack = app.shelf.packs[0]
    # Fading off (the trainer's kiosk-wide setting): every press at full support, one picture and
    # one sentence, the voice on arrival. Left on, the worker's growing record grouped the steps as
    # the run went on, so later presses drew three sentences at once: the workload drifted.
    from kiosk.support.plan import FADING_KEY

    app.journal.set_setting(FADING_KEY, False)

    def start():
        app.start_task(pack)
        loop_until(lambda: app.sm.current == "step" and not app.sm.transition.is_active)
        return app.sm.get_screen("step")

    return app, start
"""


def kiosk_on_a_step() -> str:
    """KIOSK_ON_A_STEP for a child script, where it stands at the top level."""
    return KIOSK_ON_A_STEP


#: The bound's picture, the same in both latency benchmarks (this one and step_latency_outside.py):
#: a bare Kivy ``Image`` at the kiosk's picture box, swapping two textures uploaded beforehand on
#: any key or tap. It draws one rectangle and nothing else: Kivy's own ``Image`` rule adds a stencil
#: (a mask drawn before and after the texture) that a ``contain`` picture does not need, and the
#: kiosk draws its pictures without it (``kiosk.ui.widgets.picture``), so a bound with it would be
#: slower than necessary. The textures are RGB, as the kiosk uploads an opaque photo. It goes into a
#: child script as ``{bare_picture}`` (see ``bare_picture``).
BARE_PICTURE = """\
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.uix.image import Image
from PIL import Image as PILImage

textures = []
for path in {pictures!r}:
    with PILImage.open(path) as source:
        rgb = source.convert("RGB").transpose(PILImage.Transpose.FLIP_TOP_BOTTOM)
    texture = Texture.create(size=rgb.size, colorfmt="rgb")
    texture.blit_buffer(rgb.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    textures.append(texture)

Builder.load_string("<-Bare>:\\n    canvas:\\n        Rectangle:\\n            texture: self.texture\\n"
                    "            size: self.norm_image_size\\n"
                    "            pos: self.center_x - self.norm_image_size[0] / 2., self.center_y - self.norm_image_size[1] / 2.\\n")

class Bare(Image):
    def swap(self):
        self.texture = textures[1] if self.texture is textures[0] else textures[0]
    def on_touch_up(self, touch):
        self.swap()
        return True

box = {box!r}  # where and how large the kiosk shows the picture (window coordinates)
picture = Bare(fit_mode="contain", texture=textures[0], size_hint=(None, None), pos=box[:2], size=box[2:])
runTouchApp(picture, embedded=True)
Window.bind(on_key_down=lambda *a: picture.swap() or True)
"""

#: The kiosk's main loop under the bound too (kiosk.ui.calm_loop: input read the moment it comes and
#: drawn at once after a calm spell), so that the bound does no waiting the kiosk does not.
CALM_LOOP = """from kiosk.ui import calm_loop
assert calm_loop.install(Window) is not None, "the calm loop did not install"
"""


def bare_picture(pictures: list[str], box: object, calm: bool = True) -> str:
    """BARE_PICTURE for a child script, where it stands one level in (under the mode's ``else:``);
    with the kiosk's calm main loop (the bound) or Kivy's own (``calm=False``, for reference)."""
    code = BARE_PICTURE.format(pictures=pictures, box=box) + (CALM_LOOP if calm else "")
    return textwrap.indent(code, "    ").lstrip()


CHILD = textwrap.dedent("""
    import ctypes, json, os, random, sys, threading, time
    sys.path.insert(0, {root!r})
    MODE, PRESSES, ORDER = {mode!r}, {presses}, {order!r}
    from kiosk.ui import bootstrap
    bootstrap.configure(fullscreen=False, size=({w}, {h}))
    from kivy.base import EventLoop, runTouchApp
    from kivy.core.window import Window
    from kivy.graphics import Callback
    from kivy.graphics.opengl import glFinish

    # SDL itself, as Kivy loaded it: events pushed here are read by Window.mainloop like real ones.
    sdl_path = next(line.split()[-1] for line in open("/proc/self/maps") if "libSDL2-2" in line or "libSDL2.so" in line)
    sdl = ctypes.CDLL(sdl_path)
    sdl.SDL_GL_GetCurrentWindow.restype = ctypes.c_void_p
    sdl.SDL_GetWindowID.argtypes = [ctypes.c_void_p]

    def push(kind, **fields):
        event = (ctypes.c_uint8 * 56)()
        words = ctypes.cast(event, ctypes.POINTER(ctypes.c_uint32))
        words[0] = kind
        words[2] = fields["window"]
        if kind in (0x300, 0x301):  # SDL_KEYDOWN/UP: state, repeat, keysym(scancode, sym, mod)
            event[12] = 1 if kind == 0x300 else 0
            ints = ctypes.cast(ctypes.byref(event, 16), ctypes.POINTER(ctypes.c_int32))
            ints[0], ints[1] = fields["scancode"], fields["sym"]
        else:  # SDL_MOUSEBUTTONDOWN/UP: which, button, state, clicks, x, y
            event[16], event[17], event[18] = 1, 1 if kind == 0x401 else 0, 1
            ints = ctypes.cast(ctypes.byref(event, 20), ctypes.POINTER(ctypes.c_int32))
            ints[0], ints[1] = fields["x"], fields["y"]
        if sdl.SDL_PushEvent(event) != 1:
            raise RuntimeError("SDL_PushEvent failed")

    state = {{"t0": None, "drawn": None, "before": None, "result": [], "read": [], "frames": [], "flips": 0,
              "at_read": 0.0, "flips_at_read": 0, "drawing": 0.0, "draw": [], "between": [], "redrawing": False, "redraw": []}}

    def real_flip(original=Window.flip):
        state["flips"] += 1
        original()
        glFinish()
        now = time.perf_counter()
        if state["redrawing"]:  # a redraw of the unchanged screen, asked for between presses
            state["redraw"].append(now - state["drawing"])
            state["redrawing"] = False
        if state["t0"] is not None and state["drawn"] is not None and state["drawn"] is not state["before"]:
            state["result"].append(now - state["t0"])
            state["read"].append(state["at_read"] - state["t0"])
            state["frames"].append(state["flips"] - state["flips_at_read"])
            state["draw"].append(now - state["drawing"])  # the last frame: drawn and swapped
            state["between"].append(state["drawing"] - state["at_read"])  # read -> that frame begun
            state["t0"] = None

    def read(*_args):
        state["at_read"], state["flips_at_read"] = time.perf_counter(), state["flips"]


    Window.flip = real_flip
    Window.fbind("on_draw", lambda *_a: state.update(drawing=time.perf_counter()))  # before the frame's drawing

    def redraw_unchanged(root):  # the same screen once more: a frame that changes nothing
        loop_until(lambda: False, 0.1)
        state["redrawing"] = True
        root.canvas.ask_update()
        loop_until(lambda: not state["redrawing"], 1.0)
        state["redrawing"] = False

    def injector():
        window = sdl.SDL_GetWindowID(sdl.SDL_GL_GetCurrentWindow())
        while True:
            job = armed.get()
            if job is None:
                return
            kind, where = job
            time.sleep(random.uniform(0.0, 0.02))  # a random phase of the frame
            if kind == "switch":
                state["t0"] = time.perf_counter()
                push(0x300, window=window, scancode=44, sym=32); push(0x301, window=window, scancode=44, sym=32)
            elif kind == "key":
                state["t0"] = time.perf_counter()
                push(0x300, window=window, scancode=40, sym=13); push(0x301, window=window, scancode=40, sym=13)
            else:
                x, y = where
                push(0x401, window=window, x=x, y=y)
                time.sleep(0.08)
                state["t0"] = time.perf_counter()
                push(0x402, window=window, x=x, y=y)

    import queue
    armed = queue.Queue()

    {kiosk_on_a_step}
    if MODE == "kiosk":
        app, start = kiosk_on_a_step({packs!r}, {data!r})
        screen = start()
        picture = screen.ids.picture
        box = [*picture.to_window(*picture.pos), *picture.size]  # the bound draws the picture here
        picture.canvas.after.add(Callback(lambda _i: state.update(drawn=picture.texture)))

        def target():
            w = screen.ids.next
            x, y = w.to_window(*w.center)
            return int(x), int(Window.height - y)

        def current():
            return picture.texture

        def before_press():
            if screen.session.is_last:
                app.abandon_task()
                loop_until(lambda: app.sm.current == "tasks" and not app.sm.transition.is_active)
                start()
            redraw_unchanged(screen)  # first: the loop is calm again by the press
            loop_until(lambda: False, random.uniform(0.7, 1.2))  # the worker looks at the step
            loop_until(lambda: not app.step_pictures.busy)
    else:
        {bare_picture}
        picture.canvas.after.add(Callback(lambda _i: state.update(drawn=picture.texture)))
        loop_until(lambda: False, 1.0)

        def target():
            x, y = picture.center
            return int(x), int(Window.height - y)

        def current():
            return picture.texture

        def before_press():
            redraw_unchanged(picture)
            loop_until(lambda: False, random.uniform(0.7, 1.2))

    # bound last, so called first (Kivy calls the newest handler first; the app's may stop the rest)
    Window.fbind("on_key_down", read)
    Window.fbind("on_mouse_up", read)
    threading.Thread(target=injector, daemon=True).start()
    out = {{}}
    for kind in ORDER:
        state["result"], state["read"], state["frames"], state["draw"], state["between"] = [], [], [], [], []
        while len(state["result"]) < PRESSES:
            before_press()
            state["before"], state["drawn"] = current(), None
            count = len(state["result"])
            armed.put((kind, target()))
            loop_until(lambda: len(state["result"]) > count, 10.0)
            if len(state["result"]) == count:
                raise SystemExit(f"{{MODE}} {{kind}}: no new picture within 10 s")
        out[kind] = state["result"]
        out[kind + "-read"] = state["read"]
        out[kind + "-frames"] = state["frames"]
        out[kind + "-draw"] = state["draw"]
        out[kind + "-between"] = state["between"]
    armed.put(None)
    out["redraw"] = state["redraw"]
    if MODE == "kiosk":
        out["box"] = box
    from kivy.graphics.opengl import glGetString, GL_RENDERER
    out["renderer"] = glGetString(GL_RENDERER).decode() + ", LP_NUM_THREADS " + os.environ.get("LP_NUM_THREADS", "unset")
    print("RESULT", json.dumps(out), flush=True)
    if MODE == "kiosk":
        app.abandon_task()
        app.dispatch("on_stop")
    os._exit(0)
""")


def run_child(script: Path) -> dict[str, list[float]]:
    env = dict(os.environ, KIVY_NO_FILELOG="1", KIVY_NO_ARGS="1", SDL_AUDIODRIVER="dummy")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=1800)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(f"child failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


# -- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=30, help="presses of each kind (switch, key, tap)")
    parser.add_argument("--rounds", type=int, default=3, help="turns each of the kiosk and the bound takes")
    args = parser.parse_args()
    xvfb = ensure_display()
    work = Path(tempfile.gettempdir()) / "step-kiosk-bench-latency"
    work.mkdir(exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(work / "kivy-home"))
    try:
        packs = work / "packs"
        pack_folder = generate_pack(packs)
        data = work / "data"
        shutil.rmtree(data, ignore_errors=True)
        from kiosk.packs import Library
        from kiosk.paths import DataDir

        cache = DataDir(data).ensure().cache
        (pack,) = Library([packs], cache).scan().packs
        print(f"pack: {PHOTOS} photos {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} in {pack_folder}, display copies prepared")
        pictures = [str(pack.display_image(step)) for step in pack.steps[:2]]
        results: dict[str, dict] = {}
        renderers: set[str] = set()
        box = None
        # The kiosk and its bound take turns, round after round: a slower spell of this shared
        # machine falls on both, not on whichever ran in it. The kiosk goes first (the bound draws
        # the picture where the kiosk did); the reference (Kivy's own loop) runs once, at the end.
        per_round = max(1, -(-args.presses // args.rounds))
        # Each round presses the inputs in another order, the same for the kiosk and its bound, so
        # that no input always comes first or last in a process's life.
        plan = [(mode, r) for r in range(args.rounds) for mode in ("kiosk", "bare")] + [("bare-kivy", 0)]
        inputs = ("switch", "key", "tap")
        for turn, (mode, r) in enumerate(plan):
            order = inputs[r % 3 :] + inputs[: r % 3]
            script = work / f"latency_{mode}.py"
            script.write_text(
                CHILD.format(
                    root=str(ROOT),
                    mode=mode,
                    presses=per_round,
                    order=order,
                    w=WINDOW[0],
                    h=WINDOW[1],
                    packs=str(packs),
                    data=str(data),
                    bare_picture=bare_picture(pictures, box, calm=mode == "bare"),
                    kiosk_on_a_step=kiosk_on_a_step(),
                )
            )
            got = run_child(script)
            box = box or got.get("box")
            print(f"  turn {turn + 1}/{len(plan)}: {mode}, {per_round} presses of each: {', '.join(order)}", flush=True)
            merged = results.setdefault(mode, {})
            for key, values in got.items():
                if key == "renderer":
                    renderers.add(f"{mode}: {values}")
                elif key != "box":
                    merged.setdefault(key, []).extend(values)
        results["kiosk"]["box"] = box
    finally:
        if xvfb is not None:
            xvfb.terminate()

    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("renderer (each set up by kiosk.ui.bootstrap.configure): " + "; ".join(sorted(renderers)))
    print()
    print(
        f"{'input':<8} {'kiosk median':>13} {'p90':>7} {'bare median':>12} {'p90':>7} {'ratio median':>13} {'ratio p90':>10}"
    )
    for kind in ("switch", "key", "tap"):
        kiosk = sorted(v * 1000 for v in results["kiosk"][kind])
        bare = sorted(v * 1000 for v in results["bare"][kind])
        k50, b50 = statistics.median(kiosk), statistics.median(bare)
        k90, b90 = kiosk[int(0.9 * (len(kiosk) - 1))], bare[int(0.9 * (len(bare) - 1))]
        print(
            f"{kind:<8} {k50:>10.1f} ms {k90:>7.1f} {b50:>9.1f} ms {b90:>7.1f} {k50 / b50:>12.2f}x {k90 / b90:>9.2f}x"
        )
    print("goals: median <= 1.3x and p90 <= 1.5x the bound, for every input")
    print("for reference, the same bare app on Kivy's own main loop (no calm loop):")
    for kind in ("switch", "key", "tap"):
        kiosk = sorted(v * 1000 for v in results["kiosk"][kind])
        plain = sorted(v * 1000 for v in results["bare-kivy"][kind])
        p50, p90 = statistics.median(plain), plain[int(0.9 * (len(plain) - 1))]
        print(
            f"  {kind:<7} median {p50:5.1f} ms, p90 {p90:5.1f} ms; the kiosk against it {statistics.median(kiosk) / p50:.2f}x"
        )
    x, y, w, h = results["kiosk"]["box"]
    print(f"the picture's box (both): {w:.0f}x{h:.0f} at ({x:.0f}, {y:.0f}) in a {WINDOW[0]}x{WINDOW[1]} window")
    print()
    print("where the time goes (medians): push -> the input read by Kivy; frames swapped from then to the picture's;")
    print("read -> the start of the drawing of the frame with the new picture (the app's own work, and any")
    print("frame before it); that frame: start of its drawing -> swapped (+ glFinish)")
    for kind in ("switch", "key", "tap"):
        parts = []
        for mode in ("kiosk", "bare", "bare-kivy"):
            got = results[mode]
            parts.append(
                f"{mode} {statistics.median(got[kind + '-read']) * 1000:.1f} ms, "
                f"{statistics.median(got[kind + '-frames']):.0f} frame(s), "
                f"then {statistics.median(got[kind + '-between']) * 1000:.1f} ms to the frame, "
                f"frame {statistics.median(got[kind + '-draw']) * 1000:.1f} ms"
            )
        print(f"  {kind:<7} " + ";  ".join(parts))
    print(
        "a redraw of the unchanged screen between presses (on_draw -> swapped + glFinish), median: "
        + ", ".join(f"{mode} {statistics.median(results[mode]['redraw']) * 1000:.1f} ms" for mode in results)
    )
    print("  (the frame with the new picture costs what any frame of the same screen costs: the gap to the")
    print("  bound is the drawing of the rest of the step screen on this renderer, not the change itself)")
    print("the floor for any app that draws this step screen (sum of medians: the bound's input and own work,")
    print("then the kiosk's frame), against the bound's median:")
    for kind in ("switch", "key", "tap"):
        bare, kiosk = results["bare"], results["kiosk"]
        floor = sum(statistics.median(bare[kind + part]) for part in ("-read", "-between"))
        floor += statistics.median(kiosk[kind + "-draw"])
        bound = statistics.median(bare[kind])
        print(f"  {kind:<7} {floor * 1000:5.1f} ms, {floor / bound:.2f}x (the goal: 1.3x)")


if __name__ == "__main__":
    main()
