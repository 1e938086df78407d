"""Reusable kiosk widgets. Each module loads its own ``.kv`` rules when imported.

``load_all`` imports every widget module so the screens' ``.kv`` files can use them by name.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder


def load_kv(module_file: str) -> None:
    """Load the ``.kv`` file that sits next to a module (once per process)."""
    path = str(Path(module_file).with_suffix(".kv"))
    if path not in Builder.files:
        Builder.load_file(path)


def load_all() -> None:
    from kiosk.ui.widgets import picture  # noqa: F401  (first: the other widgets draw with it)
    from kiosk.ui.widgets import buttons, choices, corner, counters, overlay, pin_entry, text, tile  # noqa: F401
    from kiosk.ui.widgets import form, undo  # noqa: F401
