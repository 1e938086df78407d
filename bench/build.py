"""Benchmark: how long a coach waits for `kiosk pack new` and `kiosk pack build` on a real-sized pack.

    .venv/bin/python bench/build.py [--steps 40] [--languages en]

Makes (once, cached in bench/out/, which git ignores) STEPS phone-sized photos: 4000x3000 JPEGs
full of noise, so they compress like real photos (several MB each) rather than trivially. Then:
1. pack new   photos -> pack folder: decoding, turning and shrinking every photo;
2. pack build the first time: speech for every step and language, display copies, the check;
3. pack build again with nothing changed: must be at least 20 times faster than (2);
4. pack build after changing one step's sentence: only that one is spoken again.
It prints the figures and exits 1 if the incremental build misses its goal.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageChops, ImageDraw  # noqa: E402

from kiosk.authoring.build import build_pack  # noqa: E402
from kiosk.authoring.new import make_pack  # noqa: E402
from kiosk.authoring.packyaml import read_pack_document, render_pack_yaml, write_pack_yaml  # noqa: E402

OUT = ROOT / "bench" / "out"
PHOTO_SIZE = (4000, 3000)
GOAL = 20.0
SENTENCES = {
    "en": [
        "Take one bolt from the blue box.",
        "Put the washer on the bolt.",
        "Hold the bracket against the frame.",
        "Push the bolt through both holes.",
        "Turn the nut until it stops.",
        "Check that the bracket does not move.",
        "Put the finished part in the green box.",
        "Wipe the table with the cloth.",
    ],
    "de": [
        "Nimm eine Schraube aus der blauen Kiste.",
        "Leg die Unterlegscheibe auf die Schraube.",
        "Halte den Winkel an den Rahmen.",
        "Steck die Schraube durch beide Löcher.",
        "Dreh die Mutter, bis sie stoppt.",
        "Prüfe, dass der Winkel fest ist.",
        "Leg das fertige Teil in die grüne Kiste.",
        "Wisch den Tisch mit dem Tuch ab.",
    ],
    "zh": [
        "从蓝色盒子里拿一个螺栓。",
        "把垫圈放在螺栓上。",
        "把支架靠在框架上。",
        "把螺栓穿过两个孔。",
        "拧螺母直到拧不动。",
        "检查支架不动。",
        "把做好的零件放进绿色盒子。",
        "用布擦桌子。",
    ],
}


def sentence(language: str, number: int) -> str:
    options = SENTENCES.get(language, SENTENCES["en"])
    base = options[(number - 1) % len(options)]
    return base if number <= len(options) else f"{base[:-1]} ({number}){base[-1]}"


def make_photos(steps: int) -> Path:
    """STEPS distinct 12-megapixel JPEGs, made once and kept in bench/out/photos-STEPS."""
    folder = OUT / f"photos-{steps}"
    marker = folder / ".complete"
    if marker.is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(
        f"making {steps} photos of {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} (once; cached in {folder.relative_to(ROOT)}) ...",
        file=sys.stderr,
    )
    base = Image.linear_gradient("L").resize(PHOTO_SIZE)
    noise = [Image.effect_noise(PHOTO_SIZE, 30) for _ in range(3)]
    for number in range(1, steps + 1):
        shift = (number * 97, number * 61)
        channels = [Image.blend(base, ImageChops.offset(n, *shift), 0.55 + 0.1 * i) for i, n in enumerate(noise)]
        photo = Image.merge("RGB", channels)
        ImageDraw.Draw(photo).rectangle((200, 200, 200 + 40 * number, 900), fill=(200, 30, 30))
        photo.save(folder / f"{number:02d} {sentence('en', number)[:-1]}.jpg", "JPEG", quality=90)
    marker.write_text("ok\n")
    return folder


def speech_seconds(pack: Path) -> float:
    total = 0.0
    for path in (pack / "audio").rglob("*.wav"):
        with wave.open(str(path), "rb") as wav:
            total += wav.getnframes() / wav.getframerate()
    return total


def add_languages(pack: Path, languages: list[str]) -> None:
    """Give every step its sentence in the extra languages (as a coach translating would)."""
    document = read_pack_document(pack)
    for number, step in enumerate(document["steps"], start=1):
        for language in languages:
            step["text"].setdefault(language, sentence(language, number))
    write_pack_yaml(pack, render_pack_yaml(document))


class PhaseClock:
    """A build progress callback that notes when each kind of work starts, to split the time."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, str]] = []

    def __call__(self, number: int, total: int, what: str) -> None:
        self.marks.append((time.perf_counter(), what.split(" ")[0]))

    def speech_seconds(self, end: float) -> float:
        starts = [t for t, kind in self.marks if kind == "speech"]
        later = [t for t, kind in self.marks if kind != "speech" and starts and t > starts[0]]
        return ((later[0] if later else end) - starts[0]) if starts else 0.0


def timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--languages", default="en", help="comma-separated, e.g. en,de,zh (default: en)")
    args = parser.parse_args()
    languages = [part.strip() for part in args.languages.split(",") if part.strip()]
    photos = make_photos(args.steps)
    photo_mb = sum(p.stat().st_size for p in photos.glob("*.jpg")) / args.steps / 1e6

    pack = OUT / "pack"
    cache = OUT / "cache"
    shutil.rmtree(pack, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)

    new_time, _ = timed(lambda: make_pack(photos, pack, title="Bench pack", language=languages[0]))
    if languages[1:]:
        add_languages(pack, languages[1:])
    phases = PhaseClock()
    first_time, first = timed(lambda: build_pack(pack, cache_dir=cache, report=phases))
    speech_time = phases.speech_seconds(time.perf_counter())
    second_time, second = timed(lambda: build_pack(pack, cache_dir=cache))
    document = read_pack_document(pack)
    document["steps"][args.steps // 2]["text"][languages[0]] = "Now take a short break."
    write_pack_yaml(pack, render_pack_yaml(document))
    edit_time, edited = timed(lambda: build_pack(pack, cache_dir=cache))

    if first.pack is None or second.rendered or len(edited.rendered) != 1:
        print("benchmark run went wrong:", first.problems, second.rendered, edited.rendered, file=sys.stderr)
        return 1
    sounds = len(first.rendered)
    ratio = first_time / second_time
    print(
        f"Step Kiosk authoring benchmark: {args.steps} steps, {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} photos "
        f"({photo_mb:.1f} MB each), speech in {', '.join(languages)}"
    )
    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}"
    )
    print(f"pack new (image preparation):   {new_time:7.2f} s  = {new_time / args.steps * 1000:6.0f} ms per step")
    print(
        f"pack build, first:              {first_time:7.2f} s  = {first_time / args.steps * 1000:6.0f} ms per step"
        "  (speech, display copies, check)"
    )
    print(
        f"  of which speech:              {speech_time:7.2f} s  = {speech_time / args.steps * 1000:6.0f} ms per step"
        f"  ({sounds} sounds, {speech_seconds(pack):.0f} s of audio)"
    )
    print(f"pack build, nothing changed:    {second_time:7.2f} s  ({len(second.rendered)} sounds rendered)")
    print(f"pack build, one sentence edited:{edit_time:7.2f} s  ({len(edited.rendered)} sound rendered)")
    verdict = "OK" if ratio >= GOAL else "TOO SLOW"
    print(f"incremental build is {ratio:.0f}x faster than the first (goal: at least {GOAL:.0f}x): {verdict}")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
