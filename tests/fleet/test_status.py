"""The trainer's line per pack from the hub, in every state, in English, German and Chinese; the
packs screen's rows start with it for exactly the packs from the hub; kiosk/fleet stays Kivy-free."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from fleet_testing import make_pack
from kiosk.fleet.status import line_for_pack_source, pack_line, problem_words
from kiosk.fleet.store import FleetState, FleetStore, Installed, Problem, Version, Wanted
from kiosk.i18n import parse_po, po_path, translate
from kiosk.packs import Library
from kiosk.ui.models.packs import packs_view

V1, V2 = Version("a" * 64, 1, "h1"), Version("b" * 64, 2, "h2")


def _state(**changes: object) -> FleetState:
    state = FleetState(
        installed={"p": Installed(V1, confirmed=True)},
        wanted={"p": Wanted(1, V1.sha256, "latest")},
        hub_reached=True,
    )
    for key, value in changes.items():
        setattr(state, key, value)
    return state


CASES = {
    "Version 1, the newest on the hub.": _state(),
    "Version 1 here, version 2 on the hub: updating.": _state(wanted={"p": Wanted(2, V2.sha256, "latest")}),
    "Version 1 here, version 2 on the hub: updating when no one is using it.": _state(
        wanted={"p": Wanted(2, V2.sha256, "latest")}, staged={"p": V2}
    ),
    "Held back at version 1 by a coach.": _state(wanted={"p": Wanted(1, V1.sha256, "held", 1)}),
    "Pinned to version 1 by a coach.": _state(wanted={"p": Wanted(1, V1.sha256, "pinned", 1)}),
    "Version 1: version 3, which a coach chose, was withdrawn.": _state(
        wanted={"p": Wanted(1, V1.sha256, "fallback", 3)}
    ),
    "Version 1 here; the hub cannot be reached, so it stays.": _state(hub_reached=False),
    "Version 1 here; the hub no longer offers this pack: it goes after the current task.": _state(wanted={}),
    "Version 2 on the hub: downloading.": _state(installed={}, wanted={"p": Wanted(2, V2.sha256, "latest")}),
}
PROBLEMS = ["damaged", "storage", "broken", "folder_taken", "rolled_back", "io"]


def english(message: str, **values: object) -> str:
    return message.format(**values)


@pytest.mark.parametrize("expected", list(CASES))
def test_each_state_in_plain_words(expected):
    assert pack_line(CASES[expected], "p", english) == expected


def test_a_problem_follows_the_versions():
    state = _state(wanted={"p": Wanted(2, V2.sha256, "latest")}, problems={"p": Problem("damaged", 2)})
    assert pack_line(state, "p", english) == (
        "Version 1 here, version 2 on the hub. Version 2 arrived damaged (its checksum does not match) and was "
        "refused; the kiosk tries again later."
    )


def test_every_message_is_in_german_and_chinese():
    used: set[str] = set()

    def recording(message: str, **values: object) -> str:
        used.add(message)
        return message.format(**values)

    for state in CASES.values():
        pack_line(state, "p", recording)
    for kind in PROBLEMS:
        problem_words(Problem(kind, 2, "x"), recording)
    assert len(used) == len(CASES) + len(PROBLEMS)
    for language in ("de", "zh"):
        table = parse_po(po_path(language).read_text(encoding="utf-8"))
        for message in used:
            assert table.get(message), f"{language}: untranslated {message!r}"
            assert set(re.findall(r"{\w+}", message)) == set(re.findall(r"{\w+}", table[message]))
    german = pack_line(CASES["Held back at version 1 by a coach."], "p", lambda m, **v: translate("de", m, **v))
    assert german == "Von einer Fachkraft bei Version 1 zurückgehalten."


def test_who_published_the_version_here_and_why_follow_it():
    mei = Version("c" * 64, 3, "h3", author="Mei", note="New washer size.\nPhotos 2 and 3 again.")
    state = _state(installed={"p": Installed(mei, confirmed=True)}, wanted={"p": Wanted(3, mei.sha256, "latest")})
    assert pack_line(state, "p", english) == (
        "Version 3, the newest on the hub. Published by Mei: “New washer size. Photos 2 and 3 again.”"
    )
    state.installed["p"] = Installed(Version("c" * 64, 3, "h3", author="Mei"), confirmed=True)
    assert pack_line(state, "p", english).endswith("the newest on the hub. Published by Mei.")
    state.installed["p"] = Installed(Version("c" * 64, 3, "h3", note="x" * 500), confirmed=True)
    line = pack_line(state, "p", english)
    assert line.endswith("x…”") and len(line) < 200  # a long note is cut to a line's worth
    state.installed["p"] = Installed(mei, confirmed=True)
    assert pack_line(state, "p", lambda m, **v: translate("de", m, **v)) == (
        "Version 3, die neueste auf dem Hub. Veröffentlicht von Mei: „New washer size. Photos 2 and 3 again.“"
    )
    assert "由 Mei 发布" in pack_line(state, "p", lambda m, **v: translate("zh", m, **v))


def test_the_packs_screen_shows_the_line_first_for_packs_from_the_hub(tmp_path: Path):
    store = FleetStore(tmp_path, tmp_path / "packs")
    make_pack(store.version_folder(V2.sha256, "wash-hands"), "wash-hands", version=2)
    store.switch("wash-hands", V2.sha256)
    store.save_state(
        FleetState(
            installed={"wash-hands": Installed(V2, confirmed=True)},
            wanted={"wash-hands": Wanted(2, V2.sha256, "pinned", 2)},
            hub_reached=True,
        )
    )
    make_pack(tmp_path / "packs" / "tidy-up", "tidy-up")  # a trainer's own pack: no fleet line
    result = Library([tmp_path / "packs"], tmp_path / "cache").scan()
    view = packs_view(result, result.packs, lambda _id: None, "zh", lambda m, **v: translate("zh", m, **v))
    rows = {row.pack.id: row for row in view.rows}
    assert rows["wash-hands"].lines[0] == "辅导员把它固定在版本 2。"
    assert not any("版本" in line for line in rows["tidy-up"].lines)
    assert line_for_pack_source(tmp_path / "packs" / "tidy-up", english) is None


def test_the_fleet_code_never_imports_kivy():
    root = Path(__file__).resolve().parents[2] / "kiosk" / "fleet"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {name for name in names if name.split(".")[0] == "kivy"}, path.name
