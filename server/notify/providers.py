"""Providers behind one interface: an SMS template API (and its local fake) and signed webhooks.

Rule: a provider only sends and says how it went (sent, failed: try again, refused: never); the
outbox worker decides what that means (queuecore.notify). Our delivery key travels as the
provider's out-id / an Idempotency-Key header, so a resend after a crash is recognised there.
Library and network errors are turned into an Attempt here, at the boundary, and logged once.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

log = logging.getLogger("hallq.notify")


@dataclass(frozen=True)
class Delivery:
    """One message to one address, as the worker hands it to a provider."""

    key: str  # our out-id
    address: str  # a phone number, or a webhook URL
    template: str  # e.g. "ahead", "called", "suspended", "done"; a webhook's event name
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Attempt:
    outcome: str  # "sent" | "failed" (try again) | "refused" (never)
    detail: str = ""
    status: int | None = None  # the HTTP status code, when there was an answer


class Provider(Protocol):
    name: str

    async def send(self, delivery: Delivery) -> Attempt: ...


def _classify(status: int, body: str) -> Attempt:
    if 200 <= status < 300:
        return Attempt("sent", status=status)
    if status == 429 or status >= 500 or status == 408:
        return Attempt("failed", f"HTTP {status} {body[:120]}", status)
    return Attempt("refused", f"HTTP {status} {body[:120]}", status)


@dataclass
class TemplateSms:
    """An SMS cloud's template API (both large Chinese clouds take this shape): a template code per message
    kind, the sign name, the parameters, and our out-id for dedupe. Never a link in a variable."""

    endpoint: str
    sign_name: str
    templates: dict[str, str]  # message kind -> the cloud's template code
    timeout_s: float = 5.0
    name: str = "sms"
    session: aiohttp.ClientSession | None = None

    def body(self, d: Delivery) -> dict[str, Any]:
        if any("://" in v or "www." in v for v in d.params.values()):
            raise ValueError("SMS template variables may not carry links")
        return {"PhoneNumbers": d.address, "SignName": self.sign_name, "TemplateCode": self.templates[d.template],
                "TemplateParam": json.dumps(d.params, ensure_ascii=False, sort_keys=True), "OutId": d.key}

    async def send(self, d: Delivery) -> Attempt:
        if d.template not in self.templates:
            return Attempt("refused", f"no template for {d.template!r}")
        try:
            body = self.body(d)
        except ValueError as exc:
            return Attempt("refused", str(exc))
        return await _post(self.session, self.endpoint, json.dumps(body, ensure_ascii=False).encode(),
                           {"Content-Type": "application/json"}, self.timeout_s)


@dataclass
class Webhook:
    """A JSON body signed with HMAC-SHA256 over "<timestamp>.<body>" in X-Hallq-Signature (t=..., v1=...)."""

    secret: bytes
    timeout_s: float = 5.0
    name: str = "webhook"
    session: aiohttp.ClientSession | None = None

    def signed(self, d: Delivery, now: float | None = None) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"id": d.key, "event": d.template, "data": d.params}, ensure_ascii=False,
                          sort_keys=True).encode()
        ts = str(int(now if now is not None else time.time()))
        sig = hmac.new(self.secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        return body, {"Content-Type": "application/json", "X-Hallq-Signature": f"t={ts},v1={sig}",
                      "Idempotency-Key": d.key}

    async def send(self, d: Delivery) -> Attempt:
        body, headers = self.signed(d)
        return await _post(self.session, d.address, body, headers, self.timeout_s)


def verify_signature(secret: bytes, header: str, body: bytes, now: float, tolerance_s: float = 300) -> bool:
    """What a receiver checks (and our tests do): the HMAC, and a timestamp not older than the tolerance."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        ts = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = hmac.new(secret, str(ts).encode() + b"." + body, hashlib.sha256).hexdigest()
    return abs(now - ts) <= tolerance_s and hmac.compare_digest(expected, parts.get("v1", ""))


async def _post(session: aiohttp.ClientSession | None, url: str, body: bytes, headers: dict[str, str],
                timeout_s: float) -> Attempt:
    status, text = await _post_raw(session, url, body, headers, timeout_s)
    return Attempt("failed", text) if status is None else _classify(status, text)


async def _post_raw(session: aiohttp.ClientSession | None, url: str, body: bytes, headers: dict[str, str],
                    timeout_s: float) -> tuple[int | None, str]:
    """POST and return (status, body text), or (None, what went wrong) when nothing came back."""
    own = session is None
    s = session or aiohttp.ClientSession()
    try:
        async with s.post(url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout_s)) as r:
            return r.status, await r.text()
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        log.warning("delivery to %s failed: %s", url.split("?")[0], type(exc).__name__)
        return None, "timeout" if isinstance(exc, asyncio.TimeoutError) else type(exc).__name__
    finally:
        if own:
            await s.close()
