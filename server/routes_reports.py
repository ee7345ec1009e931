"""GET /api/reports/{kind}: statistics and appraisal for admins and supervisors, as JSON, XLSX or CSV.

Reports are read models (server.reports): they run on a thread of their own with their own SQLite
connection, so a year's report never holds up a call at a window. Today's figures are live.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from queuecore.model import HallConfig
from server.reports.build import KINDS, ReportError, build_report, check_request, default_period, parse_day
from server.reports.source import FactSource, open_reading
from server.reports.writers import filename, render

log = logging.getLogger("hallq.reports")

ROLES = frozenset({"admin", "supervisor"})
BACKFILL_DAYS = 400  # closed days whose facts are built in the background at start (a year's report is then fast)
_STR = {"type": "string"}
READ_ROUTE: dict[str, Any] = {
    "path": "/api/reports/{kind}", "operationId": "report",
    "summary": "Statistics and appraisal for a period: visits and outcomes, 办结率, waits and service level, "
               "service times, clerk attendance, 好差评 (admin, supervisor). JSON, or a download with "
               "format=xlsx|csv. Refusals (400): unknown_kind, unknown_cut, from_after_to, range_too_long, "
               "invalid_format, unknown_format, unknown_lang",
    "parameters": [
        {"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": list(KINDS)}},
        {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
        {"name": "cut", "in": "query", "required": False, "schema": _STR},
        {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["zh", "en"]}},
        {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json"]},
         "description": "json (default); xlsx and csv answer a file download instead"},
    ],
}


class ReportWorker:
    """One thread that owns a SQLite connection (SQLite objects are thread-bound) and answers reports in turn."""

    def __init__(self, db_path: Path, config: HallConfig) -> None:
        self.db_path, self.config = db_path, config
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="hallq-reports")
        self.source: FactSource | None = None

    def use_config(self, config: HallConfig) -> None:
        """A changed hall configuration (on the loop thread): the next report reads with it, from a fresh source."""
        self.config = config
        self.executor.submit(self._drop_source)

    def _drop_source(self) -> None:
        if self.source is not None and self.source.config is not self.config:
            self.source.conn.close()
            self.source = None

    def _source(self) -> FactSource:
        if self.source is None:
            self.source = FactSource(open_reading(self.db_path, read_only=False), self.config, read_only=False)
        return self.source

    def report(self, kind: str, cut: str | None, start: date, end: date, now: datetime, lang: str, fmt: str):
        report = build_report(self._source(), self.config, kind, start, end, cut=cut, now=now, lang=lang)
        if fmt == "json":
            return report.to_json(), None, None
        body, content_type = render(report, fmt)
        return body, content_type, filename(report, fmt)

    def backfill(self, today: date) -> None:
        """Build the facts of the closed days that have tickets (a year's report is then fast from the first)."""
        source = self._source()
        start = today - timedelta(days=BACKFILL_DAYS)
        days = [date.fromisoformat(d) for (d,) in source.conn.execute(
            "SELECT DISTINCT day FROM tickets WHERE day >= ? AND day < ?", (start.isoformat(), today.isoformat()))]
        if days:
            built = source.prepare(min(days), max(days), datetime.now(source.tz))
            log.info("reports: facts of %d closed days built (%s)", len(days), built)

    async def run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def close(self) -> None:
        if self.source is not None:
            self.source.stopping = True  # read by the worker thread between two days of a backfill

        def shut() -> None:
            if self.source is not None:
                self.source.conn.close()

        self.executor.submit(shut)
        self.executor.shutdown(wait=True)


WORKER = web.AppKey("report_worker", ReportWorker)


def mount(app: web.Application) -> None:
    """Add GET /api/reports/{kind} and the report worker to the app (call before the catch-all route)."""
    from server.app import CONFIG, SERVICE, _error, _json, _refused, authenticate
    from server.service import Denied
    from server.store import DB_NAME

    async def start_worker(app: web.Application) -> None:
        config = app[CONFIG]
        worker = app[WORKER] = ReportWorker(Path(config.data_dir) / DB_NAME, app[SERVICE].config)
        app[SERVICE].config_listeners.append(worker.use_config)  # names and outcome classes follow live changes
        today = app[SERVICE].clock().astimezone(app[SERVICE].tz).date()
        task = asyncio.ensure_future(worker.run(worker.backfill, today))
        task.add_done_callback(lambda t: t.cancelled() or t.exception() is None
                               or log.error("reports: backfill failed: %s", t.exception()))

    async def stop_worker(app: web.Application) -> None:
        if WORKER in app:
            await asyncio.get_running_loop().run_in_executor(None, app[WORKER].close)

    async def get_report(request: web.Request) -> web.StreamResponse:
        try:
            who = authenticate(request)
            if who.role not in ROLES:
                raise Denied(403, "forbidden", f"a {who.role} token may not read reports")
        except Denied as exc:
            return _refused(exc)
        service = request.app[SERVICE]
        now = service.clock()
        q = request.query
        kind, cut = request.match_info["kind"], q.get("cut") or None
        fmt, lang = q.get("format") or "json", q.get("lang") or "zh"
        try:
            start, end = parse_day(q.get("from"), "from"), parse_day(q.get("to"), "to")
            if start is None and end is None:
                start, end = default_period(now.astimezone(service.tz).date())
            start, end = start or end, end or start
            check_request(kind, cut, start, end, fmt, lang)
        except ReportError as exc:
            return _error(exc.code, exc.message, status=400)
        worker = request.app[WORKER]
        body, content_type, name = await worker.run(worker.report, kind, cut, start, end, now, lang, fmt)
        if content_type is None:
            return _json(body)
        return web.Response(body=body, headers={
            "Content-Type": content_type,
            "Content-Disposition": f"attachment; filename={name}; filename*=UTF-8''{quote(name)}"})

    app.on_startup.append(start_worker)
    app.on_cleanup.append(stop_worker)
    app.router.add_get("/api/reports/{kind}", get_report)
