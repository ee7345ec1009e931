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

import asyncio
import io
from datetime import date
from typing import Any

from central import percentiles as P

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

_DIM_SQL = {"hall": "hall", "service": "service", "clerk": "clerk", "day": "day::text",
            "month": "to_char(day, 'YYYY-MM')"}
# One row per visit of the (hall, day)s to roll up, with the definitions' inputs. A visit counts once per hall:
# when epochs overlap (a store restored from an older copy sends its history again under a new epoch), the
# newest epoch's row (epochs begin with their UTC start time) is the one counted.
_VISITS = """
SELECT t.hall, t.day, COALESCE(t.origin_service, t.service, '') AS service, COALESCE(t.clerk, '') AS clerk, t.status,
       CASE WHEN t.status = 'done' THEN COALESCE(o.cls, CASE WHEN t.outcome = 'done' THEN 'completed' END) END AS cls,
       EXTRACT(epoch FROM t.first_called_at - t.issued_at)::float8 AS wait_s,
       CASE WHEN t.first_called_at IS NULL THEN EXTRACT(epoch FROM t.gone_at - t.issued_at)::float8 END AS gone_s,
       CASE WHEN t.status = 'done' THEN EXTRACT(epoch FROM t.finished_at - t.serving_at)::float8 END AS service_s,
       COALESCE(s.target_wait_s, 1800.0) AS target, COALESCE(t.transfers, 0) AS transfers,
       COALESCE(t.recalls, 0) AS recalls, CASE WHEN t.status = 'done' THEN t.rating END AS rating
FROM (SELECT DISTINCT ON (t.hall, t.id) t.* FROM tickets t JOIN todo ON todo.hall = t.hall AND todo.day = t.day
      ORDER BY t.hall, t.id, t.epoch DESC) t
LEFT JOIN hall_outcomes o ON o.hall = t.hall AND o.code = t.outcome
LEFT JOIN hall_services s ON s.hall = t.hall AND s.code = COALESCE(t.origin_service, t.service)
"""
_ROLLUP = """
count(*), count(wait_s), count(*) FILTER (WHERE status = 'done'),
count(*) FILTER (WHERE cls = 'completed'), count(*) FILTER (WHERE cls = 'enquiry'),
count(*) FILTER (WHERE status = 'no_show'), count(*) FILTER (WHERE status = 'cancelled'),
count(*) FILTER (WHERE status NOT IN ('done', 'no_show', 'cancelled')), sum(transfers), sum(recalls),
count(*) FILTER (WHERE wait_s <= target), count(*) FILTER (WHERE wait_s IS NULL AND gone_s > target),
count(*) FILTER (WHERE rating BETWEEN 1 AND 5), count(*) FILTER (WHERE rating = 0),
count(*) FILTER (WHERE rating = 5), count(*) FILTER (WHERE rating = 4), count(*) FILTER (WHERE rating = 3),
count(*) FILTER (WHERE rating = 2), count(*) FILTER (WHERE rating = 1),
sum(wait_s), max(wait_s), sum(service_s), count(service_s), max(service_s),
COALESCE(array_agg(wait_s ORDER BY wait_s) FILTER (WHERE wait_s IS NOT NULL), '{}'),
COALESCE(array_agg(service_s ORDER BY service_s) FILTER (WHERE service_s IS NOT NULL), '{}')
"""
_SUMS = ", ".join(f"sum({c}) AS {c}" for c in COUNTS) + (
    ", sum(wait_sum) AS wait_sum, max(wait_max) AS wait_max_s, sum(service_sum) AS service_sum, "
    "sum(service_n) AS service_n, max(service_max) AS service_max_s")


async def refresh(conn) -> int:
    """Roll up the (hall, day)s that batches touched since the last refresh; returns how many."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(15016)")
        cur = await conn.execute("DELETE FROM dirty_days RETURNING hall, day")
        todo = await cur.fetchall()
        if not todo:
            return 0
        await conn.execute("CREATE TEMP TABLE IF NOT EXISTS todo (hall text, day date) ON COMMIT DELETE ROWS")
        async with conn.cursor() as c:
            async with c.copy("COPY todo (hall, day) FROM STDIN") as copy:
                for row in todo:
                    await copy.write_row(row)
        await conn.execute("ANALYZE todo")
        await conn.execute("DELETE FROM daily d USING todo WHERE d.hall = todo.hall AND d.day = todo.day")
        await conn.execute(f"INSERT INTO daily SELECT hall, day, service, clerk, {_ROLLUP} FROM ({_VISITS}) v "
                           f"GROUP BY hall, day, service, clerk")
    return len(todo)


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
                      lang: str = "zh", pool=None) -> dict[str, Any]:
    """One table: a row per value of the cuts (sorted) and the totals row. Counts and sums add up the daily
    rows; the percentiles are percentile_disc's (nearest rank) over the period's waits and service times, found by
    central.percentiles without sorting them all. With a pool, the groups' and the total's percentiles are found
    at once on two more connections."""
    check(start, end, by)
    await refresh(conn)
    where = "day BETWEEN %(start)s AND %(end)s" + (" AND hall = ANY(%(halls)s)" if halls else "")
    keys = "".join(f"{_DIM_SQL[d]} AS {d}, " for d in by)
    dims = ", ".join(_DIM_SQL[d] for d in by)
    args = {"start": start, "end": end, "halls": halls}
    sums = f"SELECT {keys}{_SUMS} FROM daily WHERE {where} " + (f"GROUP BY GROUPING SETS (({dims}), ())"
                                                                 if by else "")
    total_key = tuple(None for _ in by)
    found: dict[tuple, dict] = {}

    async def run(c, job) -> None:
        async with c.transaction():
            # Sorting a period's values stays in memory (the default 4 MB spills a month to disk); no JIT.
            await c.execute("SET LOCAL work_mem = '192MB'")
            await c.execute("SET LOCAL jit = off")
            # Memoize would cache unnest() by the arrays' value: a win only when daily rows repeat (as in a
            # fixture built from a few day templates), a cost otherwise.
            await c.execute("SET LOCAL enable_memoize = off")
            await job(c)

    async def add_sums(c) -> None:
        cur = await c.execute(sums, args)
        names = [col.name for col in cur.description]
        for raw in await cur.fetchall():
            r = dict(zip(names, raw))
            found.setdefault(tuple(r[d] for d in by), {}).update(r)

    def add_percentiles(dim_sql: list[str]):
        # Slicing pays off for big groups (the total, halls, days, months); cuts by service or clerk make many
        # small groups, whose values are fewer to sort than to sample and slice.
        find = P.plain if dim_sql and {"service", "clerk"} & set(by) else P.percentiles

        async def job(c) -> None:
            for key, figures in (await find(c, dim_sql, where, args)).items():
                found.setdefault(key if dim_sql else total_key, {}).update(figures)

        return job

    jobs = [add_sums, add_percentiles([_DIM_SQL[d] for d in by])] + ([add_percentiles([])] if by else [])

    async def pooled(job) -> None:
        async with pool.connection(timeout=10) as c:
            await run(c, job)

    await run(conn, jobs[0])
    if pool is not None:
        await asyncio.gather(*(pooled(j) for j in jobs[1:]))
    else:
        for j in jobs[1:]:
            await run(conn, j)
    rows, total = [], None
    for key, r in found.items():
        ps = r.get("wait_ps") or (None, None)
        r["wait_p50_s"], r["wait_p90_s"] = ps
        r.setdefault("service_p90_s", None)
        if "issued" not in r:
            continue
        figures = {d: r[d] for d in by} | derive(r)
        if key == total_key:
            total = figures
        else:
            rows.append(figures)
    if total is None:
        total = derive({k: None for k in (*COUNTS, "wait_sum", "wait_max_s", "wait_p50_s", "wait_p90_s", "service_sum",
                                           "service_n", "service_max_s", "service_p90_s")})
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
    cur = await conn.execute("SELECT hall, staff_id, name FROM clerks")
    clerks = {(h, s): n or s for h, s, n in await cur.fetchall()}
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
    total = {**report["total"], **{c["key"]: "" for c in cols[:len(report["by"])]}}
    if report["by"]:
        total[cols[0]["key"]] = "合计" if report["lang"] != "en" else "Total"
    for r in [*report["rows"], total]:
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
