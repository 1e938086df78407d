"""The module boundaries in docs/ARCHITECTURE.md, checked by reading the code (no Kivy needed).

- The core (packs, journal, speech, authoring, trainer, report, i18n, paths) never imports Kivy.
- Screens never call screens: a screen module imports no other screen module except the shared
  bases, never asks the app for another screen object (``app.screen(...)``), never sets the screen
  manager's ``current``, and moves on only through the app (``go``, ``back``, ``home`` and the
  worker-flow methods). The same holds for the screens' ``.kv`` files.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "kiosk"
SCREENS = ROOT / "ui" / "screens"
SHARED_BASES = {"kiosk.ui.screens.base", "kiosk.ui.screens.pin_pad", "kiosk.ui.screens.tiles", "kiosk.ui.screens"}
CORE = [
    "packs",
    "journal",
    "speech",
    "authoring",
    "trainer",
    "report",
    "i18n",
    "people",
    "support",
    "hub",
    "fleet",
    "plan",
    "ui/models",
]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _core_files() -> list[Path]:
    files = [ROOT / "paths.py", ROOT / "cli.py"]
    for area in CORE:
        files.extend(sorted((ROOT / area).rglob("*.py")))
    files.extend(
        path
        for path in sorted((ROOT / "ui").glob("*.py"))
        if path.stem in {"storage", "session", "settings", "problems", "guard", "keys"}
    )
    return files


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_kivy(path):
    assert not {name for name in _imports(path) if name == "kivy" or name.startswith("kivy.")}


def _screen_modules() -> list[Path]:
    return sorted(path for path in SCREENS.glob("*.py") if path.name != "__init__.py")


@pytest.mark.parametrize("path", _screen_modules(), ids=lambda p: p.name)
def test_a_screen_imports_no_other_screen(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    screens = {name for name in modules if name.startswith("kiosk.ui.screens")}
    bad = screens - SHARED_BASES - {f"kiosk.ui.screens.{path.stem}"}
    assert not bad, f"{path.name} imports other screens: {sorted(bad)}"


FORBIDDEN = [
    (re.compile(r"\bapp\.screen\("), "asks the app for another screen"),
    (re.compile(r"\.sm\.current\s*=(?!=)"), "switches screens itself"),
    (re.compile(r"\bmanager\.current\s*=(?!=)"), "switches screens itself"),
    (re.compile(r"_return_to|previous_screen|back_to\s*="), "keeps its own way back"),
    (re.compile(r"\bapp\.show\("), "uses the old show() instead of go()"),
]


@pytest.mark.parametrize("path", sorted(SCREENS.glob("*.py")) + sorted(SCREENS.glob("*.kv")), ids=lambda p: p.name)
def test_screens_never_call_screens(path):
    text = path.read_text(encoding="utf-8")
    problems = [
        f"{path.name}: {why}: {match.group(0)}" for pattern, why in FORBIDDEN for match in pattern.finditer(text)
    ]
    assert not problems


def test_every_registered_screen_exists_with_its_kv():
    from kiosk.ui.screens import SCREENS as REGISTRY

    for name, target in REGISTRY.items():
        module, cls = target.split(":")
        path = ROOT.parent / (module.replace(".", "/") + ".py")
        assert path.is_file(), name
        assert f"class {cls}(" in path.read_text(encoding="utf-8"), name
        kv_files = [path.with_suffix(".kv")] + [SCREENS / f"{base}.kv" for base in ("pin_pad", "tiles")]
        assert any(
            kv.is_file() and re.search(rf"<[^>]*\b({cls}|PinPadScreen)\b", kv.read_text(encoding="utf-8"))
            for kv in kv_files
        ), f"{name}: no .kv rule for {cls}"
