"""Day reports from the stored tickets: what a hall's manager reads each evening (counts, waits, service times, 好差评)."""
from __future__ import annotations

import math
import sqlite3
from datetime import date, datetime

import msgspec


class ServiceDay(msgspec.Struct, kw_only=True):
    service: str
    issued: int
    served: int
    no_shows: int
    cancelled: int
    unfinished: int  # still open or expired at the end of the day
    avg_wait_min: float | None
    p90_wait_min: float | None
    avg_service_min: float | None


class WindowDay(msgspec.Struct, kw_only=True):
    window: int
    served: int
    avg_service_min: float | None


class DayReport(msgspec.Struct, kw_only=True):
    day: date
    services: list[ServiceDay]
    windows: list[WindowDay]
    ratings: dict[int, int]  # level -> count (0 = 未评价)
    low_ratings: list[dict]  # 差评 to follow up: number, window, clerk, level, reason, comment


def _minutes(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 60


def _mean(xs: list[float]) -> float | None:
    return round(sum(xs) / len(xs), 1) if xs else None


def percentile(xs: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of the values; None for none. Used by reports, simulation, benchmarks."""
    return sorted(xs)[max(0, math.ceil(p / 100 * len(xs)) - 1)] if xs else None


def _p90(xs: list[float]) -> float | None:
    value = percentile(xs, 90)
    return None if value is None else round(value, 1)


def day_report(conn: sqlite3.Connection, day: date) -> DayReport:
    """One day's figures; uses the (day, number) index, so a year of tickets costs no more than a day."""
    rows = conn.execute(
        "SELECT COALESCE(origin_service, service), status, arrival_at, called_at, serving_at, finished_at, window, "
        "clerk, rating, rating_reason, rating_comment, number FROM tickets WHERE day = ?", (day.isoformat(),)
    ).fetchall()
    per_service: dict[str, dict] = {}
    per_window: dict[int, list[float]] = {}
    ratings: dict[int, int] = {}
    low: list[dict] = []
    for (service, status, arrival, called, serving, finished, window, clerk, rating, reason, comment,
         number) in rows:
        s = per_service.setdefault(service, {"issued": 0, "done": 0, "no_show": 0, "cancelled": 0, "open": 0,
                                             "waits": [], "service": []})
        s["issued"] += 1
        key = {"done": "done", "no_show": "no_show", "cancelled": "cancelled"}.get(status, "open")
        s[key] += 1
        wait = _minutes(arrival, called)
        if wait is not None:
            s["waits"].append(wait)
        spent = _minutes(serving, finished) if status == "done" else None
        if spent is not None:
            s["service"].append(spent)
            per_window.setdefault(window, []).append(spent)
        if rating is not None:
            ratings[rating] = ratings.get(rating, 0) + 1
            if rating in (1, 2):
                low.append({"number": number, "window": window, "clerk": clerk, "level": rating,
                            "reason": reason, "comment": comment})
    return DayReport(
        day=day,
        services=[ServiceDay(service=code, issued=s["issued"], served=s["done"], no_shows=s["no_show"],
                             cancelled=s["cancelled"], unfinished=s["open"], avg_wait_min=_mean(s["waits"]),
                             p90_wait_min=_p90(s["waits"]), avg_service_min=_mean(s["service"]))
                  for code, s in sorted(per_service.items())],
        windows=[WindowDay(window=w, served=len(xs), avg_service_min=_mean(xs))
                 for w, xs in sorted(per_window.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))],
        ratings=dict(sorted(ratings.items())),
        low_ratings=low,
    )
