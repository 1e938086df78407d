"""Trainer: one step of a task being made — its sentence per language, the coach's own voice,
a timer or a count, and whether its picture is the task's picture.

The sentence is typed on the on-screen keyboard (``KeyboardField``) for the language chosen above
it (English / Deutsch / 中文) and saved as it is typed. **Record** listens through the
microphone boundary (``kiosk.authoring.microphone``; the app's ``recorder`` when one is given, a
test's for instance, else the device's); **Stop** trims the silence and evens out the loudness
(``kiosk.authoring.voice``) in the background and keeps the recording in the draft; a silent
recording is refused (the earlier one stays), a clipped one is kept with a warning. **Listen**
plays it back; recording again replaces it. A step without a recording is read by the kiosk's
voice (made when the task is published). Without a microphone, Record says so calmly.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.core.audio import SoundLoader
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.authoring.draft import Draft
from kiosk.authoring.microphone import NoMicrophone, Recorder, Recording, default_recorder
from kiosk.authoring.voice import CLIPPED, WORDS, PreparedVoice, SilentRecording, prepare_voice
from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES
from kiosk.packs.words import Msg
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.background import BackgroundWork
from kiosk.ui.widgets.choices import fill_choices
from kiosk.ui.widgets.keyboard_field import KeyboardField  # noqa: F401 - used in the .kv

TIMERS = (None, 10, 20, 30, 60, 120, 300)  # seconds
COUNTS = (None, 2, 3, 4, 5, 6, 8, 10)
SAVE_AFTER_S = 0.6  # typing pauses this long: the sentence is saved


class TrainerStepScreen(TrainerScreen):
    draft = ObjectProperty(None, allownone=True)
    index = NumericProperty(0)
    total = NumericProperty(0)
    language = StringProperty("en")
    position = StringProperty("")
    message = StringProperty("")
    voice_text = StringProperty("")
    texture = ObjectProperty(None, allownone=True)
    listening = BooleanProperty(False)  # the microphone is on
    has_voice = BooleanProperty(False)
    is_cover = BooleanProperty(False)
    busy = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.work = BackgroundWork("kiosk-voice")
        self.work.bind(pending=lambda _w, pending: setattr(self, "busy", pending > 0))
        self._save_sentence = Clock.create_trigger(lambda _dt: self.save_sentence(), SAVE_AFTER_S)
        self._sound: Any = None
        self._showing = False  # filling the field from the draft is no typing
        self.app.bind(on_stop=lambda *_: self.work.shutdown())

    def on_kv_post(self, base_widget: Any) -> None:
        self.ids.sentence.bind(text=lambda *_: None if self._showing else self._save_sentence())

    @property
    def recorder(self) -> Recorder:
        """The app's recorder (a test gives one), else the device's microphone, made once."""
        recorder = getattr(self.app, "recorder", None)
        if recorder is None:
            recorder = self.app.recorder = default_recorder()
        return recorder

    def prepare(self, draft: Draft, index: int) -> None:
        self.draft = draft
        language = self.app.kiosk_lang
        self.language = language if language in LANGUAGES else draft.language
        self.show(index)

    def on_leave(self, *_args: Any) -> None:
        self.save_sentence()
        self.ids.sentence.focus = False
        if self.listening:
            self.recorder.stop()  # leaving while recording: nothing is kept
            self.listening = False
        self._stop_sound()

    # -- showing --------------------------------------------------------------------------------

    def show(self, index: int) -> None:
        draft = self.draft
        self.save_sentence()
        self.total = len(draft.steps)
        self.index = max(0, min(index, self.total - 1))
        self.position = self.tr("Step {current} of {total}", current=self.index + 1, total=self.total)
        self.message = ""
        self.texture = None
        picture = draft.picture(self.index)
        if picture is not None:
            index_now = self.index
            texture = self.app.step_pictures.get(
                picture, lambda t: setattr(self, "texture", t) if t and index_now == self.index else None
            )
            if texture is not None:
                self.texture = texture
        self.update()

    def update(self) -> None:
        draft, index = self.draft, self.index
        field = self.ids.sentence
        field.language = self.language
        field.words = {w: self.tr(w) for w in ("Shift", "Delete", "Done")}
        self._showing = True
        field.text = draft.text(index, self.language)
        self._showing = False
        self._show_voice()
        cover = draft.cover()
        self.is_cover = cover is not None and cover == draft.picture(index)
        fill_choices(
            self.ids.languages,
            [(lang, LANGUAGE_NAMES[lang], "speaker") for lang in LANGUAGES],
            self.language,
            self.set_language,
        )
        timer, count = draft.timer(index), draft.count(index)
        fill_choices(self.ids.timers, [(s, self._timer_word(s), "timer") for s in TIMERS], timer, self.set_timer)
        fill_choices(self.ids.counts, [(c, self._count_word(c), "check") for c in COUNTS], count, self.set_count)

    def _show_voice(self) -> None:
        """Whether this step has the coach's recording in this language, in words. Not by
        ``update()`` while typing: that would refill the sentence field under the coach's fingers."""
        self.has_voice = self.draft.recording(self.index, self.language) is not None
        self.voice_text = (
            self.tr("Your voice is recorded.")
            if self.has_voice
            else self.tr("No recording: the kiosk's voice reads the sentence.")
        )

    def _timer_word(self, seconds: int | None) -> str:
        if seconds is None:
            return self.tr("No timer")
        if seconds % 60 == 0:
            return self.tr("{minutes} min", minutes=seconds // 60)
        return self.tr("{seconds} s", seconds=seconds)

    def _count_word(self, count: int | None) -> str:
        return self.tr("No count") if count is None else self.tr("{count} times", count=count)

    # -- changing -------------------------------------------------------------------------------

    def save_sentence(self) -> None:
        draft = self.draft
        if draft is None or not (0 <= self.index < len(draft.steps)):
            return
        text = self.ids.sentence.text
        if " ".join(text.split()) != draft.text(self.index, self.language):
            if draft.set_text(self.index, self.language, text):
                self._show_voice()  # the recording of the sentence before was taken off
                old = self.tr("Your recording was of the sentence before: the kiosk's voice reads the new one.")
                self.message = f"{old} {self.tr('Record again to use your voice.')}"

    def set_language(self, language: str) -> None:
        self.save_sentence()
        self.language = language
        self.update()

    def set_timer(self, seconds: int | None) -> None:
        self.save_sentence()  # what was typed a moment ago first: update() refills the field
        self.draft.set_timer(self.index, seconds)
        self.update()

    def set_count(self, count: int | None) -> None:
        self.save_sentence()  # what was typed a moment ago first: update() refills the field
        self.draft.set_count(self.index, count)
        self.update()

    def use_as_cover(self) -> None:
        self.save_sentence()  # what was typed a moment ago first: update() refills the field
        self.draft.set_cover(self.index)
        self.message = self.tr("This picture is now the task's picture.")
        self.update()

    def previous_step(self) -> None:
        self.show(self.index - 1)

    def next_step(self) -> None:
        self.show(self.index + 1)

    # -- the coach's voice ----------------------------------------------------------------------

    def record(self) -> None:
        """Start listening, or stop and keep what was heard (Record and Stop are one button)."""
        if self.busy:
            return
        self.save_sentence()
        if self.listening:
            self._stop_recording()
            return
        self._stop_sound()
        self.app.audio.stop()
        reason = self.recorder.unavailable()
        if reason is not None:
            self.message = self.tr(reason)
            return
        try:
            self.recorder.start()
        except NoMicrophone as error:
            self.message = self.tr(str(error))
            return
        self.listening = True
        self.message = self.tr("Speak now. Tap Stop when you are done.")

    def _stop_recording(self) -> None:
        recording = self.recorder.stop()
        self.listening = False
        draft, index, language = self.draft, self.index, self.language
        self.message = self.tr("The recording is being prepared …")
        self.work.run(
            lambda: prepare_voice(recording),
            lambda voice: self._keep_voice(draft, index, language, voice),
            lambda error: self._voice_failed(error, recording),
        )

    def _keep_voice(self, draft: Draft, index: int, language: str, voice: PreparedVoice) -> None:
        draft.set_recording(index, language, voice.wav)
        self.update()
        if voice.warning == CLIPPED:
            self.message = self.tr(WORDS[CLIPPED])
        else:
            self.message = self.tr("Your voice is saved. Tap Listen to hear it.")

    def _voice_failed(self, error: BaseException, recording: Recording) -> None:
        if isinstance(error, SilentRecording):
            self.message = self.tr(str(error))  # the earlier recording (if any) stays
            return
        self.message = self.tr("The recording could not be saved. Please record again.")
        self.app.problems.add(
            "authoring", Msg("The recording could not be saved."), f"{recording.seconds:.1f} s: {error}"
        )

    def listen(self) -> None:
        """Play the coach's recording of this step in this language."""
        path = self.draft.recording(self.index, self.language) if self.draft else None
        if path is None or self.listening:
            return
        self._stop_sound()
        self.app.audio.stop()
        sound = SoundLoader.load(str(path))
        if sound is None:
            self.message = self.tr("The recording cannot be played on this kiosk.")
            return
        self._sound = sound
        sound.play()

    def _stop_sound(self) -> None:
        sound, self._sound = self._sound, None
        if sound is not None:
            sound.stop()
            sound.unload()

    def main_action(self) -> None:
        self.go_back()


load_kv(__file__)
