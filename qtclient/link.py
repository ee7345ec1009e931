"""HallLink: the only object the Qt apps use to talk to the hall server (QWebSocket push + commands, QNetworkAccessManager REST).

Rules: one Qt event loop, no threads. The hall's version only moves by +1: an older change is
ignored, a gap triggers a full resync. A command is sent now or fails now ("offline"): a
clerk's call is never queued for later. A command that was sent but whose reply never came is
re-sent by the link with the same id (qtclient.outstanding), within a bound, and its caller
gets exactly one final outcome. Reconnects back off exponentially with jitter and always start
with a fresh snapshot.
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

from qtclient.outstanding import NO_RESEND, Ledger, Outstanding, Resend
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
    """Every delay and bound of the link, in seconds; tests shrink them, apps keep the defaults."""

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
    # An unanswered command is re-sent (same id) up to this bound; send(resend=...) sets its own.
    resend: Resend = Resend()


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
    # id, "timeout" | "connection_lost": no reply yet, the link asks again with the same id (not final)
    command_retrying = Signal(str, str)

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
        self._commands = Ledger()  # sent, no final outcome yet (the resync's GetSnapshot too)
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
        """Close the socket and stay offline; unanswered commands fail with "connection_lost", not re-sent."""
        self._running = False  # first: nothing lost from here on is held for a next connection
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
        for entry in self._commands.drain():
            self._give_up(entry, "connection_lost", "the link was stopped")
        self._set_state(OFFLINE)

    @Slot()
    def resync(self) -> None:
        """Ask for a full snapshot on the open socket (the reconnect does this by itself)."""
        if self._state != ONLINE or self._resync_id is not None:
            return
        self._resync_id = self._new_id("resync")
        # Not re-sent: after a lost socket the next connection brings a snapshot anyway.
        self._send_now(self._outstanding(P.GetSnapshot(id=self._resync_id), P.Snapshot, None, NO_RESEND))

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
        """Forget the current socket: timers stop, commands in flight wait for the next one, the resync is moot."""
        self._active = False
        self._connect_timer.stop()
        self._ping_timer.stop()
        resync_id, self._resync_id = self._resync_id, None
        for entry in self._commands.socket_lost():
            if entry.id != resync_id:  # the link's own: the next connection brings a snapshot anyway
                self._unanswered(entry, "connection_lost", reason)
        self._arm_deadline()

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
            self._fail_expired()  # before "online": an app never sees one of them as a late failure
            self._connect_timer.stop()
            self._attempts = 0
            self._last_error = ""
            self._ping_timer.start(int(self.timings.ping_interval * 1000))
            self._set_state(ONLINE)
        self.snapshot_received.emit(snap)
        if fresh_connection:
            self._resend_held()

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

    def send(self, command: P.Command, *, result_type: type | None = None, timeout_s: float | None = None,
             resend: Resend | None = None) -> str:
        """Send a command now; returns its id. Its one final outcome comes as command_finished / command_failed.

        Offline, it fails at once with "offline" (after this returns, so the caller knows the id):
        nothing was sent. Sent but no reply (none in time, or the socket dropped): the link sends
        the same command, same id, again: at once after a timeout, after the next connection's
        snapshot after a lost socket; each time command_retrying says so. Once `resend` (default:
        timings.resend) allows no more, it fails with "timeout" or "connection_lost": the outcome
        is unknown, the next snapshot shows what happened. Pass NO_RESEND to fail at the first.
        """
        if not isinstance(command, P.Command):
            raise TypeError(f"send() takes a protocol command, got {type(command).__name__}")
        if command.id is None:
            command = msgspec.structs.replace(command, id=self._new_id())
        cid = command.id
        tag = P.command_tag(type(command))
        if self._state != ONLINE or not self._active:
            # (Not active while online: a slot of a failure emitted as the socket drops sends again.)
            log.info("%s id=%s refused: link is %s", tag, cid, self._state)
            self._fail_soon(cid, "offline", f"not connected to the hall server ({self._state}); {tag} was not sent")
            return cid
        if cid in self._commands.held:
            del self._commands.held[cid]  # the caller asks again itself: this send replaces the held one
        self._send_now(self._outstanding(command, result_type or RESULT_TYPES.get(type(command)), timeout_s,
                                         resend or self.timings.resend))
        return cid

    def _outstanding(self, command: P.Command, result_type: type | None, timeout_s: float | None,
                     resend: Resend) -> Outstanding:
        return Outstanding(command=command, result_type=result_type, resend=resend, first_sent=time.monotonic(),
                           timeout_s=timeout_s or self.timings.command_timeout)

    def _send_now(self, entry: Outstanding) -> None:
        assert self._active
        # A re-send of an id still in flight replaces it: the server answers both with its first reply.
        self._commands.sent(entry, time.monotonic())
        self._arm_deadline()
        self._ws.sendTextMessage(P.encode_text(entry.command))
        log.debug("sent %s id=%s (send %d)", entry.tag, entry.id, entry.sends)

    def _unanswered(self, entry: Outstanding, why: str, detail: str) -> None:
        """No reply to `entry` and none will come to this send: ask again with the same id, or fail once."""
        entry.why = why
        if not self._running or not entry.may_resend(time.monotonic()):
            self._give_up(entry, why, detail)
            return
        self.command_retrying.emit(entry.id, why)
        if why == "timeout" and self._active and self._state == ONLINE:
            log.info("%s id=%s: no reply in time; re-sending it with the same id", entry.tag, entry.id)
            self._send_now(entry)
        else:
            log.info("%s id=%s: outcome unknown (%s); re-sent with the same id after reconnecting",
                     entry.tag, entry.id, detail)
            self._commands.hold(entry)

    def _give_up(self, entry: Outstanding, why: str, detail: str) -> None:
        age = time.monotonic() - entry.first_sent
        log.warning("%s id=%s: giving up after %d send(s) in %.1f s (%s); its outcome is unknown",
                    entry.tag, entry.id, entry.sends, age, detail)
        what = "no reply in time" if why == "timeout" else f"the connection was lost ({detail})"
        self.command_failed.emit(entry.id, why, f"{what} to {entry.tag}, sent {entry.sends} time(s) over "
                                                f"{age:.0f} s with the same id; its outcome is unknown")

    def _resend_held(self) -> None:
        """After a fresh connection's snapshot: the held commands go out again, oldest first."""
        self._fail_expired()
        for entry in self._commands.take_held():
            if not (self._active and self._state == ONLINE):
                self._commands.hold(entry)  # a slot of the snapshot dropped the link again
                continue
            log.info("re-sending %s id=%s after reconnecting (send %d)", entry.tag, entry.id, entry.sends + 1)
            self._send_now(entry)

    def _fail_expired(self) -> None:
        for entry in self._commands.expired(time.monotonic()):
            self._give_up(entry, entry.why, "no connection in time to re-send it")

    def _fail_soon(self, cid: str, code: str, message: str) -> None:
        QTimer.singleShot(0, self, lambda: self.command_failed.emit(cid, code, message))

    def _take_pending(self, cid: str | None) -> Outstanding | None:
        entry = self._commands.answered(cid)
        if entry is not None:
            self._arm_deadline()
        return entry

    def _arm_deadline(self) -> None:
        first = self._commands.next_wakeup()
        if first is None:
            self._deadline_timer.stop()
            return
        self._deadline_timer.start(max(0, int((first - time.monotonic()) * 1000) + 1))

    @Slot()
    def _on_deadline(self) -> None:
        late = self._commands.timed_out(time.monotonic())
        resync_id = self._resync_id
        if any(entry.id == resync_id for entry in late):
            # The socket first: the other late commands then wait for the next connection.
            self._abort("resync timed out")  # the reconnect brings a snapshot anyway
        for entry in late:
            if entry.id != resync_id:
                log.warning("%s id=%s: no reply within the timeout", entry.tag, entry.id)
                self._unanswered(entry, "timeout", "no reply in time")
        self._fail_expired()
        self._arm_deadline()

    def _on_result(self, res: P.Result) -> None:
        p = self._take_pending(res.id)
        if p is None:
            # Also the second reply when a re-send crossed the first send's late reply.
            log.debug("reply for unknown or answered id %s ignored", res.id)
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
