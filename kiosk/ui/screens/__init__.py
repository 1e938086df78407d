"""The kiosk's screens, one ``<name>.py`` + ``<name>.kv`` each, created on first use.

``SCREENS`` maps a screen name to ``module:Class``. The app imports a screen's module (which loads
its ``.kv``) only when the screen is first shown, so start-up builds just the first screen.
Trainer screens added later register here the same way, and may put a button on the trainer home
screen through ``TRAINER_ACTIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass

SCREENS: dict[str, str] = {
    "people": "kiosk.ui.screens.people:PeopleScreen",
    "tasks": "kiosk.ui.screens.tasks:TasksScreen",
    "step": "kiosk.ui.screens.step:StepScreen",
    "finish": "kiosk.ui.screens.finish:FinishScreen",
    "trainer_pin": "kiosk.ui.screens.trainer_pin:TrainerPinScreen",
    "trainer_home": "kiosk.ui.screens.trainer_home:TrainerHomeScreen",
    "trainer_closed": "kiosk.ui.screens.trainer_closed:TrainerClosedScreen",
    # trainer mode (behind the trainer PIN)
    "trainer_packs": "kiosk.ui.screens.trainer_packs:TrainerPacksScreen",
    "trainer_preview": "kiosk.ui.screens.trainer_preview:TrainerPreviewScreen",
    "trainer_people": "kiosk.ui.screens.trainer_people:TrainerPeopleScreen",
    "trainer_person": "kiosk.ui.screens.trainer_person:TrainerPersonScreen",
    "trainer_settings": "kiosk.ui.screens.trainer_settings:TrainerSettingsScreen",
    "trainer_support": "kiosk.ui.screens.trainer_support:TrainerSupportScreen",
    "trainer_problems": "kiosk.ui.screens.trainer_problems:TrainerProblemsScreen",
    # the family's progress view (behind that worker's family PIN or the trainer PIN)
    "progress_people": "kiosk.ui.screens.progress_people:ProgressPeopleScreen",
    "progress_pin": "kiosk.ui.screens.progress_pin:ProgressPinScreen",
    "progress_person": "kiosk.ui.screens.progress_person:ProgressPersonScreen",
    # the day plan: the worker's Now / Next, the coach's plan editor and day view
    "plan_now": "kiosk.ui.screens.plan_now:PlanNowScreen",
    "trainer_plan": "kiosk.ui.screens.trainer_plan:TrainerPlanScreen",
    # making and changing tasks on the tablet (kiosk.authoring.draft, .publish)
    "trainer_editor": "kiosk.ui.screens.trainer_editor:TrainerEditorScreen",
    "trainer_editor_photos": "kiosk.ui.screens.trainer_editor_photos:TrainerEditorPhotosScreen",
    "trainer_step": "kiosk.ui.screens.trainer_step:TrainerStepScreen",
}

#: Screens a worker uses; the hidden trainer gesture works on these (and the keys map to actions).
WORKER_SCREENS = frozenset({"people", "tasks", "step", "finish", "plan_now"})


@dataclass(frozen=True)
class TrainerAction:
    """A button on the trainer home screen that opens another trainer screen."""

    screen: str  # a name in SCREENS
    text: str  # English msgid (in the .po catalogs); translated with the kiosk language
    icon: str  # icon name in assets/images/icons


#: The buttons on the trainer home screen, in order.
TRAINER_ACTIONS: list[TrainerAction] = [
    TrainerAction("trainer_packs", "Packs", "ready"),
    TrainerAction("trainer_people", "People", "person"),
    TrainerAction("trainer_settings", "Settings", "settings"),
    TrainerAction("trainer_support", "Support", "help"),
    TrainerAction("progress_people", "Progress", "progress"),
    TrainerAction("trainer_problems", "Problems", "warning"),  # with a count badge (trainer_home)
    TrainerAction("trainer_plan", "Day plans", "timer"),  # each worker's day plan (kiosk.plan)
    TrainerAction("trainer_editor", "Make a task", "add"),  # photos, sentences, voice -> a task
]
