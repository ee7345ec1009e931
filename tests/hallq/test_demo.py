"""`hallq demo` as a newcomer runs it: tokens printed, a live crowd with --simulate, the apps, a clean stop."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.slow


def demo(tmp_path: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}  # a machine without a screen
    out = subprocess.run([sys.executable, "-m", "hallq", "demo", "--port", "0", "--data", str(tmp_path / "demo"),
                          "--out", str(tmp_path / "out"), *args], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_the_server_alone_prints_where_things_are_and_stops_by_itself(tmp_path: Path) -> None:
    out = demo(tmp_path, "--no-apps", "--seconds", "2")
    assert re.search(r"health\s+http://127\.0\.0\.1:\d+/api/health", out)
    assert "/display?token=" in out and "demo stopped." in out
    tokens = (tmp_path / "demo" / "tokens.txt").read_text()
    assert tokens.count("\n") == 4 + 20  # crowd kiosk, screen kiosk, display, admin and every window


def test_the_simulated_crowd_comes_and_is_served(tmp_path: Path) -> None:
    out = demo(tmp_path, "--no-apps", "--simulate", "--speed", "1200", "--seconds", "8")
    m = re.search(r"(\d+) tickets issued, (\d+) served", out)
    assert m, out
    issued, served = map(int, m.groups())
    assert issued > 50 and served > 20


def test_without_a_screen_every_app_is_photographed_and_tickets_are_printed(tmp_path: Path) -> None:
    out = demo(tmp_path, "--speed", "600", "--seconds", "12")
    shots = {p.stem: p for p in (tmp_path / "out" / "screens").glob("*.png")}
    assert {"kiosk", "window1", "window2", "display"} <= set(shots), out
    for path in shots.values():
        assert not QImage(str(path)).isNull() and str(path) in out
    tickets = list((tmp_path / "out" / "tickets").glob("*.bin"))
    assert tickets and all(p.with_suffix(".png").exists() for p in tickets)
    assert re.search(r"[1-9]\d* tickets issued", out)
