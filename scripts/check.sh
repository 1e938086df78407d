#!/usr/bin/env bash
# Static checks, a few seconds: ruff (lint rules in pyproject.toml, and the formatter) over the whole tree and mypy
# over kiosk/ (strict for the Kivy-free core, lenient for kiosk/ui). Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
echo "check: ruff"
.venv/bin/ruff check --no-cache --quiet --output-format concise . || status=1
echo "check: ruff format"
.venv/bin/ruff format --no-cache --check --quiet . || status=1
echo "check: mypy"
.venv/bin/mypy --no-error-summary --cache-dir .venv/.mypy_cache || status=1
[ "$status" -eq 0 ] && echo "check: ok"
exit "$status"
