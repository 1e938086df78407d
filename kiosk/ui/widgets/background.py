"""Work a trainer screen hands to a thread: copying photos, building voices, reading a folder.

Why: a 12-megapixel photo takes a third of a second to make upright and small, a task's voices
some seconds; the screen must stay calm and answer meanwhile. One worker thread per screen keeps
the jobs in order (a draft is never written by two threads at once); the result comes back on
Kivy's main thread, where widgets may be touched. ``busy`` tells the screen (and the tests) that
something is under way.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any, Callable

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import NumericProperty
from kiosk.priority import background_executor


class BackgroundWork(EventDispatcher):
    """``run(job, done, failed)``: ``job()`` on the worker thread, then ``done(result)`` or
    ``failed(error)`` on the main thread."""

    pending = NumericProperty(0)

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._executor = background_executor(name)

    @property
    def busy(self) -> bool:
        return self.pending > 0

    def run(self, job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        def deliver(future: Future) -> None:
            def on_main(_dt: float) -> None:
                self.pending -= 1
                error = future.exception()
                if error is not None:
                    failed(error)
                else:
                    done(future.result())

            Clock.schedule_once(on_main, 0)

        try:
            future = self._executor.submit(job)
        except RuntimeError:  # shut down: the kiosk is stopping
            return
        self.pending += 1
        future.add_done_callback(deliver)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def texture_setter(widget: Any) -> Callable[[Any], None]:
    """A callback for ``PictureCache.get``: the texture decoded in the background goes onto
    ``widget`` (a thumbnail that failed to decode leaves it as it is)."""

    def show(texture: Any) -> None:
        if texture is not None:
            widget.texture = texture

    return show
