#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu machine for hallq: system packages, then a local virtualenv.
# usage: scripts/setup.sh          (idempotent; fast when nothing changed)
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt offscreen/Xvfb runtime libraries, a CJK font (Chinese renders as boxes without one),
# and what the tests use as real peers (Xvfb for a real window, socat for serial lines,
# LibreOffice and poppler to open a report's XLSX export as a manager would and read it back;
# PostgreSQL for the city server (its tests start a throwaway cluster), npm for ECharts).
APT_PKGS="python3-venv libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3
 libpulse0 libxrandr2 fonts-noto-cjk xvfb xauth libxcb-cursor0 libxkbcommon-x11-0
 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 socat espeak-ng chromium xdotool
 libreoffice-calc-nogui poppler-utils postgresql"

# Extra packages on request, e.g. HALLQ_SETUP_EXTRA=wrk for the benchmarks' load generator.
APT_PKGS="$APT_PKGS ${HALLQ_SETUP_EXTRA:-}"

missing=""
for p in $APT_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "setup: installing system packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends $missing
    else
        echo "setup: missing system packages. Run as root, or first:"
        echo "    sudo apt-get install -y$missing"
        exit 1
    fi
fi

# Python >= 3.11: python3 on Debian 12; elsewhere look for a newer interpreter by name.
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
    for cand in python3 python3.13 python3.12 python3.11; do
        if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            PY="$cand"; break
        fi
    done
fi
if [ -z "$PY" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq python3.11 python3.11-venv && PY=python3.11
    else
        echo "setup: hallq needs Python >= 3.11. Run: sudo apt-get install -y python3.11 python3.11-venv"; exit 1
    fi
fi
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $("$PY" --version)"
    "$PY" -m venv .venv
fi
stamp=".venv/.hallq-stamp"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    echo "$want" > "$stamp"
fi

# Browser code from npm (ECharts for the city page), as pinned by package-lock.json; served, never committed.
if [ -f package-lock.json ] && [ ! -f node_modules/.package-lock.json -o package-lock.json -nt node_modules/.package-lock.json ]; then
    if ! command -v npm >/dev/null; then
        if [ "$(id -u)" = 0 ]; then apt-get install -y -qq --no-install-recommends npm; else
            echo "setup: npm is missing. Run: sudo apt-get install -y npm"; exit 1; fi
    fi
    echo "setup: npm ci (browser packages)"
    npm ci --silent --no-audit --no-fund
fi

# Optional extras (e.g. the emupos printer emulator in a Python 3.13 venv) hook in here.
for extra in scripts/setup.d/*.sh; do
    [ -e "$extra" ] && bash "$extra"
done
exit 0
