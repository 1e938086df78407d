"""Trainer: try a pack the way a worker will see it — without recording anything.

Picture (the pack's prepared display copy), sentence, "3 of 8", Back / Next and Hear (the same
voice a worker gets, ``app.audio.play_step``), and a language switch (en / de / zh) to check every
translation. No run is started and nothing is written to the journal: a trainer's look at a pack
must not show up in a worker's progress.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, ObjectProperty, StringProperty

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, base_language
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.fit import FitLabel  # noqa: F401 - used in trainer_preview.kv
from kiosk.ui.widgets.buttons import KioskButton


class TrainerPreviewScreen(TrainerScreen):
    pack = ObjectProperty(None, allownone=True)
    index = NumericProperty(0)
    total = NumericProperty(0)
    language = StringProperty("en")
    sentence = StringProperty("")
    position = StringProperty("")
    title = StringProperty("")
    texture = ObjectProperty(None, allownone=True)

    def prepare(self, pack: Any) -> None:
        """Show ``pack`` from its first step, in the kiosk's language when the pack has words in it
        (a German coach checks the German a German worker gets), else in the pack's own."""
        self.pack = pack
        self.total = len(pack.steps)
        kiosk = self.app.kiosk_lang
        has_kiosk_words = kiosk in pack.title or any(kiosk in step.text for step in pack.steps)
        self.language = kiosk if has_kiosk_words or not pack.language else base_language(pack.language)
        self.show_step(0)

    def on_pre_enter(self, *_args: Any) -> None:
        self._build_languages()

    def on_leave(self, *_args: Any) -> None:
        self.app.audio.stop()

    def show_step(self, index: int) -> None:
        if self.pack is None or not self.pack.steps:
            return
        self.index = max(0, min(index, self.total - 1))
        step = self.pack.steps[self.index]
        self.title = self.pack.title_for(self.language)
        self.sentence = step.text_for(self.language, self.pack.language)
        self.position = self.tr("{current} of {total}", current=self.index + 1, total=self.total)
        self.texture = None
        texture = self.app.step_pictures.get(self.pack.display_image(step), self._picture_ready(self.index))
        if texture is not None:
            self.texture = texture

    def _picture_ready(self, index: int) -> Any:
        def ready(texture: Any) -> None:
            if index == self.index and texture is not None:
                self.texture = texture

        return ready

    def next_step(self) -> None:
        self.app.audio.stop()
        self.show_step(self.index + 1)

    def previous_step(self) -> None:
        self.app.audio.stop()
        self.show_step(self.index - 1)

    def hear(self) -> None:
        if self.pack is not None:
            self.app.audio.play_step(self.pack, self.pack.steps[self.index], self.language)

    def set_language(self, language: str) -> None:
        self.language = language
        self._build_languages()
        self.show_step(self.index)

    def main_action(self) -> None:
        self.next_step()

    def focusables(self) -> list[Any]:
        ids = self.ids
        return [ids.back, *reversed(ids.languages.children), ids.hear, ids.previous, ids.next]

    def _build_languages(self) -> None:
        box = self.ids.languages
        box.clear_widgets()
        for language in LANGUAGES:
            chosen = language == self.language
            button = KioskButton(
                text=LANGUAGE_NAMES[language],
                icon="check" if chosen else "speaker",
                role="help" if chosen else "secondary",
                guarded=False,
            )
            button.language = language
            button.bind(on_activate=lambda _b, lang=language: self.set_language(lang))
            box.add_widget(button)


load_kv(__file__)
