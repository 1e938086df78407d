"""Benchmark: the kiosk's resident memory while a worker steps through many distinct photos,
against a bare Kivy app showing the same pictures in the same window.

    .venv/bin/python bench/memory.py [--steps 1000] [--passes 2] [--every 25] [--cold]

Starts its own Xvfb when there is no DISPLAY. The pack: STEPS distinct 12-megapixel JPEGs
(4000x3000, made once by ``bench/build.py``'s generator and kept in bench/out) as one pack of
numbered photos. By default its display copies are prepared first (a kiosk that has had the pack
for a while); ``--cold`` leaves the cache empty, so the kiosk shows the originals (decoded at
display size) while it makes the copies in the background, as for a pack just copied in.

Two child processes, one after the other, 1280x800 window:
- the kiosk (``KioskApp`` as ``kiosk run`` builds it, its own settings: autoplay on, the real
  speech engine, the frame cap) steps through the pack PASSES times with Space, waiting after each
  press until the new picture has been drawn and the next one prepared, as a worker would;
- the bound: a bare Kivy app with one ``Image`` widget that shows the same display copies (or
  the originals with ``--cold``, decoded at the same size) one after the other, each loaded as a
  new texture (``CoreImage(..., nocache=True)``), the previous one dropped.

Every EVERY steps each child reports its resident set size (``/proc/self/statm``). Printed: both
curves, the peaks, the ratio of the peaks (goal <= 1.5x), and the growth from the end of the first
pass to the end of the last (goal: flat, a few MB at most).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from step_latency import ensure_display  # noqa: E402

WINDOW = (1280, 800)

RSS = textwrap.dedent("""
    import os
    def rss_mib():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
""")

KIOSK = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from kiosk.ui import bootstrap
    bootstrap.configure(fullscreen=False, size=({w}, {h}))
    from kivy.base import EventLoop, runTouchApp, stopTouchApp
    from kivy.core.window import Window
    from kiosk.paths import DataDir
    from kiosk.ui.app import KioskApp
    {rss}
    app = KioskApp([{packs!r}], DataDir({data!r}))
    app._run_prepare()
    runTouchApp(embedded=True)

    def pump_until(done, limit=60.0):
        end = time.monotonic() + limit
        while not done() and time.monotonic() < end:
            EventLoop.idle()

    pump_until(lambda: app.shelf.loaded and app.sm.current == "tasks" and not app.sm.transition.is_active)
    pack = app.shelf.packs[0]
    print("RSS", 0, rss_mib(), flush=True)
    shown = 0
    for _ in range({passes}):
        print("LOG", "before the task starts:", round(rss_mib()), "MiB", flush=True)
        app.start_task(pack)
        pump_until(lambda: app.sm.current == "step" and not app.sm.transition.is_active)
        print("LOG", "on its first step:", round(rss_mib()), "MiB", flush=True)
        screen = app.sm.get_screen("step")
        while True:
            pump_until(lambda: not app.step_pictures.busy)
            for _ in range(3):
                EventLoop.idle()
            shown += 1
            if shown % {every} == 0:
                print("RSS", shown, rss_mib(), flush=True)
            if screen.session.is_last:
                break
            before = screen.session.number
            app.guard.seconds = 0.0
            if not Window.dispatch("on_key_down", 32, 0, " ", []):
                Window.dispatch("on_keyboard", 32, 0, " ", [])
            Window.dispatch("on_key_up", 32, 0)
            pump_until(lambda: screen.session.number != before)
        app.abandon_task()
        pump_until(lambda: app.sm.current == "tasks" and not app.sm.transition.is_active)
    print("RSS", shown, rss_mib(), flush=True)
    print("LOG", "played kept:", len(app.audio.played), flush=True)
    app.dispatch("on_stop")
    stopTouchApp()
""")

BARE = textwrap.dedent("""
    import os, sys, time
    os.environ["KIVY_NO_ARGS"] = "1"
    from kivy.config import Config
    Config.set("graphics", "width", "{w}"); Config.set("graphics", "height", "{h}")
    from kivy.base import EventLoop, runTouchApp, stopTouchApp
    from kivy.core.image import Image as CoreImage
    from kivy.uix.image import Image
    {rss}
    pictures = {pictures!r}
    widget = Image(fit_mode="contain")
    runTouchApp(widget, embedded=True)
    for _ in range(3):
        EventLoop.idle()
    print("RSS", 0, rss_mib(), flush=True)
    shown = 0
    for _ in range({passes}):
        for path in pictures:
            widget.texture = CoreImage(path, nocache=True).texture
            for _ in range(3):
                EventLoop.idle()
            shown += 1
            if shown % {every} == 0:
                print("RSS", shown, rss_mib(), flush=True)
    print("RSS", shown, rss_mib(), flush=True)
    stopTouchApp()
""")


def run_child(script: Path) -> list[tuple[int, float]]:
    env = dict(os.environ, KIVY_NO_FILELOG="1", KIVY_NO_ARGS="1", SDL_AUDIODRIVER="dummy")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=3600)
    curve = []
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["RSS"]:
            curve.append((int(parts[1]), float(parts[2])))
        elif parts[:1] == ["LOG"]:
            print("  kiosk:", " ".join(parts[1:]))
    if len(curve) < 2:
        raise RuntimeError(f"child failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return curve


def bare_pictures(pack, cold: bool, work: Path) -> list[str]:
    """The pictures the bound shows: the kiosk's display copies, or (cold) the originals decoded
    at display size by Pillow, as the kiosk does, and saved as PNG for Kivy to load."""
    if not cold:
        return [str(pack.display_image(step)) for step in pack.steps]
    from PIL import Image

    from kiosk.packs.images import DISPLAY_BOX

    out = work / "bare-cold"
    out.mkdir()
    paths = []
    for step in pack.steps:
        with Image.open(pack.file(step.image)) as picture:
            picture.draft("RGB", DISPLAY_BOX)
            picture.thumbnail(DISPLAY_BOX)
            target = out / f"{step.number:04d}.bmp"
            picture.save(target)
        paths.append(str(target))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--cold", action="store_true", help="nothing prepared: the kiosk shows the originals")
    args = parser.parse_args()
    xvfb = ensure_display()
    from build import make_photos

    from kiosk.packs import Library
    from kiosk.paths import DataDir

    photos = make_photos(args.steps)
    work = Path(tempfile.mkdtemp(prefix="step-kiosk-bench-memory-"))
    os.environ.setdefault("KIVY_HOME", str(work / "kivy-home"))
    try:
        packs = work / "packs"
        packs.mkdir()
        os.symlink(photos, packs / "photos")  # the pack is the photo folder itself (no copy of GBs)
        data = DataDir(work / "data").ensure()
        began = time.perf_counter()
        from kiosk.packs.images import Copies

        library = Library([packs], data.cache, copies=Copies.LATER if args.cold else Copies.NOW)
        (pack,) = library.scan().packs
        print(
            f"pack: {len(pack.steps)} distinct photos 4000x3000; "
            f"{'nothing prepared (--cold)' if args.cold else 'display copies prepared first'} "
            f"({time.perf_counter() - began:.0f} s); {args.passes} passes; window {WINDOW[0]}x{WINDOW[1]}"
        )
        kiosk_script = work / "kiosk.py"
        kiosk_script.write_text(
            KIOSK.format(
                root=str(ROOT),
                w=WINDOW[0],
                h=WINDOW[1],
                packs=str(packs),
                data=str(data.root),
                passes=args.passes,
                every=args.every,
                rss=RSS,
            )
        )
        bare_script = work / "bare.py"
        bare_script.write_text(
            BARE.format(
                w=WINDOW[0],
                h=WINDOW[1],
                pictures=bare_pictures(pack, args.cold, work),
                passes=args.passes,
                every=args.every,
                rss=RSS,
            )
        )
        if args.cold:  # the kiosk must find the cache as empty as the scan above left it
            shutil.rmtree(data.cache / "images", ignore_errors=True)
        bare = run_child(bare_script)
        kiosk = run_child(kiosk_script)
    finally:
        if xvfb is not None:
            xvfb.terminate()
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print()
    print(f"{'step':>6} {'kiosk MiB':>10} {'bare MiB':>9}")
    bare_at = dict(bare)
    for shown, mib in kiosk:
        other = bare_at.get(shown)
        print(f"{shown:>6} {mib:>10.0f} {other if other is None else round(other):>9}")
    kiosk_peak = max(m for _, m in kiosk)
    bare_peak = max(m for _, m in bare)
    first_pass = len(pack.steps)

    def at_or_before(curve, shown):
        return max((m for s, m in curve if s <= shown and s > 0), default=curve[-1][1])

    growth = kiosk[-1][1] - at_or_before(kiosk, first_pass)
    bare_growth = bare[-1][1] - at_or_before(bare, first_pass)
    print()
    print(
        f"peak: kiosk {kiosk_peak:.0f} MiB, bare Kivy {bare_peak:.0f} MiB; ratio {kiosk_peak / bare_peak:.2f}x [goal <= 1.5x]"
    )
    print(
        f"growth from the end of pass 1 to the end: kiosk {growth:+.0f} MiB, bare {bare_growth:+.0f} MiB [goal: flat]"
    )


if __name__ == "__main__":
    main()
