#!/usr/bin/env bash
# Optional: the emupos receipt-printer emulator (needs Python >= 3.13) in .venv-emupos, used by
# tests/printers as an independent decoder of our ESC/POS bytes. Idempotent; exits 0 when no
# Python 3.13+ exists (those tests then skip and say why).
set -euo pipefail
cd "$(dirname "$0")/../.."

EMUPOS_SPEC="emupos==0.4.0"   # pinned: the tests read its text dump and its control API
VENV=".venv-emupos"
stamp="$VENV/.hallq-emupos-stamp"

if [ -x "$VENV/bin/emupos" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$EMUPOS_SPEC" ]; then
    exit 0  # already done: stay fast
fi

# An interpreter >= 3.13: $EMUPOS_PYTHON, then pyenv's, then one on PATH.
py=""
candidates=("${EMUPOS_PYTHON:-}")
if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
    for p in "$root"/versions/3.1[3-9]*/bin/python; do candidates+=("$p"); done
fi
for name in python3.13 python3.14 python3; do
    p="$(command -v "$name" 2>/dev/null || true)"
    candidates+=("$p")
done
for p in "${candidates[@]}"; do
    if [ -n "$p" ] && [ -x "$p" ] && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then
        py="$p"; break
    fi
done
if [ -z "$py" ]; then
    echo "setup: no Python >= 3.13 found (pyenv or PATH); skipping the emupos emulator."
    echo "setup: the emupos checks in tests/printers will be skipped."
    exit 0
fi

echo "setup: installing $EMUPOS_SPEC into $VENV with $("$py" --version)"
if [ ! -x "$VENV/bin/python" ]; then
    "$py" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -m pip install -q "$EMUPOS_SPEC"; then
    # Not fatal for the rest of hallq: the emupos tests skip without it.
    echo "setup: could not install $EMUPOS_SPEC; the emupos checks in tests/printers will be skipped."
    exit 0
fi
echo "$EMUPOS_SPEC" > "$stamp"
