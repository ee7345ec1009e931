"""Queue errors: each subclass has a stable string `code` that clients can rely on."""
from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """A refused command. `code` never changes once published; `message` is for people."""

    code = "queue_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


def _error(name: str, code: str, doc: str) -> type[QueueError]:
    return type(name, (QueueError,), {"code": code, "__doc__": doc})


UnknownService = _error("UnknownService", "unknown_service", "No service has this code.")
UnknownPriority = _error("UnknownPriority", "unknown_priority", "No priority class has this code.")
UnknownWindow = _error("UnknownWindow", "unknown_window", "No window has this id.")
UnknownTicket = _error("UnknownTicket", "unknown_ticket", "No ticket with this number today.")
UnknownOutcome = _error("UnknownOutcome", "unknown_outcome", "The hall lists no outcome with this code.")
UnknownAppointment = _error("UnknownAppointment", "unknown_appointment", "No appointment has this code.")
ServiceClosed = _error("ServiceClosed", "service_closed", "The service is closed today.")
OutsideHours = _error("OutsideHours", "outside_hours", "Tickets for this service are not issued now.")
DailyCapReached = _error("DailyCapReached", "daily_cap_reached", "The service's tickets for today are gone.")
IllegalTransition = _error("IllegalTransition", "illegal_transition", "The ticket or window cannot make this move.")
NothingWaiting = _error("NothingWaiting", "nothing_waiting", "No ticket waits for this window.")
WindowClosed = _error("WindowClosed", "window_closed", "No clerk is signed in at this window.")
WindowPaused = _error("WindowPaused", "window_paused", "The window is paused.")
WindowBusy = _error("WindowBusy", "window_busy", "The window still has a ticket called or in service.")
NoCurrentTicket = _error("NoCurrentTicket", "no_current_ticket", "The window has no current ticket.")
NotServedHere = _error("NotServedHere", "service_not_served_here", "This window does not serve that service.")
ClerkElsewhere = _error("ClerkElsewhere", "clerk_signed_in_elsewhere", "The clerk is signed in at another window.")
AppointmentUsed = _error("AppointmentUsed", "appointment_used", "This appointment has already been checked in.")
AppointmentTooEarly = _error("AppointmentTooEarly", "appointment_too_early", "Too early to check in for this appointment.")
AppointmentExpired = _error("AppointmentExpired", "appointment_expired", "The appointment's slot has passed.")
AppointmentCancelled = _error("AppointmentCancelled", "appointment_cancelled", "This appointment was cancelled.")
DuplicateAppointment = _error("DuplicateAppointment", "duplicate_appointment", "An appointment with this code exists.")
GraceExpired = _error("GraceExpired", "grace_expired", "The skipped ticket's grace period is over.")
DayNotStarted = _error("DayNotStarted", "day_not_started", "The business day has not been started.")
InvalidArgument = _error("InvalidArgument", "invalid_argument", "A value is out of range.")
AlreadyRated = _error("AlreadyRated", "already_rated", "This visit has already been rated.")
ReasonRequired = _error("ReasonRequired", "rating_reason_required", "A low rating needs a reason.")
NoteRequired = _error("NoteRequired", "note_required", "A follow-up step needs a note.")
UnknownFollowUp = _error("UnknownFollowUp", "unknown_followup", "No 差评 follow-up case has this id.")
NotAtWindow = _error("NotAtWindow", "ticket_not_at_window", "The ticket was not served at this window.")
UntilInPast = _error("UntilInPast", "until_in_past", "Extended hours must end after now.")
UntilAfterDayEnd = _error("UntilAfterDayEnd", "until_after_day_end", "Extended hours end with the business day.")
TicketOfAnotherDay = _error("TicketOfAnotherDay", "ticket_of_another_day", "The ticket was issued on another day.")
TicketAtWindow = _error("TicketAtWindow", "ticket_at_window", "The ticket is already called or in service at a window.")
TicketEnded = _error("TicketEnded", "ticket_ended", "The ticket's visit is over: done, cancelled or expired.")
SuspendedElsewhere = _error("SuspendedElsewhere", "suspended_at_other_window",
                            "A 持件/等待 suspension resumes only at the window that suspended it.")
UnknownMaterial = _error("UnknownMaterial", "unknown_material", "The service's materials list has no such item.")
UnknownBundle = _error("UnknownBundle", "unknown_bundle", "The hall defines no bundle with this code.")
VisitsInService = _error("VisitsInService", "visits_in_service", "Visits are still at windows: finish them or force.")

# Configuration changes (queuecore.configedit): refused with these codes, nothing changed.
WindowNotInUse = _error("WindowNotInUse", "window_not_in_use", "The hall's configuration has this window closed.")
ConfigInvalid = _error("ConfigInvalid", "config_invalid", "The changed configuration is not a valid hall configuration.")
ConfigChanged = _error("ConfigChanged", "config_changed",
                       "Someone changed the configuration since you read it: reload it and make your change again.")
PrefixInUse = _error("PrefixInUse", "prefix_in_use", "Today's tickets already carry this prefix or numbering.")
ServiceHasTickets = _error("ServiceHasTickets", "service_has_tickets", "The service still has open tickets today.")
ServiceHasAppointments = _error("ServiceHasAppointments", "service_has_appointments",
                                "Appointments not yet checked in are booked for this service.")
WindowServingService = _error("WindowServingService", "window_serving_service",
                              "The window has a visit of this service called, in service or suspended there.")
WindowOpen = _error("WindowOpen", "window_open", "A clerk is signed in at this window.")
PriorityInUse = _error("PriorityInUse", "priority_in_use", "Open tickets or appointments use this priority class.")
BundleInUse = _error("BundleInUse", "bundle_in_use", "Open tickets are on this bundle's steps.")
OutcomeInUse = _error("OutcomeInUse", "outcome_in_use", "Visits finished today carry this outcome.")
TimezoneInUse = _error("TimezoneInUse", "timezone_in_use", "The business day has tickets; change the timezone for the next day.")
