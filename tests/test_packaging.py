"""The wheel is the product: build it, install it into a fresh virtual environment outside the
checkout, and run the installed ``kiosk`` as a workshop's IT person would.

Why a real build and a real install (about a minute): what broke before was exactly what an
in-tree test cannot see (a wheel without ``assets/``, translations written into site-packages at
run time). Every command here runs with the current directory and ``PYTHONPATH`` away from the
checkout, so nothing can be imported from the source tree by accident, and the tests check that
what they used lies inside the fresh environment.
"""

from __future__ import annotations

import email.parser
import os
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import kiosk

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    sdist: Path
    venv: Path
    home: Path  # a clean current directory and HOME for the installed commands
    seconds: float  # build + install

    @property
    def kiosk(self) -> Path:
        return self.venv / "bin" / "kiosk"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "KIOSK_DEBUG")}
        env.update(
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.home / "share"),
            KIVY_HOME=str(self.home / "kivy"),
            KIVY_NO_ARGS="1",
            KIVY_NO_CONSOLELOG="1",
            SDL_AUDIODRIVER="dummy",
            PATH=f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        return env

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args], cwd=self.home, env=self.env(), capture_output=True, text=True, timeout=timeout
        )


def _pip_env() -> dict[str, str]:
    """The locked versions for the build back-end and the install (as scripts/setup.sh uses)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PIP_CONSTRAINT"] = str(CONSTRAINTS)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("packaging")
    started = time.monotonic()
    dist = work / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        env=_pip_env(),
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        env=_pip_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    home = work / "home"
    home.mkdir()
    return Installed(wheel, sdist, venv, home, time.monotonic() - started)


def test_the_wheel_carries_what_the_kiosk_reads(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for needed in (
        "kiosk/assets/images/icons/next.png",
        "kiosk/assets/images/people/worker-1.png",
        "kiosk/assets/audio/celebrate.wav",
        "kiosk/assets/packs/wash-hands/pack.yaml",
        "kiosk/ui/screens/step.kv",
        "kiosk/packs/pack.schema.json",
    ):
        assert needed in names, needed
    for language in ("de", "zh"):  # compiled at build time; the sources stay in the sdist
        assert f"kiosk/i18n/{language}/LC_MESSAGES/kiosk.mo" in names
        assert f"kiosk/i18n/{language}/LC_MESSAGES/kiosk.po" not in names
    assert not [n for n in names if n.startswith(("tests/", "tools/", "bench/", "assets/"))]
    assert not [n for n in names if n.endswith("make_sounds.py")]
    sdist_names = subprocess.run(
        ["tar", "tzf", str(installed.sdist)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert any(n.endswith("kiosk/i18n/de/LC_MESSAGES/kiosk.po") for n in sdist_names)


def test_the_metadata_says_licence_version_and_home(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode("utf-8"))
        licence = wheel.read(metadata_name.replace("METADATA", "licenses/LICENSE")).decode("utf-8")
    assert metadata["Version"] == kiosk.__version__
    assert metadata["License-Expression"] == "GPL-3.0-or-later"
    assert set(metadata.get_all("License-File") or []) == {"LICENSE", "assets/LICENSES.md"}
    assert "GNU GENERAL PUBLIC LICENSE" in licence and "Version 3, 29 June 2007" in licence
    assert any(url.startswith("Source, https://") for url in metadata.get_all("Project-URL") or [])
    requirements = metadata.get_all("Requires-Dist") or []
    assert any(r.startswith("pyttsx3") and "<" in r for r in requirements), requirements


def test_kiosk_version(installed: Installed) -> None:
    done = installed.run(installed.kiosk, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"kiosk (Step Kiosk) {kiosk.__version__}"


def _installed_path(installed: Installed, expression: str) -> Path:
    done = installed.run(installed.python, "-c", f"import kiosk.paths as p; print({expression})")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.is_relative_to(installed.venv), f"{path} is not from the installed wheel"
    return path


def test_pack_validate_on_the_bundled_samples(installed: Installed) -> None:
    samples = _installed_path(installed, "p.SAMPLE_PACKS_DIR")
    packs = sorted(p for p in samples.iterdir() if (p / "pack.yaml").is_file())
    assert len(packs) >= 3
    done = installed.run(installed.kiosk, "--data", installed.home / "data", "pack", "validate", *packs)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_translations_come_from_the_wheel_and_nothing_is_written_into_it(installed: Installed) -> None:
    package = _installed_path(installed, "p.ASSETS_DIR.parent")
    before = {p: p.stat().st_mtime_ns for p in package.rglob("*") if "__pycache__" not in p.parts}
    done = installed.run(
        installed.python,
        "-c",
        "from kiosk.i18n import translate; print(translate('de', 'Next'), translate('zh', 'Next'))",
    )
    assert done.returncode == 0, done.stderr
    german, chinese = done.stdout.split()
    assert german == "Weiter" and chinese != "Next"
    after = {p: p.stat().st_mtime_ns for p in package.rglob("*") if "__pycache__" not in p.parts}
    assert after == before


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (tests/conftest.py starts Xvfb)")
def test_kiosk_run_reaches_the_first_screen_and_stops_on_sigterm(installed: Installed) -> None:
    shots = installed.home / "shots"
    data = installed.home / "run-data"
    process = subprocess.Popen(
        [
            str(installed.kiosk),
            "--data",
            str(data),
            "run",
            "--windowed",
            "--size",
            "800x600",
            "--screenshots",
            str(shots),
        ],
        cwd=installed.home,
        env=installed.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    try:
        while not (shots.is_dir() and any(shots.glob("*.png"))):
            if process.poll() is not None or time.monotonic() - started > 90:
                process.kill()
                _, err = process.communicate()
                pytest.fail(f"the installed kiosk showed no screen (exit {process.returncode}):\n{err[-3000:]}")
            time.sleep(0.2)
        first_screen = time.monotonic() - started
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert "packs folder not found" not in err
    print(
        f"packaging: build+install {installed.seconds:.0f} s, first screen after {first_screen:.1f} s, "
        f"wheel {installed.wheel.stat().st_size / 1e6:.1f} MB"
    )
