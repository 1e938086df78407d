"""Benchmark: video steps (issue 16, item 5): how fast Next shows a video step, and memory.

    .venv/bin/python bench/video.py [--steps 100] [--clips 10] [--seconds 0.25]

Starts its own Xvfb when there is no DISPLAY. In one run it:

1. encodes a pack of ``--clips`` steps filmed without a photo (1280x720 H.264, the kiosk's largest
   size, ``--seconds`` long; kept in the temp folder between runs) and loads it with the real
   ``kiosk.packs`` library, which probes the clips and makes their posters once;
2. runs the real kiosk app in-process (1280x800 window, frame cap off as in
   ``bench/step_latency.py``) and plays ``--steps`` video steps in a row, pressing Next (the
   space key, inside the loop like a real key) once the clip has played and holds its last frame;
   for each step it times Next -> the flip of the first frame that shows the step's poster, and
   Next -> the flip of the first frame that shows a frame of its video; after each step it reads
   the resident memory (VmRSS in /proc/self/status);
3. does the same with the naive approach in the same app: the clip opened only when the step is
   shown (no clip fetched ahead) and no poster (the picture under the video is hidden), so the
   first thing on screen is the first video frame.

Goals: poster <= 20 ms median (as a picture step), first video frame <= 150 ms median, and no
memory growth after the first ten steps.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WINDOW = (1280, 800)
CLIP_SIZE = (1280, 720)
FPS = 24


def generate_pack(folder: Path, clips: int, seconds: float) -> Path:
    """``clips`` steps filmed without a photo ("01 Do step 1.mp4"), each a real H.264 clip whose
    frames differ from every other clip's (so each step has its own poster)."""
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
        with av.open(str(pack / f"{number:02d} Do step {number}.mp4"), mode="w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=FPS)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"preset": "ultrafast"}
            for index in range(max(1, round(seconds * FPS))):
                image = Image.new("RGB", CLIP_SIZE, ((number * 23) % 256, 120, (255 - index * 9) % 256))
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


def play_steps(pack_folder: Path, data: Path, steps: int) -> dict[str, dict[str, list[float]]]:
    """Per approach ("kiosk", "naive"): poster and first-frame latencies (s) and RSS (MB) per step."""
    from kiosk.ui import bootstrap

    bootstrap.configure(fullscreen=False, size=WINDOW, maxfps=0)
    from kivy.base import EventLoop, runTouchApp, stopTouchApp
    from kivy.clock import Clock
    from kivy.core.window import Window
    from step_latency import _SilentSpeech

    from kiosk.paths import DataDir
    from kiosk.ui.app import KioskApp

    app = KioskApp([pack_folder], DataDir(data), speech_factory=lambda: _SilentSpeech())
    app._run_prepare()  # noqa: SLF001 - as the UI tests start the app in-process
    runTouchApp(embedded=True)

    def pump_until(done: Callable[[], bool], limit: float = 30.0) -> bool:
        end = time.perf_counter() + limit
        while not done() and time.perf_counter() < end:
            EventLoop.idle()
        return done()

    assert pump_until(lambda: bool(app.shelf.packs) and not app.shelf.scanning, 120.0), "the pack did not load"
    pack = app.shelf.packs[0]
    app.guard.seconds = 0.0  # the benchmark presses faster than any worker
    app.settings = app.settings.with_values({"autoplay": False})
    from kiosk.support import full_support

    app._support_for = full_support  # noqa: SLF001 - video is the fullest support: keep it on for every run

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

    def start_run() -> Any:
        app.start_task(pack)
        pump_until(lambda: not app.sm.transition.is_active and app.sm.current == "step")
        return app.sm.get_screen("step")

    results: dict[str, dict[str, list[float]]] = {}
    for approach in ("kiosk", "naive"):
        screen = start_run()
        video, picture = screen.ids.video, screen.ids.picture
        if approach == "naive":
            video.prefetch = lambda _path: None  # the clip is opened only when its step is shown
            picture.opacity = 0  # and there is no poster
        posters: list[float] = []
        frames: list[float] = []
        memory: list[float] = []
        for _step in range(steps):
            # The worker watches the clip to its end (it then holds its last frame).
            pump_until(lambda video=video: video.showing and not video.playing and not app.step_pictures.busy)
            if screen.session.is_last:
                app.abandon_task()
                screen = start_run()
                pump_until(lambda video=video: video.showing and not video.playing and not app.step_pictures.busy)
            session = screen.session
            following = session.pack.steps[session.number]  # the next step (numbers are 1-based)
            state.clear()
            state.update(
                screen=screen,
                before=picture.texture,
                poster_path=str(session.pack.display_image(following)),
                clip=str(session.pack.video_file(following)),
            )

            def press(_dt: float) -> None:
                state["pressed"] = time.perf_counter()
                if not Window.dispatch("on_key_down", 32, 0, " ", []):
                    Window.dispatch("on_keyboard", 32, 0, " ", [])
                Window.dispatch("on_key_up", 32, 0)

            Clock.schedule_once(press, 0)
            wanted = ("frame",) if approach == "naive" else ("poster", "frame")
            assert pump_until(lambda wanted=wanted: all(key in state for key in wanted), 10.0), (
                f"{approach}: nothing shown ({sorted(state)})"
            )
            posters.append(state["frame"] if approach == "naive" else state["poster"])
            frames.append(state["frame"])
            pump_until(lambda video=video: not video.playing)
            memory.append(rss_mb())
        state.clear()
        if approach == "naive":
            del video.prefetch
            picture.opacity = 1
        app.abandon_task()
        results[approach] = {"poster": posters, "frame": frames, "rss": memory}

    app.dispatch("on_stop")
    for child in list(Window.children):
        Window.remove_widget(child)
    stopTouchApp()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="video steps played in a row, per approach")
    parser.add_argument("--clips", type=int, default=10, help="steps in the pack")
    parser.add_argument("--seconds", type=float, default=0.25, help="length of each clip")
    args = parser.parse_args()
    from step_latency import ensure_display

    xvfb = ensure_display()
    work = Path(tempfile.gettempdir()) / "step-kiosk-bench-video"
    work.mkdir(exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(work / "kivy-home"))
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    try:
        began = time.perf_counter()
        pack = generate_pack(work / "packs", args.clips, args.seconds)
        size = sum(p.stat().st_size for p in pack.glob("*.mp4")) / 1e6
        print(
            f"pack: {args.clips} clips {CLIP_SIZE[0]}x{CLIP_SIZE[1]} H.264 {args.seconds:g} s at {FPS} fps "
            f"({size:.1f} MB; ready in {time.perf_counter() - began:.1f} s)"
        )
        data = work / "data"
        shutil.rmtree(data, ignore_errors=True)
        began = time.perf_counter()
        results = play_steps(pack.parent, data, args.steps)
        print(f"played {args.steps} video steps per approach in {time.perf_counter() - began:.1f} s")
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
        for name, result in (("kiosk", kiosk), ("naive", naive)):
            rss = result["rss"]
            tenth = rss[min(9, len(rss) - 1)]
            print(
                f"RSS {name}: after step 1 {rss[0]:.0f} MB, step 10 {tenth:.0f} MB, step {len(rss)} {rss[-1]:.0f} MB "
                f"(growth after the first ten: {rss[-1] - tenth:+.1f} MB; peak {max(rss):.0f} MB)"
            )
    finally:
        if xvfb is not None:
            xvfb.terminate()


if __name__ == "__main__":
    main()
