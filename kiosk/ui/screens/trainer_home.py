"""The trainer's home: navigation only — back to worker mode, exit the kiosk, the trainer screens.

Kept small on purpose: every trainer screen (packs, people, settings, support, progress, problems)
registers a button here through ``kiosk.ui.screens.TRAINER_ACTIONS``. Settings live on the
Settings screen only, so a trainer never looks for a setting in two places. The Problems button
carries a badge with the number of problems (packs' and the kiosk's own), so a trainer sees at a
glance that something needs them, without a strip of clipped problem text here.
Exit kiosk asks first, calmly: on an appliance the screen stays black until the kiosk restarts.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp
from kivy.properties import NumericProperty, ObjectProperty, StringProperty

from kiosk.ui.models.problems import problem_count
from kiosk.ui.screens import TRAINER_ACTIONS
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.overlay import CalmOverlay

HUB_REFRESH_S = 2.0
BADGE_MOST = 99  # "99+" above: the badge stays one small round mark


class BadgedButton(KioskButton):
    """A trainer-home button with a count in a round badge at its top right ("" hides it).

    The number is drawn from a rendered texture, not a child label: the button lays its
    children out in its centre (icon and word)."""

    badge = StringProperty("")
    badge_texture = ObjectProperty(None, allownone=True)
    badge_side = NumericProperty(0)

    def on_badge(self, _instance: Any, badge: str) -> None:
        if not badge:
            self.badge_texture, self.badge_side = None, 0
            return
        app = self.app_theme()
        label = CoreLabel(text=badge, font_size=app.fs_small, bold=True, color=(1, 1, 1, 1))
        label.refresh()
        self.badge_texture = label.texture
        self.badge_side = max(dp(52), label.texture.width + dp(20))

    @staticmethod
    def app_theme() -> Any:
        from kivy.app import App

        return App.get_running_app().theme


class TrainerHomeScreen(KioskScreen):
    # The hub's state in plain words ("" without a hub); once this strip also held the problems,
    # which now have their own screen. (The name stays: the hub tests read it.)
    problems_text = StringProperty("")

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app.shelf.listeners.append(self._shelf_changed)

    def _shelf_changed(self, _result: Any) -> None:
        """A pack broke or was fixed while the trainer looks at home: the badge follows."""
        if self.manager is not None and self.manager.current == self.name:
            self.update()

    def on_pre_enter(self, *_args: Any) -> None:
        self._build_actions()
        self.update()
        if self.app.hub_sync is not None:  # the hub's state changes while the trainer looks
            self._refresh = Clock.schedule_interval(lambda _dt: self.update(), HUB_REFRESH_S)

    def on_leave(self, *_args: Any) -> None:
        refresh = getattr(self, "_refresh", None)
        if refresh is not None:
            refresh.cancel()
            self._refresh = None

    def update(self) -> None:
        hub = self.app.hub_status_text()
        self.problems_text = f"{self.tr('Hub')}: {hub}" if hub else ""  # whether records reach the hub
        button = self.problems_button()
        if button is not None:
            count = problem_count(self.app.shelf.result, self.app.problems.stored())
            button.badge = "" if count == 0 else (str(count) if count <= BADGE_MOST else f"{BADGE_MOST}+")

    def problems_button(self) -> BadgedButton | None:
        return next((b for b in self.ids.actions.children if getattr(b, "screen", "") == "trainer_problems"), None)

    def confirm_exit(self) -> None:
        """Exit kiosk asks first: leaving is rare, and on an appliance it leaves a black screen."""
        overlay = CalmOverlay(
            self.tr("Exit the kiosk? On a kiosk that starts by itself, the screen stays black until it restarts."),
            icon="lock",
        )
        overlay.add_button(self.tr("Stay"), "back", self.app.close_overlay, role="primary")
        overlay.add_button(self.tr("Exit kiosk"), "lock", self.exit_kiosk)
        self.app.open_overlay(overlay, focus=0)  # the safe answer has the focus

    def exit_kiosk(self) -> None:
        self.app.close_overlay()
        self.app.exit_kiosk()

    def _build_actions(self) -> None:
        box = self.ids.actions
        box.clear_widgets()
        for action in TRAINER_ACTIONS:
            button = BadgedButton(text=self.tr(action.text), icon=action.icon, guarded=False)
            button.screen = action.screen
            button.bind(on_activate=lambda _b, name=action.screen: self.app.go(name))
            box.add_widget(button)

    def handle_key(self, key: int, _codepoint: str | None, _modifiers: list[str]) -> bool:
        return key == 27  # Escape does nothing here either


load_kv(__file__)
