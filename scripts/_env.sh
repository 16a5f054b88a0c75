# Shared by run.sh and test.sh: find Python 3.11+, make .venv, install the locked dependencies when they change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# find_python [MAX_MINOR]: a Python 3.11+ (and at most 3.MAX_MINOR when given) on PATH.
find_python() {
  local most="${1:-99}" candidate
  for candidate in ${PYTHON:-} python3.12 python3.11 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, $most) else 1)" 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  if [ "$most" = 99 ]; then
    echo "backstretch needs Python 3.11 or newer; none was found on PATH (set PYTHON=/path/to/python3.11)." >&2
  else
    echo "The locked dependencies need Python 3.11 to 3.$most (the camera's MediaPipe and its numpy have no wheels" \
         "for newer ones); none was found on PATH (set PYTHON=/path/to/python3.12, or use pip install . on a newer" \
         "Python)." >&2
  fi
  return 1
}

# ensure_env LOCKFILE [MAX_MINOR]: install that lock and the package itself, skipping the work when nothing changed.
ensure_env() {
  local lock="$1" most="${2:-99}" stamp python
  if [ -x .venv/bin/python ] && ! .venv/bin/python -c "import sys; sys.exit(0 if sys.version_info[:2] <= (3, $most) else 1)"; then
    echo "== .venv has a Python newer than 3.$most; making it again" >&2
    rm -rf .venv
  fi
  if [ ! -x .venv/bin/python ]; then
    python="$(find_python "$most")"
    "$python" -m venv .venv
  fi
  # One stamp, the lock last installed. The tests' lock holds the app's versions and more (scripts/lock.sh), so
  # going from one to the other only adds packages, or finds nothing to do.
  stamp=".venv/.installed-lock"
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

# ensure_opencv_libs: OpenCV (the camera extra, in the test environment) loads the system's libGL and GLib, which a
# minimal machine may not have.
ensure_opencv_libs() {
  if .venv/bin/python -c "import cv2" >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing the libraries OpenCV needs (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgl1 libglib2.0-0 >/dev/null
  else
    echo "OpenCV cannot load: install libGL and GLib (Debian/Ubuntu: sudo apt-get install libgl1 libglib2.0-0)." >&2
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
    echo "Printing to PDF needs ${missing[*]} from the system (Debian/Ubuntu: sudo apt-get install ${missing[*]};" \
         "macOS: brew install pango)." >&2
    return 1
  fi
}
