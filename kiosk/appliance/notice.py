"""The message a trainer sees when the kiosk stopped restarting (``step-kiosk-stopped.service``).

Why a screen of its own: after five failed starts in two minutes systemd gives up (the start
limit). Without this, the tablet shows an empty desktop and nobody knows whether to wait. The
message says in plain words what happened and what to do, and one big button tries again. It is
deliberately independent of the kiosk's UI code (which may be what is broken): one Kivy label,
one button. Its words are here in the three UI languages, picked from the system language, because
the translation catalogs belong to the kiosk itself.
"""

from __future__ import annotations

import os
from typing import Callable

from kiosk.appliance.install import Systemctl, real_systemctl
from kiosk.appliance.units import SERVICE_UNIT
from kiosk.i18n import base_language

MESSAGES: dict[str, tuple[str, str]] = {
    "en": (
        "Step Kiosk stopped.\n\nIt failed to start several times in a row, so it is not restarted any more.\n"
        "Trainer: restart the tablet. If this comes back, check that the storage is not full and tell "
        "whoever looks after the tablet (details: journalctl --user -u step-kiosk).",
        "Try again",
    ),
    "de": (
        "Step Kiosk wurde beendet.\n\nEs konnte mehrmals hintereinander nicht starten und wird deshalb nicht "
        "mehr neu gestartet.\nTrainer: Tablet neu starten. Kommt diese Meldung wieder, prüfen, ob der "
        "Speicher voll ist, und die Betreuung des Tablets informieren (Details: journalctl --user -u "
        "step-kiosk).",
        "Noch einmal versuchen",
    ),
    "zh": (
        "Step Kiosk 已停止。\n\n它连续多次启动失败，因此不再自动重启。\n"
        "培训师：请重新启动平板电脑。如果再次出现此信息，请检查存储空间是否已满，并告知负责平板电脑的人员"
        "（详情：journalctl --user -u step-kiosk）。",
        "再试一次",
    ),
}


def message_for(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(message, button word) in the system's language (``LANGUAGE``, ``LC_ALL``, ``LANG``)."""
    environ = dict(os.environ) if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0].split(".")[0]
        if value and value not in ("C", "POSIX"):
            return MESSAGES[base_language(value)]
    return MESSAGES["en"]


def try_again(systemctl: Systemctl = real_systemctl) -> bool:
    """Clear the start limit and start the kiosk again; True when systemd accepted it."""
    systemctl(["reset-failed", SERVICE_UNIT])
    code, _ = systemctl(["start", SERVICE_UNIT])
    return code == 0


def show(on_try_again: Callable[[], bool] = try_again) -> int:  # pragma: no cover - needs a screen
    """Show the message full screen until the button is pressed; returns the exit code."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.button import Button
    from kivy.uix.label import Label

    from kiosk.ui.fonts import find_cjk_font  # Kivy-free; a font with Chinese glyphs, if any

    text, word = message_for()
    font = str(find_cjk_font() or "Roboto")

    class NoticeApp(App):
        def build(self) -> BoxLayout:
            Window.clearcolor = (0.96, 0.95, 0.92, 1)
            box = BoxLayout(orientation="vertical", padding=48, spacing=32)
            label = Label(
                text=text, color=(0.1, 0.1, 0.1, 1), font_size="26sp", font_name=font, halign="center", valign="middle"
            )
            label.bind(size=lambda widget, size: setattr(widget, "text_size", (size[0], None)))
            button = Button(text=word, font_size="30sp", font_name=font, size_hint=(1, 0.25))
            button.bind(on_release=lambda *_: self.stop() if on_try_again() else None)
            box.add_widget(label)
            box.add_widget(button)
            return box

    Window.fullscreen = "auto"
    NoticeApp().run()
    return 0
