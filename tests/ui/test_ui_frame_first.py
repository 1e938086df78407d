"""The new picture is on screen before the journal writes (or the voice starts) for a Next: a key
or switch press is read after a frame, so anything run "before the next frame" would hold the
picture back by two fsync'ed commits. The writes still reach the file within a few frames."""

from __future__ import annotations

from kivy.core.window import Window

from ui_helpers import events_of


def test_next_shows_the_picture_before_the_journal_is_written(kiosk, ui):
    app = kiosk(people=[("Anna", "en")])
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "wash-hands"))
    step = ui.screen
    ui.advance(2)
    order: list[str] = []
    journal = app.journal
    record = journal.record_step

    def recording(*args, **kwargs):
        order.append("write")
        return record(*args, **kwargs)

    def flipped(*_args):
        order.append("flip:" + ("new" if step.ids.picture.texture is not before else "old"))

    journal.record_step = recording
    Window.bind(on_flip=flipped)
    play = app.audio.play_step

    def playing(*args, **kwargs):
        order.append("voice")
        return play(*args, **kwargs)

    app.audio.play_step = playing
    try:
        before = step.ids.picture.texture
        # a key arrives as SDL delivers it: after a frame, outside the Clock
        Window.dispatch("on_key_down", 32, 0, " ", [])
        Window.dispatch("on_key_up", 32, 0)
        ui.pump(6)
    finally:
        Window.unbind(on_flip=flipped)
        journal.record_step = record
        app.audio.play_step = play
    assert step.session.number == 2
    first_new = order.index("flip:new")
    assert "write" in order and order.index("write") > first_new, order
    assert "voice" in order and order.index("voice") > first_new, order
    _, events = events_of(app)
    assert (1, "done") in events and (2, "shown") in events  # durable a few frames later
