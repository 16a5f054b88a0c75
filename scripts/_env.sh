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

# ensure_chromium: the browser tests drive Debian's chromium (Playwright's own browser download is not used).
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium for the browser tests (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium: install it (Debian/Ubuntu: sudo apt-get install chromium) and run again." >&2
    return 1
  fi
}
