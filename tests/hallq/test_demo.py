"""`hallq demo` as a newcomer runs it: tokens printed, a live crowd with --simulate, a clean stop."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def demo(tmp_path: Path, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "hallq", "demo", "--port", "0", "--data", str(tmp_path / "demo"),
                          *args], capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_the_demo_prints_where_things_are_and_stops_by_itself(tmp_path: Path) -> None:
    out = demo(tmp_path, "--seconds", "2")
    assert re.search(r"health\s+http://127\.0\.0\.1:\d+/api/health", out)
    assert "/display?token=" in out and "demo stopped." in out
    tokens = (tmp_path / "demo" / "tokens.txt").read_text()
    assert tokens.count("\n") == 3 + 20  # kiosk, display, admin and every window


def test_the_simulated_crowd_comes_and_is_served(tmp_path: Path) -> None:
    out = demo(tmp_path, "--simulate", "--speed", "1200", "--seconds", "8")
    m = re.search(r"(\d+) tickets issued, (\d+) served", out)
    assert m, out
    issued, served = map(int, m.groups())
    assert issued > 50 and served > 20
