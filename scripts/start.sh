#!/usr/bin/env bash
# Starts the kiosk on the bundled sample packs (sets everything up first on a fresh machine).
# Without a screen (no DISPLAY, e.g. over ssh) it runs on a virtual one via xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/kiosk run "$@"
fi
exec .venv/bin/kiosk run "$@"
