#!/usr/bin/env bash
# Idempotent set-up shared by the README's two commands and CI: system packages (Debian/Ubuntu,
# only those missing), then a virtual environment in .venv with the project installed editable,
# at the exact versions of constraints.txt (regenerate it with scripts/lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# systemd: `kiosk appliance` installs a systemd user service, and its tests run systemd-analyze.
# libportaudio2: recording the coach's voice on the kiosk (sounddevice, kiosk/authoring/microphone.py).
SYSTEM_PACKAGES=(xvfb xauth espeak-ng alsa-utils libgl1 libegl1 libgl1-mesa-dri libgles2 libmtdev1
                 fonts-wqy-microhei chromium systemd postgresql libportaudio2)

PYTHON=${PYTHON:-python3}
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  # A fresh Debian has python3 without venv/ensurepip (package python3-venv); CI starts there.
  if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
    missing+=(python3 python3-venv)
  fi
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: cannot install ${missing[*]}: run as root or install them yourself" >&2; exit 1; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml setup.py constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # PIP_CONSTRAINT (not -c) so that the isolated build environment pins setuptools too.
  PIP_CONSTRAINT="$PWD/constraints.txt" .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
