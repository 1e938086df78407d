"""The one build step ``pyproject.toml`` cannot declare: compile the translations into the wheel.

Why: an installed kiosk must never write into its own package (site-packages may be read-only or
shared), so the wheel carries ``kiosk/i18n/<lang>/LC_MESSAGES/kiosk.mo`` compiled here from the
``.po`` sources, with the project's own compiler (``kiosk.i18n.compile_catalogs``: Python's
``msgfmt.py`` is not in virtual environments). Everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

I18N = Path(__file__).resolve().parent / "kiosk" / "i18n"


def _i18n() -> ModuleType:
    """``kiosk.i18n`` loaded from its file (standard library only), without importing ``kiosk``."""
    spec = importlib.util.spec_from_file_location("_step_kiosk_i18n_for_build", I18N / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithCatalogs(build_py):
    """``build_py`` plus the compiled catalogs (not for editable installs: a checkout reads its .po)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        written = _i18n().compile_catalogs(I18N, Path(self.build_lib) / "kiosk" / "i18n")
        if not written:
            raise SystemExit(f"step-kiosk build: no translations (*.po) found under {I18N}")


setup(cmdclass={"build_py": BuildPyWithCatalogs})
