"""Language tags: checking what a trainer wrote, and picking the best text for a worker.

Packs name languages with BCP 47 tags (``en``, ``de``, ``zh-Hans``). Trainers also write locale
names such as ``zh_CN`` or ``DE``; both are accepted and written the standard way, so that
``text_for("de-AT", ...)`` finds a text tagged ``de`` whatever case the trainer used.
"""

from __future__ import annotations

import re
from typing import Mapping, TypeVar

T = TypeVar("T")

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def normalise_language_tag(value: str) -> str | None:
    """The tag in its usual spelling (``zh_cn`` -> ``zh-CN``), or None if it is not a tag."""
    candidate = value.strip().replace("_", "-")
    if not _TAG.match(candidate):
        return None
    parts = candidate.split("-")
    spelled = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            spelled.append(part.title())  # script: Hans, Latn
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            spelled.append(part.upper())  # region: CH, 419
        else:
            spelled.append(part.lower())
    return "-".join(spelled)


def pick_for_language(values: Mapping[str, T], language: str, fallback: str) -> T | None:
    """The value for ``language``, else for ``fallback`` (the pack's language), else any value.

    A tag matches exactly first, then by its main language (``de-AT`` finds ``de``), so a worker
    set to Swiss German still gets the German text. "Any" means the first one the pack lists, so
    the choice is stable. None only when there are no values at all.
    """
    if not values:
        return None
    for wanted in (language, fallback):
        if wanted:
            found = _match(values, wanted)
            if found is not None:
                return found
    return next(iter(values.values()))


def _match(values: Mapping[str, T], wanted: str) -> T | None:
    wanted_key = wanted.replace("_", "-").casefold()
    for tag, value in values.items():
        if tag.casefold() == wanted_key:
            return value
    wanted_primary = wanted_key.split("-")[0]
    for tag, value in values.items():
        if tag.casefold().split("-")[0] == wanted_primary:
            return value
    return None
