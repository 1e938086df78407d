"""Benchmark: how fast the step screen answers Next, and how fast the kiosk starts.

    .venv/bin/python bench/step_latency.py [--transitions 36] [--starts 5]

Starts its own Xvfb when there is no DISPLAY. In one run it:

1. generates a pack of 10 phone-sized photos (4000x3000 JPEG, noise and shapes so they do not
   compress trivially; kept in the temp folder between runs) and loads it with the real
   ``kiosk.packs`` library, which prepares the display copies once;
2. measures the naive approach: decoding one source photo with Pillow (median over the photos);
3. runs the real kiosk app in-process (1280x800 window) and measures, over ~30 transitions, the
   time from the Next key event to the flip of the frame that shows the next picture (a canvas
   ``Callback`` after the picture's texture checks which texture was drawn, then ``on_flip``).
   The frame cap is off (``maxfps = 0``) so the figure is the kiosk's own work, not the wait for
   the next 60 Hz tick (a real touch is read right after that wait, in the same loop iteration);
4. cold starts, as subprocesses, alternating: a bare Kivy window (an App with one Label) and the
   kiosk (``KioskApp`` as ``kiosk run --windowed`` builds it), each timed from process start to
   the first frame of the first screen (for the kiosk: the first worker screen, interactive), and
   for the kiosk also to the frame that shows the pack tiles.

Goals: median Next latency <= 20 ms and >= 10x faster than the naive decode; kiosk cold start
<= 1.5x the bare Kivy window.
"""

from __future__ import annotations

import argparse
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


# -- naive decode ------------------------------------------------------------------------------


def naive_decode_seconds(photos: list[Path]) -> list[float]:
    """Pillow decoding each full-size source photo: what a kiosk without prepared copies does."""
    from PIL import Image

    times = []
    for photo in photos:
        start = time.perf_counter()
        with Image.open(photo) as image:
            image.load()
        times.append(time.perf_counter() - start)
    return times


# -- Next latency, in-process ------------------------------------------------------------------


def next_latencies(pack_folder: Path, data: Path, transitions: int) -> tuple[list[float], list[float]]:
    """(Next -> frame latencies, on-demand decode+upload of prepared copies) in seconds."""
    from kiosk.ui import bootstrap

    bootstrap.configure(fullscreen=False, size=WINDOW, maxfps=0)
    from kivy.base import EventLoop, runTouchApp, stopTouchApp
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.graphics import Callback

    from kiosk.paths import DataDir
    from kiosk.ui.app import KioskApp
    from kiosk.ui.pictures import decode, upload

    app = KioskApp([pack_folder], DataDir(data), speech_factory=lambda: _SilentSpeech())
    app._run_prepare()
    runTouchApp(embedded=True)

    def pump_until(done, limit: float = 30.0) -> None:
        end = time.perf_counter() + limit
        while not done() and time.perf_counter() < end:
            EventLoop.idle()

    pump_until(lambda: app.shelf.loaded)
    pack = app.shelf.packs[0]
    app.guard.seconds = 0.0  # the benchmark presses faster than any worker
    app.settings = app.settings.with_values({"autoplay": False})

    seen: dict[str, object] = {}
    flips: list[float] = []
    Window.bind(on_flip=lambda *_: flips.append(time.perf_counter()))

    def start_run() -> object:
        app.start_task(pack)
        pump_until(lambda: not app.sm.transition.is_active and app.sm.current == "step")
        screen = app.sm.get_screen("step")
        if "hooked" not in seen:
            picture = screen.ids.picture
            picture.canvas.after.add(
                Callback(lambda _instr: seen.update(drawn=picture.texture, at=time.perf_counter()))
            )
            seen["hooked"] = True
        return screen

    latencies: list[float] = []
    handling: list[float] = []
    screen = start_run()
    while len(latencies) < transitions:
        if screen.session.is_last:
            app.abandon_task()
            screen = start_run()
        # A worker looks at a step for a while: let the background preloading finish.
        settle_until = time.perf_counter() + 0.05
        pump_until(lambda: not app.step_pictures.busy and time.perf_counter() > settle_until)
        before = screen.ids.picture.texture
        pressed: dict[str, float] = {}

        def press(_dt: float) -> None:
            # Inside the loop, where SDL delivers a real key (WindowSDL reads its events in a
            # Clock callback): work deferred "to the next frame" then really runs after this one.
            pressed["at"] = time.perf_counter()
            if not Window.dispatch("on_key_down", 32, 0, " ", []):
                Window.dispatch("on_keyboard", 32, 0, " ", [])
            Window.dispatch("on_key_up", 32, 0)
            pressed["handled"] = time.perf_counter()

        Clock.schedule_once(press, 0)
        pump_until(
            lambda: (
                "at" in pressed
                and seen.get("drawn") is not before
                and seen.get("drawn") is screen.ids.picture.texture
                and seen.get("at", 0) > pressed["at"]
                and flips[-1] > seen["at"]
            )
        )
        latencies.append(flips[-1] - pressed["at"])
        handling.append(pressed["handled"] - pressed["at"])

    on_demand = []
    for step in pack.steps:
        begin = time.perf_counter()
        upload(decode(pack.display_image(step)))
        on_demand.append(time.perf_counter() - begin)

    app.abandon_task()  # else the next start would resume this run instead of showing the tasks
    app.dispatch("on_stop")
    for child in list(Window.children):
        Window.remove_widget(child)
    stopTouchApp()
    print(f"  (of which the Next handler itself, median: {median_ms(handling):.1f} ms; the rest is layout and drawing)")
    return latencies, on_demand


class _SilentSpeech:
    def speak(self, *_a, **_k) -> None:
        pass

    def render(self, text, language, out_wav, rate=None):
        raise RuntimeError("no speech in the benchmark")


# -- cold starts, subprocesses -----------------------------------------------------------------

BARE_KIVY = textwrap.dedent("""
    import os, sys, time
    os.environ["KIVY_NO_ARGS"] = "1"
    from kivy.config import Config
    Config.set("graphics", "width", "{w}"); Config.set("graphics", "height", "{h}")
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.label import Label

    class Bare(App):
        def build(self):
            return Label(text="Hello")
        def on_start(self):
            Window.bind(on_flip=self.first_frame)
        def first_frame(self, *_):
            Window.unbind(on_flip=self.first_frame)
            print("FIRST_FRAME", time.time(), flush=True)
            Clock.schedule_once(lambda dt: self.stop(), 0)

    Bare().run()
""")

KIOSK = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from kiosk.ui import bootstrap
    bootstrap.configure(fullscreen=False, size=({w}, {h}))
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kiosk.paths import DataDir
    from kiosk.ui.app import KioskApp

    app = KioskApp([{packs!r}], DataDir({data!r}))
    state = {{}}

    def flipped(*_):
        screen = app.sm.current_screen
        if "first" not in state and app.sm.current in ("people", "tasks") and not app.sm.transition.is_active:
            state["first"] = time.time()
            print("FIRST_FRAME", state["first"], flush=True)
        tiles = getattr(screen, "tiles", lambda: [])()
        if "first" in state and tiles and all(t.texture is not None for t in tiles):
            print("TILES_FRAME", time.time(), flush=True)
            Window.unbind(on_flip=flipped)
            Clock.schedule_once(lambda dt: app.stop(), 0)

    Window.bind(on_flip=flipped)
    app.run()
""")


def cold_start(script: Path) -> dict[str, float]:
    """Seconds from process start to each marker the child prints."""
    env = dict(os.environ, KIVY_NO_FILELOG="1", SDL_AUDIODRIVER="dummy")
    start = time.time()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    marks = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].endswith("_FRAME"):
            marks[parts[0]] = float(parts[1]) - start
    if "FIRST_FRAME" not in marks:
        raise RuntimeError(f"child did not reach its first frame:\n{done.stdout}\n{done.stderr[-3000:]}")
    return marks


# -- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transitions", type=int, default=36)
    parser.add_argument("--starts", type=int, default=5, help="cold starts of each kind")
    args = parser.parse_args()
    xvfb = ensure_display()
    work = Path(tempfile.gettempdir()) / "step-kiosk-bench-latency"
    work.mkdir(exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(work / "kivy-home"))
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    try:
        began = time.perf_counter()
        packs = work / "packs"
        pack = generate_pack(packs)
        print(
            f"pack: {PHOTOS} photos {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} in {pack} "
            f"({sum(p.stat().st_size for p in pack.glob('*.jpg')) / 1e6:.0f} MB; ready in {time.perf_counter() - began:.1f} s)"
        )
        data = work / "data"
        shutil.rmtree(data, ignore_errors=True)
        from kiosk.paths import DataDir
        from kiosk.packs import Library

        cache = DataDir(data).ensure().cache
        began = time.perf_counter()
        result = Library([packs], cache).scan()
        assert result.packs, result.reports
        print(
            f"first scan (prepares display copies once, in the background on a kiosk): {time.perf_counter() - began:.2f} s"
        )

        photos = sorted(pack.glob("*.jpg"))
        naive = naive_decode_seconds(photos)
        latencies, on_demand = next_latencies(packs, data, args.transitions)

        bare, kiosk = [], []
        kiosk_script = work / "start_kiosk.py"
        kiosk_script.write_text(
            KIOSK.format(root=str(ROOT), w=WINDOW[0], h=WINDOW[1], packs=str(packs), data=str(data))
        )
        bare_script = work / "start_bare_kivy.py"
        bare_script.write_text(BARE_KIVY.format(w=WINDOW[0], h=WINDOW[1]))
        for _ in range(args.starts):
            bare.append(cold_start(bare_script)["FIRST_FRAME"])
            kiosk.append(cold_start(kiosk_script))
    finally:
        if xvfb is not None:
            xvfb.terminate()

    next_ms = median_ms(latencies)
    naive_ms = median_ms(naive)
    sorted_ms = sorted(v * 1000 for v in latencies)
    p90 = sorted_ms[int(0.9 * (len(sorted_ms) - 1))]
    bare_s = statistics.median(bare)
    first_s = statistics.median(k["FIRST_FRAME"] for k in kiosk)
    tiles_s = statistics.median(k.get("TILES_FRAME", float("nan")) for k in kiosk)
    print()
    print(
        f"naive: Pillow decode of one {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} source photo, median of {len(naive)}: {naive_ms:.1f} ms"
    )
    print(f"prepared copy decoded + uploaded on demand (no preloading), median: {median_ms(on_demand):.1f} ms")
    print(
        f"Next -> frame showing the next picture, {len(latencies)} transitions: median {next_ms:.1f} ms, "
        f"p90 {p90:.1f} ms, max {sorted_ms[-1]:.1f} ms"
    )
    print(
        f"  ratio naive decode / Next latency: {naive_ms / next_ms:.1f}x   (goal >= 10x; median goal <= 20 ms: "
        f"{'met' if next_ms <= 20 else 'NOT met'})"
    )
    print(
        f"cold start, median of {args.starts}: bare Kivy window {bare_s:.2f} s; kiosk first interactive screen "
        f"{first_s:.2f} s; kiosk with pack tiles {tiles_s:.2f} s"
    )
    print(
        f"  ratio kiosk / bare: {first_s / bare_s:.2f}x first screen (goal <= 1.5x), {tiles_s / bare_s:.2f}x with tiles"
    )


if __name__ == "__main__":
    main()
