"""``Picture``: a Kivy ``Image`` drawn without a stencil.

Why: Kivy's own rule for ``Image`` draws every image inside a stencil (a mask rectangle the size of
the widget, drawn before and again after the texture), so that a ``cover`` fit is clipped to the
widget. The kiosk shows every picture and icon with ``contain`` (or ``fill``), which never leaves
the widget, so the stencil clips nothing; but a software renderer (llvmpipe, on kiosks without a
GPU) pays for it in every frame: two extra passes over the widget's area and a stencil test on the
picture. On the step screen that is the picture and every button's icon, in the frame of each Next
(``bench/step_latency.py``).
"""

from __future__ import annotations

from typing import Any

from kivy.uix.image import Image

from kiosk.ui.widgets import load_kv

#: The fits that stay inside the widget: the only ones a picture without a stencil can show.
UNCLIPPED_FITS = ("contain", "fill", "scale-down")


class Picture(Image):
    """An ``Image`` without the stencil (see the module's docstring); ``cover`` is refused, since
    it is the one fit that would draw outside the widget."""

    def on_fit_mode(self, _instance: Any, fit_mode: str) -> None:
        if fit_mode not in UNCLIPPED_FITS:
            raise ValueError(
                f"Picture draws without a stencil and cannot clip a {fit_mode!r} fit: "
                f"use one of {', '.join(UNCLIPPED_FITS)}, or Kivy's Image for {fit_mode!r}."
            )


load_kv(__file__)
