"""Appointments from a booking system's CSV or XLSX file: every row checked, each bad cell reported by row and
column, and the file imported whole through the core (CreateAppointments) or not at all.

Rule: all or nothing. A partial import would leave citizens holding codes the hall does not know, and importing
the corrected file again would then collide with the rows already in (duplicate_appointment); one report of every
bad row, then one clean import, is what a manager can act on. Names are masked here (张三丰 -> 张*丰), before
anything is stored or logged: the full name never reaches the store.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from queuecore import protocol as P
from server.auth import Principal
from server.service import Denied
from server.views import mask_name

MAX_ROWS = 5000  # CreateAppointments takes at most this many
MAX_ERRORS = 500  # reported; the count says how many there were
CODE_RE = re.compile(r"[A-Z0-9]{4,32}", re.ASCII)
# Each column's header, in English or as a Chinese booking export names it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "预约码", "预约号", "预约编号"),
    "service": ("service", "事项", "服务事项", "事项编码", "业务"),
    "date": ("date", "日期", "预约日期"),
    "start": ("start", "开始", "开始时间"),
    "end": ("end", "结束", "结束时间"),
    "name": ("name", "姓名", "预约人"),
}
REQUIRED = ("code", "service", "date", "start", "end")
ORDER = list(COLUMNS)  # a row's errors in the file's reading order
XLSX_MAGIC = b"PK\x03\x04"

OPENAPI_ROUTE: dict[str, Any] = {
    "path": "/api/appointments/import", "method": "post", "operationId": "import_appointments",
    "summary": "Import appointments from a CSV or XLSX file (columns code, service, date, start, end, name; or "
               "预约码, 事项, 日期, 开始时间, 结束时间, 姓名), sent as the raw body or as the `file` field of a "
               "multipart form. All or nothing: any bad row refuses the whole file with invalid_rows, whose "
               "details.errors list each {row, column, code, message}. Names are masked before they are stored "
               "(admin; audited)",
    "requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}}}}}},
    "refusals": (400, 409, 413),
}


class RowError(msgspec.Struct, frozen=True):
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    code: str
    message: str
    value: str = ""  # the cell as read (a name never: it is masked first)


class Refused(Denied):
    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(400, code, message)
        self.details = details


def read_rows(raw: bytes, filename: str = "") -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the file's first sheet, empty rows left out; XLSX by its magic, else CSV (UTF-8, or
    GB18030 as Excel in Chinese saves it)."""
    if raw[:4] == XLSX_MAGIC or filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            rows = [(i, list(r)) for i, r in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1)]
            wb.close()
        except Exception as exc:  # a damaged or foreign file: zipfile, XML and openpyxl each raise their own
            raise Refused("invalid_format", f"not a readable XLSX file: {type(exc).__name__}") from None
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise Refused("invalid_format", "the CSV is neither UTF-8 nor GB18030 text")
        if "\x00" in text:
            raise Refused("invalid_format", "not a CSV text file")
        try:
            rows = [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
        except csv.Error as exc:
            raise Refused("invalid_format", f"not a CSV file: {exc}") from None
    return [(i, r) for i, r in rows if any(c is not None and str(c).strip() for c in r)]


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _date(cell: Any) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell).replace("/", "-").replace(".", "-")
    try:
        y, m, d = (int(x) for x in text.split("-"))
        day = date(y, m, d)
    except (ValueError, TypeError):
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    if not P.SLOT_YEARS[0] <= day.year <= P.SLOT_YEARS[1]:
        raise ValueError(f"{text!r}: the year must lie in {P.SLOT_YEARS[0]}-{P.SLOT_YEARS[1]}")
    return day


def _time(cell: Any) -> time:
    if isinstance(cell, datetime):
        return cell.time().replace(tzinfo=None)
    if isinstance(cell, time):
        return cell.replace(tzinfo=None)
    if isinstance(cell, float | int) and not isinstance(cell, bool) and 0 <= cell < 1:  # Excel's fraction of a day
        return (datetime.min + timedelta(minutes=round(cell * 1440))).time()
    text = _text(cell).replace("：", ":")
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if m and int(m[1]) < 24 and int(m[2]) < 60 and int(m[3] or 0) < 60:
        return time(int(m[1]), int(m[2]), int(m[3] or 0))
    raise ValueError(f"{text!r} is not a time (HH:MM)")


def check(rows: list[tuple[int, list[Any]]], services: dict[str, Any], existing: set[str], tz: ZoneInfo,
          today: date) -> tuple[list[P.NewAppointment], list[RowError], int]:
    """The file's appointments, or every problem with them: (appointments, errors, data rows)."""
    if not rows:
        raise Refused("no_rows", "the file holds no rows: a header row (code, service, date, start, end, name) "
                                 "and one row per appointment")
    header_row, header = rows[0]
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        label = _text(cell).lower()
        for col, names in COLUMNS.items():
            if label in names and col not in index:
                index[col] = i
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        return [], [RowError(header_row, c, "missing_column", f"the header row has no {c!r} column "
                                                              f"({' / '.join(COLUMNS[c])})") for c in missing], 0
    data = rows[1:]
    if not data:
        raise Refused("no_rows", "the file has a header but no appointments")
    if len(data) > MAX_ROWS:
        raise Refused("too_many_rows", f"{len(data)} appointments in one file; at most {MAX_ROWS}")
    by_name = {}
    for code, svc in services.items():
        by_name[code.lower()] = code
        for n in (svc.name_zh, svc.name_en):
            by_name.setdefault(str(n).strip().lower(), code)
    out: list[P.NewAppointment] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for row, cells in data:
        def cell(col: str) -> Any:
            i = index.get(col)
            return cells[i] if i is not None and i < len(cells) else None

        bad: list[RowError] = []
        code = _text(cell("code")).upper()
        if not code:
            bad.append(RowError(row, "code", "required", "no appointment code"))
        elif not CODE_RE.fullmatch(code):
            bad.append(RowError(row, "code", "invalid_code", f"{code!r}: 4-32 letters and digits", code))
        elif code in first_row:
            bad.append(RowError(row, "code", "duplicate_in_file", f"{code} is also in row {first_row[code]}", code))
        elif code in existing:
            bad.append(RowError(row, "code", "duplicate_appointment", f"the hall has an appointment {code} already",
                                code))
        if code:
            first_row.setdefault(code, row)
        raw_service = _text(cell("service"))
        service = by_name.get(raw_service.lower())
        if not raw_service:
            bad.append(RowError(row, "service", "required", "no service"))
        elif service is None:
            bad.append(RowError(row, "service", "unknown_service", f"the hall has no service {raw_service!r} "
                                                                   f"(codes: {', '.join(services)})", raw_service))
        parsed: dict[str, Any] = {}
        for col, parse, what in (("date", _date, "invalid_date"), ("start", _time, "invalid_time"),
                                 ("end", _time, "invalid_time")):
            value = cell(col)
            if value is None or not _text(value):
                bad.append(RowError(row, col, "required", f"no {col}"))
                continue
            try:
                parsed[col] = parse(value)
            except ValueError as exc:
                bad.append(RowError(row, col, what, str(exc), _text(value)[:40]))
        if "date" in parsed and parsed["date"] < today:
            bad.append(RowError(row, "date", "date_in_past", f"{parsed['date']} is before today ({today})",
                                str(parsed["date"])))
        if "start" in parsed and "end" in parsed and parsed["end"] <= parsed["start"]:
            bad.append(RowError(row, "end", "slot_order", f"the slot ends ({parsed['end']:%H:%M}) before it starts "
                                                          f"({parsed['start']:%H:%M})",
                                f"{parsed['start']:%H:%M}–{parsed['end']:%H:%M}"))
        name = mask_name(_text(cell("name")))
        if len(name) > 32:
            bad.append(RowError(row, "name", "invalid_name", "a name of at most 32 characters"))
        if bad:
            errors.extend(sorted(bad, key=lambda e: ORDER.index(e.column)))
            continue
        day = parsed["date"]
        out.append(P.NewAppointment(code=code, service=service, name_masked=name,
                                    start=datetime.combine(day, parsed["start"], tz),
                                    end=datetime.combine(day, parsed["end"], tz)))
    return out, errors, len(data)


async def file_of(request: web.Request) -> tuple[bytes, str]:
    """The uploaded file: a multipart form's `file` field, or the raw body."""
    try:
        if request.content_type.startswith("multipart/"):
            try:
                reader = await request.multipart()
                async for part in reader:
                    if getattr(part, "name", None) == "file":
                        return bytes(await part.read()), part.filename or ""
            except (ValueError, LookupError, AssertionError, RuntimeError, HttpProcessingError) as exc:
                # aiohttp's multipart reader raises these on a malformed form (a bad part header, a lost boundary)
                raise Refused("invalid_format", f"a broken multipart form: {type(exc).__name__}") from None
            raise Refused("invalid_format", "send the file as the form's `file` field")
        return await request.read(), ""
    except web.HTTPRequestEntityTooLarge:
        raise Denied(413, "too_large", f"the file is over {request.client_max_size} bytes") from None


def mount(app: web.Application) -> None:
    from server.app import SERVICE, _error, _json, guard

    @guard({"admin"}, refusal="a {role} may not import appointments")
    async def import_appointments(request: web.Request, who: Principal) -> web.StreamResponse:
        raw, filename = await file_of(request)
        service = request.app[SERVICE]
        rows = read_rows(raw, filename)
        now = service.clock()
        appts, errors, total = check(rows, service.hall.services, set(service.hall.appointments), service.tz,
                                     now.astimezone(service.tz).date())
        if errors:
            bad_rows = len({e.row for e in errors})
            raise Refused("invalid_rows", f"{bad_rows} of {total} rows have errors; nothing was imported",
                          errors=[msgspec.to_builtins(e) for e in errors[:MAX_ERRORS]],
                          error_count=len(errors), rows=total)
        reply = await service.submit(P.CreateAppointments(appointments=appts), who)
        if isinstance(reply, P.Error):
            return _error(reply.code, reply.message, reply.details)
        days: dict[str, int] = {}
        for a in appts:
            key = a.start.astimezone(service.tz).date().isoformat()
            days[key] = days.get(key, 0) + 1
        return _json({"imported": len(appts), "days": dict(sorted(days.items()))})

    app.router.add_post("/api/appointments/import", import_appointments)
