"""Kiosk app (取号机): placeholder until its issue."""
