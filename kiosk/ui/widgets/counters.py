"""Things that count: progress dots, the countdown ring and the tally dots.

All three are drawn with Kivy canvas instructions (no pictures to load). The countdown ring never
forces anything: when it runs out it only says so (``on_finished``); Next stays as it was.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Mesh, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import AliasProperty, BooleanProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import GuardedButtonBehavior
from kiosk.ui.widgets.disc import SHEET_CELL, SHEET_CELLS, SHEET_DISC, dot_sheet


def _theme() -> Any:
    return App.get_running_app().theme


#: The dot sheet's cells (``disc.dot_sheet``), in the order of their colours.
DOT_KINDS = ("done", "current", "todo")


class ProgressDots(Widget):
    """One dot per step: done steps filled, the current one larger and dark, the rest faint.
    With too many steps for dots, a bar of the same colours is drawn instead.

    The dots are the quads of one mesh over one texture with a disc of each colour: one draw,
    where ten tinted discs were ten colour changes and ten draws (0.4 ms of each Next's frame on
    a software renderer in a probe; ``bench/step_latency.py`` times the whole)."""

    total = NumericProperty(1)
    current = NumericProperty(1)  # 1-based

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._redraw = Clock.create_trigger(self.redraw, -1)
        self._mesh: Mesh | None = None  # when drawn as dots
        self._drawn_for: tuple | None = None  # what the mesh was made for (current left out)
        self.bind(pos=self._redraw, size=self._redraw, total=self._redraw, current=self._redraw)
        _theme().bind(dot_done=self._redraw, dot_todo=self._redraw, text=self._redraw)

    def _sizes(self, total: int) -> tuple[float, float, float]:
        """(dot, gap, width needed) for ``total`` dots: smaller dots before a bar."""
        for dot, gap in ((dp(18), dp(14)), (dp(14), dp(9))):
            needed = total * dot + (total - 1) * gap + dot  # + room for the larger current dot
            if needed <= self.width:
                break
        return dot, gap, needed - dot

    def dot_boxes(self) -> list[tuple[str, float, float, float]]:
        """(kind, centre x, centre y, diameter) of each dot, left to right; none for a bar."""
        total, current = max(1, int(self.total)), int(self.current)
        dot, gap, needed = self._sizes(total)
        if needed + dot > self.width:
            return []
        boxes, cy, x = [], self.center_y, self.center_x - needed / 2
        for number in range(1, total + 1):
            kind = "current" if number == current else ("done" if number < current else "todo")
            boxes.append((kind, x + dot / 2, cy, dot * 1.5 if kind == "current" else dot))
            x += dot + gap
        return boxes

    def redraw(self, *_args: Any) -> None:
        """Next moves only the current dot: the mesh's corners are set again, in the frame of
        that Next; the mesh is made again only for a new layout or theme."""
        theme = _theme()
        total, current = max(1, int(self.total)), int(self.current)
        boxes = self.dot_boxes()
        if not boxes:  # many steps: a bar
            self._mesh, self._drawn_for = None, None
            self.canvas.clear()
            with self.canvas:
                Color(*theme.dot_todo)
                RoundedRectangle(pos=(self.x, self.center_y - dp(6)), size=(self.width, dp(12)), radius=[dp(6)])
                Color(*theme.dot_done)
                RoundedRectangle(
                    pos=(self.x, self.center_y - dp(6)), size=(self.width * current / total, dp(12)), radius=[dp(6)]
                )
            return
        colours = (tuple(theme.dot_done), tuple(theme.text), tuple(theme.dot_todo))
        layout = (total, tuple(self.pos), tuple(self.size), colours)
        if layout != self._drawn_for or self._mesh is None:
            self.canvas.clear()
            indices = [4 * n + corner for n in range(total) for corner in (0, 1, 2, 2, 3, 0)]
            with self.canvas:
                Color(1, 1, 1, 1)
                self._mesh = Mesh(mode="triangles", texture=dot_sheet(colours), indices=indices)
            self._drawn_for = layout
        texture = self._mesh.texture
        (u, v), (width, height) = texture.uvpos, texture.uvsize
        cell = width / SHEET_CELLS
        vertices: list[float] = []
        for kind, cx, cy, diameter in boxes:
            half = diameter / 2 * SHEET_CELL / SHEET_DISC  # the quad is the cell, margin and all
            u0 = u + DOT_KINDS.index(kind) * cell
            u1 = u0 + cell
            vertices += [cx - half, cy - half, u0, v, cx + half, cy - half, u1, v]
            vertices += [cx + half, cy + half, u1, v + height, cx - half, cy + half, u0, v + height]
        self._mesh.vertices = vertices


class TimerRing(Widget):
    """A countdown drawn as a coloured disc that drains like a kitchen timer: full at the start,
    a shrinking slice while it runs, empty (with a tick) when the time is up, so start and end
    never look alike. The seconds show in the middle unless ``digits`` is off (the disc alone is
    what a worker who cannot read the time follows)."""

    seconds = NumericProperty(0)
    remaining = NumericProperty(0)
    running = BooleanProperty(False)
    done = BooleanProperty(False)
    digits = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        self.register_event_type("on_finished")
        super().__init__(**kwargs)
        self._event = None
        self._ends_at = 0.0
        self._redraw = Clock.create_trigger(self.redraw, -1)
        self.bind(pos=self._redraw, size=self._redraw, remaining=self._redraw, done=self._redraw)
        _theme().bind(dot_done=self._redraw, surface=self._redraw, border=self._redraw)

    def _diameter(self) -> float:
        return max(0.0, min(self.width, self.height) - dp(12))

    diameter = AliasProperty(_diameter, bind=("size",), cache=True)

    def start(self, seconds: float) -> None:
        self.stop()
        self.seconds = self.remaining = float(seconds)
        self.done = False
        self.running = True
        self._ends_at = Clock.get_time() + seconds
        self._event = Clock.schedule_interval(self._tick, 0.25)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.running = False

    def _tick(self, _dt: float) -> None:
        self.remaining = max(0.0, self._ends_at - Clock.get_time())
        if self.remaining <= 0:
            self.stop()
            self.done = True
            self.dispatch("on_finished")

    def on_finished(self) -> None:
        pass

    def redraw(self, *_args: Any) -> None:
        theme = _theme()
        self.canvas.before.clear()
        size = self.diameter
        if size <= 0:
            return
        x, y = self.center_x - size / 2, self.center_y - size / 2
        fraction = (self.remaining / self.seconds) if (self.seconds and not self.done) else 0.0
        hub = size * 0.46
        with self.canvas.before:
            Color(*theme.surface)
            Ellipse(pos=(x, y), size=(size, size))
            Color(*theme.dot_done)
            if fraction > 0:  # the time left, clockwise from twelve o'clock
                Ellipse(pos=(x, y), size=(size, size), angle_start=0, angle_end=360 * fraction)
            Color(*theme.border)
            Line(circle=(self.center_x, self.center_y, size / 2), width=dp(2.5))
            # a calm centre for the digits (or the tick), the same colour whatever is left
            Color(*theme.surface)
            Ellipse(pos=(self.center_x - hub / 2, self.center_y - hub / 2), size=(hub, hub))
            Color(*theme.border)
            Line(circle=(self.center_x, self.center_y, hub / 2), width=dp(1.5))


class TallyDot(GuardedButtonBehavior, Widget):
    filled = BooleanProperty(False)


class TallyDots(BoxLayout):
    """``count`` dots to tap, one per repetition.

    A tap on an empty dot fills the next empty one; a tap on the last filled dot empties it again
    (an undo for a tap too many); when every dot is filled the row says so (``on_full``, the step
    screen plays a soft bell) and a further tap repeats that cue instead of doing nothing.
    """

    count = NumericProperty(0)
    filled = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        self.register_event_type("on_tap")
        self.register_event_type("on_full")
        super().__init__(**kwargs)
        self.bind(count=self._rebuild)

    def reset(self, count: int) -> None:
        """``count`` empty dots (a new step). Called on every Next, before the new frame: the dots
        are made again only when their number changes (the ``count`` binding), else emptied."""
        self.filled = 0
        if count != self.count:
            self.count = count  # -> _rebuild
            return
        for dot in self.children:
            dot.filled = False

    def tap(self, dot: Any = None, *_args: Any) -> None:
        dots = list(reversed(self.children))
        if dot is not None and dot in dots and self.filled and dots.index(dot) == self.filled - 1:
            self.filled -= 1  # undo: the last filled dot tapped again
        elif self.filled >= self.count:
            self.dispatch("on_full")
            return
        else:
            self.filled += 1
        for index, each in enumerate(dots):
            each.filled = index < self.filled
        self.dispatch("on_tap", self.filled)
        if self.filled == self.count:
            self.dispatch("on_full")

    def on_tap(self, filled: int) -> None:
        pass

    def on_full(self) -> None:
        pass

    def _rebuild(self, *_args: Any) -> None:
        self.clear_widgets()
        for _ in range(int(self.count)):
            dot = TallyDot()
            dot.bind(on_activate=self.tap)
            self.add_widget(dot)


load_kv(__file__)
