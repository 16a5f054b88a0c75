# Shared by run.sh and test.sh: find Python 3.11+, make .venv, install the locked dependencies when they change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
  for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "backstretch needs Python 3.11 or newer; none was found on PATH (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

# ensure_env LOCKFILE: install that lock and the package itself, skipping the work when nothing changed.
ensure_env() {
  local lock="$1" stamp
  if [ ! -x .venv/bin/python ]; then
    "$(find_python)" -m venv .venv
  fi
  stamp=".venv/.installed-$(basename "$lock")"
  if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp" || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$lock"
    .venv/bin/python -m pip install --quiet --no-deps -e .
    cp "$lock" "$stamp"
  fi
}
