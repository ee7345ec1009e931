"""Reports: read models over the stored tickets and events (never through Hall): facts, then figures, then writers.

facts.py derives one row per visit, per visit leg at a window, per clerk duty and per pause from the raw
tickets and events; source.py keeps those of closed days (with daily counts, agg.py); visits.py,
attendance.py and followups.py turn them into tables (build.py: one entry point); writers.py writes
XLSX, CSV and text. day.py is the original one-day report.
"""
from server.reports.day import DayReport, day_report, percentile

__all__ = ["DayReport", "day_report", "percentile"]
