"""Kiosk widgets: render the KioskView and emit *_requested intents; no I/O."""
