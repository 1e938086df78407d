"""The day plan in the real app under Xvfb, driven through a day in fast time: Now / Next, calm
reminders at the right moment (never mid-task, never for someone else), plan events in the
journal, the badge on "Who are you?", the coach's plan screen; screenshots in en, de and zh,
portrait and landscape."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.plan import Plan, PlanItem, local_moment
from kiosk.plan.pictures import ACTIVITY_TEXTS
from kiosk.plan.store import PlanStore
from test_trainer_looks import measure
from test_ui_access import check_screen

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = date(2026, 6, 2)


def item(item_id, at=None, *, picture=None, pack=None, minutes=None, text=None):
    return PlanItem(
        id=item_id,
        text=text or ACTIVITY_TEXTS.get(picture or "", {"en": item_id}),
        picture=picture,
        pack=pack,
        minutes=minutes,
        at=time.fromisoformat(at) if at else None,
    )


DAY = Plan(
    items=(
        item("arrive", "08:00", picture="arrive"),
        item("change", picture="change", minutes=10),
        item(
            "work",
            "08:30",
            pack="sort-screws",
            text={"en": "Sort the screws", "de": "Schrauben sortieren", "zh": "分类螺丝"},
        ),
        item("break", "10:00", picture="break", minutes=15),
        item("lunch", "12:00", picture="lunch"),
        item("wash", pack="wash-hands", text={"en": "Wash your hands", "de": "Wasch dir die Hände", "zh": "洗手"}),
        item("bus", "15:30", picture="bus"),
    ),
    days=frozenset(range(7)),
)


class PlanClock:
    """The plan's clock, moved by the test (Kivy's own clock is moved by ``ui.advance``)."""

    def __init__(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now

    def to(self, clock: str) -> None:
        self.now = local_moment(TUESDAY, time.fromisoformat(clock), BERLIN)


def give_plans(*names):
    def prepare(journal):
        store = PlanStore(journal)
        for person in journal.people():
            if person.name in names:
                store.set_plan(person.id, DAY)

    return prepare


def start(kiosk, ui, people, *, planned=("Zoe",), at="07:50", size=(1280, 800), settings=None):
    app = kiosk(people=people, prepare=give_plans(*planned), size=size, settings=settings)
    clock = PlanClock(local_moment(TUESDAY, time.fromisoformat(at), BERLIN))
    app.plans.clock = clock
    app.plans.zone = BERLIN
    return app, clock


def sign_in(ui, name):
    tile = next(t for t in ui.screen.tiles() if t.title == name)
    ui.tap(tile)


def tap_in_list(ui, widget):
    """Scroll the trainer's list to ``widget`` first, as a coach would, then tap it."""
    from kivy.uix.scrollview import ScrollView

    scroller = widget.parent
    while scroller is not None and not isinstance(scroller, ScrollView):
        scroller = scroller.parent
    scroller.scroll_to(widget, padding=10, animate=False)
    ui.settle()
    ui.tap(widget)


def tick(ui, seconds=6):
    """Let the kiosk's periodic plan check run."""
    ui.advance(seconds)
    ui.settle()


def events(app, name):
    person = next(p for p in app.journal.people() if p.name == name)
    return [(e.item_id, e.event) for e in PlanStore(app.journal).events(person.id, TUESDAY)], person


def test_through_a_day(kiosk, ui):
    app, clock = start(kiosk, ui, [("Zoe", "en"), ("Li", "de")])
    assert app.sm.current == "people"
    sign_in(ui, "Zoe")
    assert app.sm.current == "plan_now"
    screen = ui.screen
    assert screen.heading == "Next, at 08:00" and screen.sentence == "Arrive and say hello"
    assert screen.next_row.sentence == "Put on your work clothes"
    assert ("Arrive and say hello", "en") in app.fake_speech.rendered  # spoken on arrival
    tick(ui)
    assert app.overlay is None  # nothing is due before its time

    clock.to("08:00")
    tick(ui)
    card = app.overlay
    assert type(card).__name__ == "PlanReminderCard" and card.sentence == "Arrive and say hello"
    assert [b.text for b in card.buttons] == ["OK"]
    assert ("ui", "timer") in app.audio.played  # the soft bell, then the sentence spoken
    assert app.fake_speech.rendered[-1] == ("Arrive and say hello", "en")
    ui.shot("reminder-arrive")
    ui.tap(card)  # one tap anywhere dismisses
    assert app.overlay is None
    tick(ui)
    assert app.overlay is None  # once per item and day
    assert screen.heading == "Now"
    ui.press(" ")  # Space: the main action, Done
    assert events(app, "Zoe")[0][:2] == [("arrive", "reminded"), ("arrive", "done")]
    # "after the previous one": the moment arrive is done is the moment for the reminder
    tick(ui)
    assert app.overlay is not None and app.overlay.sentence == "Put on your work clothes"
    ui.tap(app.overlay.buttons[0])
    assert screen.sentence == "Put on your work clothes" and screen.has_ring  # a 10-minute item
    ui.shot("now-next-ring")
    clock.to("08:20")
    tick(ui)
    assert screen.ring_left == 0  # the ring is empty; nothing else happens

    clock.to("08:30")  # work: a pack; the reminder offers Start
    tick(ui)
    card = app.overlay
    assert [b.text for b in card.buttons] == ["Start", "OK"]
    ui.press("\r")  # Enter: Start has the focus
    assert app.sm.current == "step" and app.session.pack.id == "sort-screws"
    clock.to("10:05")  # the break's time comes while Zoe works: she is not interrupted
    tick(ui)
    assert app.overlay is None and app.sm.current == "step"
    step = ui.screen
    for _ in range(4):
        ui.tap(step.ids.next)
    assert app.sm.current == "finish"
    tick(ui)
    assert app.overlay is None  # not over "well done" either
    run_id = app.journal.runs()[-1].id
    seen, zoe = events(app, "Zoe")
    assert ("work", "started") in seen and ("work", "done") in seen
    done = [e for e in PlanStore(app.journal).events(zoe.id, TUESDAY) if e.item_id == "work" and e.event == "done"]
    assert done[0].run_id == run_id
    ui.advance(7)  # two workers share this kiosk: back to "Who are you?"
    ui.settle()
    assert app.sm.current == "people"
    tick(ui)
    assert app.plans.badges == frozenset({zoe.id})  # the break is waiting for Zoe: a badge, no card
    tile = next(t for t in ui.screen.tiles() if t.title == "Zoe")
    assert any(getattr(c, "plan_badge", False) for c in tile.ids.picture_box.children)
    assert app.overlay is None
    ui.shot("people-badge")

    sign_in(ui, "Li")  # Li has no plan: her tasks, and never Zoe's reminder
    assert app.sm.current == "tasks"
    tick(ui)
    assert app.overlay is None
    ui.tap(ui.screen.ids.back)
    sign_in(ui, "Zoe")
    tick(ui)
    assert app.overlay is not None and app.overlay.sentence == "Coffee break"
    ui.tap(app.overlay)
    assert ui.screen.heading == "Now" and ui.screen.has_ring
    ui.tap(ui.screen.ids.tasks)  # the tasks screen is one tap away
    assert app.sm.current == "tasks"

    clock.to("23:59")  # the bus is due (15:30): the card comes on the tasks screen too
    tick(ui)
    assert app.overlay is not None and app.overlay.sentence == "Take the bus home"
    ui.press(" ")
    assert app.overlay is None
    ui.tap(ui.screen.ids.back)
    sign_in(ui, "Zoe")
    clock.now += timedelta(minutes=2)  # midnight: a new day, nothing carried over
    ui.screen.refresh()
    assert ui.screen.heading == "Next, at 08:00" and ui.screen.done_count == 0


def test_quiet_hours_and_no_sound_keep_the_card_silent(kiosk, ui):
    app, clock = start(kiosk, ui, [("Zoe", "en"), ("Li", "en")], at="07:59")
    store = PlanStore(app.journal)
    zoe = next(p for p in app.journal.people() if p.name == "Zoe")
    store.set_no_sound(zoe.id, True)
    sign_in(ui, "Zoe")
    app.fake_speech.rendered.clear()
    app.audio.played.clear()
    clock.to("08:00")
    tick(ui)
    assert app.overlay is not None  # the card comes, silently
    assert app.fake_speech.rendered == [] and ("ui", "timer") not in app.audio.played
    ui.tap(app.overlay)
    store.set_no_sound(zoe.id, False)
    store.set_quiet_hours((time(8, 0), time(9, 0)))
    ui.press(" ")  # arrive done: "change" is due at once, inside quiet hours
    tick(ui)
    assert app.overlay is not None and app.overlay.sentence == "Put on your work clothes"
    assert ("ui", "timer") not in app.audio.played


def test_coach_makes_a_plan_by_tapping(kiosk, ui):
    app, clock = start(kiosk, ui, [("Zoe", "en"), ("Li", "de")], planned=())
    app.go("trainer_plan")  # as trainer home's "Day plans" does (behind the PIN)
    ui.settle()
    screen = ui.screen
    assert screen.choosing
    zoe_button = next(b for b in screen.ids.people_box.children if b.text == "Zoe")
    ui.tap(zoe_button)
    assert screen.title == "Day plan: Zoe" and not screen.choosing

    def pick(found):
        ui.tap(next(t for t in reversed(screen.ids.picks_box.children) if found(t)))

    pick(lambda t: t.picture.endswith("arrive.png"))
    pick(lambda t: t.title == "Sort the screws")
    ui.shot("coach-plan")
    assert measure(app, screen, "trainer_plan") == []
    zoe = next(p for p in app.journal.people() if p.name == "Zoe")
    plan = PlanStore(app.journal).plan(zoe.id)
    assert [(i.id, i.at) for i in plan.items] == [("arrive", time(8)), ("sort-screws", time(8, 30))]
    assert plan.items[1].text["de"] == "Schrauben sortieren"
    row = next(r for r in screen.ids.items_box.children if r.item_id == "sort-screws")
    tap_in_list(ui, next(c for c in row.walk(restrict=True) if getattr(c, "text", "") == "later"))
    assert PlanStore(app.journal).plan(zoe.id).items[1].at == time(8, 45)
    ui.tap(screen.ids.sound_button)  # this worker's reminders without bell and voice
    assert PlanStore(app.journal).no_sound(zoe.id) and screen.ids.sound_button.text == "No sound"
    ui.tap(screen.ids.copy_button)
    li = next(p for p in app.journal.people() if p.name == "Li")
    assert PlanStore(app.journal).plan(li.id) == PlanStore(app.journal).plan(zoe.id)
    assert "Copied to 1 workers." == screen.message


@pytest.mark.parametrize("size", [(800, 1280), (1280, 800)], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["en", "de", "zh"])
def test_screenshots(kiosk, ui, language, size):
    app, clock = start(kiosk, ui, [("Zoe", language), ("Li", "en")], at="10:05", size=size)
    zoe = next(p for p in app.journal.people() if p.name == "Zoe")
    store = PlanStore(app.journal)
    for done in ("arrive", "change", "work"):
        store.record(zoe.id, TUESDAY, done, "done", at=clock.now - timedelta(hours=1))
    store.record(zoe.id, TUESDAY, "break", "reminded", at=clock.now)
    sign_in(ui, "Zoe")
    screen = ui.screen
    assert screen.heading == {"en": "Now", "de": "Jetzt", "zh": "现在"}[language]
    assert screen.sentence == ACTIVITY_TEXTS["break"][language] and screen.has_ring
    assert screen.done_count == 3
    path = ui.shot(f"now-next-{language}")
    assert path.is_file()
    check_screen(screen)  # every text >= 28 sp, every button >= 96 dp with a word, the main one >= 140 dp
    assert screen.ids.main.role == "primary"  # one main action
    clock.to("12:00")
    tick(ui)
    assert app.overlay is not None and app.overlay.sentence == ACTIVITY_TEXTS["lunch"][language]
    ui.shot(f"reminder-{language}")
    check_screen(app.overlay)


@pytest.mark.parametrize("language", ["en", "de", "zh"])
def test_coach_screen_in_portrait(kiosk, ui, language):
    app, clock = start(kiosk, ui, [("Zoe", "en"), ("Li", "de")], size=(800, 1280), settings={"language": language})
    zoe = next(p for p in app.journal.people() if p.name == "Zoe")
    clock.to("08:10")
    PlanStore(app.journal).record(zoe.id, TUESDAY, "arrive", "done", at=clock.now)
    app.go("trainer_plan", person=zoe)
    ui.settle()
    rows = {row.item_id: row for row in ui.screen.ids.items_box.children}
    assert rows["arrive"].today_text == app.tr("done {time}", language, time="08:10")  # what was done, when
    assert not rows["arrive"].today_open and rows["change"].today_open
    ui.shot("coach-plan-portrait")
    assert measure(app, ui.screen, "trainer_plan") == []  # the trainer screens' rules (test_trainer_looks)
    not_today = app.tr("Not today", language)
    skip = next(c for c in rows["change"].walk(restrict=True) if getattr(c, "text", "") == not_today)
    tap_in_list(ui, skip)
    assert ("change", "skipped") in events(app, "Zoe")[0]
    rows = {row.item_id: row for row in ui.screen.ids.items_box.children}
    assert rows["change"].today_text == app.tr("skipped {time}", language, time="08:10")
    assert not rows["change"].today_open


def test_now_next_left_alone_on_a_shared_kiosk_returns_to_who_are_you(kiosk, ui):
    app, clock = start(kiosk, ui, [("Zoe", "en"), ("Li", "en")], at="07:00")
    sign_in(ui, "Zoe")
    assert app.sm.current == "plan_now"
    ui.advance(app.settings.worker_idle_s + 10)
    ui.settle()
    assert app.sm.current == "people" and app.worker is None  # nobody works under Zoe's name


def test_kiosk_switched_on_at_noon_reminds_once_not_a_burst(kiosk, ui, monkeypatch):
    import kiosk.ui.plan_service as service

    # one worker: the kiosk opens her day at start, so its clock is set before the app is built
    clock = PlanClock(local_moment(TUESDAY, time(12, 40), BERLIN))
    monkeypatch.setattr(service, "_utc_now", clock)
    monkeypatch.setattr(service, "local_zone", lambda: BERLIN)
    app = kiosk(people=[("Zoe", "en")], prepare=give_plans("Zoe"))
    assert app.sm.current == "plan_now"
    tick(ui)
    assert app.overlay is not None and app.overlay.sentence == "Lunch"
    ui.tap(app.overlay)
    for _ in range(3):
        tick(ui)
        assert app.overlay is None
    seen, _ = events(app, "Zoe")
    assert seen == [("lunch", "reminded")]  # the items of the morning folded away, never reminded
    assert ui.screen.heading == "Now" and ui.screen.sentence == "Lunch"
