"""Two small charts for the family's progress view, drawn with Kivy canvas instructions.

They draw the same figures as the printed report (``kiosk.report.view_model``), so a number means the
same on the kiosk and on paper. Readable without colour: the line has round markers (a star-like
filled square for a run done fully alone), the bars carry their numbers, the axis says 0 and 100 %.
"""

from __future__ import annotations

from typing import Any, Sequence

import math

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.metrics import dp, sp
from kivy.properties import ListProperty, NumericProperty
from kivy.uix.label import Label
from kivy.uix.widget import Widget

AXIS_WIDTH = dp(120)  # room for "100 %" on the left
LABEL_HEIGHT = dp(48)  # room for week labels under the plot
TOP_ROOM = dp(56)  # room for the numbers written above the highest mark


class _Chart(Widget):
    """Shared frame: colours from the app theme, a plot area, labels as child Labels."""

    ink = ListProperty([0.1, 0.13, 0.22, 1])
    faint = ListProperty([0.1, 0.13, 0.22, 0.25])
    week_labels = ListProperty([])  # one per column, "" for an unlabelled week
    font_size = NumericProperty(sp(28))  # every word and number on the chart (the kiosk's minimum)
    axis_labels = ListProperty(["0%", "50%", "100%"])  # in the worker's language ("100 %" in German)

    def __init__(self, **kwargs: Any) -> None:
        # one drawing per frame, after the layout has placed the chart: drawn on every property
        # change, a chart filled before its card was laid out kept labels placed for its first,
        # empty geometry
        self._redraw = Clock.create_trigger(lambda _dt: self.redraw(), -1)
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw, week_labels=self._redraw, font_size=self._redraw)

    def plot_box(self) -> tuple[float, float, float, float]:
        x, y = self.x + AXIS_WIDTH, self.y + LABEL_HEIGHT
        return x, y, max(1.0, self.width - AXIS_WIDTH - dp(20)), max(1.0, self.height - LABEL_HEIGHT - TOP_ROOM)

    def label(self, text: str, center_x: float, center_y: float, bold: bool = False) -> None:
        widget = Label(text=text, color=self.ink, font_size=self.font_size, bold=bold, size_hint=(None, None))
        widget.texture_update()
        widget.size = widget.texture_size
        half = widget.width / 2  # keep every label inside the chart (the last week's name too)
        widget.center = (min(max(center_x, self.x + half), self.right - half), center_y)
        self.add_widget(widget)

    def text_width(self, text: str) -> float:
        core = CoreLabel(text=text, font_size=self.font_size)
        core.refresh()
        return float(core.texture.size[0]) if core.texture else 0.0

    def column_x(self, index: int) -> float:
        x, _, w, _ = self.plot_box()
        columns = max(1, len(self.week_labels))
        return x + w * (index + 0.5) / columns

    def draw_week_labels(self) -> None:
        """Week names under the columns; every 2nd (3rd ...) one when they would touch, always the latest."""
        labels = list(self.week_labels)
        if not labels:
            return
        _, _, w, _ = self.plot_box()
        column = w / len(labels)
        widest = max(self.text_width(text) for text in labels) + dp(28)
        every = max(1, math.ceil(widest / column))
        last = len(labels) - 1
        for index, text in enumerate(labels):
            if text and (last - index) % every == 0:
                self.label(text, self.column_x(index), self.y + LABEL_HEIGHT / 2)

    def redraw(self, *_args: Any) -> None:
        raise NotImplementedError


class IndependenceChart(_Chart):
    """Share of steps done alone, one marker per finished run, 0-100 %."""

    points = ListProperty([])  # (x 0..1 across the window, independence 0..1, label)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(points=self._redraw, axis_labels=self._redraw)

    def redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        self.clear_widgets()
        x, y, w, h = self.plot_box()
        with self.canvas:
            Color(*self.faint)
            for share in (0.0, 0.5, 1.0):
                Line(points=[x, y + h * share, x + w, y + h * share], width=dp(1))
            Color(*self.ink)
            coords = [(x + w * px, y + h * share) for px, share, _ in self.points]
            if len(coords) > 1:
                Line(points=[c for xy in coords for c in xy], width=dp(2.5))
            radius = dp(9)
            for (cx, cy), (_, share, _) in zip(coords, self.points):
                if share >= 1.0:  # done fully alone: a filled square, distinct without colour
                    Rectangle(pos=(cx - radius, cy - radius), size=(2 * radius, 2 * radius))
                else:
                    Ellipse(pos=(cx - radius, cy - radius), size=(2 * radius, 2 * radius))
        for share, text in zip((0.0, 0.5, 1.0), self.axis_labels):
            self.label(text, self.x + AXIS_WIDTH / 2, y + h * share)
        if self.points:  # the latest figure, written on the chart (and the first, when apart)
            (cx, cy), (_, _, text) = coords[-1], self.points[-1]
            self.label(text, cx, cy + dp(30), bold=True)
            (fx, fy), (_, _, first) = coords[0], self.points[0]
            if len(coords) > 1 and abs(fx - cx) > self.text_width(text) + dp(30):
                self.label(first, fx, fy + dp(30), bold=True)
        self.draw_week_labels()


class RunsPerWeekChart(_Chart):
    """Times done each week: bars with their numbers on top."""

    counts = ListProperty([])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(counts=self._redraw)

    def redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        self.clear_widgets()
        x, y, w, h = self.plot_box()
        top = max([1, *self.counts])
        columns = max(1, len(self.counts))
        bar = min(dp(60), w / columns * 0.6)
        with self.canvas:
            Color(*self.ink)
            Line(points=[x, y, x + w, y], width=dp(1.5))
            for index, count in enumerate(self.counts):
                height = h * count / top
                if height:
                    Rectangle(pos=(self.column_x(index) - bar / 2, y), size=(bar, height))
        for index, count in enumerate(self.counts):
            self.label(str(count), self.column_x(index), y + h * count / top + dp(22), bold=True)
        self.draw_week_labels()


def chart_points(points: Sequence[Any]) -> list[tuple[float, float, str]]:
    """RunPoints of the report model as the chart wants them."""
    return [(p.x, p.independence, p.label) for p in points]
