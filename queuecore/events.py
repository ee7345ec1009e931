"""Events: what happened in the hall, past tense, each stamped with the `at` it was given."""
from __future__ import annotations

from datetime import date, datetime

import msgspec


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    at: datetime


class DayStarted(Event, tag="day_started"):
    day: date


class DayClosed(Event, tag="day_closed"):
    """日终: the day's leftovers expired and its clerks were signed out (forced: visits at windows ended too)."""

    day: date
    reason: str
    forced: bool
    expired: int
    signed_out: int


class TicketIssued(Event, tag="ticket_issued"):
    ticket_id: str
    number: str
    service: str
    priority: str
    ahead: int
    bundle: str = ""  # 一票到底: issued for this bundle (service is its first step)


class AppointmentCheckedIn(Event, tag="appointment_checked_in"):
    code: str
    ticket_id: str


class AppointmentCreated(Event, tag="appointment_created"):
    code: str
    service: str
    start: datetime


class AppointmentCancelled(Event, tag="appointment_cancelled"):
    code: str
    reason: str = ""


class TicketCalled(Event, tag="ticket_called"):
    ticket_id: str
    number: str
    service: str
    window: int
    clerk: str | None
    specific: bool = False  # 指呼: called by number, not by the selection rules


class TicketRecalled(Event, tag="ticket_recalled"):
    ticket_id: str
    number: str
    window: int
    recalls: int


class ServingStarted(Event, tag="serving_started"):
    ticket_id: str
    window: int


class TicketSkipped(Event, tag="ticket_skipped"):
    ticket_id: str
    number: str
    window: int


class TicketRequeued(Event, tag="ticket_requeued"):
    ticket_id: str
    number: str
    places: int


class TicketFinished(Event, tag="ticket_finished"):
    ticket_id: str
    window: int
    clerk: str | None
    outcome: str


class BundleStepReached(Event, tag="bundle_step_reached"):
    """一票到底: a step's visit finished (its own TicketFinished comes first); the ticket waits for the next step."""

    ticket_id: str
    number: str
    bundle: str
    step: int  # the index of the step it now waits for
    from_service: str
    to_service: str
    window: int


class TicketTransferred(Event, tag="ticket_transferred"):
    ticket_id: str
    number: str
    from_service: str
    to_service: str
    window: int
    kept_arrival: bool


class TicketSuspended(Event, tag="ticket_suspended"):
    ticket_id: str
    window: int
    kind: str = "away"  # SuspendKind: 不持件 away, 持件 hold, 等待 wait
    bring: list[str] = []  # 不持件: what the citizen brings back


class TicketResumed(Event, tag="ticket_resumed"):
    ticket_id: str
    number: str
    window: int


class TicketCancelled(Event, tag="ticket_cancelled"):
    ticket_id: str
    reason: str


class TicketExpired(Event, tag="ticket_expired"):
    ticket_id: str
    reason: str = ""  # e.g. the admin's reason at 日终 (day close); empty when a new day expired it


class VisitRated(Event, tag="visit_rated"):
    """好差评: level 5..1, or 0 for a visit left unrated. Levels 1-2 (差评) carry a reason."""

    ticket_id: str
    number: str
    service: str
    window: int | None
    clerk: str | None
    level: int
    reason: str = ""
    comment: str = ""


class DeviceReported(Event, tag="device_reported"):
    name: str
    kind: str
    state: str
    detail: str = ""


class ClerkSignedIn(Event, tag="clerk_signed_in"):
    window: int
    clerk: str


class ClerkSignedOut(Event, tag="clerk_signed_out"):
    window: int
    clerk: str


class WindowPaused(Event, tag="window_paused"):
    window: int
    reason: str


class WindowResumed(Event, tag="window_resumed"):
    window: int


class ServiceOpened(Event, tag="service_opened"):
    service: str


class ServiceClosed(Event, tag="service_closed"):
    service: str
    reason: str


class ServiceExtended(Event, tag="service_extended"):
    """延时服务: the service issues tickets until `until` (this business day), whatever its hours say."""

    service: str
    until: datetime


class ServiceExtensionEnded(Event, tag="service_extension_ended"):
    service: str


class NoticePosted(Event, tag="notice_posted"):
    """A notice for the displays' ticker (empty texts: the notice was taken down)."""

    text_zh: str
    text_en: str = ""
    until: datetime | None = None


class ConfigChanged(Event, tag="config_changed"):
    """The hall's configuration became `config_version` (an admin's change, applied now or at the day's start)."""

    config_version: int
    summary: list[str] = []  # e.g. ["put service realestate", "remove window 7"]


class ConfigScheduled(Event, tag="config_scheduled"):
    """A change that takes `config_version` was stored, to apply when the next business day starts."""

    config_version: int
    summary: list[str] = []


class ConfigUnscheduled(Event, tag="config_unscheduled"):
    """An admin withdrew the change `cancelled` that was scheduled for the next business day (as `config_version`)."""

    config_version: int
    cancelled: int
    summary: list[str] = []


class ConfigChangeFailed(Event, tag="config_change_failed"):
    """A change scheduled for the next business day could not be applied then (the message says why)."""

    config_version: int
    code: str
    message: str


AnyEvent = (
    DayStarted | DayClosed | TicketIssued | AppointmentCheckedIn | AppointmentCreated | AppointmentCancelled
    | TicketCalled
    | TicketRecalled | ServingStarted | TicketSkipped | TicketRequeued | TicketFinished
    | BundleStepReached | TicketTransferred | TicketSuspended | TicketResumed | TicketCancelled | TicketExpired
    | ClerkSignedIn | ClerkSignedOut | WindowPaused | WindowResumed | ServiceOpened | ServiceClosed
    | VisitRated | DeviceReported | ServiceExtended | ServiceExtensionEnded | NoticePosted | ConfigChanged
    | ConfigScheduled | ConfigUnscheduled | ConfigChangeFailed
)

# Events after which a display speaks: a citizen must walk to a window.
ANNOUNCED = (TicketCalled, TicketRecalled, TicketResumed)
