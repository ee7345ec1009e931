"""Clerk attendance (签到签退) over the duty facts: sign-in pairs, time on duty, paused by reason, serving, idle.

- on duty: sign-in to sign-out, summed over the day's pairs (两签到两签退). A pair with no
  sign-out that day ends at the clerk's last activity at that window and is flagged (未签退);
  today's open pair ends now.
- serving: from each call to the end of that visit at the window (finish, skip, transfer or
  suspend), so walking up and a no-show's recalls count as serving, not idle.
- paused: window pauses during the duty, by reason. idle = on duty − serving − paused.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.reports.names import Names
from server.reports.tables import MINUTES, TEXT, Column, Table

CUTS = ("day", "clerk", "window")


def _hm(text: str | None, tz: ZoneInfo) -> str:
    return datetime.fromisoformat(text).astimezone(tz).strftime("%H:%M") if text else ""


def attendance(conn: sqlite3.Connection, names: Names, tz: ZoneInfo, start: date, end: date,
               cut: str = "day") -> Table:
    en = names.lang == "en"
    args = (start.isoformat(), end.isoformat())
    reasons = [r for (r,) in conn.execute("SELECT DISTINCT reason FROM v_pauses WHERE day BETWEEN ? AND ? "
                                          "ORDER BY reason", args)]
    keys = {"day": ("clerk", "day"), "clerk": ("clerk",), "window": ("window", "clerk")}[cut]
    groups: dict[tuple, dict] = {}
    for day, clerk, window, signed_in, signed_out, out_kind, duty_s, busy_s, paused_s in conn.execute(
            "SELECT day, clerk, window, signed_in, signed_out, out_kind, duty_s, busy_s, paused_s FROM v_duty "
            "WHERE day BETWEEN ? AND ? ORDER BY signed_in", args):
        values = {"clerk": clerk, "day": day, "window": window}
        g = groups.setdefault(tuple(values[k] for k in keys), {
            **{k: values[k] for k in keys}, "pairs": 0, "days": set(), "duty": 0.0, "busy": 0.0, "paused": 0.0,
            "missing_out": 0, "spans": [], "first_in": None, "last_out": None, "windows": set()})
        g["pairs"] += 1
        g["days"].add(day)
        g["windows"].add(window)
        g["duty"] += duty_s
        g["busy"] += busy_s
        g["paused"] += paused_s
        g["missing_out"] += out_kind == "none"
        mark = {"signed_out": "", "none": " (no sign-out)" if en else "（未签退）", "open": " (on duty)" if en else "（在岗）"}
        g["spans"].append(f"{_hm(signed_in, tz)}–{_hm(signed_out, tz)}{mark[out_kind]}")
        g["first_in"] = g["first_in"] or _hm(signed_in, tz)
        g["last_out"] = _hm(signed_out, tz) if signed_out else g["last_out"]
    by_reason: dict[tuple, dict[str, float]] = {}
    for day, clerk, window, reason, paused_s in conn.execute(
            "SELECT day, clerk, window, reason, paused_s FROM v_pauses WHERE day BETWEEN ? AND ?", args):
        values = {"clerk": clerk, "day": day, "window": window}
        slot = by_reason.setdefault(tuple(values[k] for k in keys), {})
        slot[reason] = slot.get(reason, 0.0) + paused_s
    rows = []
    for key, g in groups.items():
        r = {"clerk": g.get("clerk"), "clerk_name": names.clerk(g.get("clerk")), "pairs": g["pairs"],
             "days": len(g["days"]), "duty": g["duty"] / 60, "busy": g["busy"] / 60, "paused": g["paused"] / 60,
             "idle": (g["duty"] - g["busy"] - g["paused"]) / 60, "missing_out": g["missing_out"]}
        if "day" in keys:
            r |= {"day": g["day"], "spans": ", ".join(g["spans"]), "first_in": g["first_in"],
                  "last_out": g["last_out"] or "", "window_name": ", ".join(names.window(w) for w in sorted(g["windows"]))}
        if "window" in keys:
            r |= {"window": g["window"], "window_name": names.window(g["window"])}
        for i, reason in enumerate(reasons):
            r[f"pause_{i}"] = by_reason.get(key, {}).get(reason, 0.0) / 60
        rows.append(r)
    rows.sort(key=lambda r: (names.order("window", r.get("window")) if cut == "window" else (),
                             names.order("clerk", r["clerk"]), r.get("day") or ""))
    total = {"clerk_name": "Total" if en else "合计"}
    for k in ("pairs", "duty", "busy", "paused", "idle", "missing_out", *(f"pause_{i}" for i in range(len(reasons)))):
        total[k] = sum(r[k] for r in rows)
    total["days"] = len({(r["clerk"], d) for r in rows for d in ([r["day"]] if "day" in r else [])}) or None
    cols = []
    if cut == "window":
        cols.append(Column("window_name", "窗口", "Window", TEXT))
    cols += [Column("clerk_name", "坐席", "Clerk", TEXT), Column("clerk", "工号", "Staff ID", TEXT)]
    if cut == "day":
        cols += [Column("day", "日期", "Day", TEXT), Column("window_name", "窗口", "Window", TEXT),
                 Column("first_in", "首次签到", "First sign-in", TEXT),
                 Column("last_out", "最后签退", "Last sign-out", TEXT),
                 Column("spans", "签到—签退", "Sign-in – sign-out", TEXT)]
    else:
        cols.append(Column("days", "出勤天数", "Days on duty"))
    cols += [Column("pairs", "签到次数", "Sign-ins"), Column("missing_out", "未签退", "No sign-out"),
             Column("duty", "在岗(分)", "On duty (min)", MINUTES), Column("busy", "服务(分)", "Serving (min)", MINUTES),
             Column("paused", "暂停(分)", "Paused (min)", MINUTES)]
    cols += [Column(f"pause_{i}", f"暂停:{r or '未说明'}(分)", f"Paused: {r or 'no reason'} (min)", MINUTES)
             for i, r in enumerate(reasons)]
    cols.append(Column("idle", "空闲(分)", "Idle (min)", MINUTES))
    zh, en_title = {"day": ("签到签退（按坐席和日期）", "Attendance by clerk and day"),
                    "clerk": ("考勤（按坐席）", "Attendance by clerk"),
                    "window": ("考勤（按窗口和坐席）", "Attendance by window and clerk")}[cut]
    return Table(f"attendance_by_{cut}", zh, en_title, cols, rows, total)

