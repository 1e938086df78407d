"""The pyttsx3 private names kiosk.speech.pyttsx3_quirks relies on are still there.

Run this first after upgrading pyttsx3: a failure names the workaround that would silently stop
working (the quirks module falls back to doing nothing, so speech would go on but lose files,
keep a dead run loop or print to stdout again).
"""

from __future__ import annotations

import inspect
import logging
import sys

import pytest
from speech_helpers import needs_espeak

from kiosk.speech import pyttsx3_quirks as quirks


@needs_espeak
def test_espeak_binding_still_reports_playing():
    from pyttsx3.drivers import _espeak

    assert callable(_espeak.IsPlaying)  # quirks.wait_until_idle


@needs_espeak
def test_engine_still_keeps_its_loop_flag_and_driver_name():
    import pyttsx3

    engine = pyttsx3.init()
    assert quirks.is_espeak(engine)  # Engine.driver_name
    assert engine._inLoop is False  # quirks.leave_run_loop  # noqa: SLF001
    assert "_inLoop" in inspect.getsource(type(engine).runAndWait)


@needs_espeak
def test_the_saved_notice_is_printed_through_the_driver_modules_print():
    import pyttsx3

    pyttsx3.init()
    driver = sys.modules["pyttsx3.drivers.espeak"]
    assert 'print(f"Audio saved to' in inspect.getsource(driver)  # what silence_saved_notice hides
    assert quirks.silence_saved_notice()
    assert driver.print is quirks._driver_print  # noqa: SLF001


def test_the_silenced_print_logs_and_never_raises(caplog):
    with caplog.at_level(logging.DEBUG, logger="kiosk.speech.pyttsx3"):
        quirks._driver_print("Audio saved to", object())  # noqa: SLF001
    assert any("Audio saved to" in r.getMessage() for r in caplog.records)


def test_quirks_do_nothing_for_another_engine():
    class Other:
        driver_name = "nsss"

    quirks.wait_until_idle(Other(), limit=0.01)  # returns at once, no espeak needed
    quirks.leave_run_loop(Other())
    assert not quirks.is_espeak(Other())


@pytest.mark.parametrize("flag", [True, False])
def test_leave_run_loop_ends_only_a_stuck_loop(flag):
    class Engine:
        _inLoop = flag  # noqa: N815 - pyttsx3's name
        ended = False

        def endLoop(self):  # noqa: N802 - pyttsx3's name
            self.ended = True

    engine = Engine()
    quirks.leave_run_loop(engine)
    assert engine.ended is flag
