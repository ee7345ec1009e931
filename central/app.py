"""The city server's HTTP side: halls post batches (their own token each); city readers log in (central.readers)
for the reports and the page."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import msgspec
import psycopg
from aiohttp import web
from psycopg_pool import AsyncConnectionPool

from central import ingest as I
from central import readers as U
from central import reports as R
from central.wire import CURSOR_PATH, INGEST_PATH, Batch

log = logging.getLogger("hallq.central")
STATIC = Path(__file__).parent / "static"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CentralConfig:
    dsn: str
    pool_size: int = 6  # a report takes three at once
    refresh_s: float = 5.0  # how often touched days are rolled up for reports
    node_modules: Path = ROOT / "node_modules"  # ECharts comes from npm (package-lock.json), never from the repo


POOL = web.AppKey("pool", AsyncConnectionPool)
CFG = web.AppKey("central_config", CentralConfig)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_decoder = msgspec.json.Decoder(Batch)


def _error(code: str, message: str, status: int, **extra) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, **extra}}, status=status)


async def _hall_of(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        return None
    async with request.app[POOL].connection(timeout=5) as conn:
        cur = await conn.execute("SELECT hall FROM halls WHERE token_hash = %s", (I.token_hash(auth[7:].strip()),))
        row = await cur.fetchone()
    return row[0] if row else None


def _db_down(exc: Exception) -> web.Response:
    log.warning("database unavailable: %s", exc)
    return _error("database_unavailable", "the city database is not answering; retry later", 503)


def _db_error(exc: Exception, *, timeouts: bool = False) -> web.Response:
    """A handler's unexpected error: psycopg's (the pool's PoolTimeout too; with `timeouts`, a bare TimeoutError)
    means the database is away, 503; anything else is re-raised."""
    if type(exc).__module__.startswith("psycopg") or (timeouts and isinstance(exc, TimeoutError)):
        return _db_down(exc)
    raise exc


async def post_ingest(request: web.Request) -> web.Response:
    try:
        hall = await _hall_of(request)
        if hall is None:
            return _error("unauthorized", "a hall's own token is required", 401)
        try:
            batch = _decoder.decode(await request.read())
        except msgspec.DecodeError as exc:
            return _error("invalid_json", str(exc), 400)
        async with request.app[POOL].connection(timeout=5) as conn:
            ack = await I.ingest(conn, hall, batch)
    except I.BadBatch as exc:
        return _error("invalid_batch", str(exc), 400)
    except I.Gap as gap:
        return _error("gap", str(gap), 409, seq=gap.seq)
    except Exception as exc:  # psycopg's errors, the pool's PoolTimeout, a timeout: the database is away
        return _db_error(exc, timeouts=True)
    return web.Response(body=msgspec.json.encode(ack), content_type="application/json")


async def get_cursor(request: web.Request) -> web.Response:
    try:
        hall = await _hall_of(request)
        if hall is None:
            return _error("unauthorized", "a hall's own token is required", 401)
        async with request.app[POOL].connection(timeout=5) as conn:
            held = await I.cursor(conn, hall, request.query.get("epoch", ""))
    except Exception as exc:
        return _db_error(exc)
    return web.json_response({"hall": hall, **held})


async def _reader(request: web.Request) -> U.Reader:
    """The logged-in city reader of this request (its cookie), or ReaderError 401. A hall's token is no login."""
    async with request.app[POOL].connection(timeout=5) as conn:
        reader = await U.lookup(conn, request.cookies.get(U.COOKIE))
    if reader is None:
        raise U.ReaderError(401, "login_required", "log in as a city reader")
    return reader


def _readers(handler):
    """Reader-only routes: the reader is passed on; a missing login or a database away is a stable error."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request, await _reader(request))
        except U.ReaderError as exc:
            return _error(exc.code, exc.message, exc.status)
        except Exception as exc:
            return _db_error(exc, timeouts=True)

    wrapped.__name__ = handler.__name__
    return wrapped


def _remote(request: web.Request) -> str:
    return request.remote or ""


async def post_login(request: web.Request) -> web.Response:
    if request.headers.get(U.LOGIN_HEADER) != "1":
        return _error("login_header_required", f"send the {U.LOGIN_HEADER}: 1 header (the city page does)", 400)
    try:
        body = await request.json()
    except ValueError:
        return _error("invalid_json", "the body is not JSON", 400)
    if not isinstance(body, dict):
        return _error("invalid_json", "the body is a JSON object: username, password", 400)
    try:
        async with request.app[POOL].connection(timeout=5) as conn:
            sid, reader = await U.login(conn, body.get("username"), body.get("password"), _remote(request))
    except U.ReaderError as exc:
        return _error(exc.code, exc.message, exc.status)
    except Exception as exc:
        return _db_error(exc)
    resp = web.json_response(reader.as_json())
    resp.set_cookie(U.COOKIE, sid, httponly=True, samesite="Strict", path="/", secure=request.secure)
    return resp


async def post_logout(request: web.Request) -> web.Response:
    if request.headers.get(U.LOGIN_HEADER) != "1":
        return _error("login_header_required", f"send the {U.LOGIN_HEADER}: 1 header (the city page does)", 400)
    sid = request.cookies.get(U.COOKIE)
    if sid:
        async with request.app[POOL].connection(timeout=5) as conn:
            await U.logout(conn, sid, _remote(request))
    resp = web.json_response({"ok": True})
    resp.del_cookie(U.COOKIE, path="/")
    return resp


@_readers
async def get_me(request: web.Request, reader: U.Reader) -> web.Response:
    return web.json_response(reader.as_json())


@_readers
async def get_halls(request: web.Request, reader: U.Reader) -> web.Response:
    """Each hall and epoch: what the centre holds, the hall's newest seq it last reported, when it last sent."""
    only = "WHERE h.hall = %s " if reader.hall else ""
    async with request.app[POOL].connection(timeout=5) as conn:
        cur = await conn.execute(
            "SELECT h.hall, h.name_zh, h.name_en, e.epoch, e.last_seq, e.head, e.last_at FROM halls h "
            f"LEFT JOIN hall_epochs e USING (hall) {only}ORDER BY h.hall, e.first_at",
            (reader.hall,) if reader.hall else None)
        rows = await cur.fetchall()
    out = [{"hall": h, "name_zh": zh, "name_en": en, "epoch": ep, "seq": seq, "head": head,
            "behind": max(0, (head or 0) - (seq or 0)), "last_at": at.isoformat() if at else None}
           for h, zh, en, ep, seq, head, at in rows]
    return web.json_response(out)


def _day(text: str | None, name: str, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise R.CityReportError("invalid_format", f"{name} must be YYYY-MM-DD") from None


@_readers
async def get_report(request: web.Request, reader: U.Reader) -> web.Response:
    q = request.query
    today = date.today()
    try:
        start = _day(q.get("from"), "from", today.replace(day=1))
        end = _day(q.get("to"), "to", today)
        by = [d for d in q.get("by", "hall").split(",") if d]
        halls = [h for h in q.get("halls", "").split(",") if h] or None
        if reader.hall is not None:  # a reader bound to a hall: that hall only
            if halls and set(halls) != {reader.hall}:
                return _error("hall_not_allowed", f"this account reads hall {reader.hall} only", 403)
            halls = [reader.hall]
        fmt, lang = q.get("format", "json"), q.get("lang", "zh")
        if fmt not in ("json", "xlsx"):
            raise R.CityReportError("unknown_format", "format is json or xlsx")
        async with request.app[POOL].connection(timeout=10) as conn:
            report = await R.city_report(conn, start, end, by, halls, lang, pool=request.app[POOL])
    except R.CityReportError as exc:
        return _error(exc.code, exc.message, 400)
    if fmt == "xlsx":
        name = f"city-{start}-{end}.xlsx"
        return web.Response(body=R.to_xlsx(report), content_type=XLSX,
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return web.Response(body=msgspec.json.encode(report), content_type="application/json")


async def get_health(request: web.Request) -> web.Response:
    try:
        async with request.app[POOL].connection(timeout=2) as conn:
            await conn.execute("SELECT 1")
        db = "ok"
    except Exception as exc:
        db = f"unavailable: {type(exc).__name__}"
    return web.json_response({"status": "ok", "database": db})


async def city_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "city.html", headers={"Cache-Control": "no-cache"})


async def echarts(request: web.Request) -> web.StreamResponse:
    path = request.app[CFG].node_modules / "echarts" / "dist" / "echarts.min.js"
    if not path.exists():
        return _error("not_found", "ECharts is not installed: run `npm ci` in the repository root", 404)
    return web.FileResponse(path)


def create_app(config: CentralConfig) -> web.Application:
    app = web.Application(client_max_size=64 << 20)  # a backlog's batch
    app[CFG] = config

    async def pool_ctx(app: web.Application):
        with psycopg.connect(config.dsn, autocommit=True) as conn:
            from central.schema import create

            create(conn)
        pool = AsyncConnectionPool(config.dsn, min_size=1, max_size=config.pool_size, open=False,
                                   check=AsyncConnectionPool.check_connection,
                                   kwargs={"autocommit": True})
        await pool.open(wait=False)
        app[POOL] = pool

        async def roll_up() -> None:  # keeps the daily rows fresh between reports (a report refreshes too)
            while True:
                await asyncio.sleep(config.refresh_s)
                try:
                    async with pool.connection(timeout=5) as conn:
                        await R.refresh(conn)
                except Exception as exc:  # the database away: the next round tries again
                    log.info("roll-up skipped: %s", exc)

        rolling = asyncio.create_task(roll_up())
        yield
        rolling.cancel()
        await pool.close()

    app.cleanup_ctx.append(pool_ctx)
    app.router.add_post(INGEST_PATH, post_ingest)
    app.router.add_get(CURSOR_PATH, get_cursor)
    app.router.add_post("/api/login", post_login)
    app.router.add_post("/api/logout", post_logout)
    app.router.add_get("/api/me", get_me)
    app.router.add_get("/api/halls", get_halls)
    app.router.add_get("/api/reports/city", get_report)
    app.router.add_get("/api/health", get_health)
    app.router.add_get("/", city_page)
    app.router.add_get("/static/vendor/echarts.min.js", echarts)
    app.router.add_static("/static/", STATIC, show_index=False)
    return app
