"""The hall configuration as data, read and written over HTTP (admin only): GET /api/config (the configuration, its
version and what is scheduled), GET /api/config/history, GET /api/config/export (TOML), POST /api/config/import
(a TOML file as one change). The change itself is the command POST /api/config (queuecore.protocol.ChangeConfig),
decided in the core like every other command (server.app ROUTES)."""
from __future__ import annotations

import logging
import tomllib
from typing import Any

import msgspec
import tomli_w
from aiohttp import web

from queuecore import protocol as P
from queuecore.config import export_doc
from server import auth

log = logging.getLogger("hallq.server")

HEADER = """# hallq hall configuration, version {version}, exported {at}.
# `hallq config import FILE` applies this file to a running hall as one change (a new hall: `hallq server --config FILE`).
"""

OPENAPI_ROUTES: list[dict[str, Any]] = [
    {"path": "/api/config", "operationId": "get_config", "summary": "The hall's configuration (as its TOML reads, in "
     "JSON), its version (send it back as base_version with a change) and the changes scheduled for the next "
     "business day (admin)", "schema": dict[str, Any]},
    {"path": "/api/config/history", "operationId": "config_history", "summary": "Every configuration change: "
     "version, when, who, its ops, applied/pending/failed; newest first (admin)", "schema": list[dict[str, Any]]},
    {"path": "/api/config/export", "operationId": "export_config", "summary": "The configuration as a TOML file "
     "(text/plain), for backup and review; `hallq config import` applies it back (admin)",
     "response_content": {"text/plain": {"schema": {"type": "string"}}}},
    {"path": "/api/config/import", "method": "post", "operationId": "import_config", "summary": "Apply a TOML file "
     "(the body) as one configuration change, replacing the whole configuration: now, or from the next business "
     "day (effective=next_day); refused like POST /api/config (admin)",
     "schema": P.ConfigChangeResult, "refusals": (400, 409),
     "body_content": {"text/plain": {"schema": {"type": "string"}}},
     "parameters": [{"name": "base_version", "in": "query", "required": False, "schema": {"type": "integer"}},
                    {"name": "effective", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["now", "next_day"]}},
                    {"name": "note", "in": "query", "required": False, "schema": {"type": "string"}}]},
]


def config_view(service) -> dict[str, Any]:
    hall = service.hall
    return {"config_version": hall.config_version, "config": export_doc(service.config, native=False),
            "pending": [{"config_version": v, "ops": ops} for v, ops in hall.pending_config],
            "day": hall.day}


def mount(app: web.Application) -> None:
    from server.app import SERVICE, _error, _json, _reader, run_command

    @_reader({"admin"})
    async def get_config(request: web.Request, who: auth.Principal) -> web.Response:
        return _json(config_view(request.app[SERVICE]))

    @_reader({"admin"})
    async def config_history(request: web.Request, who: auth.Principal) -> web.Response:
        return _json(request.app[SERVICE].store.config_changes())

    @_reader({"admin"})
    async def export_config(request: web.Request, who: auth.Principal) -> web.Response:
        service = request.app[SERVICE]
        text = HEADER.format(version=service.hall.config_version, at=service.clock().isoformat(timespec="seconds"))
        text += tomli_w.dumps(export_doc(service.config))
        return web.Response(text=text, content_type="text/plain", charset="utf-8", headers={
            "Content-Disposition": f'attachment; filename="hall-config-v{service.hall.config_version}.toml"'})

    @_reader({"admin"})
    async def import_config(request: web.Request, who: auth.Principal) -> web.Response:
        """A TOML file as one change (a `replace` op). Query: base_version (default: the current one: the file
        replaces whatever is there), effective=now|next_day, note."""
        service = request.app[SERVICE]
        raw = await request.read()
        try:
            doc = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return _error("config_invalid", "the file is not UTF-8 text", status=400)
        except tomllib.TOMLDecodeError as exc:
            return _error("config_invalid", f"not a TOML file: {exc}", status=400)
        q = request.query
        try:
            base = int(q.get("base_version", service.hall.config_version))
        except ValueError:
            return _error("invalid_argument", "base_version must be a number", status=400)
        doc = msgspec.json.decode(msgspec.json.encode(doc))  # plain JSON values (dates as text), as stored
        try:
            cmd = msgspec.convert({"type": "change_config", "id": request.headers.get("Idempotency-Key"),
                                   "base_version": base, "ops": [{"op": "replace", "value": doc}],
                                   "effective": q.get("effective", "now"), "note": q.get("note", "")},
                                  P.ChangeConfig)
        except msgspec.ValidationError as exc:
            return _error("invalid_argument", str(exc), status=400)
        reply = await run_command(request.app, cmd, who)
        if isinstance(reply, P.Error):
            return _error(reply.code, reply.message, reply.details, id=reply.id)
        return _json(reply.data)

    app.router.add_get("/api/config", get_config)
    app.router.add_get("/api/config/history", config_history)
    app.router.add_get("/api/config/export", export_config)
    app.router.add_post("/api/config/import", import_config)
