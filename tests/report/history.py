"""A kiosk with a known history, built through the real APIs (pack folders + Library, Journal).

Anna (the person the report is about) over the 8 weeks up to Wednesday 4 March 2026, 12:00 UTC
(window: Monday 12 January 2026 to now), worked out by hand:

    make-coffee (4 steps)   week 0  help on 2, 3      2/4 alone
                            week 1  help on 3         3/4
                            week 2  no help           4/4  \
                            week 3  no help           4/4   } 3 in a row: learned on 5 Feb 2026
                            week 3  no help           4/4  /
                            week 5  stopped after step 2 (abandoned)
        -> 5 finished, 1 stopped, 17/20 steps alone = 85 %; step 3: help in 2 of 6 attempts,
           step 2: 1 of 6
    sort-screws (3 steps, pack no longer on the kiosk)  week 4  no help  3/3
    fold-towels (5 steps)   week 6  help on 1, 4      3/5
                            week 7  help on 4         4/5    (week 7 = this week)
        -> 2 finished, 7/10 = 70 %; step 4: 2 of 2, step 1: 1 of 2

    Total: 8 tasks done, 27/33 steps alone = 81.8 % -> 82 %, 1 task learned.

Outside the window (must not be counted): fold-towels on 1 Dec 2025 (no help) and wash-hands
(learned in Nov 2025, pack gone). Zebulon Quux, the other person, has his own, very different
history, including a pack only he uses ("Polish trumpets").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping, Sequence

from PIL import Image, ImageDraw, ImageFont

from kiosk.journal import Journal, Person
from kiosk.packs import Library
from kiosk.paths import DataDir

UTC = timezone.utc
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)

ANNA_TASKS_DONE = 8
ANNA_PERCENT = 82
ANNA_LEARNED = 1
COFFEE_FINISHED, COFFEE_STOPPED, COFFEE_PERCENT = 5, 1, 85
TOWELS_FINISHED, TOWELS_PERCENT = 2, 70

ZEB_NAME = "Zebulon Quux"
ZEB_ONLY_TITLE = "Polish trumpets"
ZEB_ONLY_STEP = "Rub the bell until it shines"
ZEB_COFFEE_RUNS = 13

COFFEE = {
    "title": {"en": "Make coffee", "de": "Kaffee kochen", "zh": "煮咖啡"},
    "steps": [
        {"en": "Fill the kettle with water", "de": "Wasserkocher mit Wasser füllen", "zh": "在水壶里加水"},
        {"en": "Put coffee in the filter", "de": "Kaffee in den Filter geben", "zh": "把咖啡放进滤纸"},
        {"en": "Press the start button", "de": "Den Startknopf drücken", "zh": "按开始键"},
        {"en": "Pour the coffee into the cup", "de": "Kaffee in die Tasse gießen", "zh": "把咖啡倒进杯子"},
    ],
    "colour": (176, 112, 64),
}
TOWELS = {
    "title": {"en": "Fold towels", "de": "Handtücher falten", "zh": "叠毛巾"},
    "steps": [
        {"en": "Lay the towel flat", "de": "Handtuch glatt hinlegen", "zh": "把毛巾铺平"},
        {"en": "Fold it in half", "de": "In der Mitte falten", "zh": "对折"},
        {"en": "Fold it again", "de": "Noch einmal falten", "zh": "再折一次"},
        {"en": "Smooth it with your hands", "de": "Mit den Händen glatt streichen", "zh": "用手抹平"},
        {"en": "Put it on the pile", "de": "Auf den Stapel legen", "zh": "放到一摞上"},
    ],
    "colour": (70, 130, 190),
}
TRUMPETS = {
    "title": {"en": ZEB_ONLY_TITLE},
    "steps": [{"en": "Take the cloth"}, {"en": ZEB_ONLY_STEP}, {"en": "Put the trumpet in its case"}],
    "colour": (210, 170, 40),
}


class Clock:
    """The journal's clock, set by the test to the moment each event happens."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Kiosk:
    data: DataDir
    journal: Journal
    clock: Clock
    library: Library
    anna: Person
    zeb: Person


def _font(size: int) -> ImageFont.ImageFont:
    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",):
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default()


def picture(path: Path, colour: tuple[int, int, int], label: str, size: tuple[int, int] = (800, 600)) -> Path:
    """A clearly different picture per step: a coloured card with a white disc and a number."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.25, h * 0.12, w * 0.75, h * 0.12 + w * 0.5), fill=(255, 255, 255))
    draw.text((w / 2, h * 0.12 + w * 0.25), label, fill=colour, font=_font(int(h * 0.3)), anchor="mm")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=90)
    return path


def write_pack(folder: Path, pack_id: str, spec: Mapping, version: int = 1) -> Path:
    """A pack folder as a trainer makes it: pack.yaml and one photo per step."""
    root = folder / pack_id
    lines = ["format: 1", f"id: {pack_id}", "title:"]
    lines += [f'  {lang}: "{title}"' for lang, title in spec["title"].items()]
    lines += ["language: en", "kind: life-skill", f"version: {version}", "steps:"]
    for number, texts in enumerate(spec["steps"], 1):
        picture(root / f"{number}.jpg", spec["colour"], str(number))
        lines.append(f"  - image: {number}.jpg")
        lines.append("    text:")
        lines += [f'      {lang}: "{words}"' for lang, words in texts.items()]
    (root / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def portrait(path: Path) -> Path:
    """A friendly stand-in for a person's photo."""
    image = Image.new("RGB", (400, 400), (120, 170, 150))
    draw = ImageDraw.Draw(image)
    draw.ellipse((130, 70, 270, 210), fill=(240, 205, 170))
    draw.ellipse((70, 230, 330, 520), fill=(60, 90, 140))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=90)
    return path


def do_run(
    kiosk: Kiosk,
    person: Person,
    pack_id: str,
    steps: int,
    at: datetime,
    help_on: Sequence[int] = (),
    outcome: str = "finished",
    stop_after: int | None = None,
    version: int = 1,
) -> int:
    """One attempt through the journal, step by step, as the step screen logs it."""
    clock, journal = kiosk.clock, kiosk.journal
    clock.now = at
    run = journal.start_run(person.id, pack_id, version, f"hash-{pack_id}-{version}", step_count=steps)
    for number in range(1, (stop_after or steps) + 1):
        clock.now += timedelta(seconds=20)
        journal.record_step(run, number, "shown")
        if number in help_on:
            clock.now += timedelta(seconds=5)
            journal.record_step(run, number, "help")
        clock.now += timedelta(seconds=10)
        journal.record_step(run, number, "done")
    clock.now += timedelta(seconds=5)
    journal.finish_run(run, outcome)
    return run


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def build_kiosk(root: Path, *, anna_name: str = "Anna", anna_language: str = "en", with_history: bool = True) -> Kiosk:
    """The data folder, packs and journal described in this module's docstring."""
    data = DataDir(root / "data").ensure()
    write_pack(data.packs, "make-coffee", COFFEE)
    write_pack(data.packs, "fold-towels", TOWELS)
    write_pack(data.packs, "polish-trumpets", TRUMPETS)
    portrait(data.people_photos / "anna.jpg")
    clock = Clock()
    journal = Journal.open(data.journal, clock=clock)
    anna = journal.add_person(anna_name, photo="people/anna.jpg", language=anna_language)
    zeb = journal.add_person(ZEB_NAME, language="en")
    kiosk = Kiosk(data, journal, clock, Library([data.packs], data.cache), anna, zeb)
    if with_history:
        _anna(kiosk)
        _zeb(kiosk)
    return kiosk


def _anna(k: Kiosk) -> None:
    a = k.anna
    # outside the window: learned long ago, and one early go at the towels
    for day in ("2025-11-03", "2025-11-04", "2025-11-05"):
        do_run(k, a, "wash-hands", 3, at(day))
    do_run(k, a, "fold-towels", 5, at("2025-12-01"))
    # the window
    do_run(k, a, "make-coffee", 4, at("2026-01-13"), help_on=(2, 3))
    do_run(k, a, "make-coffee", 4, at("2026-01-21"), help_on=(3,))
    do_run(k, a, "make-coffee", 4, at("2026-01-26"))
    do_run(k, a, "make-coffee", 4, at("2026-02-03", 9))
    do_run(k, a, "make-coffee", 4, at("2026-02-05", 14))
    do_run(k, a, "make-coffee", 4, at("2026-02-18"), outcome="abandoned", stop_after=2)
    do_run(k, a, "sort-screws", 3, at("2026-02-10"))
    do_run(k, a, "fold-towels", 5, at("2026-02-23", 11), help_on=(1, 4))
    do_run(k, a, "fold-towels", 5, at("2026-03-03", 11), help_on=(4,))


def _zeb(k: Kiosk) -> None:
    z = k.zeb
    for i in range(ZEB_COFFEE_RUNS):
        do_run(k, z, "make-coffee", 4, at("2026-01-14", 8) + timedelta(days=3 * i), help_on=(1,))
    for i in range(4):
        do_run(k, z, "polish-trumpets", 3, at("2026-02-02", 15) + timedelta(days=i), help_on=(2,))
