"""The durable notification outbox: opt-ins, the rows a change writes in its own commit, and the worker that sends.

Rule: a message is a row written in the same transaction as the change that caused it (see
HallService._stage), keyed by our out-id, so a crash can neither lose it nor queue it twice. The
worker sends due rows and records each attempt by queuecore.notify's table. A crash between a
send and its record means one resend under the same out-id, which the provider (or receiver)
recognises; nothing is ever sent under a second key. Phone numbers are stored encrypted
(HMAC-SHA256 keystream with a random nonce, then an HMAC tag) with a key file next to the store,
shown masked, and deleted once their day is over.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from queuecore import events as ev
from queuecore import notify as N
from queuecore.hall import Hall
from queuecore.notify import CONSENT_ZH
from queuecore.policy import queue_positions
from server.notify.providers import Attempt, Delivery, Provider, Webhook
from server.notify.webhooks import Webhooks

log = logging.getLogger("hallq.notify")

POSITIONS = (5, 3, 1)  # 前面还有 N 人 at these places


class Cipher:
    """Encrypt-then-MAC with the standard library: HMAC-SHA256 in counter mode as the keystream."""

    def __init__(self, key: bytes) -> None:
        self.enc, self.mac = hashlib.sha256(b"enc" + key).digest(), hashlib.sha256(b"mac" + key).digest()

    @classmethod
    def from_dir(cls, data_dir: Path) -> Cipher:
        path = data_dir / "notify.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        return cls(path.read_bytes())

    def _stream(self, nonce: bytes, n: int) -> bytes:
        out = b""
        counter = 0
        while len(out) < n:
            out += hmac.new(self.enc, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
            counter += 1
        return out[:n]

    def seal(self, text: str) -> str:
        nonce = secrets.token_bytes(16)
        data = text.encode()
        body = nonce + bytes(a ^ b for a, b in zip(data, self._stream(nonce, len(data))))
        return (body + hmac.new(self.mac, body, hashlib.sha256).digest()).hex()

    def open(self, sealed: str) -> str:
        raw = bytes.fromhex(sealed)
        body, tag = raw[:-32], raw[-32:]
        if not hmac.compare_digest(tag, hmac.new(self.mac, body, hashlib.sha256).digest()):
            raise ValueError("a sealed phone number was altered")
        nonce, data = body[:16], body[16:]
        return bytes(a ^ b for a, b in zip(data, self._stream(nonce, len(data)))).decode()


class Outbox:
    """Today's opt-ins in memory (ticket id -> number, sealed address), the positions already announced."""

    def __init__(self, conn, cipher: Cipher, day: date | None, positions: tuple[int, ...] = POSITIONS) -> None:
        self.conn, self.cipher, self.positions = conn, cipher, positions
        self.subscribed: dict[str, str] = {}
        self.addresses: dict[str, str] = {}
        self.masked: dict[str, str] = {}
        self.alerted: dict[str, int] = {}
        self.webhooks = Webhooks(conn, cipher)  # registered by an admin; their rows ride in the same commits
        self.load(day)

    def load(self, day: date | None) -> None:
        for d in (self.subscribed, self.addresses, self.masked, self.alerted):
            d.clear()
        if day is None:
            return
        for tid, number, sealed, masked in self.conn.execute(
                "SELECT ticket_id, number, address, masked FROM notify_subscriptions WHERE day = ?",
                (day.isoformat(),)):
            self.subscribed[tid], self.addresses[tid], self.masked[tid] = number, sealed, masked
        for (key,) in self.conn.execute("SELECT key FROM outbox WHERE day = ? AND template = 'ahead'",
                                        (day.isoformat(),)):
            tid, _, pos = key.rpartition(":ahead:")
            self.alerted[tid] = min(int(pos), self.alerted.get(tid, int(pos)))

    def subscribe(self, ticket_id: str, number: str, day: date, phone: str, now: datetime) -> str:
        """Opt in (with the consent line shown); written at once. Returns the masked number."""
        sealed = self.cipher.seal(phone)
        masked = N.mask_phone(phone)
        with self.conn:
            self.conn.execute("INSERT INTO notify_subscriptions (ticket_id, day, number, channel, address, masked, "
                              "consent_at, consent_text) VALUES (?, ?, ?, 'sms', ?, ?, ?, ?) ON CONFLICT(ticket_id) DO "
                              "UPDATE SET address = excluded.address, masked = excluded.masked, "
                              "consent_at = excluded.consent_at",
                              (ticket_id, day.isoformat(), number, sealed, masked, now.isoformat(), CONSENT_ZH))
        self.subscribed[ticket_id], self.addresses[ticket_id], self.masked[ticket_id] = number, sealed, masked
        return masked

    def rows_for(self, hall: Hall, events: list[ev.Event], now: datetime) -> list[tuple]:
        """The outbox rows a decision's events cause, for its commit (HallService._stage)."""
        hooks = self.webhooks.rows_for(hall, events, now)
        if not self.subscribed:
            return hooks
        if any(isinstance(e, ev.DayStarted) for e in events):
            self.load(None)
            return hooks
        waiting = {tid: t for tid in self.subscribed if (t := hall.tickets.get(tid)) is not None
                   and t.status == "waiting"}
        positions: dict[str, int] = {}  # each queue with a subscriber scored once, not once per subscriber
        for code in {t.service for t in waiting.values()}:
            positions.update(queue_positions(hall.waiting.get(code, {}).values(), hall.priorities, now))
        ahead = {tid: positions[tid] for tid in waiting}
        names = {wid: wc.name_zh for wid, wc in hall.window_configs.items()}
        messages, self.alerted = N.messages_for(events, self.subscribed, names, ahead, self.positions, self.alerted)
        day = (hall.day or now.date()).isoformat()
        return hooks + [(m.key, day, m.ticket_id, "sms", self.addresses[m.ticket_id], str(m.kind),
                 json.dumps(dict(m.params), ensure_ascii=False), str(N.DeliveryStatus.QUEUED), 0, now.isoformat(),
                 "", now.isoformat(), None) for m in messages]

    # ------------------------------------------------------------ the worker's side

    def due(self, now: datetime, limit: int = 100, channels: tuple[str, ...] = ("sms", "webhook")) -> list[tuple]:
        marks = ",".join("?" for _ in channels)
        return self.conn.execute("SELECT key, status, attempts, address, template, params, channel FROM outbox WHERE "
                                 f"status IN ('queued', 'retrying') AND next_at <= ? AND channel IN ({marks}) "
                                 "ORDER BY next_at LIMIT ?", (now.isoformat(), *channels, limit)).fetchall()

    def record(self, key: str, status: N.DeliveryStatus, attempts: int, next_at: datetime | None, error: str,
               now: datetime) -> None:
        with self.conn:
            self.conn.execute("UPDATE outbox SET status = ?, attempts = ?, next_at = ?, last_error = ?, sent_at = ? "
                              "WHERE key = ?", (str(status), attempts, next_at.isoformat() if next_at else None,
                                                error[:200], now.isoformat() if status is N.S else None, key))

    def purge(self, today: date) -> int:
        """Numbers are deleted once their day is over (the deliveries keep their status, not the address)."""
        with self.conn:
            n = self.conn.execute("DELETE FROM notify_subscriptions WHERE day < ?", (today.isoformat(),)).rowcount
            self.conn.execute("UPDATE outbox SET address = '' WHERE day < ? AND channel = 'sms' AND address != ''",
                              (today.isoformat(),))
        return n


async def run_worker(outbox: Outbox, provider: Provider | None, clock: Callable[[], datetime], wake: asyncio.Event,
                     retry: N.Retry = N.Retry(), poll_s: float = 1.0, webhook_retry: N.Retry | None = None,
                     webhook_timeout_s: float = 5.0) -> None:
    """Send what is due (SMS through `provider`, when there is one; webhooks signed, to their URLs), record each
    attempt; woken by every stored change (and every poll_s)."""
    import aiohttp

    purged: date | None = None
    channels = ("sms", "webhook") if provider is not None else ("webhook",)
    async with aiohttp.ClientSession() as session:
        if dataclasses.is_dataclass(provider) and getattr(provider, "session", False) is None:
            provider = dataclasses.replace(provider, session=session)  # the worker's connections, not a session per SMS
        while True:
            now = clock()
            if purged != now.date():
                outbox.purge(now.date())
                purged = now.date()
            sms: list[tuple] = []
            hooks: dict[str, list[tuple]] = {}  # per webhook, in order: a slow receiver holds up only its own
            for row in outbox.due(now, channels=channels):
                (hooks.setdefault(row[3], []) if row[6] == "webhook" else sms).append(row)

            async def send_sms(rows: list[tuple]) -> None:
                for row in rows:
                    await _deliver_sms(outbox, provider, row, clock, retry)

            async def send_hook(rows: list[tuple]) -> None:
                for row in rows:
                    await _deliver_webhook(outbox, row, clock, webhook_retry or retry, webhook_timeout_s, session)

            await asyncio.gather(send_sms(sms), *(send_hook(rows) for rows in hooks.values()))
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), poll_s)
            except TimeoutError:
                pass


def _record(outbox: Outbox, key: str, status: N.DeliveryStatus, attempts: int, attempt, retry: N.Retry,
            now: datetime) -> None:
    if attempt.outcome in ("sent", "refused"):
        outbox.record(key, N.deliver(status, attempt.outcome), attempts + 1, None, attempt.detail, now)
    else:
        new, at = retry.after_failure(status, attempts + 1, now, jitter=secrets.randbelow(1000) / 1000)
        outbox.record(key, new, attempts + 1, at, attempt.detail, now)


async def _deliver_sms(outbox: Outbox, provider: Provider, row: tuple, clock: Callable[[], datetime],
                       retry: N.Retry) -> None:
    key, status, attempts, sealed, template, params, _ = row
    status = N.DeliveryStatus(status)
    try:
        address = outbox.cipher.open(sealed) if sealed else ""
    except ValueError:
        address = ""
    if not address:
        outbox.record(key, N.deliver(status, "refused"), attempts + 1, None, "no address", clock())
        return
    attempt = await provider.send(Delivery(key=key, address=address, template=template, params=json.loads(params)))
    _record(outbox, key, status, attempts, attempt, retry, clock())


async def _deliver_webhook(outbox: Outbox, row: tuple, clock: Callable[[], datetime], retry: N.Retry,
                           timeout_s: float, session) -> None:
    key, status, attempts, hid, event, params, _ = row
    status = N.DeliveryStatus(status)
    target = outbox.webhooks.target(hid)
    started = time.perf_counter()
    if target is None:
        attempt = Attempt("refused", "webhook deleted")
    else:
        url, secret = target
        attempt = await Webhook(secret=secret, timeout_s=timeout_s, session=session).send(
            Delivery(key=key, address=url, template=event, params=json.loads(params)))
    now = clock()
    # The log first: a crash between the two repeats the attempt (same key), never loses its record.
    outbox.webhooks.log_attempt(key, hid, attempts + 1, now, attempt.status, attempt.outcome, attempt.detail,
                                (time.perf_counter() - started) * 1000)
    _record(outbox, key, status, attempts, attempt, retry, now)


class Waker:
    """A subscriber of the hall service that wakes the worker after every stored change (its rows are in)."""

    audience = "public"

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def offer(self, payload: bytes) -> bool:
        self.event.set()
        return True

    def drop(self, reason: str) -> None:
        pass


def settings(config: Any):
    """The notification settings (server.notify.settings.NotifySettings) from ServerConfig.extra["notify"] (the hall
    TOML's [notify] table), else HALLQ_NOTIFY_SMS_URL (the local fake gateway of the demo and the tests). Always
    some: the worker runs for the webhooks even without an SMS provider."""
    from server.notify.settings import from_table

    found = config.extra.get("notify") if hasattr(config, "extra") else None
    if not found and os.environ.get("HALLQ_NOTIFY_SMS_URL"):
        found = {"sms_url": os.environ["HALLQ_NOTIFY_SMS_URL"]}
    return from_table(found)


def provider_for(s) -> Provider | None:
    """The SMS provider the settings name (None: SMS opt-ins are stored but nothing is sent)."""
    from server.notify.clouds import AliyunSms, TencentSms
    from server.notify.providers import TemplateSms

    if s.provider == "fake":
        return TemplateSms(endpoint=s.sms_url, sign_name=s.sign_name, templates=dict(s.templates))
    if s.provider == "aliyun":
        return AliyunSms(access_key_id=s.aliyun["access_key_id"], sign_name=s.sign_name, templates=dict(s.templates),
                         access_key_secret=s.secret(s.aliyun, "access_key_secret_env", "HALLQ_ALIYUN_SECRET"),
                         endpoint=s.sms_url or AliyunSms.endpoint, region=s.aliyun.get("region", "cn-hangzhou"))
    if s.provider == "tencent":
        return TencentSms(secret_id=s.tencent["secret_id"], sdk_app_id=s.tencent["sdk_app_id"],
                          secret_key=s.secret(s.tencent, "secret_key_env", "HALLQ_TENCENT_SECRET"),
                          sign_name=s.sign_name, templates=dict(s.templates),
                          endpoint=s.sms_url or TencentSms.endpoint, region=s.tencent.get("region", "ap-guangzhou"))
    return None


def ctx(service_key: Any, settings_) -> Callable:
    """A cleanup context: the SMS provider and the outbox worker (SMS and webhooks), for as long as the server runs."""

    async def run(app: Any):
        service = app[service_key]
        service.outbox.positions = settings_.positions
        provider = provider_for(settings_)
        # Without a provider nothing could be sent: the kiosk and the phone page offer no SMS and the opt-in
        # route refuses (sms_unavailable), so no number is collected for nothing.
        service.sms_available = provider is not None
        waker = Waker()
        service.subscribe(waker)
        task = asyncio.create_task(run_worker(service.outbox, provider, service.clock, waker.event,
                                              settings_.retry, settings_.poll_s, settings_.webhook_retry,
                                              settings_.webhook_timeout_s))
        yield
        task.cancel()
        service.unsubscribe(waker)

    return run
