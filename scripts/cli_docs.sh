#!/usr/bin/env bash
# Write the command-line reference from the command line's own help (Typer's docs generator), so it never drifts
# from the code: to docs/cli.md, or to the file given (tests/test_docs.py compares the two).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
"${PYTHON:-.venv/bin/python}" -m typer backstretch.cli.main utils docs --name backstretch \
  --title "Command-line reference" --output "${1:-docs/cli.md}" >/dev/null
