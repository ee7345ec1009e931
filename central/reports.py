"""City reports computed in PostgreSQL: visit figures per hall, service, clerk and period (day or month).

The definitions are the hall reports' (server/reports/agg.py, README "Reports"), applied to each
visit (ticket) the halls shipped:
- served: visits finished (status done); completed and enquiry by the outcome's class in the
  hall's own outcome list (the old stored "done" counts as completed).
- 办结率 = completed ÷ (served − enquiry); no-show rate = no-shows ÷ called.
- wait: issue to the FIRST call; service level = first called within the service's target ÷
  (called + never called and gone after waiting past the target).
- service time: start of serving to finish; percentiles are nearest-rank (percentile_disc).
- 参评率 = rated 1–5 ÷ served; 好评率 = (5+4+3) ÷ rated; 差评 = 1–2; 未评价 (0) is apart.
City cuts count visits: a clerk's figures are those of the visits that clerk finished or last
handled (the hall's own clerk report counts each call at a window).
Days are the halls' business days; a month is YYYY-MM of those days.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

DIMS = ("hall", "service", "clerk", "day", "month")
LABELS = {"hall": ("大厅", "Hall"), "service": ("服务事项", "Service"), "clerk": ("坐席", "Clerk"),
          "day": ("日期", "Day"), "month": ("月份", "Month")}
COUNTS = ("issued", "called", "served", "completed", "enquiry", "no_shows", "cancelled", "unserved", "transfers",
          "recalls", "within", "late_uncalled", "rated", "unrated", "r5", "r4", "r3", "r2", "r1")
COLUMNS: list[tuple[str, str, str]] = [  # key, zh, en
    ("issued", "取号数", "Issued"), ("called", "叫号数", "Called"), ("served", "办理数", "Served"),
    ("completed", "办结", "Completed"), ("completion_rate", "办结率", "Completion rate"),
    ("no_shows", "过号未办", "No-shows"), ("no_show_rate", "过号率", "No-show rate"),
    ("cancelled", "取消", "Cancelled"), ("unserved", "未办理", "Unserved at close"),
    ("transfers", "转办", "Transfers"), ("recalls", "重呼", "Recalls"),
    ("wait_avg", "平均等候(分)", "Avg wait (min)"), ("wait_p50", "等候中位数(分)", "Median wait (min)"),
    ("wait_p90", "90%等候(分)", "p90 wait (min)"), ("wait_max", "最长等候(分)", "Max wait (min)"),
    ("service_level", "按时叫号率", "Service level"), ("service_avg", "平均办理(分)", "Avg service (min)"),
    ("service_p90", "90%办理(分)", "p90 service (min)"), ("service_max", "最长办理(分)", "Max service (min)"),
    ("rated", "参评数", "Rated"), ("rating_rate", "参评率", "Rating rate"), ("good_rate", "好评率", "Good rate"),
    ("bad", "差评", "Bad ratings"), ("unrated", "未评价", "Not rated"),
]
SHARES = {"completion_rate", "no_show_rate", "service_level", "rating_rate", "good_rate"}
MINUTES = {"wait_avg", "wait_p50", "wait_p90", "wait_max", "service_avg", "service_p90", "service_max"}
MAX_DAYS = 366

_DIM_SQL = {"hall": "hall", "service": "service", "clerk": "COALESCE(clerk, '')", "day": "day::text",
            "month": "to_char(day, 'YYYY-MM')"}
_VISITS = """
SELECT t.hall, COALESCE(t.origin_service, t.service) AS service, t.clerk, t.day, t.status,
       CASE WHEN t.status = 'done' THEN COALESCE(o.cls, CASE WHEN t.outcome = 'done' THEN 'completed' END) END AS cls,
       EXTRACT(epoch FROM t.first_called_at - t.issued_at)::float8 AS wait_s,
       CASE WHEN t.first_called_at IS NULL THEN EXTRACT(epoch FROM t.gone_at - t.issued_at)::float8 END AS gone_s,
       CASE WHEN t.status = 'done' THEN EXTRACT(epoch FROM t.finished_at - t.serving_at)::float8 END AS service_s,
       COALESCE(s.target_wait_s, 1800.0) AS target, COALESCE(t.transfers, 0) AS transfers,
       COALESCE(t.recalls, 0) AS recalls, CASE WHEN t.status = 'done' THEN t.rating END AS rating
FROM tickets t
LEFT JOIN hall_outcomes o ON o.hall = t.hall AND o.code = t.outcome
LEFT JOIN hall_services s ON s.hall = t.hall AND s.code = COALESCE(t.origin_service, t.service)
WHERE t.day BETWEEN %(start)s AND %(end)s {halls}
"""
_FIGURES = """
count(*) AS issued, count(wait_s) AS called, count(*) FILTER (WHERE status = 'done') AS served,
count(*) FILTER (WHERE cls = 'completed') AS completed, count(*) FILTER (WHERE cls = 'enquiry') AS enquiry,
count(*) FILTER (WHERE status = 'no_show') AS no_shows, count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
count(*) FILTER (WHERE status NOT IN ('done', 'no_show', 'cancelled')) AS unserved,
sum(transfers) AS transfers, sum(recalls) AS recalls,
count(*) FILTER (WHERE wait_s <= target) AS within,
count(*) FILTER (WHERE wait_s IS NULL AND gone_s > target) AS late_uncalled,
count(*) FILTER (WHERE rating BETWEEN 1 AND 5) AS rated, count(*) FILTER (WHERE rating = 0) AS unrated,
count(*) FILTER (WHERE rating = 5) AS r5, count(*) FILTER (WHERE rating = 4) AS r4,
count(*) FILTER (WHERE rating = 3) AS r3, count(*) FILTER (WHERE rating = 2) AS r2,
count(*) FILTER (WHERE rating = 1) AS r1,
sum(wait_s) AS wait_sum, max(wait_s) AS wait_max_s,
percentile_disc(0.5) WITHIN GROUP (ORDER BY wait_s) AS wait_p50_s,
percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_s) AS wait_p90_s,
sum(service_s) AS service_sum, count(service_s) AS service_n, max(service_s) AS service_max_s,
percentile_disc(0.9) WITHIN GROUP (ORDER BY service_s) AS service_p90_s
"""


class CityReportError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def check(start: date, end: date, by: list[str]) -> None:
    unknown = [d for d in by if d not in DIMS]
    if unknown:
        raise CityReportError("unknown_cut", f"cannot cut by {unknown[0]!r}; one of: {', '.join(DIMS)}")
    if len(set(by)) != len(by) or len(by) > 3:
        raise CityReportError("unknown_cut", "at most three different cuts")
    if start > end:
        raise CityReportError("from_after_to", f"from ({start}) is after to ({end})")
    if (end - start).days + 1 > MAX_DAYS:
        raise CityReportError("range_too_long", f"a report covers at most {MAX_DAYS} days")


def _ratio(a, b):
    return a / b if a is not None and b else None


def _min(seconds):
    return None if seconds is None else seconds / 60


def derive(r: dict[str, Any]) -> dict[str, Any]:
    """Rates and minutes from one group's counts and sums: the formulas of server/reports/agg.py Agg.figures."""
    out = {k: int(r[k] or 0) for k in COUNTS}
    n = out
    out["completion_rate"] = _ratio(n["completed"], n["served"] - n["enquiry"])
    out["no_show_rate"] = _ratio(n["no_shows"], n["called"])
    out["wait_avg"] = _min(_ratio(r["wait_sum"], n["called"]))
    out["wait_p50"], out["wait_p90"] = _min(r["wait_p50_s"]), _min(r["wait_p90_s"])
    out["wait_max"] = _min(r["wait_max_s"])
    out["service_level"] = _ratio(n["within"], n["called"] + n["late_uncalled"])
    out["service_avg"] = _min(_ratio(r["service_sum"], r["service_n"]))
    out["service_p90"], out["service_max"] = _min(r["service_p90_s"]), _min(r["service_max_s"])
    out["rating_rate"] = _ratio(n["rated"], n["served"])
    out["good_rate"] = _ratio(n["r5"] + n["r4"] + n["r3"], n["rated"])
    out["bad"] = n["r2"] + n["r1"]
    return out


async def city_report(conn, start: date, end: date, by: list[str], halls: list[str] | None = None,
                      lang: str = "zh") -> dict[str, Any]:
    """One table: a row per value of the cuts (sorted), and the totals row, all from one query."""
    check(start, end, by)
    where = "AND t.hall = ANY(%(halls)s)" if halls else ""
    keys = [f"{_DIM_SQL[d]} AS {d}" for d in by]
    group = f"GROUP BY GROUPING SETS (({', '.join(_DIM_SQL[d] for d in by)}), ())" if by else ""
    flag = f"GROUPING({', '.join(_DIM_SQL[d] for d in by)}) AS is_total, " if by else "1 AS is_total, "
    sql = (f"WITH v AS ({_VISITS.format(halls=where)}) SELECT {flag}{', '.join(keys) + ', ' if keys else ''}"
           f"{_FIGURES} FROM v {group}")
    cur = await conn.execute(sql, {"start": start, "end": end, "halls": halls})
    names = [c.name for c in cur.description]
    rows, total = [], None
    for raw in await cur.fetchall():
        r = dict(zip(names, raw))
        figures = {d: r[d] for d in by} | derive(r)
        if r["is_total"]:
            total = figures
        else:
            rows.append(figures)
    if total is None:
        total = derive(dict.fromkeys(names, None))
    named = await _names(conn, lang)
    for r in rows:
        for d in by:
            r[f"{d}_name"] = named(d, r[d], r)
    rows.sort(key=lambda r: tuple(str(r[d]) for d in by))
    lab = 1 if lang == "en" else 0
    columns = [{"key": f"{d}_name", "label": LABELS[d][lab]} for d in by]
    columns += [{"key": k, "label": (zh, en)[lab], "format": "share" if k in SHARES else
                 "minutes" if k in MINUTES else "count"} for k, zh, en in COLUMNS]
    return {"kind": "city", "from": start.isoformat(), "to": end.isoformat(), "by": by, "lang": lang,
            "columns": columns, "rows": rows, "total": total}


async def _names(conn, lang: str):
    en = lang == "en"
    halls = {h: (en and ne) or nz or h for h, nz, ne in await (await conn.execute(
        "SELECT hall, name_zh, name_en FROM halls")).fetchall()}
    services = {(h, c): (en and ne) or nz or c for h, c, nz, ne in await (await conn.execute(
        "SELECT hall, code, name_zh, name_en FROM hall_services")).fetchall()}
    clerks = {(h, s): n or s for h, s, n in await (await conn.execute("SELECT hall, staff_id, name FROM clerks")).fetchall()}
    service_any = {c: n for (_, c), n in services.items()}

    def named(dim: str, value, row: dict) -> str:
        if dim == "hall":
            return halls.get(value, value)
        if dim == "service":
            return services.get((row.get("hall"), value)) or service_any.get(value, value)
        if dim == "clerk":
            if "hall" in row:
                return clerks.get((row["hall"], value), value)
            return next((n for (_, s), n in clerks.items() if s == value), value)
        return str(value)

    return named


def to_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet: a title line, the header, a row per group and the totals row; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "城市统计" if report["lang"] != "en" else "City"
    ws.append([f"{'City report' if report['lang'] == 'en' else '全市统计'} {report['from']} – {report['to']}"])
    ws["A1"].font = Font(bold=True, size=13)
    cols = report["columns"]
    ws.append([c["label"] for c in cols])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    formats = {"share": "0.0%", "minutes": "0.0", "count": "#,##0"}
    for r in [*report["rows"], {**report["total"], **{c["key"]: "" for c in cols[:len(report["by"])]},
                                  **({cols[0]["key"]: "合计" if report["lang"] != "en" else "Total"} if report["by"] else {})}]:
        ws.append([r.get(c["key"]) for c in cols])
        for c, cell in zip(cols, ws[ws.max_row]):
            if c.get("format"):
                cell.number_format = formats[c["format"]]
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = max(10, 2 * len(c["label"]) + 2)
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
