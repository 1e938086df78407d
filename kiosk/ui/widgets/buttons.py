"""The kiosk's button: an icon AND a word, a large touch target, the tap-guard and a focus ring.

Every activation, by touch or by key, goes through ``activate``: it asks the app's shared tap-guard
first, so a shaky double tap or a bouncing switch counts once. A touch that turned into the hidden
trainer gesture (press and hold the top-left corner) is marked by ``CornerHold`` and does not
activate the button it started on.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.metrics import dp, sp
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label

from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.drawn_when import DrawnWhen
from kiosk.ui.widgets.fit import MIN_SP, fitting_font_size
from kiosk.ui.widgets.icon import icon_path

HELD_FLAG = "kiosk.corner_hold"


class WordLabel(Label):
    """A label as wide as its words (so icon + word sit centred together), wrapping only when
    the words do not fit in ``max_width``, and smaller (down to 28 sp) rather than cut inside a
    word that alone is wider than that ("Hören" in a narrow Hear button at 150 % text)."""

    max_width = NumericProperty(10_000)
    max_height = NumericProperty(0)  # 0: any height
    natural_width = NumericProperty(0)  # width of the words on one line, unwrapped
    base_font_size = NumericProperty(15)  # the theme's size; ``font_size`` is what fits

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("size_hint", (None, None))
        super().__init__(**kwargs)
        self.bind(text=self._fit, base_font_size=self._fit, max_width=self._fit, max_height=self._fit, bold=self._fit)
        self._fit()

    def _fit(self, *_args) -> None:
        self.font_size = self.base_font_size
        self.text_size = (None, None)
        self.texture_update()
        self.natural_width = self.texture_size[0]
        if self.texture_size[0] > self.max_width > 0:
            self.font_size = fitting_font_size(
                self.text, self.base_font_size, self.max_width, bold=self.bold, max_lines=99
            )
            self.text_size = (self.max_width, None)
            self.texture_update()
            floor = min(self.base_font_size, sp(MIN_SP))
            while self.max_height > 0 and self.texture_size[1] > self.max_height and self.font_size > floor:
                self.font_size = max(floor, self.font_size * 0.92)  # wrapped words taller than the button
                self.texture_update()
        self.size = self.texture_size


class Focusable:
    """Marks widgets the keyboard / switch focus can land on (they draw the focus ring)."""

    focused = BooleanProperty(False)
    ring_shown = BooleanProperty(False)  # focused while the keyboard / switch is in use (buttons.kv)
    ring_face = ObjectProperty(None, allownone=True)  # the ring's nine-patch texture (set by buttons.kv)

    def on_kv_post(self, base_widget: Any) -> None:
        super().on_kv_post(base_widget)  # type: ignore[misc]
        self._ring = DrawnWhen(self.canvas.after, "focus_ring", self.ring_shown)  # type: ignore[attr-defined]

    def on_ring_shown(self, _instance: Any, shown: bool) -> None:
        ring = getattr(self, "_ring", None)
        if ring is not None:  # before on_kv_post, the ring is taken out there if hidden
            ring.show(shown)

    def activate(self) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError


class GuardedButtonBehavior(ButtonBehavior):
    """``on_activate`` instead of ``on_release``: guarded, and never after a corner hold."""

    guarded = BooleanProperty(True)  # False only on trainer screens (fast PIN typing)

    def __init__(self, **kwargs) -> None:
        self.register_event_type("on_activate")
        self._held = False
        super().__init__(**kwargs)

    def on_touch_up(self, touch) -> bool:
        self._held = bool(touch.ud.get(HELD_FLAG))
        return super().on_touch_up(touch)

    def on_release(self) -> None:
        held, self._held = self._held, False
        if not held:
            self.activate()

    def activate(self) -> bool:
        """Fire ``on_activate`` unless the tap-guard says this is a bounce; True if it fired."""
        if self.disabled:
            return False
        app = App.get_running_app()
        guard = getattr(app, "guard", None) if self.guarded else None
        if guard is not None and not guard.accept():
            return False
        self.dispatch("on_activate")
        return True

    def on_activate(self) -> None:
        pass


class KioskButton(GuardedButtonBehavior, Focusable, AnchorLayout):
    """A button with an icon and a word. ``role``: primary (the one green main action), help,
    secondary (calm outline) or quiet (small, inside tiles and bars)."""

    text = StringProperty("")
    icon = StringProperty("")
    icon_source = StringProperty("")
    icon_right = BooleanProperty(False)
    big = BooleanProperty(False)  # as tall as the main button (dialog answers)
    stacked = BooleanProperty(False)  # icon above the word when side by side does not fit
    role = OptionProperty("secondary", options=("primary", "help", "secondary", "quiet"))
    font_size = NumericProperty(0)
    fill = ColorProperty((1, 1, 1, 1))  # set by the .kv rule from the theme and the role
    ink = ColorProperty((0, 0, 0, 1))
    edge = ColorProperty((0, 0, 0, 1))
    face = ObjectProperty(None, allownone=True)  # its nine-patch texture (set by the .kv rule: button_face.py)
    icon_disc = BooleanProperty(False)  # a white disc behind the icon (coloured buttons; set by the .kv rule)

    # Nothing inside a button (its icon and its word) takes a touch, and nothing of it reaches out
    # of its box: a touch elsewhere is refused here, without asking each of its children. Kivy
    # offers a touch to every widget under the screen in turn, and on the step screen this was a
    # quarter of the work between a tap on Next and the frame that shows the next step.
    def on_touch_down(self, touch) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        return super().on_touch_down(touch)

    def on_touch_move(self, touch) -> bool:
        if touch.grab_current is not self and not self.collide_point(*touch.pos):
            return False
        return super().on_touch_move(touch)

    def on_touch_up(self, touch) -> bool:
        if touch.grab_current is not self and not self.collide_point(*touch.pos):
            return False
        return super().on_touch_up(touch)

    def on_icon_disc(self, _instance, drawn: bool) -> None:
        disc = getattr(self, "_disc", None)
        if disc is not None:  # before on_kv_post, the disc is taken out there if not drawn
            disc.show(drawn)

    def on_icon(self, _instance, name: str) -> None:
        self.icon_source = icon_path(name)

    def on_kv_post(self, base_widget) -> None:
        super().on_kv_post(base_widget)
        self._disc = DrawnWhen(self.ids.icon_image.canvas.before, "icon_disc", self.icon_disc)
        self.bind(width=self._arrange, icon_source=self._arrange)
        self.ids.word.bind(natural_width=self._arrange)
        self._arrange()

    def on_icon_right(self, *_args) -> None:
        self._place_icon()

    def _arrange(self, *_args) -> None:
        """Icon beside the word if both fit on one line, else the icon above the word: a word is
        never broken in the middle to make room for its icon."""
        beside = self.ids.word.natural_width + (self.theme_icon_size() + dp(18) if self.icon_source else 0) + dp(32)
        self.stacked = bool(self.icon_source) and beside > self.width
        self._place_icon()

    def theme_icon_size(self) -> float:
        app = App.get_running_app()
        return app.theme.icon * (1.25 if self.role == "primary" else 1)

    def _place_icon(self) -> None:
        """Icon before the word (default), after it (Next: "Next ->"), or above it (stacked)."""
        image = self.ids.get("icon_image")
        if image is None:
            return
        box = image.parent
        box.remove_widget(image)
        after = self.icon_right and not self.stacked
        box.add_widget(image, index=0 if after else len(box.children))


load_kv(__file__)
