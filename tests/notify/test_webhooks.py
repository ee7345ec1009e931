"""Webhooks: an admin registers a URL and events (audited; bad input refused, nothing stored), the hall's events are
delivered signed from the durable outbox to a receiver on 127.0.0.1 that fails (5xx), is slow (timeout), then
succeeds; the receiver verifies each signature; the delivery log shows every attempt; a dead letter after N tries."""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import web

from server.app import SERVICE
from server.notify.providers import verify_signature
from server.notify.webhooks import EVENTS
from tests.phone.test_phone_api import issue, sign_in


class Receiver:
    """A webhook receiver on 127.0.0.1: answers by `modes` (fail, slow, refuse, then ok), checks each signature."""

    def __init__(self) -> None:
        self.secret = b""
        self.modes: list[str] = []
        self.slow_s = 1.0
        self.verified: list[dict] = []  # accepted bodies whose signature checked out
        self.bad_signatures = 0
        self.hits = 0
        self.answered_at: list[float] = []  # wall clock, each answer

    async def handle(self, request: web.Request) -> web.Response:
        self.hits += 1
        body = await request.read()
        mode = self.modes.pop(0) if self.modes else "ok"
        if mode == "fail":
            return web.Response(status=503, text="down for a moment")
        if mode == "refuse":
            return web.Response(status=410, text="gone")
        if mode == "slow":
            await asyncio.sleep(self.slow_s)
            self.answered_at.append(time.time())
            return web.Response(status=200)
        if not verify_signature(self.secret, request.headers.get("X-Hallq-Signature", ""), body, time.time()):
            self.bad_signatures += 1
            return web.Response(status=401, text="bad signature")
        data = json.loads(body)
        assert request.headers["Idempotency-Key"] == data["id"]
        self.verified.append(data)
        self.answered_at.append(time.time())
        return web.json_response({"ok": True})


@pytest.fixture
async def receiver(aiohttp_server):
    r = Receiver()
    app = web.Application()
    app.router.add_post("/hook", r.handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    r.url = str(server.make_url("/hook"))
    return r


@pytest.fixture
async def time_passes(clock):
    """The hall's clock runs 50 times faster than the wall's: retries fall due."""
    async def run() -> None:
        while True:
            await asyncio.sleep(0.02)
            clock.advance(seconds=1)

    task = asyncio.create_task(run())
    yield
    task.cancel()


def hook_server(make_server, **webhooks):
    return make_server(extra={"notify": {"poll_s": 0.05, "webhooks": {"base_s": 0.05, "cap_s": 0.1,
                                                                      "timeout_s": 0.3, **webhooks}}})


async def register(srv, url: str, events: list[str], who: str = "admin"):
    return await srv.client.post("/api/webhooks", json={"url": url, "events": events}, headers=srv.auth(who))


async def until(check, timeout: float = 5.0):
    for _ in range(int(timeout / 0.02)):
        if result := check():
            return result
        await asyncio.sleep(0.02)
    raise AssertionError("not within the time")


def audit(srv) -> list[tuple]:
    return srv.client.app[SERVICE].store.conn.execute("SELECT actor, action, detail FROM audit").fetchall()


async def test_registration_is_admin_only_checked_audited_and_shows_the_secret_once(make_server, receiver) -> None:
    srv = await hook_server(make_server)
    store = srv.client.app[SERVICE].store
    assert (await register(srv, receiver.url, ["ticket_called"], who="kiosk")).status == 403
    assert (await srv.client.get("/api/webhooks")).status == 401
    for body, code in (({"url": "ftp://127.0.0.1/x", "events": ["ticket_called"]}, "invalid_argument"),
                       ({"url": "http://user:pw@127.0.0.1/x", "events": ["ticket_called"]}, "invalid_argument"),
                       ({"url": receiver.url, "events": []}, "invalid_argument"),
                       ({"url": receiver.url, "events": ["ticket_teleported"]}, "unknown_event"),
                       ({"url": receiver.url, "events": ["ticket_called"], "secret": "mine"}, "invalid_format")):
        r = await srv.client.post("/api/webhooks", json=body, headers=srv.auth("admin"))
        assert r.status == 400 and (await r.json())["code"] == code, body
    assert store.conn.execute("SELECT COUNT(*) FROM webhooks").fetchone()[0] == 0  # nothing stored
    assert not [a for a in audit(srv) if a[1].startswith("webhook")]

    r = await register(srv, receiver.url, ["ticket_called", "ticket_issued"])
    assert r.status == 200
    hook = await r.json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == ["ticket_called", "ticket_issued"]
    listed = await (await srv.client.get("/api/webhooks", headers=srv.auth("admin"))).json()
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]  # shown once
    dump = "\n".join(store.conn.iterdump())
    assert hook["secret"] not in dump  # sealed at rest, and not in the audit
    assert ("admin:test-admin", "webhook_registered") in [a[:2] for a in audit(srv)]

    r = await srv.client.delete(f"/api/webhooks/{hook['id']}", headers=srv.auth("admin"))
    assert r.status == 200 and (await r.json())["deleted_at"]
    assert (await srv.client.delete(f"/api/webhooks/{hook['id']}", headers=srv.auth("admin"))).status == 404
    assert (await srv.client.get("/api/webhooks/wh_nosuchhook1/deliveries", headers=srv.auth("admin"))).status == 404
    assert ("admin:test-admin", "webhook_deleted") in [a[:2] for a in audit(srv)]
    assert set(EVENTS) >= {"ticket_issued", "ticket_called", "ticket_finished", "visit_rated"}


async def test_a_failing_then_slow_receiver_gets_each_event_once_signed_with_every_attempt_logged(
        make_server, receiver, time_passes) -> None:
    srv = await hook_server(make_server)
    hook = await (await register(srv, receiver.url, ["ticket_called"])).json()
    receiver.secret = hook["secret"].encode()
    receiver.modes = ["fail", "slow"]  # 503, then longer than the 0.3 s timeout, then OK
    await issue(srv)
    await sign_in(srv, 1, "s1")
    called = await (await srv.post("/api/windows/1/call-next", "window1")).json()
    await until(lambda: receiver.verified)
    assert receiver.bad_signatures == 0
    [body] = receiver.verified
    assert body["event"] == "ticket_called" and body["data"]["ticket_id"] == called["ticket"]["id"]
    assert body["data"]["type"] == "ticket_called" and body["data"]["window"] == 1

    log = await (await srv.client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=srv.auth("admin"))).json()
    [delivery] = log
    assert delivery["id"] == body["id"] and delivery["status"] == "sent" and delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["log"]] == [503, None, 200]
    assert [a["outcome"] for a in delivery["log"]] == ["failed", "failed", "sent"]
    assert "503" in delivery["log"][0]["error"] and delivery["log"][1]["error"] == "timeout"
    # Events the webhook did not ask for are not queued for it.
    assert srv.client.app[SERVICE].store.conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook'").fetchone()[0] == 1

    # A tampered body or another secret does not verify (what the receiver relies on).
    from server.notify.providers import Delivery, Webhook

    raw, headers = Webhook(secret=hook["secret"].encode()).signed(Delivery(key="k", address="", template="x"))
    assert verify_signature(hook["secret"].encode(), headers["X-Hallq-Signature"], raw, time.time())
    assert not verify_signature(hook["secret"].encode(), headers["X-Hallq-Signature"], raw + b" ", time.time())
    assert not verify_signature(b"another", headers["X-Hallq-Signature"], raw, time.time())
    assert not verify_signature(hook["secret"].encode(), headers["X-Hallq-Signature"], raw, time.time() + 3600)


async def test_after_max_attempts_a_delivery_is_dead_and_a_final_refusal_is_not_retried(make_server, receiver,
                                                                                         time_passes) -> None:
    srv = await hook_server(make_server, max_attempts=3)
    hook = await (await register(srv, receiver.url, ["ticket_issued"])).json()
    receiver.secret = hook["secret"].encode()
    receiver.modes = ["fail"] * 3 + ["refuse"]
    await issue(srv)
    path = f"/api/webhooks/{hook['id']}/deliveries"

    async def statuses():
        return [d["status"] for d in await (await srv.client.get(path, headers=srv.auth("admin"))).json()]

    for _ in range(250):
        if await statuses() == ["dead"]:
            break
        await asyncio.sleep(0.02)
    [dead] = await (await srv.client.get(path, headers=srv.auth("admin"))).json()
    assert dead["status"] == "dead" and dead["attempts"] == 3 and len(dead["log"]) == 3
    await issue(srv)  # the receiver now answers 410: final at once
    for _ in range(250):
        if await statuses() == ["dead", "dead"]:
            break
        await asyncio.sleep(0.02)
    refused = (await (await srv.client.get(path, headers=srv.auth("admin"))).json())[0]
    assert refused["status"] == "dead" and refused["attempts"] == 1 and refused["log"][0]["status_code"] == 410
    assert receiver.hits == 4


async def test_a_deleted_webhook_gets_nothing_more_and_its_queued_deliveries_go_to_the_dead_letter(
        make_server, receiver) -> None:
    srv = await hook_server(make_server, base_s=30.0, cap_s=60.0)
    hook = await (await register(srv, receiver.url, ["ticket_issued"])).json()
    receiver.modes = ["fail"]
    await issue(srv)
    conn = srv.client.app[SERVICE].store.conn
    await until(lambda: conn.execute("SELECT status FROM outbox WHERE channel = 'webhook'").fetchone() == ("retrying",))
    assert (await srv.client.delete(f"/api/webhooks/{hook['id']}", headers=srv.auth("admin"))).status == 200
    conn.execute("UPDATE outbox SET next_at = '' WHERE channel = 'webhook'")  # due now, not in 30 s
    await issue(srv)  # after the deletion: not queued
    await until(lambda: conn.execute("SELECT status FROM outbox WHERE channel = 'webhook'").fetchall() == [("dead",)])
    log = await (await srv.client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=srv.auth("admin"))).json()
    assert log[0]["log"][-1]["error"] == "webhook deleted" and receiver.hits == 1


async def test_a_slow_receiver_holds_up_only_its_own_deliveries(make_server, receiver, aiohttp_server) -> None:
    fast = Receiver()
    app = web.Application()
    app.router.add_post("/hook", fast.handle)
    fast_url = str((await aiohttp_server(app, host="127.0.0.1")).make_url("/hook"))
    srv = await hook_server(make_server, timeout_s=5.0)
    slow_hook = await (await register(srv, receiver.url, ["ticket_issued"])).json()
    fast.secret = (await (await register(srv, fast_url, ["ticket_issued"])).json())["secret"].encode()
    receiver.secret = slow_hook["secret"].encode()
    receiver.modes, receiver.slow_s = ["slow"], 1.0  # answers 200 after a second (within the 5 s timeout)
    await issue(srv)
    await until(lambda: fast.verified and receiver.answered_at)
    assert fast.answered_at[0] < receiver.answered_at[0] - 0.5  # not queued behind the slow one


def test_the_openapi_document_describes_each_webhook_event_and_its_signature() -> None:
    from openapi_spec_validator import validate

    from server.app import READ_ROUTES, RESULT_TYPES, ROUTES, STATUS
    from server.openapi import build_openapi, schema_json

    doc = json.loads(schema_json(build_openapi(ROUTES, READ_ROUTES, RESULT_TYPES, STATUS)))
    validate(doc)
    assert set(doc["webhooks"]) == set(EVENTS)
    called = doc["webhooks"]["ticket_called"]["post"]
    headers = {p["name"]: p for p in called["parameters"]}
    assert "HMAC-SHA256" in headers["X-Hallq-Signature"]["description"] and "Idempotency-Key" in headers
    body = called["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["event"]["const"] == "ticket_called"
    assert {"post", "get"} <= set(doc["paths"]["/api/webhooks"]) and "delete" in doc["paths"]["/api/webhooks/{webhook_id}"]


async def test_a_registration_whose_audit_row_fails_leaves_nothing_stored(make_server, receiver, clock) -> None:
    srv = await hook_server(make_server)
    hooks = srv.client.app[SERVICE].outbox.webhooks

    def broken_audit(hid: str) -> tuple:
        raise RuntimeError("audit row could not be made")

    with pytest.raises(RuntimeError):
        hooks.register(receiver.url, ["ticket_called"], "", clock(), broken_audit)
    assert hooks.active == {} and hooks.conn.execute("SELECT COUNT(*) FROM webhooks").fetchone()[0] == 0
