#!/usr/bin/env bash
# Runs the whole test suite (sets everything up first on a fresh machine): the static checks
# (scripts/check.sh: ruff, mypy), then pytest. The tests start their own Xvfb when there is no
# DISPLAY (tests/conftest.py); tests/test_packaging.py builds the wheel and runs it from a fresh
# virtual environment. Arguments go to pytest. Both parts always run; the exit status is the
# first failure's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
status=0
bash scripts/check.sh || status=$?
.venv/bin/python -m pytest "$@" || { code=$?; [ "$status" -ne 0 ] || status=$code; }
exit "$status"
