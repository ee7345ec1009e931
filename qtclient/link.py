"""HallLink: the only object the Qt apps use to talk to the hall server (QWebSocket push + commands, QNetworkAccessManager REST).

Rules: one Qt event loop, no threads. The hall's version only moves by +1: an older change is
ignored, a gap triggers a full resync. A command is sent now or fails now ("offline"): a
clerk's call is never queued for later. Reconnects back off exponentially with jitter and
always start with a fresh snapshot.
"""
from __future__ import annotations

import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from typing import Any

import msgspec
from PySide6.QtCore import QByteArray, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWebSockets import QWebSocket, QWebSocketProtocol

from queuecore import protocol as P

log = logging.getLogger("hallq.qtclient")

CONNECTING, ONLINE, OFFLINE = "connecting", "online", "offline"

# Replies whose data has a protocol type; anything else is handed over as decoded JSON.
RESULT_TYPES: dict[type[P.Command], type] = {
    P.GetSnapshot: P.Snapshot, P.IssueTicket: P.IssuedTicket, P.CheckIn: P.IssuedTicket,
}

# Transport failures of a REST request: nothing reached the server (offline) or no answer in time.
_OFFLINE_ERRORS = {
    QNetworkReply.NetworkError.ConnectionRefusedError, QNetworkReply.NetworkError.HostNotFoundError,
    QNetworkReply.NetworkError.RemoteHostClosedError, QNetworkReply.NetworkError.NetworkSessionFailedError,
    QNetworkReply.NetworkError.TemporaryNetworkFailureError, QNetworkReply.NetworkError.UnknownNetworkError,
}
_REQUEST_ID = "hallq_request_id"
_TIMEOUT_ERRORS = {QNetworkReply.NetworkError.OperationCanceledError, QNetworkReply.NetworkError.TimeoutError}


@dataclass(frozen=True)
class LinkTimings:
    """Every delay of the link, in seconds; tests shrink them, apps keep the defaults."""

    command_timeout: float = 10.0  # a reply later than this fails the command with "timeout"
    connect_timeout: float = 10.0  # handshake + first snapshot
    ping_interval: float = 5.0  # our own pings: the server's 15 s heartbeat is too slow to notice a dead link
    dead_after: float = 12.0  # no frame and no pong for this long: the link is dead, reconnect
    backoff_initial: float = 0.5
    # A restarted hall server must have every screen back within 2 s; a refused connect to a LAN
    # server is cheap, so even 300 screens retrying every second cost it nothing.
    backoff_max: float = 1.0
    backoff_jitter: float = 0.25  # +-25 %, so a hall of 30 screens does not reconnect in lockstep
    request_timeout: float = 10.0  # REST transfer timeout


@dataclass
class _Pending:
    tag: str
    deadline: float  # time.monotonic()
    result_type: type | None


@dataclass
class _PendingRequest:
    id: str
    verb: str
    path: str
    result_type: type | None


class HallLink(QObject):
    """Connects to one hall server with one token and turns its pushes into typed signals."""

    connection_changed = Signal(str)  # "connecting" | "online" | "offline"
    snapshot_received = Signal(object)  # protocol.Snapshot: replace all view state
    change_received = Signal(object)  # protocol.Change: exactly version + 1
    announcement_received = Signal(object)  # protocol.Announcement: show and speak, once
    command_finished = Signal(str, object)  # id, result data (typed where RESULT_TYPES / result_type says)
    command_failed = Signal(str, str, str)  # id, code, message

    def __init__(self, server_url: str, token: str, parent: QObject | None = None, *,
                 timings: LinkTimings | None = None, rng: random.Random | None = None) -> None:
        super().__init__(parent)
        self._base = server_url.rstrip("/")
        url = QUrl(self._base)
        if url.scheme() not in ("http", "https") or not url.host():
            raise ValueError(f"server URL must look like http://host:port, got {server_url!r}")
        self._ws_url = QUrl(url)
        self._ws_url.setScheme("wss" if url.scheme() == "https" else "ws")
        self._ws_url.setPath(url.path().rstrip("/") + "/ws")
        self._auth = b"Bearer " + token.encode()
        self.timings = timings or LinkTimings()
        self._rng = rng or random.Random()
        # A random prefix per link: the server replays replies by (token, id), so an id reused
        # after an app restart would get an old reply instead of running.
        self._id_prefix = secrets.token_hex(4)
        self._ids = count(1)

        self._running = False
        self._state = OFFLINE
        # One socket for the link's life, reopened on each attempt. (A socket per attempt, freed
        # with deleteLater(), crashed PySide 6.11 and 6.12 when the link was destroyed soon after.)
        self._ws = QWebSocket("", QWebSocketProtocol.Version.VersionLatest, self)
        self._ws.connected.connect(self._on_connected)
        self._ws.disconnected.connect(self._on_disconnected)
        self._ws.errorOccurred.connect(self._on_error)
        self._ws.textMessageReceived.connect(self._on_text)
        self._ws.pong.connect(self._on_pong)
        self._active = False  # an attempt is under way or the socket is open: its events count
        self._last_error = ""
        self._last_contact: datetime | None = None
        self._last_contact_mono = 0.0
        self._attempts = 0
        self._version: int | None = None
        self._resync_id: str | None = None
        # Announcements already emitted: the highest version and the keys seen at it.
        self._announced_version = -1
        self._announced_keys: set[tuple[str, int]] = set()
        self._pending: dict[str, _Pending] = {}
        self._requests: dict[str, _PendingRequest] = {}  # by request id, also a property of its reply

        self._nam = QNetworkAccessManager(self)
        self._reconnect_timer = self._timer(single=True, slot=self._connect)
        self._connect_timer = self._timer(single=True, slot=self._on_connect_timeout)
        self._ping_timer = self._timer(single=False, slot=self._on_ping_tick)
        # One timer for every command's deadline, armed for the earliest: no QTimer per command.
        self._deadline_timer = self._timer(single=True, slot=self._on_deadline)
        self._nam.finished.connect(self._on_http_finished)

    def _timer(self, *, single: bool, slot) -> QTimer:
        t = QTimer(self)
        t.setSingleShot(single)
        t.timeout.connect(slot)
        return t

    # ------------------------------------------------------------ public state

    @property
    def state(self) -> str:
        return self._state

    @property
    def is_online(self) -> bool:
        return self._state == ONLINE

    @property
    def last_contact(self) -> datetime | None:
        """Local time of the last frame or pong from the server (None: never heard from it)."""
        return self._last_contact

    @property
    def last_error(self) -> str:
        return self._last_error

    @property
    def version(self) -> int | None:
        """The hall version the app's view state is at (None before the first snapshot)."""
        return self._version

    @property
    def server_url(self) -> str:
        return self._base

    # ------------------------------------------------------------ lifecycle

    @Slot()
    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self._attempts = 0
        self._connect()

    @Slot()
    def stop(self) -> None:
        """Close the socket and stay offline; pending commands fail with "connection_lost"."""
        self._running = False
        self._reconnect_timer.stop()
        if self._active:
            self._drop_socket("stopped by the app")
            log.info("closing the link to %s", self._ws_url.toString())
            if self._ws.state() == QAbstractSocket.SocketState.ConnectedState:
                # Its disconnected() comes later and is ignored: the link is no longer active.
                self._ws.close(QWebSocketProtocol.CloseCode.CloseCodeNormal, "client stopped")
            else:
                # Mid-handshake, close() writes a close frame to a socket that is not connected yet
                # (Qt warns "QNativeSocketEngine::write() was not called in ConnectedState").
                self._ws.abort()
        self._set_state(OFFLINE)

    @Slot()
    def resync(self) -> None:
        """Ask for a full snapshot on the open socket (the reconnect does this by itself)."""
        if self._state != ONLINE or self._resync_id is not None:
            return
        self._resync_id = self._new_id("resync")
        self._send_now(P.GetSnapshot(id=self._resync_id), result_type=P.Snapshot)

    @Slot()
    def _connect(self) -> None:
        if not self._running or self._active:
            return
        ws = self._ws
        if ws.state() != QAbstractSocket.SocketState.UnconnectedState:
            ws.abort()  # still closing from stop(): its late disconnected() must not end the new attempt
        self._active = True
        request = QNetworkRequest(self._ws_url)
        # The header, not ?token=: keeps the secret out of URLs and proxy logs.
        request.setRawHeader(b"Authorization", self._auth)
        self._set_state(CONNECTING)
        self._connect_timer.start(int(self.timings.connect_timeout * 1000))
        log.info("connecting to %s (attempt %d)", self._ws_url.toString(), self._attempts + 1)
        ws.open(request)

    @Slot()
    def _on_connected(self) -> None:
        if not self._active:
            return
        self._touch()
        log.info("socket open to %s; waiting for the snapshot", self._ws_url.toString())

    @Slot(QAbstractSocket.SocketError)
    def _on_error(self, err: QAbstractSocket.SocketError) -> None:
        # Qt emits errorOccurred after disconnected on a refused or rejected connection: keep the
        # reason for the app (last_error), and end the attempt if disconnected did not.
        self._last_error = self._ws.errorString()
        log.info("socket error %s: %s", getattr(err, "name", err), self._last_error)
        if self._active and self._ws.state() == QAbstractSocket.SocketState.UnconnectedState:
            self._lost(self._last_error)

    @Slot()
    def _on_disconnected(self) -> None:
        if not self._active:
            return
        ws = self._ws
        reason = f"{ws.closeCode().name}: {ws.closeReason()}" if ws.closeReason() else ws.errorString() or "closed"
        self._lost(reason)

    @Slot()
    def _on_connect_timeout(self) -> None:
        if self._active and self._state == CONNECTING:
            log.warning("no snapshot within %.1f s: giving up this attempt", self.timings.connect_timeout)
            self._abort("connect timeout")

    @Slot()
    def _on_ping_tick(self) -> None:
        if not self._active:
            return
        silent = time.monotonic() - self._last_contact_mono
        if silent > self.timings.dead_after:
            log.warning("no frame or pong for %.1f s: the link is dead, reconnecting", silent)
            self._abort("dead link")
            return
        self._ws.ping(QByteArray())

    def _abort(self, reason: str) -> None:
        if not self._active:
            return
        self._last_error = reason
        self._lost(reason)
        self._ws.abort()

    def _drop_socket(self, reason: str) -> None:
        """Forget the current socket: timers stop, outstanding commands fail, the resync is moot."""
        self._active = False
        self._connect_timer.stop()
        self._ping_timer.stop()
        resync_id, self._resync_id = self._resync_id, None
        pending, self._pending = self._pending, {}
        self._deadline_timer.stop()
        for cid, p in pending.items():
            if cid == resync_id:
                continue  # the link's own: the next connection brings a snapshot anyway
            # Unknown outcome: the server may have run it. Re-sending the same id is safe.
            self.command_failed.emit(cid, "connection_lost",
                                     f"the connection was lost before the reply to {p.tag} ({reason}); "
                                     "re-send the same id to learn its outcome")

    def _lost(self, reason: str) -> None:
        if not self._active:
            return
        was_online = self._state == ONLINE
        self._drop_socket(reason)
        self._set_state(OFFLINE)
        if was_online:
            log.warning("disconnected from %s: %s", self._ws_url.toString(), reason)
        if self._running:
            delay = self._next_delay()
            log.info("reconnecting in %.2f s (%s)", delay, reason)
            self._reconnect_timer.start(int(delay * 1000))

    def _next_delay(self) -> float:
        t = self.timings
        base = min(t.backoff_max, t.backoff_initial * (2 ** min(self._attempts, 30)))
        self._attempts += 1
        return min(t.backoff_max, base * (1 + self._rng.uniform(-t.backoff_jitter, t.backoff_jitter)))

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.connection_changed.emit(state)

    def _touch(self) -> None:
        self._last_contact = datetime.now().astimezone()
        self._last_contact_mono = time.monotonic()

    @Slot(int, QByteArray)
    def _on_pong(self, elapsed_ms: int, payload: QByteArray) -> None:
        if self._active:
            self._touch()

    # ------------------------------------------------------------ pushes

    @Slot(str)
    def _on_text(self, text: str) -> None:
        if not self._active:
            return
        self._touch()
        try:
            push = P.decode_push(text)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("ignoring a push that does not decode: %s", exc)
            return
        if push is None:
            log.debug("ignoring a push of a newer type: %.80s", text)
        elif isinstance(push, P.Snapshot):
            self._apply_snapshot(push, fresh_connection=self._state == CONNECTING)
        elif isinstance(push, P.Change):
            self._apply_change(push)
        elif isinstance(push, P.Result):
            self._on_result(push)
        elif isinstance(push, P.Error):
            self._on_error_reply(push)

    def _apply_snapshot(self, snap: P.Snapshot, *, fresh_connection: bool) -> None:
        if self._version is not None and snap.version < self._version:
            log.warning("hall version went back from %d to %d (server data reset?)", self._version, snap.version)
        if snap.version < self._announced_version:
            # Versions restarted: forget old announcements, or every new call would look old.
            self._announced_version, self._announced_keys = snap.version, set()
        log.info("snapshot v%d (%s, %d active tickets)", snap.version,
                 "connect" if fresh_connection else "resync", len(snap.tickets))
        self._version = snap.version
        if fresh_connection:
            self._connect_timer.stop()
            self._attempts = 0
            self._last_error = ""
            self._ping_timer.start(int(self.timings.ping_interval * 1000))
            self._set_state(ONLINE)
        self.snapshot_received.emit(snap)

    def _apply_change(self, change: P.Change) -> None:
        if self._version is None or self._resync_id is not None:
            return  # the coming snapshot covers it
        if change.version <= self._version:
            log.debug("ignoring change v%d: already at v%d", change.version, self._version)
            return
        # A call is spoken even when the change around it reveals a gap: better a resync than
        # a citizen who never hears their number.
        for ann in change.announcements:
            self._announce(ann)
        if change.version != self._version + 1:
            log.warning("version gap: at v%d, got v%d; resyncing", self._version, change.version)
            self.resync()
            return
        self._version = change.version
        self.change_received.emit(change)

    def _announce(self, ann: P.Announcement) -> None:
        key = (ann.ticket_id, ann.recall)
        if ann.version < self._announced_version or (
                ann.version == self._announced_version and key in self._announced_keys):
            log.debug("ignoring announcement %s at v%d: already announced", ann.number, ann.version)
            return
        if ann.version > self._announced_version:
            self._announced_version, self._announced_keys = ann.version, set()
        self._announced_keys.add(key)
        self.announcement_received.emit(ann)

    # ------------------------------------------------------------ commands

    def _new_id(self, kind: str = "c") -> str:
        return f"{kind}-{self._id_prefix}-{next(self._ids)}"

    def send(self, command: P.Command, *, result_type: type | None = None, timeout_s: float | None = None) -> str:
        """Send a command now; returns its id. The reply comes as command_finished / command_failed.

        Offline, it fails at once with "offline" (after this returns, so the caller knows the id).
        No reply within the timeout: "timeout"; send the same command (same id) again to retry safely.
        """
        if not isinstance(command, P.Command):
            raise TypeError(f"send() takes a protocol command, got {type(command).__name__}")
        if command.id is None:
            command = msgspec.structs.replace(command, id=self._new_id())
        cid = command.id
        tag = P.command_tag(type(command))
        if self._state != ONLINE:
            log.info("%s id=%s refused: link is %s", tag, cid, self._state)
            self._fail_soon(cid, "offline", f"not connected to the hall server ({self._state}); {tag} was not sent")
            return cid
        self._send_now(command, result_type=result_type or RESULT_TYPES.get(type(command)), timeout_s=timeout_s)
        return cid

    def _send_now(self, command: P.Command, *, result_type: type | None, timeout_s: float | None = None) -> None:
        assert self._active and command.id is not None
        cid, tag = command.id, P.command_tag(type(command))
        # A re-send of a still pending id replaces it: the server answers both with one reply.
        deadline = time.monotonic() + (timeout_s or self.timings.command_timeout)
        self._pending[cid] = _Pending(tag=tag, deadline=deadline, result_type=result_type)
        self._arm_deadline()
        self._ws.sendTextMessage(P.encode_text(command))
        log.debug("sent %s id=%s", tag, cid)

    def _fail_soon(self, cid: str, code: str, message: str) -> None:
        QTimer.singleShot(0, self, lambda: self.command_failed.emit(cid, code, message))

    def _take_pending(self, cid: str | None) -> _Pending | None:
        p = self._pending.pop(cid, None) if cid is not None else None
        if p is not None:
            self._arm_deadline()
        return p

    def _arm_deadline(self) -> None:
        if not self._pending:
            self._deadline_timer.stop()
            return
        first = min(p.deadline for p in self._pending.values())
        self._deadline_timer.start(max(0, int((first - time.monotonic()) * 1000) + 1))

    @Slot()
    def _on_deadline(self) -> None:
        now = time.monotonic()
        expired = [cid for cid, p in self._pending.items() if p.deadline <= now]
        for cid in expired:
            p = self._pending.pop(cid)
            if cid == self._resync_id:
                self._abort("resync timed out")  # the reconnect brings a snapshot anyway
                return
            log.warning("%s id=%s: no reply within the timeout", p.tag, cid)
            self.command_failed.emit(cid, "timeout",
                                     f"no reply to {p.tag} in time; re-send the same id to retry safely")
        self._arm_deadline()

    def _on_result(self, res: P.Result) -> None:
        p = self._take_pending(res.id)
        if p is None:
            log.debug("reply for unknown or expired id %s ignored", res.id)
            return
        if res.id == self._resync_id:
            self._resync_id = None
            try:
                snap = msgspec.convert(res.data, P.Snapshot)
            except msgspec.ValidationError as exc:
                log.warning("resync snapshot does not decode (%s): reconnecting", exc)
                self._abort("bad resync snapshot")
                return
            self._apply_snapshot(snap, fresh_connection=False)
            return
        try:
            data = _convert(res.data, p.result_type)
        except msgspec.ValidationError as exc:
            self.command_failed.emit(res.id, "invalid_reply", f"reply to {p.tag} does not decode: {exc}")
            return
        self.command_finished.emit(res.id, data)

    def _on_error_reply(self, err: P.Error) -> None:
        p = self._take_pending(err.id)
        if p is None:
            log.warning("server error %s (id %s): %s", err.code, err.id, err.message)
            return
        if err.id == self._resync_id:
            self._resync_id = None
            self._abort(f"resync refused: {err.code}")
            return
        log.info("%s id=%s failed: %s", p.tag, err.id, err.code)
        self.command_failed.emit(err.id, err.code, err.message)

    # ------------------------------------------------------------ REST

    def request(self, method: str, path: str, body: Any = None, *, id: str | None = None,
                result_type: type | None = None, timeout_s: float | None = None) -> str:
        """An HTTP request to the server; returns its id. Answers as command_finished / command_failed.

        `body` is a dict or a protocol struct, sent as JSON. A 2xx answer's JSON (converted to
        `result_type` if given) goes to command_finished; an error answer's `code` to
        command_failed, or "offline" / "timeout" when the server could not be reached. Non-GET
        requests carry the id as Idempotency-Key, so sending the same id again is safe.
        """
        rid = id or self._new_id("r")
        req = QNetworkRequest(QUrl(self._base + path))
        req.setRawHeader(b"Authorization", self._auth)
        req.setTransferTimeout(int((timeout_s or self.timings.request_timeout) * 1000))
        data = QByteArray()
        if body is not None:
            data = QByteArray(P.encode(body))
            req.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
        verb = method.upper()
        if verb != "GET":
            req.setRawHeader(b"Idempotency-Key", rid.encode())
        reply = self._nam.sendCustomRequest(req, QByteArray(verb.encode()), data)
        # On the C++ object, not by Python identity: the reply's wrapper may be a new one later.
        reply.setProperty(_REQUEST_ID, rid)
        self._requests[rid] = _PendingRequest(id=rid, verb=verb, path=path, result_type=result_type)
        log.debug("%s %s id=%s", verb, path, rid)
        return rid

    @Slot(QNetworkReply)
    def _on_http_finished(self, reply: QNetworkReply) -> None:
        reply.deleteLater()
        req = self._requests.pop(str(reply.property(_REQUEST_ID)), None)
        if req is None:
            return
        rid, verb, path, result_type = req.id, req.verb, req.path, req.result_type
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        raw = bytes(reply.readAll().data())
        if status is None:
            err = reply.error()
            code = "timeout" if err in _TIMEOUT_ERRORS else "offline" if err in _OFFLINE_ERRORS else "network_error"
            log.info("%s %s id=%s: %s (%s)", verb, path, rid, code, reply.errorString())
            self.command_failed.emit(rid, code, reply.errorString())
            return
        # No _touch() here: an answering REST server says nothing about the socket's health.
        try:
            obj = msgspec.json.decode(raw) if raw.strip() else None
        except msgspec.DecodeError:
            obj = None
        if 200 <= int(status) < 300:
            try:
                self.command_finished.emit(rid, _convert(obj, result_type))
            except msgspec.ValidationError as exc:
                self.command_failed.emit(rid, "invalid_reply", f"{verb} {path}: answer does not decode: {exc}")
            return
        if isinstance(obj, dict) and isinstance(obj.get("code"), str):
            code, message = obj["code"], str(obj.get("message", ""))
        else:
            code, message = f"http_{status}", raw[:200].decode(errors="replace")
        log.info("%s %s id=%s -> %s %s", verb, path, rid, status, code)
        self.command_failed.emit(rid, code, message)


def _convert(data: Any, result_type: type | None) -> Any:
    return data if result_type is None or data is None else msgspec.convert(data, result_type)
