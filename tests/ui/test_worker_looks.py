"""Every worker screen, looked at in the 12 looks a kiosk meets: landscape 1280x800 and portrait
800x1280, text at 100 % and 150 %, English, German and Chinese.

Eight workers (the most "Who are you?" must show without scrolling) walk through a task with a
count step and a timer, the stop question, a help call and the finish. Each screen is saved to
$STEP_KIOSK_SCREENSHOTS and measured (``looks.measure``: touch targets, 28 sp, text inside its box
and the window, no word split inside).
"""

from __future__ import annotations

import pytest
from kivy.core.window import Window

from looks import measure
from ui_helpers import answer_help

#: Eight adults with long and short names, as a workshop has them.
WORKERS = [
    ("Lena Hoffmann-Schäfer", "de"),
    ("Wang Xiaoming", "zh"),
    ("Maximilian Oberndorfer", "de"),
    ("Ana", "en"),
    ("李静怡", "zh"),
    ("Jonas Weber", "de"),
    ("Chen Hao", "zh"),
    ("Mary-Kate O'Donnell", "en"),
]


def look(app, ui, name: str) -> list[str]:
    ui.shot(name)
    root = app.overlay if app.overlay is not None else ui.screen
    return measure(app, root, name)


@pytest.mark.parametrize("language", ["en", "de", "zh"])
@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["text100", "text150"])
@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_worker_screens_look_right(kiosk, ui, size, scale, language):
    people = [(name, language if index % 2 == 0 else spoken) for index, (name, spoken) in enumerate(WORKERS)]
    app = kiosk(people=people, size=size, settings={"language": language, "text_scale": scale})
    problems: list[str] = []

    assert app.sm.current == "people"
    screen = ui.screen
    ui.pump(5)  # the first frames after a window resize
    problems += look(app, ui, "people")
    tiles = screen.tiles()
    assert len(tiles) == 8
    for tile in tiles:  # all eight on screen at once: nobody has to scroll to find themselves
        _, y = tile.to_window(tile.x, tile.y)
        assert y >= -1 and y + tile.height <= Window.height + 1, f"{tile.title} needs scrolling"

    ui.tap(next(t for t in tiles if t.title == WORKERS[0][0]))  # the one who speaks the kiosk's language
    assert app.sm.current == "tasks"
    problems += look(app, ui, "tasks")
    task = next(t for t in ui.screen.tiles() if t.item.id == "sort-screws")
    ui.tap(task)
    assert app.sm.current == "step"
    problems += look(app, ui, "step")
    ui.press(32)
    problems += look(app, ui, "step-count")
    ui.press(32)
    problems += look(app, ui, "step-timer")
    ui.advance(21)
    problems += look(app, ui, "step-timer-done")
    ui.tap(ui.screen.ids.home)
    problems += look(app, ui, "stop-question")
    ui.tap(app.overlay.buttons[0])  # Keep going
    ui.tap(ui.screen.ids.help)
    problems += look(app, ui, "help-call")
    answer_help(ui, app)
    ui.press(32)
    ui.press(32)
    assert app.sm.current == "finish"
    problems += look(app, ui, "finish")
    assert not problems, "\n".join(problems)
