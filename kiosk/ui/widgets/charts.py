"""Two small charts for the family's progress view, drawn with Kivy canvas instructions.

They draw the same figures as the printed report (``kiosk.report.model``), so a number means the
same on the kiosk and on paper. Readable without colour: the line has round markers (a star-like
filled square for a run done fully alone), the bars carry their numbers, the axis says 0 and 100 %.
"""

from __future__ import annotations

from typing import Any, Sequence

from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.metrics import dp, sp
from kivy.properties import ListProperty
from kivy.uix.label import Label
from kivy.uix.widget import Widget

AXIS_WIDTH = dp(64)      # room for "100 %" on the left
LABEL_HEIGHT = dp(34)    # room for week labels under the plot


class _Chart(Widget):
    """Shared frame: colours from the app theme, a plot area, labels as child Labels."""

    ink = ListProperty([0.1, 0.13, 0.22, 1])
    faint = ListProperty([0.1, 0.13, 0.22, 0.25])
    week_labels = ListProperty([])   # one per column, "" for an unlabelled week

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self.redraw, size=self.redraw, week_labels=self.redraw)

    def plot_box(self) -> tuple[float, float, float, float]:
        x, y = self.x + AXIS_WIDTH, self.y + LABEL_HEIGHT
        return x, y, max(1.0, self.width - AXIS_WIDTH - dp(10)), max(1.0, self.height - LABEL_HEIGHT - dp(30))

    def label(self, text: str, center_x: float, center_y: float, size: float = 20, bold: bool = False) -> None:
        widget = Label(text=text, color=self.ink, font_size=sp(size), bold=bold,
                       size_hint=(None, None), size=(dp(120), dp(30)))
        widget.center = (center_x, center_y)
        self.add_widget(widget)

    def column_x(self, index: int) -> float:
        x, _, w, _ = self.plot_box()
        columns = max(1, len(self.week_labels))
        return x + w * (index + 0.5) / columns

    def draw_week_labels(self) -> None:
        for index, text in enumerate(self.week_labels):
            if text:
                self.label(text, self.column_x(index), self.y + LABEL_HEIGHT / 2, size=17)

    def redraw(self, *_args: Any) -> None:
        raise NotImplementedError


class IndependenceChart(_Chart):
    """Share of steps done alone, one marker per finished run, 0-100 %."""

    points = ListProperty([])  # (x 0..1 across the window, independence 0..1, label)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(points=self.redraw)

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
        for share, text in ((0.0, "0 %"), (0.5, "50 %"), (1.0, "100 %")):
            self.label(text, self.x + AXIS_WIDTH / 2, y + h * share, size=17)
        if self.points:  # the latest figure, written on the chart
            (cx, cy), (_, _, text) = coords[-1], self.points[-1]
            self.label(text, cx, min(cy + dp(24), self.top - dp(14)), size=20, bold=True)
        self.draw_week_labels()


class RunsPerWeekChart(_Chart):
    """Times done each week: bars with their numbers on top."""

    counts = ListProperty([])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(counts=self.redraw)

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
            self.label(str(count), self.column_x(index), y + h * count / top + dp(16), size=19, bold=True)
        self.draw_week_labels()


def chart_points(points: Sequence[Any]) -> list[tuple[float, float, str]]:
    """RunPoints of the report model as the chart wants them."""
    return [(p.x, p.independence, p.label) for p in points]
