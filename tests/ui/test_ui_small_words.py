"""Small words that matter: no "Well done, Worker!" for the kiosk's unnamed worker, and a German
coach's preview starts in German."""

from __future__ import annotations


def test_the_unnamed_single_worker_gets_well_done_without_a_name(kiosk, ui):
    app = kiosk()  # nobody added: the kiosk makes its one unnamed worker
    assert app.sm.current == "tasks"
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "wash-hands"))
    ui.press(32)
    ui.press(32)
    assert app.sm.current == "finish"
    assert ui.screen.message == "Well done!"


def test_the_preview_starts_in_the_kiosk_language(kiosk, ui):
    app = kiosk(people=[("Anna", "de"), ("Ben", "en")], settings={"language": "de"})
    pack = app.shelf.find("wash-hands")  # an English pack with German words
    preview = app.go("trainer_preview", pack=pack)
    assert preview.language == "de" and preview.title == "Hände waschen"
