"""The OpenAPI 3 document of every REST route, generated from the route table and the protocol structs."""
from __future__ import annotations

from typing import Any

import msgspec

from queuecore import protocol as P


def build_openapi(routes: list, read_routes: list[dict[str, Any]], result_types: dict[type, type]) -> dict[str, Any]:
    command_types = [r.command for r in routes]
    extra = list(dict.fromkeys([P.Error, P.Snapshot, P.IssuedTicket, *result_types.values(),
                                *(rr["schema"] for rr in read_routes if rr.get("schema"))]))
    (schemas, components) = msgspec.json.schema_components(
        [*command_types, *extra], ref_template="#/components/schemas/{name}")
    by_type = dict(zip([*command_types, *extra], schemas))
    error_ref = by_type[P.Error]
    error_responses = {
        str(code): {"description": desc, "content": {"application/json": {"schema": error_ref}}}
        for code, desc in ((400, "invalid_json / invalid_format / invalid_argument"),
                           (401, "unauthorized: missing or unknown token"),
                           (403, "forbidden / wrong_window / clerk_not_signed_in / bad_credentials"),
                           (404, "unknown_service / unknown_window / unknown_ticket / unknown_appointment"),
                           (409, "the hall's state refuses the move (illegal_transition, nothing_waiting, ...)"))
    }
    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer" if name == "window" else "string"}} for name in r.path_params]
        result = result_types.get(r.command, P.Result)
        paths.setdefault(r.path, {})["post"] = {
            "operationId": P.command_tag(r.command),
            "summary": r.summary,
            "description": f"Roles: {', '.join(sorted(r.command.roles))}. The `type` field may be omitted; "
                           "path parameters fill the matching fields. An `id` (or Idempotency-Key header) makes "
                           "retries safe: a repeated id returns the first reply.",
            "parameters": params,
            "requestBody": {"required": True, "content": {"application/json": {"schema": by_type[r.command]}}},
            "responses": {"200": {"description": "done", "content": {"application/json": {
                "schema": by_type.get(result, {"type": "object"})}}}, **error_responses},
        }
    for rr in read_routes:
        op = {k: v for k, v in rr.items() if k not in ("path", "schema", "auth")}
        schema = rr.get("schema")
        op["responses"] = {"200": {"description": "ok", "content": {"application/json": {
            "schema": by_type[schema] if schema in by_type else {"type": "object"}}}}}
        if rr.get("auth", True):
            op["responses"].update({k: v for k, v in error_responses.items() if k in ("401", "403", "404")})
        else:
            op["security"] = []
        paths.setdefault(rr["path"], {})["get"] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "hallq hall server", "version": str(P.PROTOCOL_VERSION),
                 "description": "Queue ticketing for a service hall. Live updates: WebSocket /ws (same JSON "
                                "messages: snapshot, change, announce, result, error)."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def schema_json(doc: dict[str, Any]) -> bytes:
    return msgspec.json.encode(doc)
