"""The step: one big picture, one easy-read sentence, its voice, and Next.

Why it looks like this:
- The picture is a prepared display copy turned into a texture off the main thread
  (``PictureCache``); the next and previous steps are fetched ahead, so Next only swaps textures.
  Journal writes for a step change are queued and run after the new frame (``RunSession``).
- The frame after Next draws nothing new but those textures: the neighbours' words are rendered
  ahead, glyphs included (``_render_ahead``); no widget changes ``disabled`` at Next (that
  re-renders a button's word); the video, the broken-picture sign and the countdown are in the
  tree only while they show (``_place_layers``); the neighbours' picture files are looked up after
  the frame. Measured with ``bench/step_latency.py`` (docs/ui.md, "Speed").
- The voice starts one frame after the picture, so a slow sound device never delays the picture.
- Landscape puts the buttons in a column on the right (the picture keeps the full height);
  portrait puts them in a row at the bottom. Next is always the biggest button, bottom-right.
- Every worker action is a button press (touch or key), so the tap-guard covers both.
- It renders the support level ``kiosk.support`` decided for the screen: full (the voice on
  arrival), reduced (the voice only on "Hear again"), grouped (learned steps together: the first
  one's picture and their sentences as a short list, one Next). Hear again and Help are always
  there; Help on a faded screen brings full support back at once (the app asks the session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.support import Level
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets import picture_frame, video_step  # noqa: F401 - register PictureFrame and VideoStep for step.kv
from kiosk.ui.widgets.text import text_texture


class StepScreen(KioskScreen):
    session = ObjectProperty(None, allownone=True)
    landscape = BooleanProperty(True)
    step_text = StringProperty("")
    position_text = StringProperty("")  # "3 of 8"
    number = NumericProperty(1)
    total = NumericProperty(1)
    is_first = BooleanProperty(True)
    is_last = BooleanProperty(False)
    timer_seconds = NumericProperty(0)
    count = NumericProperty(0)
    picture_path = StringProperty("")  # the file on screen now (tests and the benchmark read it)
    picture_missing = BooleanProperty(False)
    level = StringProperty("full")  # the support level on screen: full, reduced or grouped
    _voice_after_clip: Any = None  # the step whose voice waits for its clip's own sound to end
    _ahead: list[tuple[Any, Path]] = []  # (step, picture file) of the neighbours fetched ahead

    def on_size(self, *_args: Any) -> None:
        self.landscape = self.width >= self.height

    def on_kv_post(self, base_widget: Any) -> None:
        # Strong references: ``ids`` are weak proxies, and the spacers leave the tree in portrait,
        # so a list of the proxies themselves would let the garbage collector take the spacers and
        # the turn back to landscape would add a dead widget. ``__self__`` is the widget itself.
        widgets = {name: self.ids[name].__self__ for name in ("spacer_top", "hear", "back", "spacer_gap", "next")}
        self._landscape_order = [widgets[name] for name in ("spacer_top", "hear", "back", "spacer_gap", "next")]
        self._portrait_order = [widgets[name] for name in ("hear", "back", "next")]
        self.on_landscape()
        # The layers over the picture, bottom to top (strong references: they leave the tree).
        self._layers = [self.ids[name].__self__ for name in ("video", "broken", "timer")]
        self.ids.video.bind(showing=self._place_layers)
        self.bind(picture_missing=self._place_layers, timer_seconds=self._place_layers)
        self._place_layers()

    def on_landscape(self, *_args: Any) -> None:
        """A button column with breathing room (landscape) or one row of buttons (portrait)."""
        if not hasattr(self, "_landscape_order"):
            return  # before the .kv rule is applied
        order = self._landscape_order if self.landscape else self._portrait_order
        panel = self.ids.actions
        panel.clear_widgets()
        for widget in order:
            panel.add_widget(widget)

    def _place_layers(self, *_args: Any) -> None:
        """Each layer over the picture (the video, the broken-picture sign, the countdown) is in
        the picture frame only while it shows. Kivy draws a widget of opacity 0 all the same, and
        with a software renderer (llvmpipe) every pixel it covers costs time in every frame: the
        three invisible layers made each frame, the one after Next included, several milliseconds
        slower (``bench/step_latency.py``). Their opacity rules stay, for the moment they show."""
        video, broken, timer = self._layers
        shows = {video: video.showing, broken: self.picture_missing, timer: bool(self.timer_seconds)}
        frame = self.ids.frame
        above = 0  # layers in the frame above this one (Kivy's children list starts at the top)
        for layer in reversed(self._layers):
            if shows[layer]:
                if layer.parent is None:
                    frame.add_widget(layer, index=above)
                above += 1
            elif layer.parent is not None:
                frame.remove_widget(layer)

    # -- showing a step -------------------------------------------------------------------------

    def prepare(self, session: Any) -> None:
        """A new (or resumed) run: show its current step."""
        self.session = session
        self._ahead = []
        self.show_current()

    def on_enter(self, *_args: Any) -> None:
        """The first step of a run is shown before the screen has its size (``prepare`` runs
        before the screen comes in), so the neighbours' words are rendered again at the width
        they will be shown at; words already rendered at that width cost a look-up."""
        if self.session is not None:
            self._prepare_neighbours(self.session)

    def show_current(self) -> None:
        """Show the session's current screen.

        This runs between the worker's key (or tap) and the frame they wait for, so it changes only
        what that frame shows: the picture (a texture prepared ahead), the words (rendered ahead,
        ``_render_ahead``) and the controls. What the frame does not show runs after it
        (``app.after_frame``): the journal writes, the voice, finding and fetching the next and
        previous steps' pictures."""
        session, app = self.session, self.app
        pack, step = session.pack, session.step
        path = self._ahead_path(step)
        texture = app.step_pictures.get_now(path)
        self.ids.picture.texture = texture
        self.picture_missing = texture is None
        self.picture_path = str(path)
        self.level = session.level.word
        # The video plays on full support only; reduced and grouped screens show its poster. With
        # the pack's video_sound the clip's own sound plays and the step's voice follows it
        # (_clip_done), so voice and video never talk at once; else the clip is muted.
        clip = pack.video_file(step) if self.level == "full" else None
        clip_sound = pack.video_sound_file(step) if clip is not None else None
        autoplay = app.worker_settings().autoplay
        self._voice_after_clip = step if clip_sound is not None and autoplay else None
        self.ids.video.play(clip, sound=clip_sound, sound_now=autoplay, loop=step.video_loop, on_done=self._clip_done)
        self.step_text = self._words(session.steps)
        self.number, self.total = session.last_number, session.total
        self.position_text = self._position(session.number, session.last_number)
        self.is_first, self.is_last = session.is_first, session.is_last
        self.timer_seconds = step.timer or 0
        self.count = step.count or 0
        timer = self.ids.timer
        timer.start(step.timer) if step.timer else timer.stop()
        self.ids.tally.reset(self.count)
        session.arrive()
        app.audio.stop()
        if autoplay and session.level is Level.FULL and self._voice_after_clip is None:
            app.after_frame(lambda: self._play(session, step))  # the picture first, then the voice
        app.after_frame(lambda: self._fetch_neighbours(session))
        Clock.schedule_once(lambda _dt: self._prepare_neighbours(session), 0.05)

    def _ahead_path(self, step: Any) -> Path:
        """The picture file of ``step``: the one found when it was fetched ahead (its texture is
        ready for that file), else asked of the pack now (``Pack.display_image`` checks that the
        prepared copy exists: a file-system call the frame need not wait for)."""
        for ahead, path in self._ahead:
            if ahead is step:
                return path
        return Path(self.session.pack.display_image(step))

    def _fetch_neighbours(self, session: Any) -> None:
        """After the frame: find the next and previous screens' pictures and fetch them ahead."""
        if self.session is not session:
            return
        ahead: list[tuple[Any, Path]] = []
        for neighbours in (session.next_steps(), session.previous_steps()):
            if neighbours:
                path = Path(session.pack.display_image(neighbours[0]))
                ahead.append((neighbours[0], path))
                self.app.step_pictures.prefetch(path)
        self._ahead = ahead

    def _words(self, steps: list[Any]) -> str:
        """One step's sentence, or a group's sentences as a short list (one line each)."""
        language, fallback = self._language(), self.session.pack.language
        if len(steps) == 1:
            return steps[0].text_for(language, fallback)
        return "\n".join(f"•  {step.text_for(language, fallback)}" for step in steps)

    def _clip_done(self) -> None:
        """A play of the step's clip is over (played through with its own sound, or failed): the
        step's voice now, if it waited for the clip (video_sound: the voice after the clip)."""
        waiting, self._voice_after_clip = self._voice_after_clip, None
        session = self.session
        if waiting is not None and session is not None and session.step is waiting:
            self._play(session, waiting)

    def _prepare_neighbours(self, session: Any) -> None:
        """After the step is on screen: render the next and previous screens' words ahead, and
        open the next step's clip (its first frames decoded, waiting for Next)."""
        if self.session is not session:
            return
        following = session.next_steps()
        clip = session.pack.video_file(following[0]) if len(following) == 1 and self.level == "full" else None
        self.ids.video.prefetch(clip)
        for neighbours in (session.next_steps(), session.previous_steps()):
            if neighbours:
                _render_ahead(self.ids.step_label, self._words(neighbours))
                first = session.pack.steps.index(neighbours[0]) + 1
                _render_ahead(self.ids.position, self._position(first, first + len(neighbours) - 1))

    def _position(self, number: int, last: int | None = None) -> str:
        if last is not None and last != number:
            return self.tr("{first} to {last} of {total}", first=number, last=last, total=self.session.total)
        return self.tr("{current} of {total}", current=number, total=self.session.total)

    def _play(self, session: Any, step: Any) -> None:
        """Play a step's voice if the worker is still on it; then prepare the next one's."""
        if self.session is not session or session.step is not step or self.manager.current != self.name:
            return
        self.app.audio.play_step(session.pack, step, self._language())
        following = session.next_steps()
        if len(following) == 1:
            self.app.audio.prefetch_step(session.pack, following[0], self._language())

    def _language(self) -> str:
        worker = self.app.worker
        return worker.language if worker is not None else self.app.ui_lang

    # -- worker actions (called by the buttons' on_activate) ------------------------------------

    def next_step(self) -> None:
        if self.session is None or self.session.finished:
            return
        self.ids.timer.stop()
        if self.session.next():
            self.app.task_finished()
        else:
            self._show_keeping_focus()

    def previous_step(self) -> None:
        if self.session is not None and self.session.back():
            self._show_keeping_focus()

    def _show_keeping_focus(self) -> None:
        """The next step with the keyboard / scanning highlight on the same button (Back comes
        and goes on the first step, so its place in the order changes)."""
        focused = self.focused_widget()
        self.show_current()
        if focused is not None and focused in self.focusables():
            self.set_focus(self.focusables().index(focused))

    def hear_again(self) -> None:
        if self.session is None:
            return
        self.session.event("hear_again")
        steps = self.session.steps
        if len(steps) == 1:
            video = self.ids.video
            if video.sound_file is not None and video.replay():
                self.app.audio.stop()  # the clip again with its own sound, then the voice (_clip_done)
                self._voice_after_clip = steps[0]
            else:
                self.app.audio.play_step(self.session.pack, steps[0], self._language())
                video.replay()  # the clip again, muted, with the voice (when the step has a clip)
        else:  # a group: its sentences one after the other
            language = self._language()
            self.app.audio.say(
                " ".join(step.text_for(language, self.session.pack.language) for step in steps), language
            )

    def timer_finished(self) -> None:
        if self.session is not None and self.manager.current == self.name:
            self.session.event("timer_finished")
            self.app.audio.play_ui("timer")

    def tally_tap(self) -> None:
        if self.session is not None:
            self.session.event("count_tap")

    def tally_full(self) -> None:
        """Every dot is filled: a soft bell says "that's all" (again on a tap too many)."""
        if self.session is not None and self.manager is not None and self.manager.current == self.name:
            self.app.audio.play_ui("timer")

    def on_leave(self, *_args: Any) -> None:
        self.ids.video.stop()
        if self.session is None or self.session.finished:
            self.ids.timer.stop()

    # -- keys -----------------------------------------------------------------------------------

    scans = True

    def focusables(self) -> list[Any]:
        """Reading order: Home and Help in the top bar, then Hear again, Back and Next."""
        ids = self.ids
        back = () if self.is_first else (ids.back,)  # hidden and inert on the first step (step.kv)
        return [b for b in (ids.home, ids.help, ids.hear, *back, ids.next) if not b.disabled]

    def main_focus_index(self) -> int:
        return self.focusables().index(self.ids.next)

    def main_action(self) -> None:
        self.ids.next.activate()

    def go_back(self) -> None:
        if not self.is_first:
            self.ids.back.activate()

    def hear(self) -> None:
        self.ids.hear.activate()


def _render_ahead(label: Any, text: str) -> None:
    """Render ``text`` into the texture ``label`` will show for it, pixels included.

    ``PreparedText.prepare`` makes the text's texture, but Kivy's core label only draws the
    glyphs into it when the texture is first bound, that is, while the frame after Next is drawn
    (measured: 10-20 ms for a step's sentence). Binding it here, after the current step is on
    screen, moves that work out of the frame the worker waits for. Binding a texture outside a
    frame is what every upload does (``Texture.blit_buffer``); Kivy binds each texture again
    when it draws."""
    label.prepare(text)
    texture = text_texture(text, label.font_size, label.width, label.halign, label.bold, label.line_height)
    if texture is not None:
        texture.bind()


load_kv(__file__)
