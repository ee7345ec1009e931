"""Webhooks: an admin registers a URL and the hall events it wants; each event becomes an outbox row in the commit
of the change that caused it, delivered signed (HMAC-SHA256) by the same worker as the SMS, with a delivery log.

Rule: a delivery is keyed `wh:<hook>:<hall version>:<event index>`, so a replayed change never queues it twice
and a resend after a crash carries the same key (body `id`, header Idempotency-Key). The secret is made here,
shown once in the registration's reply, and kept sealed at rest (server.notify.outbox.Cipher): the worker needs
it to sign. A deleted webhook keeps its delivery log; what it still had queued goes to the dead letter.

How a receiver checks a delivery (also in the OpenAPI document's `webhooks` section):
  X-Hallq-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
  compute the HMAC over the raw bytes as received, compare in constant time, and refuse a `t` more than five
  minutes from now (a replay); providers.verify_signature does exactly this.
"""
from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec

from queuecore import events as ev
from queuecore import notify as N
from queuecore.hall import Hall
from server.store import immediate

SIGNATURE_HEADER = "X-Hallq-Signature"
MAX_HOOKS = 20
MAX_URL = 500
ID_RE = re.compile(r"^wh_[A-Za-z0-9_-]{8,32}$")


def _tags(cls: type) -> list[str]:
    out = []
    for sub in cls.__subclasses__():
        tag = sub.__struct_config__.tag
        if isinstance(tag, str):
            out.append(tag)
        out.extend(_tags(sub))
    return out


EVENTS: tuple[str, ...] = tuple(sorted(set(_tags(ev.Event))))  # every event of the hall, by its wire tag


class WebhookError(Exception):
    """Bad input for a registration: a stable code and a message; nothing is stored."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def check_registration(body: Any) -> tuple[str, list[str], str]:
    """The URL, the events and the description of a registration body, or WebhookError."""
    if not isinstance(body, dict):
        raise WebhookError("invalid_format", "send a JSON object with url and events")
    unknown = set(body) - {"url", "events", "description"}
    if unknown:
        raise WebhookError("invalid_format", f"unknown fields: {', '.join(sorted(unknown))}")
    url, events, description = body.get("url"), body.get("events"), body.get("description", "")
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise WebhookError("invalid_argument", f"url: an http(s) URL of at most {MAX_URL} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password \
            or any(c.isspace() for c in url):
        raise WebhookError("invalid_argument", "url: an http:// or https:// URL with a host (no credentials)")
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise WebhookError("invalid_argument", "events: a non-empty list of event names")
    bad = sorted(set(events) - set(EVENTS))
    if bad:
        raise WebhookError("unknown_event", f"unknown events: {', '.join(bad)} (known: {', '.join(EVENTS)})")
    if not isinstance(description, str) or len(description) > 200:
        raise WebhookError("invalid_argument", "description: text of at most 200 characters")
    return url, sorted(set(events)), description


class Webhooks:
    """The registered webhooks (the `webhooks` table), their delivery rows and their delivery log."""

    def __init__(self, conn, cipher) -> None:
        self.conn, self.cipher = conn, cipher
        self.active: dict[str, tuple[str, frozenset[str]]] = {}  # id -> (url, events)
        self.load()

    def load(self) -> None:
        self.active = {}
        for hid, url, events in self.conn.execute("SELECT id, url, events FROM webhooks WHERE deleted_at IS NULL"):
            self.active[hid] = (url, frozenset(json.loads(events)))

    # ------------------------------------------------------------ admin
    def register(self, url: str, events: list[str], description: str, now: datetime,
                 audit: Callable[[str], tuple] | None) -> dict[str, Any]:
        """Store it (and its audit row, made from its id: never the secret) in one transaction."""
        if len(self.active) >= MAX_HOOKS:
            raise WebhookError("too_many_webhooks", f"at most {MAX_HOOKS} webhooks; delete one first", 409)
        hid, secret = "wh_" + secrets.token_urlsafe(12), "whsec_" + secrets.token_urlsafe(32)
        from server.store import _AUDIT_INSERT

        with immediate(self.conn):
            self.conn.execute("INSERT INTO webhooks (id, url, events, description, secret, created_at, deleted_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, NULL)", (hid, url, json.dumps(events), description,
                                                                   self.cipher.seal(secret), now.isoformat()))
            if audit:
                self.conn.execute(_AUDIT_INSERT, audit(hid))
        self.active[hid] = (url, frozenset(events))
        return {**self.get(hid), "secret": secret}

    def delete(self, hid: str, now: datetime, audit: tuple | None) -> dict[str, Any]:
        if hid not in self.active:
            raise WebhookError("unknown_webhook", f"no webhook {hid}", 404)
        from server.store import _AUDIT_INSERT

        with immediate(self.conn):
            self.conn.execute("UPDATE webhooks SET deleted_at = ? WHERE id = ?", (now.isoformat(), hid))
            if audit:
                self.conn.execute(_AUDIT_INSERT, audit)
        del self.active[hid]
        return self.get(hid)

    def get(self, hid: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT id, url, events, description, created_at, deleted_at FROM webhooks "
                                "WHERE id = ?", (hid,)).fetchone() if ID_RE.match(hid) else None
        if row is None:
            raise WebhookError("unknown_webhook", f"no webhook {hid}", 404)
        return {"id": row[0], "url": row[1], "events": json.loads(row[2]), "description": row[3],
                "created_at": row[4], "deleted_at": row[5]}

    def list(self) -> list[dict[str, Any]]:
        return [self.get(hid) for hid in sorted(self.active)]

    # ------------------------------------------------------------ the change's commit
    def rows_for(self, hall: Hall, events: list[ev.Event], now: datetime) -> list[tuple]:
        if not self.active:
            return []
        day = (hall.day or now.date()).isoformat()
        out = []
        for i, e in enumerate(events):
            tag = type(e).__struct_config__.tag
            data = None
            for hid, (_, wanted) in self.active.items():
                if tag not in wanted:
                    continue
                if data is None:
                    data = msgspec.json.encode(e).decode()
                out.append((f"wh:{hid}:{hall.version}:{i}", day, getattr(e, "ticket_id", None) or "", "webhook",
                            hid, tag, data, str(N.DeliveryStatus.QUEUED), 0, now.isoformat(), "", now.isoformat(),
                            None))
        return out

    # ------------------------------------------------------------ the worker
    def target(self, hid: str) -> tuple[str, bytes] | None:
        """The URL and secret of a live webhook (None: deleted)."""
        if hid not in self.active:
            return None
        row = self.conn.execute("SELECT url, secret FROM webhooks WHERE id = ?", (hid,)).fetchone()
        return (row[0], self.cipher.open(row[1]).encode()) if row else None

    def log_attempt(self, key: str, hid: str, attempt: int, at: datetime, status_code: int | None, outcome: str,
                    error: str, took_ms: float) -> None:
        with immediate(self.conn):
            self.conn.execute("INSERT INTO webhook_attempts (key, webhook, attempt, at, status_code, outcome, error, "
                              "took_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              (key, hid, attempt, at.isoformat(), status_code, outcome, error[:200],
                               round(took_ms, 1)))

    def deliveries(self, hid: str, limit: int = 100) -> list[dict[str, Any]]:
        """The delivery log of a webhook, newest first: each delivery's status and every attempt."""
        self.get(hid)  # unknown_webhook
        rows = self.conn.execute("SELECT key, template, status, attempts, next_at, last_error, created_at, sent_at "
                                 "FROM outbox WHERE channel = 'webhook' AND address = ? ORDER BY created_at DESC, "
                                 "key DESC LIMIT ?", (hid, limit)).fetchall()
        tries: dict[str, list[dict]] = {}
        if rows:
            marks = ",".join("?" for _ in rows)
            for key, attempt, at, code, outcome, error, took in self.conn.execute(
                    f"SELECT key, attempt, at, status_code, outcome, error, took_ms FROM webhook_attempts WHERE key IN "
                    f"({marks}) ORDER BY attempt", [r[0] for r in rows]):
                tries.setdefault(key, []).append({"attempt": attempt, "at": at, "status_code": code,
                                                  "outcome": outcome, "error": error, "took_ms": took})
        return [{"id": key, "event": event, "status": status, "attempts": attempts, "next_at": next_at,
                 "last_error": last_error, "created_at": created, "delivered_at": sent, "log": tries.get(key, [])}
                for key, event, status, attempts, next_at, last_error, created, sent in rows]


# ---------------------------------------------------------------- the OpenAPI document

_STR = {"type": "string"}
WEBHOOK_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["id", "url", "events", "description", "created_at", "deleted_at"],
    "properties": {"id": _STR, "url": _STR, "events": {"type": "array", "items": {"type": "string", "enum": list(EVENTS)}},
                   "description": _STR, "created_at": _STR, "deleted_at": {"type": ["string", "null"]},
                   "secret": {"type": "string", "description": "Only in the registration's reply: shown once"}}}
DELIVERY_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["id", "event", "status", "attempts", "log"],
    "properties": {
        "id": _STR, "event": _STR, "status": {"type": "string", "enum": [str(s) for s in N.DeliveryStatus]},
        "attempts": {"type": "integer"}, "next_at": {"type": ["string", "null"]},
        "last_error": {"type": ["string", "null"]}, "created_at": _STR, "delivered_at": {"type": ["string", "null"]},
        "log": {"type": "array", "items": {"type": "object", "properties": {
            "attempt": {"type": "integer"}, "at": _STR, "status_code": {"type": ["integer", "null"]},
            "outcome": {"type": "string", "enum": ["sent", "failed", "refused"]}, "error": _STR,
            "took_ms": {"type": "number"}}}}}}
_HOOK_ID = [{"name": "webhook_id", "in": "path", "required": True, "schema": {"type": "string"}}]
OPENAPI_ROUTES: list[dict[str, Any]] = [
    {"path": "/api/webhooks", "method": "post", "operationId": "register_webhook", "summary": "Register a webhook: "
     "a URL and the hall events it wants (admin; audited). The reply carries the signing secret, shown this once. "
     "Refusals: invalid_format, invalid_argument, unknown_event (400), too_many_webhooks (409)",
     "body": {"type": "object", "required": ["url", "events"], "additionalProperties": False, "properties": {
         "url": {"type": "string", "maxLength": MAX_URL}, "description": {"type": "string", "maxLength": 200},
         "events": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(EVENTS)}}}},
     "response": WEBHOOK_SCHEMA, "refusals": (400, 409)},
    {"path": "/api/webhooks", "operationId": "list_webhooks", "summary": "The registered webhooks (admin; "
     "secrets are never shown again)", "response": {"type": "array", "items": WEBHOOK_SCHEMA}},
    {"path": "/api/webhooks/{webhook_id}", "method": "delete", "operationId": "delete_webhook", "summary": "Delete "
     "a webhook (admin; audited): nothing more is queued for it, what was queued goes to the dead letter, its "
     "delivery log stays", "parameters": _HOOK_ID, "response": WEBHOOK_SCHEMA},
    {"path": "/api/webhooks/{webhook_id}/deliveries", "operationId": "webhook_deliveries", "summary": "A webhook's "
     "delivery log, newest first: each delivery's status (queued, retrying, sent, dead) and every attempt with its "
     "HTTP status code and error (admin)", "parameters": _HOOK_ID,
     "response": {"type": "array", "items": DELIVERY_SCHEMA}},
]


def openapi_webhooks() -> dict[str, Any]:
    """The OpenAPI 3.1 `webhooks` section: one POST per event, as a receiver gets it."""
    header = {"name": SIGNATURE_HEADER, "in": "header", "required": True, "schema": {"type": "string"},
              "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" keyed with the webhook's "
                             "secret>. Verify: recompute over the raw body bytes, compare in constant time, refuse "
                             "a t more than 300 s from now."}
    idem = {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string"},
            "description": "The delivery id (= the body's id): the same after a retry or a crash; drop repeats"}
    out = {}
    for tag in EVENTS:
        out[tag] = {"post": {
            "operationId": f"webhook_{tag}",
            "summary": f"The hall event {tag}, delivered to a webhook that asked for it",
            "description": "Sent from the durable outbox: retried with exponential backoff on a timeout, a network "
                           "error, 408, 429 or 5xx, until [notify.webhooks] max_attempts, then dead-lettered; any "
                           "other 4xx is final. Answer 2xx quickly.",
            "parameters": [header, idem],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["id", "event", "data"], "properties": {
                    "id": {"type": "string", "description": "The delivery id: wh:<webhook>:<hall version>:<n>"},
                    "event": {"type": "string", "const": tag},
                    "data": {"type": "object", "description": "The event as on the WebSocket (type, at, ...)"}}}}}},
            "responses": {"2XX": {"description": "received"}},
        }}
    return out
