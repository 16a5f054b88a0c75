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

# ensure_print_libs [poppler]: printing to PDF (WeasyPrint) needs Pango and a font from the system; the tests also
# read the PDFs back with poppler's pdftoppm and pdftotext. Debian package names; apt-get when root and missing.
ensure_print_libs() {
  local missing=() libs
  libs="$(PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null || true)"
  grep -q "libpango-1.0.so.0" <<<"$libs" || missing+=(libpango-1.0-0)
  grep -q "libpangoft2-1.0.so.0" <<<"$libs" || missing+=(libpangoft2-1.0-0)
  fc-list 2>/dev/null | grep -qi "DejaVu Sans" || missing+=(fonts-dejavu-core)
  if [ "${1:-}" = poppler ] && ! command -v pdftoppm >/dev/null 2>&1; then
    missing+=(poppler-utils)
  fi
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${missing[*]} for printing to PDF (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Printing to PDF needs ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again." >&2
    return 1
  fi
}
