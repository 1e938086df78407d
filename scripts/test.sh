#!/usr/bin/env bash
# Runs the whole test suite (sets everything up first on a fresh machine). The tests start
# their own Xvfb when there is no DISPLAY (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
