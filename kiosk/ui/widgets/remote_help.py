"""Help calls from the workshop's OTHER kiosks, shown on this one as a calm strip at the top.

Why a strip that makes room instead of a box on top: a worker in the middle of a step must never
lose sight of it or of a button because someone else needs help. So while a call is open the
strip takes its own band at the top of the window and the screens below are laid out in the rest
(``attach`` shrinks the screen manager by the strip's height), on worker and trainer screens alike.
It takes no touch (a tap on it goes nowhere and stops nothing), plays no sound (the calling kiosk
has its own), and goes away when the call is cleared anywhere: on the calling kiosk, on another
one, or on a coach's laptop (``kiosk hub help-calls --clear``).

It shows the person's photo when this kiosk has it (the hub shares photos), else the help icon;
the person's name, the calling kiosk, the task and step, and how long they have waited (updated
every ``TICK_S``). More than one call: the oldest, and how many more.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.icon import icon_path

TICK_S = 15.0


class RemoteHelpBanner(BoxLayout):
    """``show(calls)`` (the other kiosks' open calls, oldest first; empty hides it)."""

    headline = StringProperty("")
    detail = StringProperty("")
    picture = StringProperty("")
    active = BooleanProperty(False)  # a call is shown (the strip's height follows its words)

    def __init__(
        self,
        translate: Callable[..., str],
        photo_for: Callable[[str | None], str | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._translate = translate
        self._photo_for = photo_for
        self.calls: list[Any] = []
        self._received = time.monotonic()
        self._tick: Any = None
        self._manager: Any = None

    # -- placing ----------------------------------------------------------------------------------

    def attach(self, root: Any, manager: Any) -> None:
        """Put the strip at the top of ``root`` and let ``manager`` (the screens) keep the rest."""
        self._manager = manager
        root.add_widget(self, index=1)  # above the screens, under the trainer's corner
        self.bind(height=lambda *_: self._make_room())
        root.bind(size=lambda *_: self._make_room())

    def detach(self) -> None:
        self.show([])
        if self.parent is not None:
            self.parent.remove_widget(self)
        self._manager = None

    def _make_room(self) -> None:
        manager = self._manager
        if manager is None or manager.parent is None:
            return
        if self.active and self.height > 0:
            manager.size_hint_y = None
            manager.height = max(0, manager.parent.height - self.height)
            manager.y = manager.parent.y
        else:
            manager.size_hint_y = 1
        manager.parent.do_layout()

    # -- content ----------------------------------------------------------------------------------

    def show(self, calls: Sequence[Any]) -> None:
        """The other kiosks' open calls now (on the UI thread)."""
        self.calls = list(calls)
        self._received = time.monotonic()
        if not self.calls:
            if self._tick is not None:
                self._tick.cancel()
                self._tick = None
            self.headline = self.detail = self.picture = ""
            self.active = False
            return
        self.refresh()
        if self._tick is None:
            self._tick = Clock.schedule_interval(lambda _dt: self.refresh(), TICK_S)

    def refresh(self) -> None:
        if not self.calls:
            return
        tr = self._translate
        call = self.calls[0]
        name = call.person_name or tr("A worker")
        self.headline = tr("{name} needs help at {kiosk}.", name=name, kiosk=call.kiosk_name)
        parts = []
        if call.pack_title:
            parts.append(call.pack_title)
        if call.step_number is not None:
            if call.step_count:
                parts.append(tr("Step {step} of {count}", step=call.step_number, count=call.step_count))
            else:
                parts.append(tr("Step {step}", step=call.step_number))
        minutes = int((call.waited_s() + time.monotonic() - self._received) // 60)
        parts.append(tr("Waiting {minutes} min", minutes=minutes))
        if len(self.calls) > 1:
            parts.append(tr("and {count} more", count=len(self.calls) - 1))
        self.detail = "  ·  ".join(parts)
        self.picture = self._photo_for(call.person_uuid) or icon_path("help")
        self.active = True

    def on_touch_down(self, touch: Any) -> bool:
        return False  # never takes a tap: nothing behind it waits for it

    def on_touch_move(self, touch: Any) -> bool:
        return False

    def on_touch_up(self, touch: Any) -> bool:
        return False


load_kv(__file__)
