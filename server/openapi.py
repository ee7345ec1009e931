"""The OpenAPI 3.1 document of every route, generated from the route tables and the protocol structs.

Its rule: it describes what the server answers, status by status. Every JSON refusal is the
protocol's `Error` (the same object a WebSocket client gets), so each operation lists the
refusals it can give with that one schema; tests/server/test_openapi_contract.py holds the
server to it with schemathesis.
"""
from __future__ import annotations

from typing import Any

import msgspec

from queuecore import protocol as P
from server.notify.webhooks import openapi_webhooks
from server.service import RATE_LIMITED

OPENAPI_VERSION = "3.1.0"

# What each refusal status means, and the codes the server's handlers give it themselves; the codes the
# hall's rules give are added from server.app.STATUS (code -> status; unlisted codes are 409).
REFUSALS: dict[int, tuple[str, tuple[str, ...]]] = {
    400: ("the request cannot be read", ()),
    401: ("missing, unknown or revoked token", ()),
    403: ("this token may not do this", ()),
    404: ("nothing by that name, or no such route", ("not_found",)),
    408: ("the body did not arrive in time", ("body_timeout",)),
    409: ("the hall's state refuses the move", ("illegal_transition", "nothing_waiting", "id_reused", "...")),
    413: ("the body is over the server's limit", ("too_large",)),
    429: ("this kiosk issued too many tickets in the last minute", ()),
    503: ("the hall store could not write; nothing changed, try again", ()),
}
COMMAND_REFUSALS = (400, 401, 403, 404, 408, 409, 413, 503)

ANY_FILE = {"*/*": {"schema": {}}}
TEXT = {"text/plain": {"schema": {"type": "string"}}}
HTML = {"text/html": {"schema": {"type": "string"}}}


def build_openapi(routes: list, read_routes: list[dict[str, Any]], result_types: dict[type, type],
                  statuses: dict[str, int] | None = None) -> dict[str, Any]:
    """`routes`: POST commands (server.app.Route); `read_routes`: GET operations as OpenAPI fields plus
    `path`, `schema` (the 200 body's type) and `auth` (False: no token needed); `statuses`: error code ->
    HTTP status."""
    codes = {status: [c for c, st in (statuses or {}).items() if st == status] + list(own)
             for status, (_, own) in REFUSALS.items()}
    command_types = [r.command for r in routes]
    extra = list(dict.fromkeys([*P.COMMANDS, P.Error, P.Snapshot, P.Change, P.Result, P.IssuedTicket,
                                *result_types.values(), *(rr["schema"] for rr in read_routes if rr.get("schema"))]))
    types = list(dict.fromkeys([*command_types, *extra]))
    (schemas, components) = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    by_type = dict(zip(types, schemas))
    error = {"application/json": {"schema": by_type[P.Error]}}

    def refusals(*wanted: int) -> dict[str, Any]:
        return {str(s): {"description": f"{REFUSALS[s][0]}: {' / '.join(codes[s])}" if codes[s] else REFUSALS[s][0],
                         "content": error} for s in wanted}

    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        params = [_path_param(name) for name in r.path_params]
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "The command's `id` when the body has none (must equal it when it has one)",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": P.ID_PATTERN}})
        result = result_types.get(r.command, P.Result)
        refused = (*COMMAND_REFUSALS, 429) if r.command in RATE_LIMITED else COMMAND_REFUSALS
        paths.setdefault(r.path, {})["post"] = {
            "operationId": P.command_tag(r.command),
            "summary": r.summary,
            "description": f"Roles: {', '.join(sorted(r.command.roles))}. The `type` field may be omitted; "
                           "path parameters fill the matching fields. An `id` (or Idempotency-Key header) makes "
                           "retries safe: a repeated id returns the first reply (one reused for another command "
                           "is refused: id_reused).",
            "parameters": params,
            "requestBody": _rest_body(components, r.command.__name__),
            "responses": {"200": {"description": "done", "content": {"application/json": {
                "schema": by_type.get(result, {"type": "object"})}}}, **refusals(*sorted(refused))},
        }
    for rr in read_routes:
        # Also other surfaces' operations (e.g. the console's): `method` (default get), `body` (a JSON
        # schema), `html` (the 200 is a page) and `refusals` (more statuses).
        op = {k: v for k, v in rr.items()
              if k not in ("path", "schema", "auth", "method", "body", "html", "refusals", "response",
                           "response_content", "body_content")}
        schema = rr.get("schema")
        body_schema = rr.get("response") or (by_type[schema] if schema in by_type else {"type": "object"})
        op["responses"] = {"200": {"description": "ok", "content": HTML if rr.get("html") else {"application/json": {
            "schema": body_schema}}}}
        if "response_content" in rr:  # not JSON: e.g. a TOML file as text/plain
            op["responses"]["200"]["content"] = rr["response_content"]
        if rr.get("body") is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": rr["body"]}}}
        if "body_content" in rr:
            op["requestBody"] = {"required": True, "content": rr["body_content"]}
        read_refused = set(rr.get("refusals", ()))
        if any(p["in"] == "query" for p in rr.get("parameters", ())):
            read_refused.add(400)  # a malformed parameter is refused with invalid_format
        if any(p["in"] == "path" for p in rr.get("parameters", ())):
            read_refused.add(404)  # nothing by that name (or a value the route cannot match)
        if rr.get("auth", True):
            read_refused |= {401, 403}
        else:
            op["security"] = []
        op["responses"].update(refusals(*sorted(read_refused)))
        paths.setdefault(rr["path"], {})[rr.get("method", "get")] = op
    paths["/ws"] = {"get": _websocket(by_type, refusals)}
    paths["/display"] = {"get": _display_page(error)}
    paths["/static/{path}"] = {"get": _static_file(error)}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "hallq hall server", "version": str(P.PROTOCOL_VERSION),
                 "description": "Queue ticketing for a service hall. REST commands and reads; live updates "
                                "over the WebSocket GET /ws (the same JSON messages). Every JSON refusal is an "
                                "`Error`: {type: \"error\", id, code, message, details}, as on the WebSocket."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "webhooks": openapi_webhooks(),  # what a registered webhook receives (server.notify.webhooks)
        "components": {"schemas": components,
                       "securitySchemes": {
                           "bearer": {"type": "http", "scheme": "bearer"},
                           "query_token": {"type": "apiKey", "in": "query", "name": "token",
                                           "description": "The token in the URL, for WebSocket clients that "
                                                          "cannot set headers (browsers)"}}},
    }


def _path_param(name: str) -> dict[str, Any]:
    schema = {"type": "integer", "minimum": 1, "maximum": 9999} if name == "window" else {"type": "string"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _rest_body(components: dict[str, Any], name: str) -> dict[str, Any]:
    """A command's REST body, as the component NAMEBody: the struct, but `type` may be left out (the
    route says it), and so may the whole body when no other field is required."""
    schema = components[name]
    required = [f for f in schema.get("required", ()) if f != "type"]
    body = {k: v for k, v in schema.items() if k != "required"} | ({"required": required} if required else {})
    components[f"{name}Body"] = body | {"title": f"{name}Body"}
    return {"required": bool(required),
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}Body"}}}}


def _websocket(by_type: dict, refusals) -> dict[str, Any]:
    def one_of(types) -> dict[str, Any]:
        mapping = {t.__struct_config__.tag: by_type[t]["$ref"] for t in types}
        return {"oneOf": [by_type[t] for t in types], "discriminator": {"propertyName": "type", "mapping": mapping}}

    return {
        "operationId": "websocket",
        "summary": "WebSocket: a snapshot, then changes and announcements; commands with ids",
        "description": "A WebSocket upgrade (RFC 6455). The server sends a `Snapshot` first, then a `Change` per "
                       "stored change (announcements inside it); a client may send any command as a JSON text "
                       "frame and gets a `Result` or an `Error` with the same `id`. The message schemas are "
                       "`x-websocket-messages` here and in components/schemas.",
        "security": [{"bearer": []}, {"query_token": []}],
        "responses": {
            "101": {"description": "Switching Protocols: the socket is open"},
            **refusals(400, 401),
        },
        "x-websocket-messages": {"client": one_of(P.COMMANDS),
                                 "server": one_of((P.Snapshot, P.Change, P.Result, P.Error))},
    }


def _display_page(error: dict) -> dict[str, Any]:
    return {
        "operationId": "display_page",
        "summary": "The wall display for TVs that only run a browser",
        "description": "An HTML page; its script reads `token` and `zone` from the query string and opens /ws.",
        "security": [],
        "parameters": [
            {"name": "token", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "A display token, used by the page's script (the page itself needs none)"},
            {"name": "zone", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Show only the windows of this zone"}],
        "responses": {"200": {"description": "the page", "content": HTML},
                      "404": {"description": "not_found: this server has no browser display page",
                              "content": error}},
    }


def _static_file(error: dict) -> dict[str, Any]:
    return {
        "operationId": "static_file",
        "summary": "The display page's script, style sheet and voice clips (e.g. clips/A.wav)",
        "security": [],
        "parameters": [{"name": "path", "in": "path", "required": True, "schema": {"type": "string"},
                        "description": "A file below the server's static folder"}],
        "responses": {
            "200": {"description": "the file, typed by its extension", "content": ANY_FILE},
            # aiohttp's static handler answers these itself (no JSON); a path it cannot match (or a
            # server without a static folder) gets the server's JSON 404.
            "403": {"description": "a folder (plain text)", "content": TEXT},
            "404": {"description": "no such file: an empty body from the static handler, or the JSON not_found",
                    "content": {"application/octet-stream": {"schema": {}}, **error}},
        },
    }


def schema_json(doc: dict[str, Any]) -> bytes:
    return msgspec.json.encode(doc)
