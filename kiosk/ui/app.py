"""The kiosk app: wires the core (journal, packs, speech, trainer PIN) to the screens.

The app is the only place that knows the flow between screens:
who are you -> what do you do now -> the steps -> well done -> back to the tasks, plus the hidden
trainer door. Screens ask the app to move on (``select_worker``, ``start_task``, ``next_step`` ...)
and never talk to each other. Behaviour that needs no Kivy lives in small modules beside it
(``session``, ``settings``, ``problems``, ``guard``, ``keys``) so it can be tested on its own.

Kiosk rules enforced here: Escape, Android back (key 27), the window close button and F1 (Kivy's
settings panel) never leave the kiosk; only the corner hold + trainer PIN do.
"""

from __future__ import annotations

import importlib
import logging
import time
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Sequence

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import FadeTransition, Screen, ScreenManager

from kiosk.authoring.publish import pinned
from kiosk.i18n import base_language, translate
from kiosk.paths import DataDir
from kiosk.packs.words import Msg
from kiosk.ui import calm_loop
from kiosk.ui.audio import AudioService
from kiosk.ui.guard import TapGuard
from kiosk.ui.keys import Action, action_for
from kiosk.ui.pack_watcher import PackWatcher
from kiosk.ui.palette import CALM, HIGH_CONTRAST
from kiosk.ui.pictures import PictureCache
from kiosk.ui.plan_service import CHECK_EVERY_S, PlanService
from kiosk.ui.problems import ProblemLog
from kiosk.ui.safety import SafetyNet
from kiosk.ui.screens import SCREENS, WORKER_SCREENS
from kiosk.ui.session import RunSession
from kiosk.ui.frames import AfterFrame
from kiosk.ui.scanning import Scanner
from kiosk.ui.tidy import BUSY_SCREENS, PROCESS_PACE, Tidier, tidy_up
from kiosk.ui.settings import UiSettings
from kiosk.ui.shelf import PackShelf
from kiosk.ui.storage import Storage, open_storage
from kiosk.ui.theme import Theme
from kiosk.ui.widgets import load_all, load_kv
from kiosk.ui.widgets.overlay import CalmOverlay

log = logging.getLogger(__name__)

DEFAULT_WORKER_NAME = "Worker"
TRANSITION_SECONDS = 0.25
WORKER_CHECK_S = 5.0  # how soon a worker deleted from the command line leaves the screens


def _problem_detail(problem: Any) -> Msg:
    """A pack's first problem as a detail the trainer's Problems screen can translate."""
    step = Msg("step {number}", number=problem.step) if problem.step is not None else ""
    where = Msg("{file}{sep}{step}: ", file=problem.file, sep=", ", step=step) if problem.file and step else None
    return Msg(
        "{where}{message} — {hint}",
        where=where or (Msg("{place}: ", place=problem.file or step) if (problem.file or step) else ""),
        message=problem.message_msg or Msg(problem.message),
        hint=problem.hint_msg or Msg(problem.hint),
    )


class KioskRoot(FloatLayout):
    """The screen manager with the hidden trainer corner on top (see ``app.kv``)."""


class KioskScreens(ScreenManager):
    """Kivy's ``ScreenManager`` without its stencil (``app.kv``).

    Why: Kivy clips a screen manager's screens to its box with a stencil, so that a sliding screen
    does not draw outside it. The kiosk's screen manager fills the window and its screens fade, so
    the stencil clips nothing; but a software renderer (llvmpipe) pays in every frame for two
    full-window passes that write the mask and a stencil test on every pixel drawn inside it.
    """


class KioskApp(App):
    title = "Step Kiosk"

    theme = ObjectProperty(None)
    ui_lang = StringProperty("en")  # the worker's language (kiosk language before a worker)
    kiosk_lang = StringProperty("en")  # trainer screens and the people screen
    keyboard_mode = BooleanProperty(False)  # a key was used: show the focus ring
    worker = ObjectProperty(None, allownone=True)
    session = ObjectProperty(None, allownone=True)

    def __init__(
        self,
        packs_folders: Sequence[Path],
        data_dir: DataDir | Path | str | None = None,
        *,
        speech_factory: Callable[[], Any] | None = None,
        screenshots_dir: Path | None = None,
        hub_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.packs_folders = [Path(p) for p in packs_folders]
        self.data = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
        self.screenshots_dir = Path(screenshots_dir) if screenshots_dir else None
        self.hub_url = hub_url
        if hub_url and self.data.packs.absolute() not in [folder.absolute() for folder in self.packs_folders]:
            # the workshop's packs are pulled into the data folder's packs: shown beside those of
            # ``--packs DIR`` too (a coach who chose a folder still wants what the workshop publishes)
            self.packs_folders.append(self.data.packs)
        self.hub_sync: Any = None
        self.hub_listener: Any = None  # LISTEN/NOTIFY: the workshop's changes and help calls at once
        self.fleet: Any = None  # packs published to the workshop (kiosk.fleet.pull.FleetPuller)
        self.help_hub: Any = None  # help calls on every kiosk of the workshop (kiosk.hub.help_calls)
        self.remote_help: Any = None  # the strip with the other kiosks' calls
        self.just_saved = ""  # the worker a trainer just saved (the People screen says so once)
        self._hub_call: str | None = None  # this kiosk's open call on the hub
        self._speech_factory = speech_factory or self._make_speech_worker
        self.theme = Theme()
        self.overlay: CalmOverlay | None = None
        self.settings = UiSettings()
        self._back_stack: list[str] = []
        self._resume_checked = True
        self._window_bindings: dict[str, Callable[..., Any]] = {}
        self.use_kivy_settings = False
        self.exit_code = 0
        self.safety: SafetyNet | None = None
        self._worker_check: Any = None
        self._last_input = 0.0  # Clock time of the last touch or key (one worker at a time)
        self._entered_tasks_at = 0.0

    # -- life cycle -----------------------------------------------------------------------------

    def build(self) -> KioskRoot:
        self.safety = SafetyNet(self, Clock.get_time)
        self.safety.install()
        try:
            self.data.ensure()
        except OSError as exc:  # the journal and the caches report what this means
            log.error("Data folder %s cannot be prepared: %s", self.data.root, exc)
        self.storage = open_storage(self.data.journal)
        self.journal = self.storage.journal
        self.problems = ProblemLog(self.journal)
        self._report_storage(self.storage)
        self.settings = UiSettings.load(self.journal)
        self.kiosk_lang = self.ui_lang = base_language(self.settings.language)
        self.guard = TapGuard(Clock.get_time, self.settings.tap_guard_s)
        self.audio = AudioService(self.problems, self.data.cache, speech_factory=self._speech_factory)
        # the step shown, the next and the one before (prefetched), and one spare: each texture is
        # ~5 MB (1280x960 RGBA), and with a software renderer (llvmpipe) it is process memory
        self.step_pictures = PictureCache(self.problems, keep=4, defer=lambda work: self.after_frame(work))
        # tiles are at most ~500 px: an original photo (a new pack's, before its tile copy) is
        # decoded at 1/8 scale instead of into a 2048 px texture
        self.tile_pictures = PictureCache(self.problems, keep=64, max_side=512)
        self.shelf = PackShelf(
            self.packs_folders,
            self.data.cache,
            self.settings.language,
            keep=lambda: [self.session.pack] if self.session is not None else [],
        )
        self.shelf.listeners.append(self._packs_changed)
        self.pack_watcher = PackWatcher(self.shelf)  # packs copied in appear without a restart
        self.scanner = Scanner(self)  # switch scanning (off unless a trainer sets its pace)
        self.after_frame = AfterFrame()  # work a key triggers waits until its picture is on screen
        # garbage of the screens left behind, collected when worth it (kiosk.ui.tidy)
        self.tidier = Tidier(collect=_collect_garbage, pace=PROCESS_PACE)
        from kiosk.trainer import LockoutMemory, PinGuard, TrainerDoor

        pin_store = LockoutMemory(self.journal)  # a wrong try counts even when nothing can be saved
        self.pin_guard = PinGuard(pin_store)
        self.door = TrainerDoor(
            self.pin_guard, pin_store, writable=self.storage.writable, closed=self.storage.closed_door()
        )
        self.plans = PlanService(self)  # the day plan: start screen, reminders, plan events
        self.apply_look(self.settings)
        load_all()
        load_kv(__file__)
        root = KioskRoot()
        self.sm = root.ids.sm
        self.sm.transition = FadeTransition(duration=TRANSITION_SECONDS)
        self.sm.transition.bind(on_complete=self._screen_changed)
        self._paint_background()
        root.ids.corner.bind(on_hold=lambda *_: self.open_trainer_pin())
        self._bind_window()
        if self.screenshots_dir is not None:
            self.sm.bind(current=lambda *_: Clock.schedule_once(self._screenshot, TRANSITION_SECONDS + 0.6))
        return root

    def _screen_changed(self, *_args: Any) -> None:
        """A change of screen is complete: collect its garbage once the new screen is drawn
        (``kiosk.ui.tidy``), except on a step."""
        if self.sm.current not in BUSY_SCREENS:
            self.after_frame(self.tidier)

    def on_start(self) -> None:
        # Idle, the main loop sleeps until something happens instead of waking 60 times a second.
        self.calm_loop = calm_loop.install(Window)
        try:
            interrupted = self.journal.recover_interrupted()
            if interrupted:
                log.info("Recovered %d interrupted run(s)", len(interrupted))
        except Exception as exc:  # noqa: BLE001
            self.problems.add("journal", "Interrupted tasks could not be checked.", exc)
        self.pack_watcher.start()  # before the first scan (see PackWatcher.start)
        self.shelf.refresh()
        people = self.people()
        if len(people) == 1:
            self.select_worker(people[0])
        else:
            self._start_worker_flow("people")
        self._worker_check = Clock.schedule_interval(lambda _dt: self._check_worker(), WORKER_CHECK_S)
        self._plan_check = Clock.schedule_interval(lambda _dt: self.plans.check(), CHECK_EVERY_S)
        self._start_hub_sync()
        if not self.storage.writable:
            Clock.schedule_once(lambda _dt: self._tell_worker_nothing_is_saved(), TRANSITION_SECONDS)

    def on_stop(self) -> None:
        calm = getattr(self, "calm_loop", None)
        if calm is not None:
            calm.uninstall()
        if self._worker_check is not None:
            self._worker_check.cancel()
        if getattr(self, "scanner", None) is not None:
            self.scanner.stop()
            self.after_frame.cancel()
        if getattr(self, "_plan_check", None) is not None:
            self._plan_check.cancel()
        self._stop_hub()
        if self.session is not None:
            try:
                self.session.flush()
            except Exception as exc:  # noqa: BLE001 - stopping must never fail
                log.error("Last steps could not be saved at stop: %s", exc)
        for name in ("pack_watcher", "audio", "step_pictures", "tile_pictures", "shelf"):
            service = getattr(self, name, None)
            if service is not None:
                service.shutdown()
        if self.overlay is not None:
            self.overlay.dismiss(animation=False)
        self._unbind_window()
        journal = getattr(self, "journal", None)
        if journal is not None:
            try:
                journal.close()
            except Exception as exc:  # noqa: BLE001
                log.error("The journal could not be closed cleanly: %s", exc)
        if self.safety is not None:
            self.safety.uninstall()

    def on_pause(self) -> bool:
        return True  # Android: keep the kiosk alive

    def open_settings(self, *_args: Any) -> bool:
        return False  # F1 would open Kivy's own settings panel: not on a kiosk

    # -- translation and look -------------------------------------------------------------------

    def tr(self, message: str, language: str | None = None, **values: Any) -> str:
        """Translate for ``.kv`` rules: ``app.tr('Next', app.ui_lang)`` re-evaluates on a change."""
        return translate(language or self.ui_lang, message, **values)

    def apply_look(self, settings: UiSettings) -> None:
        self.theme.apply(HIGH_CONTRAST if settings.high_contrast else CALM, settings.text_scale)
        self.guard.seconds = settings.tap_guard_s
        self.audio.slow_speech = settings.speech_rate == "slow"
        self.scanner.set_pace(settings.scan_s)
        self._paint_background()

    def _paint_background(self) -> None:
        """The theme's background is the window's clear colour (no widget paints it), and the
        screen fade clears to it too: Kivy's fade draws both screens into buffers cleared to black
        by default, which flashed dark at every change of screen."""
        Window.clearcolor = self.theme.background
        sm = getattr(self, "sm", None)
        if sm is not None and isinstance(sm.transition, FadeTransition):
            sm.transition.clearcolor = self.theme.background

    def worker_settings(self) -> UiSettings:
        return self.settings.for_person(self.worker) if self.worker is not None else self.settings

    def change_setting(self, name: str, value: Any) -> None:
        """A trainer changed a kiosk-wide setting (trainer home screen)."""
        try:
            self.settings = self.settings.save(self.journal, name, value)
        except Exception as exc:  # noqa: BLE001
            self.problems.add("journal", "A setting could not be saved.", exc)
            self.settings = self.settings.with_values({name: value})
        self.apply_look(self.worker_settings())

    # -- navigation: the app is the only one that changes screens -------------------------------
    #
    # Screens ask: ``go(name, **what)`` (``what`` reaches the new screen's ``prepare``, its one
    # entry call), ``back()`` / ``back(out_of="progress_")`` (leave a whole section, e.g. the
    # family's progress view), ``home()``. The worker's own flow (who -> tasks -> steps -> well
    # done) is linear and starts a fresh back stack; detours (trainer mode, progress) stack on it.

    def screen(self, name: str) -> Screen:
        """The screen called ``name``, created (and its ``.kv`` loaded) on first use. For the app
        (and tests); screens never reach another screen (tests/ui/test_architecture.py)."""
        if not self.sm.has_screen(name):
            module_name, class_name = SCREENS[name].split(":")
            screen_class = getattr(importlib.import_module(module_name), class_name)
            self.sm.add_widget(screen_class(name=name))
        return self.sm.get_screen(name)

    def go(self, name: str, *, replace: bool = False, **what: Any) -> Screen:
        """Show screen ``name``, handing ``what`` to its ``prepare(**what)`` first. The screen left
        goes on the back stack, unless ``replace`` (a PIN pad once passed is not gone back to)."""
        screen = self.screen(name)
        prepare = getattr(screen, "prepare", None)
        if prepare is not None:
            prepare(**what)
        current = self.sm.current
        if current != name:
            if not replace and current:
                self._back_stack.append(current)
            self.sm.current = name
        return screen

    def opened_from_trainer_mode(self) -> bool:
        """The screen on show was opened from trainer mode: the trainer PIN was just typed, so
        what trainer mode may show (a worker's progress) needs no second PIN."""
        return bool(self._back_stack) and self._back_stack[-1].startswith("trainer_")

    def back(self, *, out_of: str | None = None) -> None:
        """Return to the screen before this one; ``out_of`` (a name prefix) also skips every
        screen of that section. With nothing to return to: ``home()``."""
        while self._back_stack:
            candidate = self._back_stack.pop()
            if candidate == self.sm.current or (out_of and candidate.startswith(out_of)):
                continue
            self._return_to_screen(candidate)
            return
        self.home()

    def home(self) -> None:
        """Trainer mode's home inside trainer mode, else the worker's tasks (or "Who are you?")."""
        if self.sm.current.startswith("trainer_") and self.sm.current not in ("trainer_pin", "trainer_closed"):
            self._return_to_screen("trainer_home")
        else:
            self._return_to_screen("tasks" if self.worker is not None else "people")

    def _return_to_screen(self, name: str) -> None:
        if name == "people":
            self.back_to_people()
            return
        if name in WORKER_SCREENS:
            self.apply_look(self.worker_settings())
        self.screen(name)
        self.sm.current = name

    def _start_worker_flow(self, name: str) -> Screen:
        """A worker screen of the linear flow: the back stack starts again from here."""
        self._back_stack.clear()
        screen = self.screen(name)
        self.sm.current = name
        return screen

    def person_saved(self, person: Any) -> None:
        """A trainer saved a person: if they are the current worker, their new name, language and
        preferences apply at once; the People screen says it was saved (``just_saved``)."""
        self.just_saved = person.name
        if self.worker is not None and self.worker.id == person.id:
            self.worker = person

    def forget_worker(self, person_id: int) -> None:
        """A worker was archived or deleted: their screens are not returned to, their run ends."""
        if self.worker is None or self.worker.id != person_id:
            return
        self.worker = None
        self.session = None
        self._back_stack = ["people" if name in WORKER_SCREENS else name for name in self._back_stack]

    def people(self) -> list[Any]:
        """The workers; on a fresh kiosk one default worker so it is usable at once."""
        try:
            people = self.journal.people()
        except Exception as exc:  # noqa: BLE001
            self.problems.add("journal", "The list of people could not be read.", exc)
            people = []
        if people:
            return people
        try:
            return [self.journal.add_person(DEFAULT_WORKER_NAME, language=self.settings.language)]
        except Exception as exc:  # noqa: BLE001 - a journal that cannot be written: a worker for now
            self.problems.add("journal", "A default worker could not be saved.", exc)
            from kiosk.journal import Person

            return [
                Person(
                    id=0,
                    name=DEFAULT_WORKER_NAME,
                    photo=None,
                    language=self.settings.language,
                    preferences=MappingProxyType({}),
                    archived=False,
                )
            ]

    def tasks_for_worker(self) -> list[Any]:
        """The packs the tasks screen offers the current worker, in the order it shows them.

        The one place that decides what a worker sees of the shelf (hidden packs, a worker's own
        tasks and the coach's order belong here), so the tasks screen only draws the list.
        The coach's arrangement is read from the journal each time (two small settings), so a
        change made in trainer mode is never shown stale; see ``kiosk.trainer.shelf_arrangement``."""
        from kiosk.trainer.shelf_arrangement import ShelfArrangement

        return ShelfArrangement.load(self.journal).for_worker(self.shelf.packs, self.worker)

    def select_worker(self, person: Any) -> None:
        self.worker = person
        self.ui_lang = base_language(person.language)
        self.apply_look(self.worker_settings())
        self._start_worker_flow(self.plans.start_screen(person))  # "Now / Next" with a plan today
        self._entered_tasks_at = Clock.get_time()
        self._resume_checked = False
        if self.shelf.loaded:
            self._check_resume()

    def back_to_people(self) -> None:
        self.worker = None
        self.ui_lang = self.kiosk_lang
        self.apply_look(self.settings)
        self._start_worker_flow("people")

    def back_to_tasks(self) -> None:
        self.session = None
        self._start_worker_flow(self.plans.start_screen(self.worker))
        self._entered_tasks_at = Clock.get_time()

    def start_task(self, pack: Any, resume: Any | None = None) -> None:
        """Open a run (or continue an interrupted one) and show its step."""
        if self.worker is None:
            return
        pack = pinned(pack)  # a task published on the kiosk: the run keeps the version it started on
        start_index = 0
        if resume is not None and resume.last_shown_step:
            start_index = resume.last_shown_step - 1
        self.session = RunSession(
            self.journal,
            self.worker,
            pack,
            self.problems,
            start_index=start_index,
            resume_from=resume.id if resume is not None else None,
            clock=Clock.get_time,
            support=self._support_for(pack),
        )
        session = self.session
        session.schedule = lambda: self.after_frame(session.flush)  # the picture first (kiosk.ui.frames)
        self.screen("step").prepare(session=self.session)
        self._start_worker_flow("step")

    def _support_for(self, pack: Any) -> Any:
        """How much help each step shows for this worker (``kiosk.support``), decided at pack open
        from their own record; full support when the record cannot be read."""
        from kiosk.support import decide_pack, full_support, record_changes

        worker = self.worker
        now_ms = int(time.time() * 1000)
        try:
            support = decide_pack(self.journal, worker.id, pack, now_ms=now_ms)
        except Exception as exc:  # noqa: BLE001 - the worker gets full support, the trainer a note
            self.problems.add("journal", "Support levels could not be read; full support is shown.", exc)
            return full_support(pack)
        try:
            record_changes(self.journal, worker.id, pack, support, at_ms=now_ms)
        except Exception as exc:  # noqa: BLE001
            self.problems.add("journal", "Support level changes could not be saved.", exc)
        return support

    def connect_hub(self, url: str) -> None:
        """Start syncing with the workshop hub at ``url`` (``kiosk run --hub`` does this at start)."""
        self._stop_hub()
        self.hub_url = url
        self._start_hub_sync()

    def hub_status_text(self) -> str:
        """The hub's state in plain words for trainer mode ("" without a hub)."""
        if self.hub_sync is None:
            return ""
        try:
            return str(self.hub_sync.status().describe())
        except Exception as exc:  # noqa: BLE001 - a status is never worth an error
            return f"The hub's state cannot be read ({exc})."

    def _start_hub_sync(self) -> None:
        """With a workshop hub (``kiosk run --hub URL`` or ``KIOSK_HUB_URL``): records go to the
        hub and the workshop's people come from it, in a background thread; the kiosk never waits
        for it and works on without it (docs/hub.md)."""
        if not self.hub_url or not self.storage.writable:
            return
        try:
            from kiosk.hub import HubSync
            from kiosk.hub.listen import HubListener

            self.hub_listener = HubListener(self.hub_url)
            self.hub_sync = HubSync(self.data.journal, self.hub_url, listener=self.hub_listener)
            self.hub_sync.start()
            self._start_help_hub()
            self._start_fleet()
            self.hub_listener.start()
        except Exception as exc:  # noqa: BLE001 - no hub is no reason to stop the kiosk
            self.problems.add("hub", "The workshop hub could not be used.", exc)
            self._stop_hub()

    def _start_help_hub(self) -> None:
        """Help calls through the hub: this kiosk's go out, the other kiosks' appear in a strip at
        the top (``RemoteHelpBanner``) that goes away when they are cleared anywhere; with
        ``KIOSK_HELP_COMMAND`` set, that command is run on every call and clearing (a lamp or buzzer,
        docs/hub.md)."""
        import os

        from kiosk.hub.help_calls import HelpCallHub, command_hook
        from kiosk.ui.widgets.remote_help import RemoteHelpBanner

        command = os.environ.get("KIOSK_HELP_COMMAND", "").strip()
        device = self.journal.device
        self.help_hub = HelpCallHub(
            self.hub_url or "",
            device_uuid=device.id,
            kiosk_name=device.name,
            listener=self.hub_listener,
            on_change=lambda _calls: Clock.schedule_once(lambda _dt: self._show_remote_help()),
            hook=command_hook(command) if command else None,
        )
        self.help_hub.start()
        if self.remote_help is None and self.root is not None:
            self.remote_help = RemoteHelpBanner(
                translate=lambda message, **values: self.tr(message, self.kiosk_lang, **values),
                photo_for=self._hub_person_photo,
            )
            self.remote_help.attach(self.root, self.sm)

    def _start_fleet(self) -> None:
        """Packs published to the workshop (kiosk/fleet/, docs/fleet.md): pulled in the background
        into the packs folder; a new version is switched here, on the UI thread where runs start,
        and only when no worker is in that pack."""
        from kiosk.fleet.pull import FleetPuller

        def in_use(pack_id: str) -> bool:
            session = self.session
            return session is not None and session.pack.id == pack_id

        self.fleet = FleetPuller(
            self.hub_url or "",
            self.data.root,
            self.data.packs,
            self.data.cache,
            in_use=in_use,
            switch_in_poll=False,
            on_change=lambda _result: Clock.schedule_once(lambda _dt: self._switch_fleet_packs()),
            default_language=self.settings.language,
        )
        if self._fleet_shown not in self.shelf.listeners:
            self.shelf.listeners.append(self._fleet_shown)
        self.fleet.start(self.hub_listener)

    def _switch_fleet_packs(self) -> None:
        if self.fleet is not None and self.fleet.switch_staged():
            self.shelf.refresh()
            self.fleet.poll_soon()  # tell the hub what this kiosk runs now

    def _fleet_shown(self, result: Any) -> None:
        """A scan showed the packs: a new version from the hub seen without problems lets its previous
        version go; one that does not load here goes back to it."""
        if self.fleet is not None and self.fleet.confirm_shown(result):
            self.shelf.refresh()

    def _show_remote_help(self) -> None:
        if self.remote_help is not None and self.help_hub is not None:
            self.remote_help.show(self.help_hub.others())

    def _hub_person_photo(self, person_uuid: str | None) -> str | None:
        """The photo of a person of the workshop, when this kiosk has it (UI thread)."""
        if not person_uuid:
            return None
        try:
            person = self.journal.person_by_uuid(person_uuid)
            path = self.journal.photo_path(person.photo) if person is not None else None
        except Exception:  # noqa: BLE001 - no photo: the help icon
            return None
        return str(path) if path is not None and path.is_file() else None

    def _stop_hub(self) -> None:
        """Stop syncing, listening and the help calls (each returns within seconds)."""
        for name in ("fleet", "help_hub", "hub_sync", "hub_listener"):
            service = getattr(self, name, None)
            if service is not None:
                try:
                    service.stop(timeout=3.0)
                except Exception as exc:  # noqa: BLE001 - stopping must never fail
                    log.error("The hub's %s did not stop cleanly: %s", name, exc)
                setattr(self, name, None)
        if self.remote_help is not None:
            self.remote_help.detach()
            self.remote_help = None

    def task_finished(self) -> None:
        if self.hub_sync is not None:
            self.hub_sync.sync_soon()
        if self.fleet is not None:  # a new version of this pack waited for the run to end
            Clock.schedule_once(lambda _dt: self._switch_fleet_packs(), 0)
        self.audio.stop()
        self.plans.task_finished(self.session)  # a plan item's pack: the item is done
        self.screen("finish").prepare(worker=self.worker, pack=self.session.pack if self.session else None)
        self.session = None
        self._start_worker_flow("finish")

    def abandon_task(self) -> None:
        if self.session is not None:
            self.session.finish("abandoned")
        self.audio.stop()
        self.back_to_tasks()

    def _check_resume(self) -> None:
        """After a crash or power cut: go straight back to the step the worker was on."""
        if self._resume_checked or self.worker is None:
            return
        self._resume_checked = True
        try:
            run = self.journal.resumable_run(self.worker.id)
        except Exception as exc:  # noqa: BLE001
            self.problems.add("journal", "An interrupted task could not be looked up.", exc)
            return
        if run is None:
            return
        pack = self.shelf.find(run.pack_id)
        if pack is None or pack.content_hash != run.content_hash:
            log.info("Interrupted run %s not resumed: its pack is gone or changed", run.id)
            return
        self.start_task(pack, resume=run)

    def _packs_changed(self, result: Any) -> None:
        for report in result.reports:
            if not report.ok:
                first = report.problems[0] if report.problems else None
                self.problems.add(
                    "packs",
                    Msg("The pack {pack} cannot be used.", pack=str(report.pack)),
                    _problem_detail(first) if first else report.path,
                )
        if self.sm.has_screen("tasks"):
            self.sm.get_screen("tasks").refresh()
        if self.sm.current == "tasks":
            self._check_resume()

    # -- help and overlays ----------------------------------------------------------------------

    def open_overlay(self, overlay: CalmOverlay, focus: int = 0) -> None:
        if self.overlay is not None:
            self.overlay.dismiss(animation=False)
        self.overlay = overlay
        overlay.focus(focus)
        overlay.open(animation=False)

    def close_overlay(self) -> None:
        if self.overlay is not None:
            self.overlay.dismiss(animation=False)
            self.overlay = None

    def open_help(self) -> None:
        """Help: a call that stays until a coach answers it (``HelpCallOverlay``): the step's
        picture in a calm frame, "Wave to your coach" spoken, a soft tone repeated, and the call
        and its wait recorded."""
        if self.sm.current not in WORKER_SCREENS or self.overlay is not None:
            return
        picture = None
        on_step = self.session is not None and self.sm.current == "step"
        if on_step:
            self.session.event("help")
            if self.session.expand():  # a faded step: full support at once
                self.screen("step").show_current()
            picture = self.screen("step").ids.picture.texture
            self.screen("step").ids.video.stop()  # a clip's own sound never plays under the call
        from kiosk.ui.widgets.help_call import HelpCallOverlay

        message = self.tr("Wave to your coach.")
        overlay = HelpCallOverlay(
            message,
            self.tr("Coach: hold here for 3 seconds to end the call."),
            picture=picture,
            signal=lambda: self.audio.play_ui("help"),
            on_answered=self._help_answered,
        )
        self.open_overlay(overlay)
        tone = self.audio.play_ui("help")
        self.audio.say(message, self.ui_lang, delay=tone)
        self._raise_hub_call(on_step)

    def _raise_hub_call(self, on_step: bool) -> None:
        """With a hub, the call goes to every kiosk of the workshop and the coaches' laptops; handed
        to a background thread, so the worker's screen never waits for the network."""
        if self.help_hub is None:
            return
        try:
            worker, session = self.worker, self.session if on_step else None
            pack = session.pack if session is not None else None
            self._hub_call = self.help_hub.raise_call(
                person_uuid=getattr(worker, "uuid", None),
                person_name=getattr(worker, "name", "") or "",
                pack_title=pack.title_for(self.kiosk_lang) if pack is not None else None,  # for the coach
                step_number=session.number if session is not None else None,
                step_count=session.total if session is not None else None,
            )
        except Exception as exc:  # noqa: BLE001 - the call on this kiosk stands without the hub
            self.problems.add("hub", "The help call could not be sent to the workshop hub.", exc)

    def _help_answered(self, waited_s: float) -> None:
        """A coach ended a help call: how long the worker waited goes to the log (and, with a step,
        the journal's help calls)."""
        log.info("Help call answered after %.0f s", waited_s)
        if self.help_hub is not None and self._hub_call is not None:
            self.help_hub.clear_call(self._hub_call)  # gone on every kiosk and laptop too
        self._hub_call = None
        if self.session is not None and self.sm.current == "step":
            self.session.help_answered(waited_s)

    def confirm_stop_task(self) -> None:
        """Home during a task asks first, in words a non-reader can follow: the question is
        spoken, and the answers are pictures with words - "Keep going" with the task's own
        picture, "Stop" with the house - not a cross and a tick, which mean nothing clear here."""
        question = self.tr("Stop this task?")
        overlay = CalmOverlay(question, icon="")
        keep = overlay.add_button(self.tr("Keep going"), "next", self.close_overlay, role="primary")
        pack = self.session.pack if self.session is not None else None
        if pack is not None:
            try:
                keep.icon_source = str(pack.thumbnail())
            except Exception:  # noqa: BLE001 - no picture: the arrow stays
                pass
        overlay.add_button(self.tr("Stop"), "home", lambda: (self.close_overlay(), self.abandon_task()))
        self.open_overlay(overlay, focus=0)  # the safe answer has the focus; neither is pushed
        self.audio.say(question, self.ui_lang)

    # -- trainer door ---------------------------------------------------------------------------

    def open_trainer_pin(self) -> None:
        """The corner hold: the PIN pad, or (failing closed) why trainer mode cannot open now."""
        if self.sm.current not in WORKER_SCREENS:
            return
        self.close_overlay()
        self.audio.stop()
        self.apply_look(self.settings)  # trainer screens use the kiosk's look, not the worker's
        from kiosk.trainer import DoorClosedError, DoorState

        state, closed = self.door.state()
        if state is DoorState.CLOSED and closed is not None:
            self.show_door_closed(closed)
            return
        try:
            self.go("trainer_pin")
        except DoorClosedError as error:
            self.show_door_closed(error.closed)

    def show_door_closed(self, closed: Any) -> None:
        """Trainer mode cannot open: say why (a lock, one sentence, the reason, what to do)."""
        self.problems.add("trainer", "Trainer mode was asked for but is closed.", f"{closed.reason} {closed.hint}")
        self.go("trainer_closed", closed=closed, replace=self.sm.current == "trainer_pin")

    def verify_pin(self, pin: str) -> Any:
        """The PIN pad's hook: ``PinCheck(ok, wait_seconds)``; ``DoorClosedError`` when the stored
        PIN cannot be read for sure (the pad then shows why)."""
        return self.door.check(pin)

    def open_trainer_home(self) -> None:
        self.go("trainer_home", replace=self.sm.current == "trainer_pin")

    def leave_trainer(self) -> None:
        """Back to worker mode, to the screen the trainer left (a task in progress goes on)."""
        self.back(out_of="trainer_")

    def exit_kiosk(self) -> None:
        self.stop()

    def give_up(self, exit_code: int) -> None:
        """The safety net found errors that keep coming: stop with ``exit_code`` so the
        supervisor restarts the kiosk afresh."""
        self.exit_code = exit_code
        self.stop()

    def return_to_safe_screen(self) -> None:
        """After an unexpected error: close any overlay and go where nothing half-done remains.
        A worker's open task is kept (its steps so far are saved) and can be resumed."""
        self.close_overlay()
        current = self.sm.current
        if current.startswith("trainer_") and current not in ("trainer_pin", "trainer_closed"):
            self._return_to_screen("trainer_home")  # inside trainer mode: its home (the PIN was given)
            return
        if self.session is not None:
            try:
                self.session.flush()
            except Exception as exc:  # noqa: BLE001
                log.error("Steps could not be saved after an error: %s", exc)
            self.session = None
        if self.worker is not None:
            self.apply_look(self.worker_settings())
            self._start_worker_flow("tasks")
        else:
            self.back_to_people()

    def _check_worker(self) -> None:
        self._drop_deleted_worker()
        self._next_worker_when_idle()

    def several_workers(self) -> bool:
        try:
            return len(self.journal.people()) > 1
        except Exception:  # noqa: BLE001 - unreadable: assume a shared kiosk (the safe choice)
            return True

    def task_done(self) -> None:
        """After "Well done": on a kiosk several workers share, back to "Who are you?" so the next
        person never works (and is recorded) under this worker's name; else their tasks."""
        if self.several_workers():
            self.back_to_people()
        else:
            self.back_to_tasks()

    def _next_worker_when_idle(self) -> None:
        """The tasks screen left untouched for ``worker_idle_s`` (a trainer setting, 2 min) on a
        shared kiosk returns to "Who are you?". Never inside a task: nothing times out on a worker."""
        if self.worker is None or self.sm.current not in ("tasks", "plan_now") or self.overlay is not None:
            return  # (plan_now: the day plan's Now / Next, the worker's other home screen)
        idle = Clock.get_time() - max(self._last_input, self._entered_tasks_at)
        if idle >= self.settings.worker_idle_s and self.several_workers():
            log.info("Tasks screen idle for %.0f s: back to 'Who are you?'", idle)
            self.back_to_people()

    def _drop_deleted_worker(self) -> None:
        """A person deleted while the kiosk runs (``kiosk person delete``) leaves its screens:
        their name and photo must not stay, and nothing more is recorded for them."""
        worker = self.worker
        if worker is None:
            return
        try:
            still_here = self.journal.person(worker.id) is not None
        except Exception:  # noqa: BLE001 - storage trouble is reported elsewhere; keep the worker
            return
        if still_here:
            return
        log.info("Worker %s was deleted; leaving their screens", worker.id)
        self.close_overlay()
        self.audio.stop()
        on_their_screens = self.sm.current in WORKER_SCREENS
        self.forget_worker(worker.id)  # their run went with them: nothing to flush
        if on_their_screens:
            self.back_to_people()

    def _report_storage(self, storage: Storage) -> None:
        if storage.problem is None:
            return
        if storage.kept_as is not None:
            message = Msg(
                "The journal was damaged and is kept as {name}; a new journal was started. "
                "Set a new trainer PIN on the device: kiosk trainer set-pin.",
                name=storage.kept_as.name,
            )
        elif storage.mode == "read_only":
            message = Msg("The journal can be read but not written: steps are not saved.")
        else:
            message = Msg("The journal cannot be read: nothing is saved and trainer mode is closed.")
        self.problems.add("journal", message, f"{storage.problem.message} {storage.problem.hint}")

    def _tell_worker_nothing_is_saved(self) -> None:
        """One calm sentence with an icon, once at start; the worker can go on at once."""
        if self.overlay is not None or self.sm.current not in WORKER_SCREENS:
            return
        overlay = CalmOverlay(self.tr("Your work is not saved right now. Please tell your coach."), icon="warning")
        overlay.add_button(self.tr("OK"), "check", self.close_overlay, role="primary")
        self.open_overlay(overlay)

    # -- window ---------------------------------------------------------------------------------

    def _bind_window(self) -> None:
        self._window_bindings = {
            "on_key_down": self._on_key_down,
            "on_keyboard": self._on_keyboard,
            "on_request_close": self._on_request_close,
            "on_touch_down": self._on_any_touch,
        }
        Window.bind(**self._window_bindings)

    def _unbind_window(self) -> None:
        if self._window_bindings:
            Window.unbind(**self._window_bindings)
            self._window_bindings = {}

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        log.info("Close request ignored: a trainer leaves through the corner hold and PIN")
        return True

    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        return key == 27  # Escape / Android back never exits or pauses the kiosk

    def _on_any_touch(self, *_args: Any) -> bool:
        self._last_input = Clock.get_time()
        if self.keyboard_mode:
            self.keyboard_mode = False
        return False

    def _on_key_down(self, _window: Any, key: int, _scancode: int, codepoint: str | None, modifiers: list[str]) -> bool:
        self._last_input = Clock.get_time()
        self.scanner.key_pressed()
        screen = self.sm.current_screen
        handle_key = getattr(screen, "handle_key", None)
        if handle_key is not None and self.overlay is None and handle_key(key, codepoint, modifiers):
            return True
        action = action_for(key, modifiers)
        if action is None:
            return False
        if action == Action.IGNORE:
            return True
        if self.overlay is not None:
            return self.overlay.handle(action)
        handler = getattr(screen, "handle", None)
        return bool(handler(action)) if handler is not None else False

    def _screenshot(self, _dt: float) -> None:
        assert self.screenshots_dir is not None
        self.screenshots_dir.mkdir(parents=True, exist_ok=True)
        Window.screenshot(name=str(self.screenshots_dir / f"{self.sm.current}.png"))

    def _make_speech_worker(self) -> Any:
        """The real speech worker (pyttsx3 + espeak-ng), made on first use in the audio thread."""
        from kiosk.speech import SpeechWorker

        return SpeechWorker(cache_dir=self.data.cache)


def _collect_garbage() -> float:
    """``kiosk.ui.tidy.tidy_up`` with Kivy's deferred deletion of textures and frame buffers run at
    once (the main thread, after a frame: the GL context is current)."""
    from kivy.graphics.context import get_context

    return tidy_up(release=get_context().gl_dealloc)
