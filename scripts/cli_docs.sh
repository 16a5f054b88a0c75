#!/usr/bin/env bash
# Write docs/cli.md from the command line's own help (Typer's docs generator), so the reference never drifts from
# the code; tests/test_docs.py fails when it is out of date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
.venv/bin/typer backstretch.cli.main utils docs --name backstretch --title "Command-line reference" \
  --output docs/cli.md >/dev/null
