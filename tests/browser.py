"""Debian's Chromium for the browser tests (Playwright drives it through executable_path; its own download is unused)."""
from __future__ import annotations

import shutil

# Sound may start without a click, as on a wall TV set up for it.
FLAGS = ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")
