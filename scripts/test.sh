#!/usr/bin/env bash
# Set up (first time only) and run every check: lint, types, and the whole test suite.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_env requirements/dev.lock 12  # MediaPipe (the camera extra) has wheels for Python 3.9 to 3.12
ensure_opencv_libs
ensure_chromium
ensure_print_libs poppler
echo "== ruff"; .venv/bin/ruff check src tests scripts bench
echo "== ruff format"; .venv/bin/ruff format --check src tests scripts bench
echo "== mypy (strict)"; .venv/bin/mypy
echo "== pytest"; .venv/bin/pytest -n auto "$@"
