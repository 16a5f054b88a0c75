#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml, in one place. The app's lock comes first: it is what run.sh
# installs, with every optional part (print, clinic, camera, breaks) so the camera's limits (MediaPipe wants numpy 1.x)
# apply to the app too. The tests' lock is then resolved under the app's lock as a constraint, so every package the
# two share has one version and the tests run on what ships. `--universal` keeps one lock for every platform and
# Python the locks serve (3.11 and 3.12: MediaPipe's numpy 1.26 has no wheels for
# newer ones), with markers where they differ. Pass --upgrade to move to newer versions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v uv >/dev/null 2>&1; then
  echo "scripts/lock.sh needs uv (https://docs.astral.sh/uv/): pipx install uv, or pip install uv" >&2
  exit 1
fi
extras=(--extra print --extra clinic --extra camera --extra breaks)
uv pip compile pyproject.toml --universal --python-version 3.11 "${extras[@]}" "$@" --quiet \
  --custom-compile-command "scripts/lock.sh" -o requirements/app.lock
uv pip compile pyproject.toml --universal --python-version 3.11 "${extras[@]}" --extra dev "$@" --quiet \
  --constraint requirements/app.lock --custom-compile-command "scripts/lock.sh" -o requirements/dev.lock
