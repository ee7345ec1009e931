"""One entry point for every report: check the request, make the period's facts readable, assemble the tables."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from queuecore.model import LOW_RATINGS, HallConfig
from server.reports import attendance as A
from server.reports import visits as V
from server.reports.names import Names
from server.reports.source import FactSource
from server.reports.tables import CLOCK, TEXT, Column, Report, Table

KINDS = ("summary", "services", "windows", "clerks", "hours", "ratings", "attendance", "followups")
# The dimension each kind is cut by first; `cut` adds a second one (summary: the only one).
PRIMARY = {"summary": None, "services": "service", "windows": "window", "clerks": "clerk", "hours": "hour",
           "ratings": None}
MAX_DAYS = 366
FORMATS = ("json", "xlsx", "csv")
# A summary export without a cut has one sheet per cut, in this order.
SUMMARY_SHEETS = ("day", "service", "window", "clerk", "priority", "hour", "weekday")
NOTES = [
    ("办结率 = 办结 ÷（办理数 − 咨询）；咨询无事项可办结，故不计入分母。",
     "Completion rate = completed ÷ (served − enquiries); an enquiry has nothing to complete, so it is left out."),
    ("过号率 = 过号未办 ÷ 叫号数；等候自取号至首次叫号；按时叫号率 = 在目标等候时间内首次叫号 ÷（已叫号 + 超过目标仍未叫号）。",
     "No-show rate = no-shows ÷ called; the wait runs from issue to the first call; service level = first called "
     "within the target wait ÷ (called + never called after waiting past the target)."),
    ("参评率 = 群众评价数(1–5级) ÷ 办理数；好评率 =（非常满意+满意+基本满意）÷ 参评数；未评价(超时)单列，不计入任何比率。",
     "Rating rate = rated 1–5 by the citizen ÷ served; good rate = (very satisfied + satisfied + fairly "
     "satisfied) ÷ rated; not rated (timeout) is counted apart and is in no rate."),
    ("窗口与坐席按叫号计（同一号在两个窗口被叫，两处各计一次）。",
     "Windows and clerks count calls (a ticket called at two windows counts at both)."),
]


class ReportError(ValueError):
    """A report request that cannot be answered; `code` is stable (the HTTP API answers 400 with it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def parse_day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError("invalid_format", f"{name} must be YYYY-MM-DD, got {text!r}") from None


def check_request(kind: str, cut: str | None, start: date, end: date, fmt: str = "json", lang: str = "zh") -> None:
    """Refuse with a stable code: unknown_kind, unknown_cut, from_after_to, range_too_long, unknown_format."""
    if kind not in KINDS:
        raise ReportError("unknown_kind", f"no report {kind!r}; one of: {', '.join(KINDS)}")
    if cut is not None and cut not in allowed_cuts(kind):
        raise ReportError("unknown_cut", f"{kind} cannot be cut by {cut!r}; one of: {', '.join(allowed_cuts(kind))}")
    if start > end:
        raise ReportError("from_after_to", f"from ({start}) is after to ({end})")
    if (end - start).days + 1 > MAX_DAYS:
        raise ReportError("range_too_long", f"a report covers at most {MAX_DAYS} days")
    if fmt not in FORMATS:
        raise ReportError("unknown_format", f"format is one of {', '.join(FORMATS)}")
    if lang not in ("zh", "en"):
        raise ReportError("unknown_lang", "lang is zh or en")


def allowed_cuts(kind: str) -> tuple[str, ...]:
    if kind == "attendance":
        return A.CUTS
    if kind == "followups":
        return ("service", "window", "clerk")
    primary = PRIMARY.get(kind)
    return tuple(d for d in V.DIMENSIONS if d != primary)


def low_ratings(conn, names: Names, tz: ZoneInfo, start: date, end: date) -> Table:
    """Each 差评 of the period with its reason and comment, from the tickets themselves (live for today)."""
    levels = ", ".join(str(x) for x in sorted(LOW_RATINGS))
    rows = []
    span = (start.isoformat(), end.isoformat())
    bundles = _has_bundles(conn)
    found = conn.execute(
        f"SELECT day, number, COALESCE(origin_service, service), window, clerk, rating, rating_reason, "
        f"rating_comment, rated_at FROM tickets WHERE day BETWEEN ? AND ? AND rating IN ({levels})"
        + (" AND COALESCE(bundle, '') = ''" if bundles else ""), span).fetchall()
    if bundles:
        # 一票到底: each step's rating is its own; a ticket row holds only its last step's, the events hold every one.
        found += conn.execute(
            f"SELECT t.day, t.number, json_extract(e.data, '$.service'), e.window, json_extract(e.data, '$.clerk'), "
            f"json_extract(e.data, '$.level'), json_extract(e.data, '$.reason'), json_extract(e.data, '$.comment'), "
            f"e.at FROM events e JOIN tickets t ON t.id = e.ticket_id WHERE t.day BETWEEN ? AND ? "
            f"AND COALESCE(t.bundle, '') != '' AND e.type = 'visit_rated' "
            f"AND json_extract(e.data, '$.level') IN ({levels})", span).fetchall()
    found.sort(key=lambda r: r[8] or "")
    for day, number, service, window, clerk, level, reason, comment, rated_at in found:
        rows.append({"day": day, "number": number, "service_name": names.service(service),
                     "window_name": names.window(window), "clerk_name": names.clerk(clerk), "clerk": clerk,
                     "level": level, "level_name": names.level(level), "reason": reason or "", "comment": comment or "",
                     "rated_at": datetime.fromisoformat(rated_at).astimezone(tz).strftime("%H:%M") if rated_at else ""})
    cols = [Column("day", "日期", "Day", TEXT), Column("rated_at", "评价时间", "Rated at", CLOCK),
            Column("number", "号码", "Number", TEXT), Column("service_name", "服务事项", "Service", TEXT),
            Column("window_name", "窗口", "Window", TEXT), Column("clerk_name", "坐席", "Clerk", TEXT),
            Column("clerk", "工号", "Staff ID", TEXT), Column("level_name", "评价", "Rating", TEXT),
            Column("reason", "原因", "Reason", TEXT), Column("comment", "意见", "Comment", TEXT)]
    return Table("low_ratings", "差评明细", "Bad ratings", cols, rows, None)


def _has_bundles(conn) -> bool:
    """Stores from before 一票到底 (schema 10) have no bundle column (a read-only report does not migrate)."""
    return any(row[1] == "bundle" for row in conn.execute("PRAGMA table_info(tickets)"))


def build_report(source: FactSource, config: HallConfig, kind: str, start: date, end: date, *,
                 cut: str | None = None, now: datetime, lang: str = "zh") -> Report:
    """The report `kind` for start..end (hall days, inclusive). Today's figures are live."""
    check_request(kind, cut, start, end, lang=lang)
    tz = ZoneInfo(config.timezone)
    source.prepare(start, end, now)
    conn = source.conn
    names = Names(config, conn, lang)
    tables: list[Table] = []
    if kind == "attendance":
        tables.append(A.attendance(source.views(), names, tz, start, end, cut or "day"))
    elif kind == "followups":
        from server.reports.followups import followups

        tables += followups(conn, names, tz, config, start, end, cut, now)
    else:
        primary = PRIMARY[kind]
        if kind == "summary" and cut is None:
            tables.append(V.table(source, config, names, start, end, []))
            tables += [V.table(source, config, names, start, end, [d]) for d in SUMMARY_SHEETS]
        else:
            dims = [d for d in (primary, cut) if d]
            tables.append(V.table(source, config, names, start, end, dims, ratings_only=kind == "ratings"))
        if kind == "ratings":
            tables.append(low_ratings(conn, names, tz, start, end))
    return Report(kind=kind, cut=cut, start=start, end=end, made_at=now.astimezone(tz), hall_zh=config.name_zh,
                  hall_en=config.name_en, tables=tables, notes=[] if kind in ("attendance", "followups") else NOTES,
                  lang=lang)


def default_period(today: date) -> tuple[date, date]:
    """Without from/to: this month so far."""
    return today.replace(day=1), today



