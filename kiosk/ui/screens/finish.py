"""Well done: a short, gentle celebration, then back to the tasks.

Calm on purpose: a star grows and fades in once (under a second), a soft chime plays, and the
worker's name is said on screen. A tap anywhere or Space/Enter goes back to the tasks; otherwise
the kiosk returns by itself after a pause (``finish_pause_s``, default 6 s).
"""

from __future__ import annotations

from typing import Any

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.fit import FitLabel  # noqa: F401 - used in finish.kv


class FinishScreen(KioskScreen):
    message = StringProperty("")
    task_title = StringProperty("")
    star_scale = NumericProperty(0.6)
    star_opacity = NumericProperty(0.0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._return_event = None

    def prepare(self, worker: Any, pack: Any | None) -> None:
        """Prepare the words; the animation and sound start when the screen appears."""
        from kiosk.ui.app import DEFAULT_WORKER_NAME

        name = worker.name if worker is not None else ""
        if name == DEFAULT_WORKER_NAME:  # the kiosk's unnamed single worker: no "Well done, Worker!"
            name = ""
        self.message = self.tr("Well done, {name}!", name=name) if name else self.tr("Well done!")
        language = worker.language if worker is not None else self.app.ui_lang
        self.task_title = pack.title_for(language) if pack is not None else ""

    def on_pre_enter(self, *_args: Any) -> None:
        Animation.cancel_all(self)
        self.star_scale, self.star_opacity = 0.6, 0.0

    def on_enter(self, *_args: Any) -> None:
        settings = self.app.worker_settings()
        if settings.celebrate:  # a trainer may switch the star and the chime off (trainer settings)
            Animation(star_scale=1.0, star_opacity=1.0, duration=0.9, t="out_quad").start(self)
            self.app.audio.play_ui("celebrate")
        pause = settings.finish_pause_s
        self._return_event = Clock.schedule_once(self._timed_return, pause)

    def on_leave(self, *_args: Any) -> None:
        if self._return_event is not None:
            self._return_event.cancel()
            self._return_event = None

    def on_touch_up(self, touch: Any) -> bool:
        if super().on_touch_up(touch):
            return True
        if self.collide_point(*touch.pos) and self.manager and self.manager.current == self.name:
            self.ids.again.activate()
            return True
        return False

    scans = True

    def focusables(self) -> list[Any]:
        return [self.ids.again]

    def main_action(self) -> None:
        self.ids.again.activate()

    def _timed_return(self, _dt: float) -> None:
        self._return_event = None
        if self.manager is not None and self.manager.current == self.name:
            self.app.task_done()

    def go_back(self) -> None:
        self.main_action()


load_kv(__file__)
