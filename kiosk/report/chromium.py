"""Turning the HTML report into a PDF (or a screenshot) with a headless Chromium, if there is one.

Why Chromium rather than a Python PDF library: the browser that families open the HTML in is the
one that lays it out, so the PDF looks exactly like the page (Chinese fonts, SVG charts, page
breaks), and there is no second layout engine to keep in step. It is optional: without it the
HTML report is still complete and prints from any browser.

Each call uses a fresh, throw-away browser profile and switches off everything that would talk to
the network, so printing a report sends nothing anywhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
ENV_OVERRIDE = "STEP_KIOSK_CHROMIUM"
TIMEOUT_S = 120

_QUIET_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
)


class ChromiumError(RuntimeError):
    """Chromium is missing or did not produce the file; the message says what to do instead."""


def find_chromium() -> str | None:
    """The Chromium (or Chrome) program to use: $STEP_KIOSK_CHROMIUM, else the first on PATH."""
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        return override if Path(override).is_file() else shutil.which(override)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_file: Path, pdf_file: Path, *, chromium: str | None = None) -> Path:
    """Print ``html_file`` to ``pdf_file`` (A4, as the report's @page rule says)."""
    return _run(
        html_file,
        pdf_file,
        [f"--print-to-pdf={pdf_file}", "--no-pdf-header-footer", "--print-to-pdf-no-header"],
        chromium,
    )


def screenshot(
    html_file: Path, png_file: Path, *, size: tuple[int, int] = (1000, 1400), chromium: str | None = None
) -> Path:
    """A PNG of the top of the page as a screen shows it (for checking the layout by eye)."""
    return _run(html_file, png_file, [f"--screenshot={png_file}", f"--window-size={size[0]},{size[1]}"], chromium)


def _run(html_file: Path, out_file: Path, flags: list[str], chromium: str | None) -> Path:
    program = chromium or find_chromium()
    if program is None:
        raise ChromiumError(
            "Making a PDF needs the Chromium web browser, and it is not installed. "
            "Open the HTML report in a web browser and choose Print to make a PDF, "
            "or install Chromium (Debian/Ubuntu: sudo apt-get install chromium)."
        )
    out_file = Path(out_file).absolute()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    if out_file.exists():
        out_file.unlink()
    profile = tempfile.mkdtemp(prefix="kiosk-report-chromium-")
    command = [program, *_QUIET_FLAGS, f"--user-data-dir={profile}", *flags, Path(html_file).absolute().as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=out_file.parent)
    except subprocess.TimeoutExpired as error:
        raise ChromiumError(f"Chromium took longer than {TIMEOUT_S} seconds and was stopped.") from error
    except OSError as error:
        raise ChromiumError(f"Chromium could not be started ({error}).") from error
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not out_file.is_file() or out_file.stat().st_size == 0:
        detail = (done.stderr or "").strip().splitlines()[-3:]
        raise ChromiumError("Chromium did not write " + str(out_file) + (": " + " / ".join(detail) if detail else "."))
    return out_file
