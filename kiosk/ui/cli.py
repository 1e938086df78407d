"""``kiosk run``: start the worker's kiosk (full screen on the sample packs by default).

Kivy is imported only inside the handler, after ``bootstrap.configure`` has set full screen,
input and fonts, so ``kiosk --help`` and the other commands never need a display.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import Any

from kiosk.paths import SAMPLE_PACKS_DIR, DataDir


def register(groups: dict[str, Any], top: Any) -> None:
    run = top.add_parser(
        "run",
        help="Start the kiosk (full screen) on the packs folders",
        description="Start the worker's kiosk. Without --packs it shows the trainer's drop folder "
        "(in the data folder) and the bundled sample packs.",
    )
    run.add_argument(
        "--packs",
        metavar="DIR",
        action="append",
        type=Path,
        help="a folder of packs (repeat for several); default: the drop folder and the samples",
    )
    run.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    run.add_argument("--size", metavar="WxH", type=_size, help="window size in pixels, e.g. 1280x800 (windowed)")
    run.add_argument(
        "--hub",
        metavar="URL",
        default=os.environ.get("KIOSK_HUB_URL") or None,
        help="the workshop hub's connection string for this kiosk (kiosk hub add-kiosk prints it; "
        "default: $KIOSK_HUB_URL); records are synced in the background",
    )
    run.add_argument(
        "--screenshots",
        metavar="DIR",
        type=Path,
        help="save a screenshot of every screen shown into DIR (for checking layouts)",
    )
    run.set_defaults(handler=handle_run)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, not {text!r}") from None
    if width < 320 or height < 320:
        raise argparse.ArgumentTypeError("the window must be at least 320x320 pixels")
    return width, height


def default_packs_folders(data: DataDir) -> list[Path]:
    return [data.packs, SAMPLE_PACKS_DIR]


def handle_run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # Kivy's start-up chatter (it resets its own level)
        handler.addFilter(lambda record: record.name != "kivy" or record.levelno >= logging.WARNING)
    data = DataDir(args.data).ensure()
    folders = args.packs or default_packs_folders(data)
    missing = [str(f) for f in folders if not Path(f).is_dir()]
    if missing:
        print(f"kiosk run: packs folder not found: {', '.join(missing)}")
        return 2
    from kiosk.ui import bootstrap

    windowed = args.windowed or args.size is not None
    bootstrap.configure(fullscreen=not windowed, size=args.size)
    from kiosk.ui.app import KioskApp

    app = KioskApp(folders, data, screenshots_dir=args.screenshots, hub_url=args.hub)
    _stop_on_sigterm(app)
    try:
        app.run()
    except Exception:  # noqa: BLE001 - the safety net gave up or Kivy itself failed
        logging.getLogger(__name__).exception("The kiosk stopped after an unexpected error")
        return EXIT_CRASHED
    return app.exit_code


EXIT_CRASHED = 70
STOP_GRACE_S = 5.0


def _stop_on_sigterm(app: Any) -> None:
    """``systemctl stop`` / shutdown: leave cleanly (an open task is resumed at the next start),
    and always leave: a Python signal handler only runs when the main thread gets back to Python,
    so a main thread stuck in C (a frozen driver, a storage call that hangs) would ignore SIGTERM.
    The signal is therefore blocked in every thread and taken by a thread of its own with
    ``sigwait``; it asks the app to stop and, if the app has not stopped after ``STOP_GRACE_S``,
    ends the process (status 143, as a SIGTERM death reports)."""
    import os
    import signal
    import threading

    from kivy.clock import Clock

    if not hasattr(signal, "pthread_sigmask"):  # Windows: the plain handler is all there is
        signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: app.stop(), 0))
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # threads made later inherit it

    def wait_for_sigterm() -> None:
        signal.sigwait({signal.SIGTERM})
        logging.getLogger(__name__).info("SIGTERM: stopping the kiosk")
        Clock.schedule_once(lambda _dt: app.stop(), 0)
        threading.Timer(STOP_GRACE_S, lambda: os._exit(128 + signal.SIGTERM)).start()

    threading.Thread(target=wait_for_sigterm, name="sigterm", daemon=True).start()
