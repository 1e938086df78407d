"""Benchmark: video steps (issue 16, item 5): how fast Next shows a video step, and memory.

    .venv/bin/python bench/video.py [--steps 100] [--seconds 0.25]

Starts its own Xvfb when there is no DISPLAY. In one run it:

1. encodes a pack of ``--steps`` steps filmed without a photo, every clip different (1280x720
   H.264, the kiosk's largest size, ``--seconds`` long; kept in the temp folder between runs) and
   loads it with the real ``kiosk.packs`` library, which probes the clips and makes their posters;
2. runs the real kiosk app in-process (1280x800 window, frame cap off as in
   ``bench/step_latency.py``) and goes through the ``--steps`` video steps in a row, pressing Next
   (the space key, inside the loop like a real key) once the clip has played and holds its last
   frame; for each Next it times Next -> the flip of the first frame that shows the step's poster,
   and Next -> the flip of the first frame that shows a frame of its video; after each step it
   reads the resident memory (VmRSS in /proc/self/status);
3. does the same with the naive approach in the same app: the clip opened only when the step is
   shown (no clip fetched ahead) and no poster (the picture under the video is hidden), so the
   first thing on screen is the first video frame;
4. runs the memory baseline in a fresh process (``--baseline``): bare Kivy (a window, a poster
   ``Image``, a video ``Image``, a ``Label`` for the sentence) doing only the work a video step
   cannot do without, for the same steps in the same order: decode the step's poster (the file the
   kiosk shows) into one texture, decode every frame of its clip with PyAV on the main thread (no
   decoder threads, nothing fetched ahead) into one reused texture and draw it, and give freed
   memory back to the system (glibc ``malloc_trim``) after each step. Nothing of the kiosk is
   imported there, so it is a lower bound for the memory of any kiosk that shows video steps.

It prints the resident memory after every tenth step for the kiosk, the naive player and the
baseline, the kiosk's growth after the tenth step, and the kiosk/baseline ratio.

Goals: poster <= 20 ms median (as a picture step), first video frame <= 150 ms median; memory
flat after the first ten steps (growth < 10 % of the tenth step's) and at most 1.5x the baseline.
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
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
WINDOW = (1280, 800)
CLIP_SIZE = (1280, 720)
FPS = 24
EVERY = 10  # memory is printed after every tenth step


def generate_pack(folder: Path, clips: int, seconds: float) -> Path:
    """``clips`` steps filmed without a photo ("001 Do step 1.mp4"), each a real H.264 clip whose
    frames differ from every other clip's (so each step has its own poster and its own frames)."""
    from fractions import Fraction

    import av
    from PIL import Image, ImageDraw

    pack = folder / f"{clips}-clips-{seconds:g}-s" / "video-steps"
    marker = pack / ".complete"
    if marker.exists():
        return pack
    shutil.rmtree(pack, ignore_errors=True)
    pack.mkdir(parents=True)
    width, height = CLIP_SIZE
    for number in range(1, clips + 1):
        with av.open(str(pack / f"{number:03d} Do step {number}.mp4"), mode="w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=FPS)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"preset": "ultrafast"}
            for index in range(max(1, round(seconds * FPS))):
                image = Image.new("RGB", CLIP_SIZE, ((number * 23) % 256, (number * 57) % 256, (255 - index * 9) % 256))
                draw = ImageDraw.Draw(image)
                x = (index * 60 + number * 97) % (width - 300)
                draw.rectangle((x, 200, x + 300, 500), fill=(250, 220, 40))
                draw.text((40, 40), f"step {number}", fill=(0, 0, 0))
                frame = av.VideoFrame.from_image(image).reformat(format="yuv420p")
                frame.pts, frame.time_base = index, Fraction(1, FPS)
                out.mux(stream.encode(frame))
            out.mux(stream.encode(None))
    marker.write_text("ok")
    return pack


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else float("nan")


def play_steps(pack_folder: Path, data: Path) -> tuple[dict[str, dict[str, list[float]]], list[tuple[str, str, str]]]:
    """Per approach ("kiosk", "naive"): poster and first-frame latencies (s) per Next and RSS (MB)
    after each step; and the steps as (poster file, clip file, sentence) for the baseline."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from kiosk.ui import bootstrap

    bootstrap.configure(fullscreen=False, size=WINDOW, maxfps=0)
    from kivy.base import EventLoop, runTouchApp, stopTouchApp
    from kivy.clock import Clock
    from kivy.core.window import Window
    from step_latency import _SilentSpeech

    from kiosk.paths import DataDir
    from kiosk.support import full_support
    from kiosk.ui.app import KioskApp

    app = KioskApp([pack_folder], DataDir(data), speech_factory=lambda: _SilentSpeech())
    app._run_prepare()  # noqa: SLF001 - as the UI tests start the app in-process
    runTouchApp(embedded=True)

    def pump_until(done: Callable[[], bool], limit: float = 30.0) -> bool:
        end = time.perf_counter() + limit
        while not done() and time.perf_counter() < end:
            EventLoop.idle()
        return done()

    assert pump_until(lambda: bool(app.shelf.packs) and not app.shelf.scanning, 600.0), "the pack did not load"
    pack = app.shelf.packs[0]
    app.guard.seconds = 0.0  # the benchmark presses faster than any worker
    app.settings = app.settings.with_values({"autoplay": False})
    app._support_for = full_support  # noqa: SLF001 - video is the fullest support: keep it on for every run
    steps = [
        (str(pack.display_image(step)), str(pack.video_file(step)), step.text_for("en", "en")) for step in pack.steps
    ]

    state: dict[str, Any] = {}

    def flipped(*_args: Any) -> None:
        screen = state.get("screen")
        pressed = state.get("pressed")
        if screen is None or pressed is None:
            return
        now = time.perf_counter()
        picture, video = screen.ids.picture, screen.ids.video
        if "poster" not in state and picture.opacity > 0 and picture.texture is not state["before"]:
            if screen.picture_path == state["poster_path"] and picture.texture is not None:
                state["poster"] = now - pressed
        if "frame" not in state and video.showing and video.source_path == state["clip"]:
            state["frame"] = now - pressed

    Window.bind(on_flip=flipped)

    def press(_dt: float) -> None:
        state["pressed"] = time.perf_counter()
        if not Window.dispatch("on_key_down", 32, 0, " ", []):
            Window.dispatch("on_keyboard", 32, 0, " ", [])
        Window.dispatch("on_key_up", 32, 0)

    results: dict[str, dict[str, list[float]]] = {}
    for approach in ("kiosk", "naive"):
        app.start_task(pack)
        pump_until(lambda: not app.sm.transition.is_active and app.sm.current == "step")
        screen = app.sm.get_screen("step")
        video, picture = screen.ids.video, screen.ids.picture
        if approach == "naive":
            video.prefetch = lambda _path: None  # the clip is opened only when its step is shown
            picture.opacity = 0  # and there is no poster
        posters: list[float] = []
        frames: list[float] = []
        memory: list[float] = []
        for number in range(1, len(pack.steps) + 1):
            if number > 1:
                following = pack.steps[number - 1]
                state.clear()
                state.update(
                    screen=screen,
                    before=picture.texture,
                    poster_path=str(pack.display_image(following)),
                    clip=str(pack.video_file(following)),
                )
                Clock.schedule_once(press, 0)
                wanted = ("frame",) if approach == "naive" else ("poster", "frame")
                assert pump_until(lambda wanted=wanted: all(key in state for key in wanted), 10.0), (
                    f"{approach}: nothing shown ({sorted(state)})"
                )
                posters.append(state["frame"] if approach == "naive" else state["poster"])
                frames.append(state["frame"])
            # The worker watches the clip to its end (it then holds its last frame).
            pump_until(lambda video=video: video.showing and not video.playing and not app.step_pictures.busy)
            memory.append(rss_mb())
        state.clear()
        if approach == "naive":
            del video.prefetch
            picture.opacity = 1
        app.abandon_task()
        pump_until(lambda: not app.sm.transition.is_active)
        results[approach] = {"poster": posters, "frame": frames, "rss": memory}

    app.dispatch("on_stop")
    for child in list(Window.children):
        Window.remove_widget(child)
    stopTouchApp()
    return results, steps


# -- the memory baseline: bare Kivy, the work a video step cannot do without ----------------------


def baseline(steps_file: Path) -> None:
    """Run in a fresh process: print the resident memory (MB) after each step as JSON."""
    import ctypes
    import ctypes.util

    os.environ["KIVY_NO_ARGS"] = "1"
    from kivy.config import Config

    Config.set("graphics", "width", str(WINDOW[0]))
    Config.set("graphics", "height", str(WINDOW[1]))
    Config.set("graphics", "maxfps", "0")
    import av
    from kivy.base import EventLoop, runTouchApp, stopTouchApp
    from kivy.graphics.texture import Texture
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.floatlayout import FloatLayout
    from kivy.uix.image import Image
    from kivy.uix.label import Label
    from PIL import Image as Picture

    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    trim = getattr(libc, "malloc_trim", None)
    steps = json.loads(steps_file.read_text(encoding="utf-8"))
    root = BoxLayout(orientation="vertical")
    area = FloatLayout()
    poster, video = Image(fit_mode="contain"), Image(fit_mode="contain")
    area.add_widget(poster)
    area.add_widget(video)
    sentence = Label(font_size=40, size_hint_y=0.2, color=(0, 0, 0, 1))
    root.add_widget(area)
    root.add_widget(sentence)
    runTouchApp(root, embedded=True)
    textures: dict[str, Any] = {}

    def shown(widget: Any, kind: str, size: tuple[int, int], colorfmt: str, data: Any) -> None:
        texture = textures.get(kind)
        if texture is None or tuple(texture.size) != tuple(size):
            texture = textures[kind] = Texture.create(size=size, colorfmt=colorfmt)
            texture.flip_vertical()
        texture.blit_buffer(data, colorfmt=colorfmt)
        widget.texture = None
        widget.texture = texture
        EventLoop.idle()

    memory = []
    for poster_file, clip, text in steps:
        video.opacity = 0
        with Picture.open(poster_file) as picture:
            rgb = picture.convert("RGB")
        shown(poster, "poster", rgb.size, "rgb", rgb.tobytes())
        del rgb
        sentence.text = text
        with av.open(clip) as container:
            for frame in container.decode(container.streams.video[0]):
                rgb = frame.reformat(format="rgb24")
                plane = rgb.planes[0]
                assert plane.line_size == rgb.width * 3, "rows without padding (1280 pixels wide)"
                shown(video, "video", (rgb.width, rgb.height), "rgb", plane)  # no copy, like the kiosk
                del frame, rgb, plane
                video.opacity = 1
        if trim is not None:
            trim(0)
        memory.append(rss_mb())
    stopTouchApp()
    print("BASELINE", json.dumps(memory), flush=True)


def run_baseline(steps: list[tuple[str, str, str]], work: Path) -> list[float]:
    steps_file = work / "baseline-steps.json"
    steps_file.write_text(json.dumps(steps), encoding="utf-8")
    env = dict(os.environ, KIVY_NO_FILELOG="1", KIVY_NO_CONSOLELOG="1", SDL_AUDIODRIVER="dummy")
    done = subprocess.run(
        [sys.executable, __file__, "--baseline", str(steps_file)], capture_output=True, text=True, env=env, timeout=900
    )
    for line in done.stdout.splitlines():
        if line.startswith("BASELINE "):
            return [float(value) for value in json.loads(line.split(" ", 1)[1])]
    raise RuntimeError(f"the baseline did not finish:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def curve(rss: list[float]) -> str:
    """The memory after step 1 and after every tenth step."""
    points = [0, *range(EVERY - 1, len(rss), EVERY)]
    return "  ".join(f"{index + 1}:{rss[index]:.0f}" for index in points)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="video steps in a row (each with its own clip)")
    parser.add_argument("--seconds", type=float, default=0.25, help="length of each clip")
    parser.add_argument("--baseline", type=Path, help=argparse.SUPPRESS)  # the baseline's own process
    args = parser.parse_args()
    if args.baseline is not None:
        baseline(args.baseline)
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from step_latency import ensure_display

    xvfb = ensure_display()
    work = Path(tempfile.gettempdir()) / "step-kiosk-bench-video"
    work.mkdir(exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(work / "kivy-home"))
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    try:
        began = time.perf_counter()
        pack = generate_pack(work / "packs", args.steps, args.seconds)
        size = sum(p.stat().st_size for p in pack.glob("*.mp4")) / 1e6
        print(
            f"pack: {args.steps} different clips {CLIP_SIZE[0]}x{CLIP_SIZE[1]} H.264 {args.seconds:g} s at {FPS} fps "
            f"({size:.1f} MB; ready in {time.perf_counter() - began:.1f} s)"
        )
        data = work / "data"
        shutil.rmtree(data, ignore_errors=True)
        began = time.perf_counter()
        results, steps = play_steps(pack.parent, data)
        print(f"played {args.steps} video steps per approach in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        bare = run_baseline(steps, work)
        print(f"baseline (bare Kivy, fresh process): {len(bare)} steps in {time.perf_counter() - began:.1f} s")
        kiosk, naive = results["kiosk"], results["naive"]
        print(
            f"Next -> poster on screen, median:      kiosk {median_ms(kiosk['poster']):6.1f} ms   "
            f"naive (no poster: its first video frame) {median_ms(naive['poster']):6.1f} ms   goal <= 20 ms"
        )
        print(
            f"Next -> first video frame, median:     kiosk {median_ms(kiosk['frame']):6.1f} ms   "
            f"naive {median_ms(naive['frame']):6.1f} ms   goal <= 150 ms"
        )
        print(
            f"Next -> first video frame, worst:      kiosk {max(kiosk['frame']) * 1000:6.1f} ms   "
            f"naive {max(naive['frame']) * 1000:6.1f} ms"
        )
        print("resident memory (MB) after step N:")
        for name, rss in (("kiosk", kiosk["rss"]), ("naive", naive["rss"]), ("baseline", bare)):
            print(f"  {name:9} {curve(rss)}")
        rss = kiosk["rss"]
        tenth = rss[min(EVERY - 1, len(rss) - 1)]
        growth = rss[-1] - tenth
        print(
            f"kiosk growth after step {EVERY}: {growth:+.1f} MB ({growth / tenth * 100:+.1f} %; peak {max(rss):.0f} MB)"
            f"   goal < 10 %"
        )
        checkpoints = range(EVERY - 1, min(len(rss), len(bare)), EVERY)
        ratios = [rss[index] / bare[index] for index in checkpoints] or [rss[-1] / bare[-1]]
        print(
            f"kiosk / baseline: {rss[-1] / bare[-1]:.2f}x after step {len(rss)} (worst of every tenth step "
            f"{max(ratios):.2f}x)   goal <= 1.5x"
        )
    finally:
        if xvfb is not None:
            xvfb.terminate()


if __name__ == "__main__":
    main()
