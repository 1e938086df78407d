"""The small library of everyday activity pictures a coach picks from for plan items.

Adult-looking OpenMoji pictograms (CC BY-SA 4.0; assets/LICENSES.md), made by
``tools/make_activity_pictures.py`` into ``kiosk/assets/images/activities/<name>.png``. An item
with a pack and no picture shows the pack's cover instead.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.paths import ASSETS_DIR

#: picture name -> OpenMoji code (the tool reads this; the names are what plan files use).
ACTIVITY_PICTURES: dict[str, str] = {
    "arrive": "1F6AA",  # door
    "change": "1F97C",  # lab coat: work clothes
    "work": "1F6E0",  # hammer and wrench
    "break": "2615",  # hot beverage
    "lunch": "1F37D",  # fork and knife with plate
    "wash-hands": "1F9FC",  # soap
    "toilet": "1F6BB",  # restroom
    "drink": "1F964",  # cup with straw
    "clean-up": "1F9F9",  # broom
    "meeting": "1F465",  # two people
    "medicine": "1F48A",  # pill
    "walk": "1F6B6",  # person walking
    "phone": "1F4F1",  # mobile phone
    "bus": "1F68C",  # bus
    "home": "1F3E0",  # house
}

ACTIVITIES_DIR: Path = Path(ASSETS_DIR) / "images" / "activities"


def picture_path(name: str | None) -> Path | None:
    """The PNG of an activity picture, or None when the name is not in the library (or the file
    is missing from this installation)."""
    if not name or name not in ACTIVITY_PICTURES:
        return None
    path = ACTIVITIES_DIR / f"{name}.png"
    return path if path.is_file() else None


#: The sentence a new item gets from its picture, per language (the coach can change it in the
#: plan file). Short, adult, in the "du" form of the sample packs.
ACTIVITY_TEXTS: dict[str, dict[str, str]] = {
    "arrive": {"en": "Arrive and say hello", "de": "Ankommen und Hallo sagen", "zh": "到达，打招呼"},
    "change": {"en": "Put on your work clothes", "de": "Zieh die Arbeitskleidung an", "zh": "换上工作服"},
    "work": {"en": "Work time", "de": "Arbeitszeit", "zh": "工作时间"},
    "break": {"en": "Coffee break", "de": "Kaffeepause", "zh": "喝咖啡休息"},
    "lunch": {"en": "Lunch", "de": "Mittagessen", "zh": "午饭"},
    "wash-hands": {"en": "Wash your hands", "de": "Wasch dir die Hände", "zh": "洗手"},
    "toilet": {"en": "Go to the toilet", "de": "Geh zur Toilette", "zh": "上厕所"},
    "drink": {"en": "Have a drink", "de": "Trink etwas", "zh": "喝水"},
    "clean-up": {"en": "Clean up your place", "de": "Räum deinen Platz auf", "zh": "整理工作台"},
    "meeting": {"en": "Team meeting", "de": "Teambesprechung", "zh": "小组会议"},
    "medicine": {"en": "Take your medicine", "de": "Nimm deine Medizin", "zh": "吃药"},
    "walk": {"en": "Go for a walk", "de": "Geh spazieren", "zh": "散步"},
    "phone": {"en": "Phone call", "de": "Telefonieren", "zh": "打电话"},
    "bus": {"en": "Take the bus home", "de": "Fahr mit dem Bus nach Hause", "zh": "坐公交车回家"},
    "home": {"en": "Home time", "de": "Feierabend", "zh": "下班回家"},
}
