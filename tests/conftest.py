"""Test-wide setup: Qt renders offscreen (without it pytest aborts with no DISPLAY)."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
