"""Appointments from the console's REST side: an XLSX written by openpyxl and a CSV imported (raw body and
multipart), the per-row error report with nothing stored, names masked before the store, the day's list, and
cancelling through the core (a checked-in one refused, a cancelled one cannot check in)."""
from __future__ import annotations

import io
import sqlite3
from datetime import date, time, timedelta

import aiohttp
import openpyxl

from tests.server.conftest import Hallq, clock, make_server, provisioned, srv  # noqa: F401  (fixtures)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FULL_NAMES = ("张三丰", "欧阳修文", "李雷")


def xlsx(path, rows: list[list]) -> bytes:
    """A real .xlsx file written by openpyxl (cells as a booking export types them: dates, times, numbers)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path.read_bytes()


async def upload(hq: Hallq, data: bytes, content_type: str, who: str = "admin"):
    r = await hq.client.post("/api/appointments/import", data=data,
                             headers={**hq.auth(who), "Content-Type": content_type})
    return r.status, await r.json()


async def listing(hq: Hallq, day: date) -> list[dict]:
    r = await hq.client.get(f"/api/appointments?day={day}", headers=hq.auth("admin"))
    assert r.status == 200
    return await r.json()


def store_bytes(hq: Hallq) -> bytes:
    return b"".join(p.read_bytes() for p in hq.data.glob("hallq.db*"))


async def test_an_xlsx_from_openpyxl_is_imported_with_names_masked_and_listed_by_day(srv, tmp_path) -> None:
    today = srv.clock.now.date()
    tomorrow = today + timedelta(days=1)
    data = xlsx(tmp_path / "booking.xlsx", [
        ["预约码", "事项", "日期", "开始时间", "结束时间", "姓名"],  # a Chinese booking export's header
        ["K7Q2", "estate", today, time(10, 0), time(10, 30), FULL_NAMES[0]],
        ["k8r3", "社保", today, "14:00", "14:30", FULL_NAMES[1]],  # the service by its name, a lower-case code
        [20261124, "tax", tomorrow, time(9, 0), time(9, 20), FULL_NAMES[2]],  # a numeric code cell
        [None, None, None, None, None, None],  # empty rows are skipped
    ])
    status, done = await upload(srv, data, XLSX)
    assert status == 200, done
    assert done == {"imported": 3, "days": {today.isoformat(): 2, tomorrow.isoformat(): 1}}
    rows = await listing(srv, today)
    assert [(a["code"], a["service"], a["start"][11:16], a["end"][11:16], a["name_masked"]) for a in rows] == [
        ("K7Q2", "estate", "10:00", "10:30", "张*丰"), ("K8R3", "social", "14:00", "14:30", "欧**文")]
    assert [a["name_masked"] for a in await listing(srv, tomorrow)] == ["李*"]
    for name in FULL_NAMES:  # the full name never reached the store (nor its WAL)
        assert name.encode() not in store_bytes(srv)
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        (actor, detail), = conn.execute("SELECT actor, detail FROM audit WHERE action = 'create_appointments'")
    assert actor == "admin:test-admin" and '"appointments":3' in detail.replace(" ", "")


async def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_stored(srv, tmp_path) -> None:
    today = srv.clock.now.date()
    yesterday = today - timedelta(days=1)
    await upload(srv, f"code,service,date,start,end,name\nTAKEN1,estate,{today},11:00,11:30,王五\n".encode(), "text/csv")
    before = store_bytes(srv)
    csv_text = "\n".join([
        "code,service,date,start,end,name",
        f"GOOD01,estate,{today},09:30,10:00,赵六",       # row 2: fine, but the file is refused as a whole
        f"X1,estate,{today},09:30,10:00,",                # row 3: code too short
        f"GOOD02,parking,{today},09:30,10:00,",           # row 4: no such service
        "GOOD03,social,2026-13-01,09:30,10:00,",          # row 5: no such date
        f"GOOD04,social,{today},9.30,10:00,",             # row 6: not a time
        f"GOOD05,social,{today},10:00,09:30,",            # row 7: ends before it starts
        f"GOOD01,social,{today},10:00,10:30,",            # row 8: the same code as row 2
        f"TAKEN1,social,{today},10:00,10:30,",            # row 9: the hall has it already
        f"GOOD06,social,{yesterday},10:00,10:30,",        # row 10: a day gone
        ",social,,10:00,10:30,",                          # row 11: code and date missing
    ]).encode()
    status, err = await upload(srv, csv_text, "text/csv")
    assert (status, err["code"]) == (400, "invalid_rows")
    got = [(e["row"], e["column"], e["code"]) for e in err["details"]["errors"]]
    assert got == [(3, "code", "invalid_code"), (4, "service", "unknown_service"), (5, "date", "invalid_date"),
                   (6, "start", "invalid_time"), (7, "end", "slot_order"), (8, "code", "duplicate_in_file"),
                   (9, "code", "duplicate_appointment"), (10, "date", "date_in_past"), (11, "code", "required"),
                   (11, "date", "required")]
    assert err["details"]["rows"] == 10 and err["details"]["error_count"] == 10
    values = {(e["row"], e["column"]): e["value"] for e in err["details"]["errors"]}
    assert (values[(4, "service")], values[(6, "start")], values[(5, "date")]) == ("parking", "9.30", "2026-13-01")
    assert "nothing was imported" in err["message"] and "9 of 10 rows" in err["message"]
    assert all(e["message"] for e in err["details"]["errors"])
    assert [a["code"] for a in await listing(srv, today)] == ["TAKEN1"]
    assert store_bytes(srv) == before  # not a byte written


async def test_a_file_without_its_columns_or_rows_or_not_a_table_is_refused(srv, tmp_path) -> None:
    cases = [
        (b"code,service,date\nA1234,estate,2026-11-23\n", "text/csv", "invalid_rows"),
        (b"code,service,date,start,end\n", "text/csv", "no_rows"),
        (b"", "text/csv", "no_rows"),
        (b"PK\x03\x04 not really a zip", XLSX, "invalid_format"),
        (bytes(range(256)) * 4, "application/octet-stream", "invalid_format"),
    ]
    for body, ctype, code in cases:
        status, err = await upload(srv, body, ctype)
        assert (status, err["code"]) == (400, code), body[:20]
    broken = (b'--b1\r\nContent-Disposition: form-data; name="l\xc2\x8b\x18"\r\n\r\nx\r\n--b1\r\n'
              b'Content-Disposition: form-data; name="file"; filename="f"\r\n\r\nod\r\n--b1--\r\n')
    for form in (broken, b"--b1--\r\n"):  # a bad part header; no `file` field
        status, err = await upload(srv, form, "multipart/form-data; boundary=b1")
        assert (status, err["code"]) == (400, "invalid_format")
    status, err = await upload(srv, b"code,service,date\nA1234,estate,2026-11-23\n", "text/csv")
    assert [(e["row"], e["column"], e["code"]) for e in err["details"]["errors"]] == [
        (1, "start", "missing_column"), (1, "end", "missing_column")]
    assert await listing(srv, srv.clock.now.date()) == []


async def test_the_console_uploads_a_multipart_form(srv, tmp_path) -> None:
    data = xlsx(tmp_path / "b.xlsx", [["code", "service", "date", "start", "end", "name"],
                                      ["M0001", "estate", srv.clock.now.date(), time(15, 0), time(15, 30), "钱七"]])
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO(data), filename="b.xlsx", content_type=XLSX)
    r = await srv.client.post("/api/appointments/import", data=form, headers=srv.auth("admin"))
    assert r.status == 200 and (await r.json())["imported"] == 1


async def test_cancel_goes_through_the_core(srv) -> None:
    today = srv.clock.now.date()
    await upload(srv, f"code,service,date,start,end,name\nC0001,estate,{today},09:00,09:30,甲乙\n"
                      f"C0002,estate,{today},09:10,09:40,丙丁\n".encode(), "text/csv")
    r = await srv.post("/api/appointments/check-in", "kiosk", {"code": "C0002"})
    assert r.status == 200
    r = await srv.post("/api/appointments/C0001/cancel", "admin", {"reason": "本人来电取消"})
    assert r.status == 200
    events = (await r.json())["events"]
    assert [(e["type"], e["code"], e["reason"]) for e in events] == [("appointment_cancelled", "C0001", "本人来电取消")]
    rows = {a["code"]: a for a in await listing(srv, today)}
    assert rows["C0001"]["cancelled_at"] == srv.clock.now.isoformat() and rows["C0002"]["cancelled_at"] is None
    for number, who, status_wanted, code in [
            ("C0001", "kiosk", 409, "appointment_cancelled"),  # check-in of a cancelled one
    ]:
        r = await srv.post("/api/appointments/check-in", who, {"code": number})
        assert (r.status, (await r.json())["code"]) == (status_wanted, code)
    for code, who, status_wanted, err_code in [
            ("C0002", "admin", 409, "appointment_used"),  # checked in: cancel its ticket instead
            ("C0001", "admin", 409, "appointment_cancelled"),
            ("NOPE1", "admin", 404, "unknown_appointment"),
            ("C0001", "kiosk", 403, "forbidden")]:
        r = await srv.post(f"/api/appointments/{code}/cancel", who, {})
        assert (r.status, (await r.json())["code"]) == (status_wanted, err_code), code


async def test_a_full_name_sent_to_the_json_route_is_masked_too(srv) -> None:
    day = srv.clock.now.date().isoformat()
    body = {"appointments": [{"code": "J0001", "service": "estate", "start": f"{day}T15:00:00+08:00",
                              "end": f"{day}T15:30:00+08:00", "name_masked": "张三丰"}]}
    assert (await srv.post("/api/appointments", "admin", body)).status == 200
    assert [a["name_masked"] for a in await listing(srv, srv.clock.now.date())] == ["张*丰"]
    assert "张三丰".encode() not in store_bytes(srv)


async def test_only_an_admin_imports(srv) -> None:
    for who in ("kiosk", "window1", "display"):
        status, err = await upload(srv, b"code,service,date,start,end\n", "text/csv", who=who)
        assert (status, err["code"]) == (403, "forbidden")
