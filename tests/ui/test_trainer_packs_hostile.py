"""The trainer's Packs screen with hostile packs copied in (issue 10): it opens, lists each pack's
problems in a recycling list (never one giant label), and stays responsive."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kivy.uix.label import Label

from test_trainer_screens import open_from_home, open_trainer, pack_row, set_pin
from ui_helpers import standard_library

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.packs import hostile  # noqa: E402


def test_packs_screen_with_hostile_packs_shows_recycled_problems_and_stays_responsive(kiosk, ui, tmp_path):
    library = standard_library(tmp_path / "packs")
    hostile.many_files_folder(library, count=20_000)
    hostile.alias_bomb_folder(library)
    hostile.zeros_zip(library)
    app = kiosk(packs=[library], people=[("Anna", "en")], prepare=set_pin)
    open_trainer(app, ui)
    started = time.perf_counter()
    screen = open_from_home(app, ui, "trainer_packs")
    opened_s = time.perf_counter() - started
    assert opened_s < 10, opened_s
    rows = {entry["report"].pack: entry for entry in screen.entries()}
    assert {"many-files", "alias-bomb", "zeros.zip", "sort-screws", "wash-hands"} <= set(rows)
    many = pack_row(ui, screen, lambda entry: entry["report"].pack == "many-files")
    assert many.state_word == "Warnings" and many.usable
    assert "19,990 more problems of the same kind" in many.details
    lines = many.ids.details
    assert len(lines.data) == len(many.report.problems) + 1  # + where the pack is
    drawn = [w for w in lines.walk(restrict=True) if isinstance(w, Label)]
    assert 0 < len(drawn) < len(lines.data)  # only the lines in view are widgets
    assert lines.height <= lines.max_height + 1
    assert all(w.texture is None or w.texture.height < 2000 for w in screen.walk() if isinstance(w, Label))
    assert rows["alias-bomb"]["state_word"] == "Broken" and "100,000 values" in rows["alias-bomb"]["details"]
    assert rows["zeros.zip"]["state_word"] == "Broken" and "512 MB" in rows["zeros.zip"]["details"]
    ui.shot("hostile-packs")

    # Responsive: scrolling to the row and through its long list, and Reload, still work.
    screen.scroll_to(many)
    ui.pump(3)
    ui.shot("hostile-packs-long-list")
    for _ in range(3):  # lines are measured as they come into view; the end moves until then
        lines.scroll_y = 0
        ui.pump(3)
    assert any("19,990 more" in w.text for w in lines.walk(restrict=True) if isinstance(w, Label))
    ui.shot("hostile-packs-long-list-end")
    assert "zeros-zip" not in many.details
    started = time.perf_counter()
    ui.tap(screen.ids.reload, wait=False)
    ui.settle()
    ui.pump(4)
    assert time.perf_counter() - started < 10
    assert {entry["report"].pack for entry in screen.entries()} == set(rows)
    ui.tap(screen.ids.back, wait=False)
    assert app.sm.current == "trainer_home"
