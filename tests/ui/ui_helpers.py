"""Helpers for the UI tests: small real step packs, a stand-in speech worker, journal reads.

The packs are written in the pack format (pack.yaml + photos) and loaded by the real
``kiosk.packs`` loader. Their pictures are generated with Pillow: a soft background, a few shapes
and the step number, so screenshots show which step is on screen.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
COLOURS = [(96, 140, 180), (120, 160, 110), (190, 150, 90), (150, 120, 170), (90, 150, 150), (170, 110, 110)]


def photo(path: Path, number: int, size: tuple[int, int] = (1200, 900)) -> Path:
    base = COLOURS[number % len(COLOURS)]
    image = Image.new("RGB", size, tuple(min(255, c + 70) for c in base))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((0, h * 0.7, w, h), fill=tuple(max(0, c - 20) for c in base))
    draw.ellipse((w * 0.1, h * 0.15, w * 0.45, h * 0.62), fill=base, outline=(40, 40, 40), width=6)
    draw.rounded_rectangle(
        (w * 0.55, h * 0.25, w * 0.9, h * 0.65), radius=30, fill=(245, 240, 230), outline=(40, 40, 40), width=6
    )
    try:
        font = ImageFont.truetype(FONT, int(h * 0.3))
    except OSError:
        font = ImageFont.load_default()
    draw.text((w * 0.72, h * 0.45), str(number), fill=(30, 34, 56), font=font, anchor="mm")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=88)
    return path


def tone(path: Path, seconds: float = 0.3, frequency: float = 440.0) -> Path:
    rate = 22050
    frames = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * frequency * i / rate))) for i in range(int(rate * seconds))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def _yaml_text(value: dict[str, str] | str) -> str:
    if isinstance(value, str):
        return _q(value)
    return "{" + ", ".join(f"{k}: {_q(v)}" for k, v in value.items()) + "}"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_pack(
    folder: Path, pack_id: str, title: dict[str, str], steps: list[dict], language: str = "en", version: int = 1
) -> Path:
    """Write a pack folder. Each step: {text: str|dict, timer?, count?, audio?: True}."""
    root = folder / pack_id
    root.mkdir(parents=True, exist_ok=True)
    lines = [
        "format: 1",
        f"id: {pack_id}",
        f"title: {_yaml_text(title)}",
        f"language: {language}",
        "kind: assembly",
        f"version: {version}",
        "steps:",
    ]
    for number, step in enumerate(steps, start=1):
        image = f"{number:02d}.jpg"
        photo(root / image, number)
        lines.append(f"  - image: {image}")
        lines.append(f"    text: {_yaml_text(step['text'])}")
        if step.get("audio"):
            audio = f"{number:02d}.wav"
            tone(root / audio)
            lines.append(f"    audio: {audio}")
        for key in ("timer", "count"):
            if step.get(key):
                lines.append(f"    {key}: {step[key]}")
    (root / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def standard_library(folder: Path) -> Path:
    """Two packs: a 4-step assembly (with a timer and a tally step) and a 2-step routine."""
    make_pack(
        folder,
        "sort-screws",
        {"en": "Sort the screws", "de": "Schrauben sortieren", "zh": "分类螺丝"},
        [
            {
                "text": {"en": "Take the box of screws.", "de": "Nehmen Sie die Schraubenkiste.", "zh": "拿起螺丝盒。"},
                "audio": True,
            },
            {
                "text": {
                    "en": "Put 5 long screws in the tray.",
                    "de": "Legen Sie 5 lange Schrauben in die Schale.",
                    "zh": "把五个长螺丝放进盘子。",
                },
                "count": 5,
            },
            {
                "text": {
                    "en": "Wait until the glue is dry.",
                    "de": "Warten Sie, bis der Kleber trocken ist.",
                    "zh": "等胶水干。",
                },
                "timer": 20,
            },
            {"text": {"en": "Close the box.", "de": "Schließen Sie die Kiste.", "zh": "盖上盒子。"}},
        ],
    )
    make_pack(
        folder,
        "wash-hands",
        {"en": "Wash your hands", "de": "Hände waschen", "zh": "洗手"},
        [
            {"text": {"en": "Wet your hands.", "de": "Machen Sie die Hände nass.", "zh": "把手弄湿。"}},
            {"text": {"en": "Dry your hands.", "de": "Trocknen Sie die Hände ab.", "zh": "把手擦干。"}},
        ],
    )
    return folder


class FakeSpeech:
    """Stands in for kiosk.speech.SpeechWorker: records what would be spoken, renders tones."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.spoken: list[tuple[str, str]] = []
        self.rendered: list[tuple[str, str]] = []

    def speak(self, text: str, language: str, rate: Any = None, *, on_error: Any = None) -> None:
        if self.fail:
            raise RuntimeError("speech engine is broken (test)")
        self.spoken.append((text, language))

    def render(self, text: str, language: str, out_wav: Path, rate: Any = None) -> Path:
        if self.fail:
            raise RuntimeError("speech engine is broken (test)")
        self.rendered.append((text, language))
        return tone(Path(out_wav), seconds=0.2)


def events_of(app: Any, run_id: int | None = None) -> tuple[Any, list[tuple[int, str]]]:
    """The last run (or run ``run_id``) and its (step, event) pairs, read from the journal file."""
    from kiosk.journal import Journal

    waiting = getattr(app, "after_frame", None)
    if waiting is not None:  # writes wait for the next frame (kiosk.ui.frames); a test reads at once
        waiting.run_now()
    with Journal.open(app.data.journal) as journal:
        run = journal.runs()[-1] if run_id is None else journal.run(run_id)
        return run, [(e.step_number, e.event) for e in journal.events(run.id)]


def answer_help(ui: Any, app: Any) -> None:
    """A coach ends a help call: hold the "Coach: hold here" area for three seconds."""
    box = app.overlay.coach_box
    ui.hold(*box.to_window(*box.center), seconds=3.2)
