"""Canvas instructions that are taken out of the canvas while they would draw nothing.

Why: an instruction that draws an empty box (a hidden focus ring, the icon disc of a button
without one) still costs a software renderer (llvmpipe, on kiosks without a GPU) a draw call and a
change of texture in every frame: the step screen's eight such boxes cost 0.4-0.9 ms of each
Next's frame in a probe (median 12.5 -> 12.1 ms, lower quartile 10.0 -> 9.1 ms), a third of what
the frame costs beyond its picture. The layout stays in the ``.kv`` rule, whose bindings keep the
instructions up to date while they are out; this only takes them out and puts them back.
"""

from __future__ import annotations

from typing import Any


class DrawnWhen:
    """The instructions of one named ``group`` in one canvas, in the canvas only while shown.

    Put back, they go to the end of that canvas: meant for what is drawn last in it (a ring over
    a widget, a disc under an icon in its ``canvas.before``)."""

    def __init__(self, canvas: Any, group: str, shown: bool) -> None:
        self._canvas = canvas
        self._group = group
        self._instructions = list(canvas.get_group(group))
        if not self._instructions:
            raise ValueError(f"no canvas instruction has the group {group!r}: see the widget's .kv rule")
        self._shown = True
        self.show(shown)

    def show(self, shown: bool) -> None:
        if shown == self._shown:
            return
        if shown:
            for instruction in self._instructions:
                self._canvas.add(instruction)
        else:
            self._canvas.remove_group(self._group)
        self._shown = shown
