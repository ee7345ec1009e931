#!/usr/bin/env bash
# The README's first command: set up this machine (once), then run the hall demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/hallq demo --simulate "$@"
