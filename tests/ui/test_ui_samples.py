"""The bundled sample packs on the real kiosk, with the demo people's photos: every step of every
sample pack is shown (and photographed for review) in landscape and on a portrait tablet."""

from __future__ import annotations

import pytest

from kiosk.paths import ASSETS_DIR, SAMPLE_PACKS_DIR

PEOPLE = [("Maria", "de", "worker-1.png"), ("Li Wei", "zh", "worker-2.png"), ("Sam", "en", "worker-3.png")]


def with_photos(journal):
    for name, language, photo in PEOPLE:
        journal.add_person(name, photo=str(ASSETS_DIR / "images" / "people" / photo), language=language)


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_every_sample_pack_step_is_shown(kiosk, ui, size):
    app = kiosk(packs=[SAMPLE_PACKS_DIR], size=size, prepare=with_photos)
    tag = "landscape" if size[0] > size[1] else "portrait"
    assert app.sm.current == "people"
    assert all(tile.texture is not None for tile in ui.screen.tiles())  # the photos, not placeholders
    ui.shot(f"{tag}-people")
    pack_ids = sorted(p.id for p in app.shelf.packs)
    assert len(pack_ids) >= 3, app.shelf.result.reports
    for index, (name, _language, _photo) in enumerate(PEOPLE):
        ui.tap(next(t for t in ui.screen.tiles() if t.title == name))
        if index == 0:
            ui.shot(f"{tag}-tasks-{name}")
        pack_id = pack_ids[index % len(pack_ids)]
        ui.tap(next(t for t in ui.screen.tiles() if t.item.id == pack_id))
        step = ui.screen
        for number in range(1, step.total + 1):
            assert step.number == number and step.ids.picture.texture is not None and step.step_text
            ui.shot(f"{tag}-{pack_id}-{name.replace(' ', '_')}-step{number}")
            ui.tap(step.ids.next)
        ui.advance(1)
        ui.shot(f"{tag}-finish-{name.replace(' ', '_')}")
        ui.tap(ui.screen.ids.again)
        assert app.sm.current == "people"  # several workers share this kiosk: the next one chooses
    assert not [p for p in app.problems.items if p.kind in ("packs", "picture")]
