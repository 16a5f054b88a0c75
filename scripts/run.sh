#!/usr/bin/env bash
# Set up (first time only) and run backstretch. Extra arguments go to the `backstretch` command.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_env requirements/app.lock
ensure_print_libs
if [ "$#" -eq 0 ]; then
  set -- serve --open
fi
exec .venv/bin/backstretch "$@"
