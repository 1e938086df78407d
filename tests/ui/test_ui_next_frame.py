"""The frame after Next only swaps what was prepared while the worker looked at the step.

Kivy's core label draws a text's glyphs into its texture only when the texture is first drawn, so
words not rendered ahead are rendered inside the frame with the new picture (10-20 ms for a step
sentence, more when the texture is still in the renderer's queue: ``bench/step_latency.py``). The
step screen renders the next and previous steps' words ahead, Back never changes ``disabled``
(which re-renders its word), and the layers over the picture are in the tree only while they
show, since Kivy draws a widget of opacity 0 too.
"""

from __future__ import annotations

from typing import Any

from kivy.core.text import LabelBase
from kivy.core.window import Window


def start_task(ui: Any, pack_id: str = "sort-screws") -> Any:
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == pack_id))
    return ui.screen


def test_next_renders_no_words_in_the_frame_with_the_new_picture(kiosk: Any, ui: Any, monkeypatch: Any) -> None:
    kiosk(people=[("Anna", "en")])
    step = start_task(ui)
    rendered: list[str] = []
    real = LabelBase._render_real  # noqa: SLF001 - the real rendering, counted (Kivy has no hook)

    def counting(label: Any) -> Any:
        rendered.append(label.text)
        return real(label)

    monkeypatch.setattr(LabelBase, "_render_real", counting)
    shown = []
    for number in (2, 1, 2):  # Next (Back appears), Back (it goes), Next: no timer on these steps
        ui.settle()
        ui.advance(1.0)  # the worker looks at the step: the neighbours are prepared
        before, rendered[:] = step.ids.picture.texture, []
        key = 32 if number > step.session.number else 8  # Space: Next; Backspace: Back
        if not Window.dispatch("on_key_down", key, 0, " " if key == 32 else None, []):
            Window.dispatch("on_keyboard", key, 0, None, [])
        Window.dispatch("on_key_up", key, 0)
        ui.pump(1)  # the one frame after the key
        assert step.session.number == number and step.ids.picture.texture is not before
        shown.append(step.step_text)
        assert rendered == [], f"step {number}: rendered in the frame: {rendered}"
    assert len(set(shown)) == 2 and all(shown)  # the words did change, ready-made


def test_the_layers_over_the_picture_are_in_the_frame_only_while_they_show(kiosk: Any, ui: Any) -> None:
    kiosk()
    step = start_task(ui)
    frame, picture = step.ids.frame, step.ids.picture
    timer, video, broken = step.ids.timer, step.ids.video, step.ids.broken
    assert step.timer_seconds == 0 and not video.showing and not step.picture_missing
    assert frame.children == [picture.__self__]  # nothing invisible is drawn over the picture
    ui.tap(step.ids.next)
    ui.tap(step.ids.next)
    assert step.number == 3 and step.timer_seconds == 20
    assert frame.children == [timer.__self__, picture.__self__] and timer.opacity == 1
    ui.advance(5)
    assert 0 < timer.remaining <= 16 and timer.diameter > 0  # it counts (real time passes too) and is drawn
    step.picture_missing = True  # the broken sign goes between the picture and the countdown
    assert frame.children == [timer.__self__, broken.__self__, picture.__self__]
    step.picture_missing = False
    ui.tap(step.ids.next)
    assert step.number == 4 and frame.children == [picture.__self__]
    assert timer.running is False  # the countdown of the step left behind stopped


def test_back_on_the_first_step_is_hidden_inert_and_takes_no_tap_guard(kiosk: Any, ui: Any) -> None:
    app = kiosk()
    step = start_task(ui)
    back = step.ids.back
    assert step.is_first and back.opacity == 0 and back not in step.focusables()
    ui.press(8)  # Backspace on the first step: nothing
    assert step.session.number == 1
    ui.press(32, wait=False)  # Next at once: Back took no tap-guard time
    assert step.session.number == 2 and back.opacity == 1 and back in step.focusables()
    ui.tap(back)
    assert step.session.number == 1 and back.opacity == 0
    ui.advance(1.0)  # the tap-guard time of that tap passes
    ui.tap(back, wait=False)  # a tap where the hidden Back is: nothing, no guard taken
    ui.press(32, wait=False)
    assert step.session.number == 2
    assert app.sm.current == "step"
