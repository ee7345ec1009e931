"""差评 follow-up (回访) figures over the stored cases: 差评整改率 and the on-time rates, and every case with its steps.

- cases: 差评 (levels 1–2) rated in the period, one case each (queuecore.followup).
- 差评整改率 (rectification rate) = cases whose rectification is done ÷ cases. Done: rectified, or,
  for a complaint verified as not valid, closed with the explanation to the citizen
  (queuecore.followup.met_at "rectify").
- 按时回访率 (contact on time) = cases contacted by their contact deadline ÷ cases contacted or past
  that deadline; 按时整改率 likewise for the rectification deadline (a case still inside its
  deadline and not yet done is in neither part).
- overdue: cases with a deadline missed (done late, or not done and past due) as of now.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

import msgspec

from queuecore.followup import FollowUp, met_at, overdue
from queuecore.model import HallConfig
from server.reports.names import Names
from server.reports.tables import COUNT, SHARE, TEXT, Column, Table

STATUS_NAMES = {"open": ("待回访", "Open"), "contacted": ("已回访", "Contacted"), "verified": ("已核实", "Verified"),
                "rectified": ("已整改", "Rectified"), "closed": ("已办结", "Closed")}


def _cases(conn: sqlite3.Connection, start: date, end: date) -> list[FollowUp] | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'followups'").fetchone() is None:
        return None  # a store from before follow-ups
    return [msgspec.json.decode(d, type=FollowUp) for (d,) in conn.execute(
        "SELECT data FROM followups WHERE day BETWEEN ? AND ? ORDER BY rated_at", (start.isoformat(), end.isoformat()))]


def _figures(cases: list[FollowUp], now: datetime) -> dict:
    contact_due = [c for c in cases if met_at(c, "contact") is not None or now > c.contact_due]
    rectify_due = [c for c in cases if met_at(c, "rectify") is not None or now > c.rectify_due]
    contact_ok = [c for c in contact_due if (met_at(c, "contact") or now) <= c.contact_due]
    rectify_ok = [c for c in rectify_due if (met_at(c, "rectify") or now) <= c.rectify_due]
    rectified = [c for c in cases if met_at(c, "rectify") is not None]
    n = len(cases)
    return {"cases": n, "contacted": sum(met_at(c, "contact") is not None for c in cases),
            "valid": sum(c.valid is True for c in cases), "not_valid": sum(c.valid is False for c in cases),
            "rectified": len(rectified), "closed": sum(str(c.status) == "closed" for c in cases),
            "rectify_rate": len(rectified) / n if n else None,
            "contact_on_time": len(contact_ok) / len(contact_due) if contact_due else None,
            "rectify_on_time": len(rectify_ok) / len(rectify_due) if rectify_due else None,
            "overdue": sum(bool(overdue(c, now)) for c in cases)}


def followups(conn: sqlite3.Connection, names: Names, tz: ZoneInfo, config: HallConfig, start: date, end: date,
              cut: str | None, now: datetime) -> list[Table]:
    en = names.lang == "en"
    cases = _cases(conn, start, end)
    cols = [Column("cases", "差评数", "Bad ratings"), Column("contacted", "已回访", "Contacted"),
            Column("valid", "核实有效", "Valid"), Column("not_valid", "核实无效", "Not valid"),
            Column("rectified", "已整改", "Rectified"), Column("closed", "已办结", "Closed"),
            Column("rectify_rate", "差评整改率", "Rectification rate", SHARE),
            Column("contact_on_time", "按时回访率", "Contacted on time", SHARE),
            Column("rectify_on_time", "按时整改率", "Rectified on time", SHARE),
            Column("overdue", "逾期", "Overdue", COUNT)]
    total = _figures(cases or [], now)
    rows: list[dict] = []
    head = [Column("scope", "范围", "Scope", TEXT)]
    if cut:
        head = [Column(f"{cut}_name", *{"service": ("服务事项", "Service"), "window": ("窗口", "Window"),
                                        "clerk": ("坐席", "Clerk")}[cut], TEXT)]
        groups: dict = {}
        for c in cases or []:
            groups.setdefault(getattr(c, cut), []).append(c)
        for key, mine in sorted(groups.items(), key=lambda kv: names.order(cut, kv[0])):
            rows.append({cut: key, f"{cut}_name": names.of(cut, key)} | _figures(mine, now))
        total[f"{cut}_name"] = "Total" if en else "合计"
    else:
        total["scope"] = "Total" if en else "合计"
    summary = Table("followup_figures", "差评回访整改", "Bad-rating follow-up", head + cols, rows, total)

    def when(t: datetime | None) -> str:
        return t.astimezone(tz).strftime("%Y-%m-%d %H:%M") if t else ""

    detail = []
    for c in cases or []:
        missed = overdue(c, now)
        status = STATUS_NAMES.get(str(c.status), (str(c.status), str(c.status)))
        detail.append({"number": c.number, "rated_at": when(c.rated_at), "service_name": names.service(c.service),
                       "window_name": names.window(c.window), "clerk_name": names.clerk(c.clerk),
                       "level_name": names.level(c.level), "reason": c.reason, "comment": c.comment,
                       "status": status[1] if en else status[0],
                       "valid": "" if c.valid is None else ("yes" if en else "有效") if c.valid else ("no" if en else "无效"),
                       "contact_due": when(c.contact_due), "contacted_at": when(met_at(c, "contact")),
                       "rectify_due": when(c.rectify_due), "rectified_at": when(met_at(c, "rectify")),
                       "overdue": ", ".join(missed)})
    detail_cols = [Column("rated_at", "评价时间", "Rated at", TEXT), Column("number", "号码", "Number", TEXT),
                   Column("service_name", "服务事项", "Service", TEXT), Column("window_name", "窗口", "Window", TEXT),
                   Column("clerk_name", "坐席", "Clerk", TEXT), Column("level_name", "评价", "Rating", TEXT),
                   Column("reason", "原因", "Reason", TEXT), Column("comment", "意见", "Comment", TEXT),
                   Column("status", "状态", "Status", TEXT), Column("valid", "核实", "Verdict", TEXT),
                   Column("contact_due", "回访时限", "Contact due", TEXT),
                   Column("contacted_at", "回访时间", "Contacted at", TEXT),
                   Column("rectify_due", "整改时限", "Rectify due", TEXT),
                   Column("rectified_at", "整改时间", "Rectified at", TEXT),
                   Column("overdue", "逾期", "Overdue", TEXT)]
    tables = [summary, Table("followup_cases", "回访明细", "Cases", detail_cols, detail, None)]
    if cases is None:
        summary.zh, summary.en = "差评回访整改（本库尚无回访记录表）", "Bad-rating follow-up (this store has no case table yet)"
    return tables
