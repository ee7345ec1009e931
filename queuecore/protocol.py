"""Every message between the hall server and its clients, written once.

Commands (client -> server) are strict: unknown fields and wrong types are rejected. Pushes
(server -> client) are lenient: an older client ignores fields it does not know. Every
command may carry an `id` that its `result` / `error` reply echoes. JSON, sent as text frames.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, Union

import msgspec
from msgspec import Meta

from queuecore.events import AnyEvent
from queuecore.model import DeviceState, HallConfig, Notice, Ticket, WindowState

PROTOCOL_VERSION = 1

Code = Annotated[str, Meta(min_length=1, max_length=64)]
Text = Annotated[str, Meta(max_length=200)]
Number = Annotated[str, Meta(min_length=2, max_length=12, pattern=r"^[A-Za-z]+[0-9]+$")]
WindowId = Annotated[int, Meta(ge=1, le=9999)]
# Visible ASCII only: an id is echoed, stored and logged; a lone surrogate or a control
# character must be refused at the door, not fail later in the store (a ghost decision).
ID_CHARS = r"[\x21-\x7e]"
ID_PATTERN = f"^{ID_CHARS}+$"
CommandId = Annotated[str, Meta(min_length=1, max_length=64, pattern=ID_PATTERN)]
# Appointment times: aware, and far enough from datetime's limits that converting to the
# hall's zone can never overflow.
SlotTime = Annotated[datetime, Meta(tz=True)]
SLOT_YEARS = (2000, 2199)


# ---------------------------------------------------------------- commands


class Command(msgspec.Struct, kw_only=True, tag_field="type", forbid_unknown_fields=True):
    id: CommandId | None = None
    # Who may send it: "kiosk", "window" (its own window, clerk signed in), "display", "supervisor", "admin".
    roles: ClassVar[frozenset[str]] = frozenset()
    # True: a window token needs a signed-in clerk for it (sign-in itself does not).
    needs_clerk: ClassVar[bool] = True


class WindowCommand(Command, kw_only=True):
    # Omitted by a window terminal: its token says which window it is.
    window: WindowId | None = None
    roles: ClassVar[frozenset[str]] = frozenset({"window", "admin"})


class IssueTicket(Command, tag="issue_ticket", kw_only=True):
    service: Code
    priority: Code | None = None
    roles: ClassVar[frozenset[str]] = frozenset({"kiosk", "admin"})


class IssueBundle(Command, tag="issue_bundle", kw_only=True):
    """一票到底: one ticket for a bundle of services (the hall's `bundles`), queued for its first step."""

    bundle: Code
    priority: Code | None = None
    roles: ClassVar[frozenset[str]] = frozenset({"kiosk", "admin"})


class CheckIn(Command, tag="check_in", kw_only=True):
    code: Annotated[str, Meta(min_length=1, max_length=32)]
    roles: ClassVar[frozenset[str]] = frozenset({"kiosk", "admin"})


class SignIn(WindowCommand, tag="sign_in", kw_only=True):
    staff_id: Code
    pin: Annotated[str, Meta(min_length=1, max_length=64)]
    needs_clerk: ClassVar[bool] = False


class SignOut(WindowCommand, tag="sign_out"):
    # A supervisor signs a clerk out remotely (naming the window, like an admin): the one window act they have.
    roles: ClassVar[frozenset[str]] = frozenset({"window", "supervisor", "admin"})


class CallNext(WindowCommand, tag="call_next"):
    pass


class CallTicket(WindowCommand, tag="call_ticket", kw_only=True):
    number: Number


class CallByScan(WindowCommand, tag="call_by_scan", kw_only=True):
    """扫码叫号: the id from a scanned ticket QR (`<base>/t/<public_id>`); the server finds the ticket."""

    public_id: Annotated[str, Meta(min_length=16, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class Recall(WindowCommand, tag="recall"):
    pass


class StartServing(WindowCommand, tag="start_serving"):
    pass


class Skip(WindowCommand, tag="skip"):
    pass


class Finish(WindowCommand, tag="finish", kw_only=True):
    outcome: Code | None = None  # a code of the hall's outcomes; None: its default_outcome


class Transfer(WindowCommand, tag="transfer", kw_only=True):
    service: Code
    keep_arrival: bool | None = None


class Suspend(WindowCommand, tag="suspend", kw_only=True):
    """挂起, of a kind: away 不持件 (any window of the service resumes), hold 持件 / wait 等待 (this window)."""

    kind: Annotated[str, Meta(pattern=r"^(away|hold|wait)$")] = "away"
    bring: Annotated[list[Text], Meta(max_length=20)] = []  # away: items of the service's materials


class Resume(WindowCommand, tag="resume", kw_only=True):
    number: Number


class Requeue(WindowCommand, tag="requeue", kw_only=True):
    number: Number


class PauseWindow(WindowCommand, tag="pause_window", kw_only=True):
    reason: Text = ""


class ResumeWindow(WindowCommand, tag="resume_window"):
    pass


class RateVisit(WindowCommand, tag="rate_visit", kw_only=True):
    """好差评 from the citizen-facing view at the window: level 5..1, or 0 when it timed out (未评价)."""

    number: Number
    level: Annotated[int, Meta(ge=0, le=5)]
    reason: Text = ""
    comment: Text = ""
    needs_clerk: ClassVar[bool] = False  # the citizen rates after the clerk may have signed out


class ReportDevice(Command, tag="report_device", kw_only=True):
    """A device's health (e.g. the kiosk's printer); the device's name is its token's name. Apps send it as
    their heartbeat every `heartbeat_seconds` (default 30): 3 missed and the console shows the device stale."""

    kind: Code
    state: Code
    detail: Text = ""
    version: Text = ""  # the app's version
    roles: ClassVar[frozenset[str]] = frozenset({"kiosk", "window", "display", "supervisor", "admin"})
    needs_clerk: ClassVar[bool] = False


class CancelTicket(Command, tag="cancel_ticket", kw_only=True):
    number: Number
    reason: Text = ""
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class StartDay(Command, tag="start_day", kw_only=True):
    roles: ClassVar[frozenset[str]] = frozenset({"admin"})


class CloseDay(Command, tag="close_day", kw_only=True):
    """日终: open tickets expire with `reason`, clerks are signed out, every device reloads, the store is
    backed up. Refused (visits_in_service) while visits are at windows, unless `force`."""

    force: bool = False
    reason: Text = ""
    roles: ClassVar[frozenset[str]] = frozenset({"admin"})


class OpenService(Command, tag="open_service", kw_only=True):
    service: Code
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class CloseService(Command, tag="close_service", kw_only=True):
    service: Code
    reason: Text = ""
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class ExtendService(Command, tag="extend_service", kw_only=True):
    """延时服务: the service issues tickets until `until` (later this business day), whatever its hours say."""

    service: Code
    until: Annotated[datetime, Meta(tz=True)]
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class EndServiceExtension(Command, tag="end_service_extension", kw_only=True):
    """End a service's extended hours now: its own hours apply again."""

    service: Code
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class PostNotice(Command, tag="post_notice", kw_only=True):
    """A notice on the displays' ticker (before their own), until `until` or until replaced; empty texts take it down."""

    text_zh: Text = ""
    text_en: Text = ""
    until: Annotated[datetime, Meta(tz=True)] | None = None
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class UnlockClerk(Command, tag="unlock_clerk", kw_only=True):
    """Lift a clerk's wrong-PIN lockout before it runs out (supervisor, admin; audited)."""

    staff_id: Code
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class AdvanceFollowUp(Command, tag="advance_followup", kw_only=True):
    """One step of a 差评 follow-up case (contact, verify with a verdict, rectify, close), with a note."""

    case_id: Code
    action: Annotated[str, Meta(pattern=r"^(contact|verify|rectify|close)$")]
    note: Annotated[str, Meta(min_length=1, max_length=500)]
    valid: bool | None = None  # the verdict, with "verify" only
    roles: ClassVar[frozenset[str]] = frozenset({"supervisor", "admin"})


class NewAppointment(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Annotated[str, Meta(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
    service: Code
    start: SlotTime  # local time with offset, e.g. "2026-11-21T09:00:00+08:00"
    end: SlotTime
    name_masked: Annotated[str, Meta(max_length=32)] = ""

    def __post_init__(self) -> None:
        for t in (self.start, self.end):
            if not SLOT_YEARS[0] <= t.year <= SLOT_YEARS[1]:
                raise ValueError(f"appointment times must lie in the years {SLOT_YEARS[0]}-{SLOT_YEARS[1]}")


class CreateAppointments(Command, tag="create_appointments", kw_only=True):
    appointments: Annotated[list[NewAppointment], Meta(min_length=1, max_length=5000)]
    roles: ClassVar[frozenset[str]] = frozenset({"admin"})


class CancelAppointment(Command, tag="cancel_appointment", kw_only=True):
    """Cancel an appointment before its check-in (admin; audited); a checked-in one is refused (appointment_used)."""

    code: Annotated[str, Meta(min_length=1, max_length=32)]
    reason: Text = ""
    roles: ClassVar[frozenset[str]] = frozenset({"admin"})


class ChangeConfig(Command, tag="change_config", kw_only=True):
    """Change the hall's configuration (admin; audited): `ops` (queuecore.configedit) made on `base_version` (the
    version read), applied now or scheduled for the next business day. Refused with config_changed when someone
    changed it since, config_invalid when the result is not a valid hall, or a conflict code (prefix_in_use,
    service_has_tickets, window_serving_service, window_open, priority_in_use, bundle_in_use, outcome_in_use,
    service_has_appointments, timezone_in_use) when today's hall cannot take it now (details.next_day: true)."""

    base_version: Annotated[int, Meta(ge=1)]
    ops: Annotated[list[dict[str, Any]], Meta(min_length=1, max_length=500)]
    effective: Literal["now", "next_day"] = "now"
    note: Text = ""
    roles: ClassVar[frozenset[str]] = frozenset({"admin"})


class GetSnapshot(Command, tag="get_snapshot"):
    roles: ClassVar[frozenset[str]] = frozenset({"kiosk", "window", "display", "supervisor", "admin"})
    needs_clerk: ClassVar[bool] = False


class Ping(Command, tag="ping"):
    """Liveness for clients that cannot send WebSocket pings (browsers): the reply carries the version."""

    roles: ClassVar[frozenset[str]] = frozenset({"kiosk", "window", "display", "supervisor", "admin"})
    needs_clerk: ClassVar[bool] = False


COMMANDS: tuple[type[Command], ...] = (
    IssueTicket, IssueBundle, CheckIn, SignIn, SignOut, CallNext, CallTicket, CallByScan, Recall, StartServing, Skip, Finish,
    Transfer, Suspend, Resume, Requeue, PauseWindow, ResumeWindow, RateVisit, ReportDevice, CancelTicket,
    StartDay, CloseDay, OpenService, CloseService, ExtendService, EndServiceExtension, CreateAppointments,
    GetSnapshot, Ping,
    UnlockClerk, AdvanceFollowUp, PostNotice, ChangeConfig, CancelAppointment,
)
AnyCommand = Union[COMMANDS]  # type: ignore[valid-type]


def command_tag(cls: type[Command]) -> str:
    return cls.__struct_config__.tag


# ---------------------------------------------------------------- pushes and replies


class ServiceState(msgspec.Struct, kw_only=True):
    code: str
    waiting: int
    issued: int
    daily_cap: int | None
    open: bool
    refusal: str | None  # None: a kiosk can issue now; else the error code it would get
    closed_reason: str = ""  # why an admin closed it, for the kiosk's greyed button
    estimated_wait_minutes: int
    windows_open: int
    extended_until: datetime | None = None  # 延时服务: issuing stays open until this time today


class CallView(msgspec.Struct, kw_only=True):
    ticket_id: str
    number: str
    service: str
    window: int
    at: datetime
    recall: int = 0


class Push(msgspec.Struct, kw_only=True, tag_field="type"):
    pass


class Snapshot(Push, tag="snapshot", kw_only=True):
    protocol: int = PROTOCOL_VERSION
    version: int
    day: date | None
    now: datetime
    hall: HallConfig
    services: list[ServiceState]
    windows: list[WindowState]
    tickets: list[Ticket]  # today's tickets that still need someone: waiting, called, serving, suspended
    recent_calls: list[CallView]
    closed_services: list[str] = []
    devices: list[DeviceState] = []
    notice: Notice | None = None  # the displays' ticker notice, if one is posted
    day_closed_at: datetime | None = None  # 日终: the day was closed then; kiosks show 今日已结束办理
    config_version: int = 0  # the version of `hall` (it changes live: a device takes the new snapshot's)
    sms: bool = False  # the hall sends SMS (a provider is configured): kiosks offer the opt-in keypad


class Announcement(msgspec.Struct, kw_only=True, tag_field="type", tag="announce"):
    """A citizen must walk to a window: displays show and speak it."""

    version: int
    ticket_id: str
    number: str
    service: str
    window: int
    window_name_zh: str
    window_name_en: str
    recall: int = 0
    at: datetime


class Change(Push, tag="change", kw_only=True):
    """One stored change. Calls, recalls and resumed visits come with their announcements, in
    the same frame: one write per display per change (1,000 displays: half the sends)."""

    version: int
    events: list[AnyEvent]
    tickets: list[Ticket] = []
    windows: list[WindowState] = []
    services: list[ServiceState] = []
    announcements: list[Announcement] = []
    devices: list[DeviceState] = []
    notice: Notice | None = None  # set when the ticker's notice changed; empty texts: taken down


class Result(Push, tag="result", kw_only=True):
    id: str | None = None
    data: Any = None


class Error(Push, tag="error", kw_only=True):
    id: str | None = None
    code: str
    message: str
    details: dict[str, Any] = {}


AnyPush = Union[Snapshot, Change, Result, Error]


class CommandResult(msgspec.Struct, kw_only=True):
    """The reply to a window or admin command: what happened, and the ticket and window now."""

    version: int
    events: list[AnyEvent]
    ticket: Ticket | None = None
    window: WindowState | None = None


class ConfigChangeResult(msgspec.Struct, kw_only=True):
    """The reply to change_config: the configuration's new version, and when it applies."""

    version: int  # the hall's state version
    config_version: int
    effective: str  # "now" or "next_day"
    summary: list[str]
    events: list[AnyEvent]


class DayCloseResult(msgspec.Struct, kw_only=True):
    """The reply to close_day: its events, and the backup taken once the close was stored."""

    version: int
    events: list[AnyEvent]
    backup: str | None = None  # the backup file's path; None when it failed (backup_error) or on a repeat
    backup_error: str = ""
    backups_removed: list[str] = []  # older than the retention


class IssuedTicket(msgspec.Struct, kw_only=True):
    """The reply to issue_ticket / check_in: everything a kiosk prints."""

    ticket: Ticket
    service_name_zh: str
    service_name_en: str
    people_ahead: int
    estimated_wait_minutes: int
    materials: tuple[str, ...]
    materials_en: tuple[str, ...] = ()  # the same items in English (an item without English: its Chinese)
    status_path: str = ""  # e.g. "/t/Xq3k9vT2mB7wLp0a": the public status page (an unguessable id, never the number)
    steps_zh: tuple[str, ...] = ()  # 一票到底: the bundle's steps (service names), printed on the ticket
    steps_en: tuple[str, ...] = ()


# ---------------------------------------------------------------- encode / decode

_encoder = msgspec.json.Encoder()
_command_decoder = msgspec.json.Decoder(AnyCommand)
_push_decoder = msgspec.json.Decoder(AnyPush)


class ProtocolError(ValueError):
    """A message that cannot be decoded: `code` is invalid_json or invalid_format."""

    def __init__(self, code: str, message: str, id: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.id = code, message, id


def encode(msg: Any) -> bytes:
    return _encoder.encode(msg)


def encode_text(msg: Any) -> str:
    return _encoder.encode(msg).decode()


TOO_DEEP = "nested too deeply"


def _id_of(raw: bytes | str) -> str | None:
    try:
        obj = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return None
    cid = obj.get("id") if isinstance(obj, dict) else None
    return cid if isinstance(cid, str) and len(cid) <= 64 else None


def _decode(decoder: msgspec.json.Decoder, raw: bytes | str) -> Any:
    try:
        return decoder.decode(raw)
    except msgspec.ValidationError as exc:
        raise ProtocolError("invalid_format", str(exc), _id_of(raw)) from None
    except msgspec.DecodeError as exc:
        raise ProtocolError("invalid_json", f"not JSON: {exc}") from None
    except RecursionError:  # msgspec's own depth guard; no command nests more than a few levels
        raise ProtocolError("invalid_json", f"not a command: JSON {TOO_DEEP}") from None


def decode_command(raw: bytes | str) -> Command:
    """A tagged command from a socket frame; ProtocolError (with the id, if readable) otherwise."""
    return _decode(_command_decoder, raw)


_class_decoders = {cls: msgspec.json.Decoder(cls) for cls in COMMANDS}


def command_from_body(cls: type[Command], raw: bytes, **path: Any) -> Command:
    """A command of a known type from a REST body (`type` may be left out) plus path parameters."""
    if set(path) <= {"window"}:
        # Fast path (the hot routes): decode straight into the class, then fill the window.
        cmd = _decode(_class_decoders[cls], raw if raw.strip() else b"{}")
        if "window" in path:
            if cmd.window is not None and cmd.window != path["window"]:
                raise ProtocolError("invalid_format", "`window` in the body disagrees with the URL", cmd.id)
            cmd = msgspec.structs.replace(cmd, window=path["window"])
        return cmd
    try:
        obj = msgspec.json.decode(raw) if raw.strip() else {}
    except msgspec.DecodeError as exc:
        raise ProtocolError("invalid_json", f"not JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("invalid_json", f"not a command: JSON {TOO_DEEP}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("invalid_format", "the body must be a JSON object")
    cid = obj.get("id")
    cid = cid if isinstance(cid, str) and len(cid) <= 64 else None  # the refusal echoes it: a string or nothing
    tag = command_tag(cls)
    if obj.setdefault("type", tag) != tag:
        raise ProtocolError("invalid_format", f"`type` must be {tag!r} here", cid)
    for key, value in path.items():
        if key in obj and obj[key] != value:
            raise ProtocolError("invalid_format", f"`{key}` in the body disagrees with the URL", cid)
        obj[key] = value
    try:
        return msgspec.convert(obj, cls, strict=True)
    except msgspec.ValidationError as exc:
        raise ProtocolError("invalid_format", str(exc), cid) from None


def decode_push(raw: bytes | str) -> Push | None:
    """A server message, or None for a message type this client does not know (newer server)."""
    try:
        return _push_decoder.decode(raw)
    except msgspec.ValidationError as exc:
        if "Invalid value" in str(exc) and "$.type" in str(exc):
            return None
        raise
