#!/usr/bin/env bash
# Set up (first time only) and run backstretch. Extra arguments go to the `backstretch` command.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_env requirements/app.lock 12
# Printing is optional: without Pango the app starts anyway, and its print buttons say what is missing.
ensure_print_libs || echo "== starting without printing to PDF" >&2
if [ "$#" -eq 0 ]; then
  set -- serve --open
fi
exec .venv/bin/backstretch "$@"
