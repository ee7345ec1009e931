"""/api/webhooks: an admin registers, lists and deletes webhooks and reads their delivery log (server.notify.webhooks).

Registration and deletion are audited; a refusal is the protocol's Error with a stable code and stores nothing.
"""
from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from server.notify.webhooks import OPENAPI_ROUTES, WebhookError, check_registration
from server.service import _audit_row

__all__ = ["OPENAPI_ROUTES", "mount"]


def mount(app: web.Application) -> None:
    """Add the webhook routes (admin only); call before the catch-all route."""
    from server.app import SERVICE, _json, guard

    guarded = guard({"admin"}, refusal="a {role} may not manage webhooks", errors=(WebhookError,))

    @guarded
    async def register_webhook(request: web.Request, who) -> web.Response:
        try:
            body: Any = msgspec.json.decode(await request.read())
        except msgspec.DecodeError:
            raise WebhookError("invalid_json", "send a JSON object") from None
        url, events, description = check_registration(body)
        service = request.app[SERVICE]
        now = service.clock()
        hook = service.outbox.webhooks.register(url, events, description, now, lambda hid: _audit_row(
            now, who, "webhook_registered", {"id": hid, "url": url, "events": events}))
        return _json(hook)

    @guarded
    async def list_webhooks(request: web.Request, who) -> web.Response:
        return _json(request.app[SERVICE].outbox.webhooks.list())

    @guarded
    async def delete_webhook(request: web.Request, who) -> web.Response:
        service = request.app[SERVICE]
        now = service.clock()
        hid = request.match_info["webhook_id"]
        hook = service.outbox.webhooks.delete(hid, now, _audit_row(now, who, "webhook_deleted", {"id": hid}))
        return _json(hook)

    @guarded
    async def webhook_deliveries(request: web.Request, who) -> web.Response:
        return _json(request.app[SERVICE].outbox.webhooks.deliveries(request.match_info["webhook_id"]))

    app.router.add_post("/api/webhooks", register_webhook)
    app.router.add_get("/api/webhooks", list_webhooks)
    app.router.add_delete("/api/webhooks/{webhook_id}", delete_webhook)
    app.router.add_get("/api/webhooks/{webhook_id}/deliveries", webhook_deliveries)
