"""GET /api/reports/{kind} on the real app over the simulated week: roles, refusals with stable codes, JSON,
XLSX and CSV downloads, English labels, and today's figures live (a call is in the next request)."""
from __future__ import annotations

import io
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from server.app import ServerConfig, create_app
from server.cli import create_token_in
from tests.reports.week import WEEK
from tests.server.conftest import Clock

KINDS = ("summary", "services", "windows", "clerks", "hours", "ratings", "attendance")
PERIOD = f"from={WEEK[0]}&to={WEEK[-1]}"


@pytest.fixture
async def api(aiohttp_client, week_copy, hall):
    tokens = {role: create_token_in(week_copy, role, f"t-{role}", None)
              for role in ("admin", "supervisor", "kiosk", "display")}
    tokens["window1"] = create_token_in(week_copy, "window", "t-window1", 1)
    tokens["window3"] = create_token_in(week_copy, "window", "t-window3", 3)
    clock = Clock(datetime.combine(WEEK[-1], time(19, 0), ZoneInfo(hall.timezone)))
    client = await aiohttp_client(create_app(ServerConfig(hall=hall, data_dir=week_copy, durable=False), clock=clock))

    async def get(path: str, who: str = "supervisor"):
        return await client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"} if who else {})

    async def post(path: str, who: str, body: dict):
        return await client.post(path, json=body, headers={"Authorization": f"Bearer {tokens[who]}"})

    get.post = post
    return get


@pytest.mark.parametrize("kind", KINDS)
async def test_each_kind_answers_json_with_named_rows_and_a_total(api, kind) -> None:
    r = await api(f"/api/reports/{kind}?{PERIOD}")
    body = await r.json()
    assert r.status == 200, body
    assert (body["kind"], body["from"], body["to"], body["hall"]) == (kind, str(WEEK[0]), str(WEEK[-1]), "统计测试大厅")
    table = body["tables"][0]
    assert table["rows"] or table["total"]
    labels = [c["label"] for c in table["columns"]]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels if label not in ("90%等候(分)",))
    if kind in ("services", "windows", "clerks"):
        name = {"services": "service_name", "windows": "window_name", "clerks": "clerk_name"}[kind]
        assert all(row[name] and not row[name].isascii() for row in table["rows"]), "names, never bare codes"


async def test_admin_and_supervisor_read_reports_and_other_roles_do_not(api) -> None:
    for who in ("admin", "supervisor"):
        assert (await api(f"/api/reports/summary?{PERIOD}", who)).status == 200
    for who in ("kiosk", "display", "window1"):
        r = await api(f"/api/reports/summary?{PERIOD}", who)
        assert (r.status, (await r.json())["code"]) == (403, "forbidden")
    assert (await api(f"/api/reports/summary?{PERIOD}", None)).status == 401


@pytest.mark.parametrize("query,code", [
    ("/api/reports/everything?from=2026-11-01&to=2026-11-02", "unknown_kind"),
    ("/api/reports/services?from=2026-11-01&to=2026-11-02&cut=colour", "unknown_cut"),
    ("/api/reports/services?from=2026-11-01&to=2026-11-02&cut=service", "unknown_cut"),
    ("/api/reports/attendance?from=2026-11-01&to=2026-11-02&cut=hour", "unknown_cut"),
    ("/api/reports/summary?from=2026-11-03&to=2026-11-02", "from_after_to"),
    ("/api/reports/summary?from=2025-11-01&to=2026-11-02", "range_too_long"),
    ("/api/reports/summary?from=2026-02-30&to=2026-11-02", "invalid_format"),
    ("/api/reports/summary?from=yesterday", "invalid_format"),
    ("/api/reports/summary?format=pdf", "unknown_format"),
    ("/api/reports/summary?lang=fr", "unknown_lang"),
])
async def test_bad_input_is_a_400_with_a_stable_code(api, query, code) -> None:
    r = await api(query)
    body = await r.json()
    assert (r.status, body["code"], body["type"]) == (400, code, "error"), body


async def test_a_whole_year_is_allowed(api) -> None:
    assert (await api("/api/reports/summary?from=2025-11-21&to=2026-11-20")).status == 200


async def test_xlsx_download_reads_back_with_openpyxl(api) -> None:
    import openpyxl

    r = await api(f"/api/reports/summary?{PERIOD}&format=xlsx")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in r.headers["Content-Disposition"] and ".xlsx" in r.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(await r.read()))
    assert wb.sheetnames[0] == "封面" and "按服务事项" in wb.sheetnames


async def test_csv_download_is_utf8_with_a_bom(api) -> None:
    r = await api(f"/api/reports/services?{PERIOD}&format=csv")
    raw = await r.read()
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("服务事项,取号数,叫号数") and "社会保险" in text and "合计" in text


async def test_lang_en_gives_english_labels_and_names(api) -> None:
    body = await (await api(f"/api/reports/services?{PERIOD}&lang=en")).json()
    table = body["tables"][0]
    assert table["title"] == "By service" and table["columns"][0]["label"] == "Service"
    assert {(r["service"], r["service_name"]) for r in table["rows"]} == {
        ("social", "Social insurance"), ("estate", "Real estate"), ("tax", "Tax")}  # the code rides along
    assert table["total"]["service_name"] == "Total" and body["hall"] == "Report Test Hall"


async def test_today_is_live_a_call_is_in_the_next_request(api) -> None:
    today = f"/api/reports/summary?from={WEEK[-1]}&to={WEEK[-1]}&cut=service"
    before = (await (await api(today)).json())["tables"][0]["total"]
    assert (await api.post("/api/tickets", "admin", {"service": "tax"})).status == 200
    # Window 3 prefers tax; its clerk never signed out (see tests.reports.week).
    r = await api.post("/api/windows/3/call-next", "window3", {})
    assert r.status == 200, await r.json()
    after = (await (await api(today)).json())["tables"][0]["total"]
    assert (after["issued"], after["called"]) == (before["issued"] + 1, before["called"] + 1)


async def test_the_day_report_still_answers(api) -> None:
    r = await api(f"/api/reports/day?day={WEEK[0]}", "admin")
    assert r.status == 200 and (await r.json())["services"]
