"""The hall's vocabulary: configuration (services, windows, priority classes, rules) and live state (tickets, windows, appointments)."""
from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

import msgspec


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    SUSPENDED = "suspended"
    NO_SHOW = "no_show"
    DONE = "done"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ACTIVE_STATUSES = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.SUSPENDED})


class SuspendKind(StrEnum):
    """The three kinds of 挂起, by what the visit waits for."""

    AWAY = "away"  # 不持件: the citizen fetches missing papers; back at any window of the service
    HOLD = "hold"  # 持件: the window keeps the papers; the citizen comes back to the same window
    WAIT = "wait"  # 等待: the window waits on another step (e.g. 刻章), serves others, then resumes


class WindowStatus(StrEnum):
    CLOSED = "closed"  # no clerk signed in
    OPEN = "open"
    PAUSED = "paused"


class OutcomeClass(StrEnum):
    """What a finished visit amounted to; the rates (办结率 ...) are counted by class, never by code."""

    COMPLETED = "completed"  # 办结: done on the spot
    ACCEPTED = "accepted"  # 受理: accepted for back-office processing
    INCOMPLETE = "incomplete"  # 补正: materials incomplete, the 一次性告知 list was given
    REFUSED = "refused"  # 不予受理
    ENQUIRY = "enquiry"  # 咨询 only


class PriorityKind(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"  # 绿色通道: elderly, disabled, military
    APPOINTMENT = "appointment"  # 预约: issued only by appointment check-in


# ---------------------------------------------------------------- configuration


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class TimeRange(msgspec.Struct, frozen=True):
    start: time
    end: time

    def __contains__(self, t: time) -> bool:
        return self.start <= t < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class PriorityClass(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name_zh: str
    name_en: str
    kind: PriorityKind = PriorityKind.NORMAL


class Service(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    prefix: str
    name_zh: str
    name_en: str
    category: str = ""
    category_en: str = ""
    daily_cap: int | None = None
    hours: tuple[TimeRange, ...] = ()  # empty: whenever the hall issues tickets
    # Hours of the weekdays that differ from `hours` ("mon" .. "sun"); an empty list: not issued that day.
    # A 调休 make-up workday (a weekend day worked) keeps `hours`, like an ordinary weekday.
    weekly: dict[str, tuple[TimeRange, ...]] = {}
    materials: tuple[str, ...] = ()  # 一次性告知: what to bring
    materials_en: tuple[str, ...] = ()  # the same items in English, in the same order
    digits: int = 3
    avg_service_minutes: float = 10.0
    warn_minutes: int = 15  # serving time that turns the clerk's timer amber
    alert_minutes: int = 30  # ... and red
    target_wait_minutes: int = 30  # service level: the share of tickets called within this wait

    def hours_on(self, when: date | datetime, workday: bool = False) -> tuple[TimeRange, ...] | None:
        """The issuing hours of that day: its weekday's, or the ordinary ones; None: at any time."""
        day = WEEKDAYS[when.weekday()]
        if day in self.weekly and not workday:
            return self.weekly[day]
        return self.hours or None

    def name(self, lang: str) -> str:
        return in_lang(lang, self.name_zh, self.name_en)

    def category_name(self, lang: str) -> str:
        return in_lang(lang, self.category, self.category_en)

    def materials_in(self, lang: str) -> tuple[str, ...]:
        return pairs_in(lang, self.materials, self.materials_en)

    def material_in(self, item: str, lang: str) -> str:
        """One stored item (a 不持件 line, kept in Chinese) in `lang`; an item not on the list stays as it is."""
        return lookup_in(lang, item, self.materials, self.materials_en)


class WindowConfig(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name_zh: str
    name_en: str
    services: tuple[str, ...]  # in preference order
    ordered: bool = True  # False: all its services are equal, oldest ticket first
    zone: str = ""
    # False: the window is closed in the hall's plan (no clerk may sign in there); True again to open it
    # (临时增开窗口). Changed live; closing one with a clerk signed in waits for the sign-out (window_open).
    open: bool = True


class Rules(msgspec.Struct, frozen=True, kw_only=True):
    # After this many priority calls in a row at a window, a normal ticket that has waited
    # longer than the oldest priority ticket goes first (so 绿色通道 cannot starve everyone).
    priority_ratio: int = 2
    # A ticket that has waited this many minutes counts as the window's preferred service, so a
    # window's last service is never starved by its first ones (None: strict preference).
    preference_max_wait_minutes: float | None = None
    # A skipped (过号) citizen who turns up within the grace is put back this many places.
    skip_grace_minutes: int = 30
    requeue_places: int = 3
    # A suspended (挂起) visit not resumed within this many minutes expires (None: at 日终 only).
    suspend_expire_minutes: int | None = 120
    # Transfer: keep the original arrival time (True) or go to the end of the new queue.
    transfer_keeps_arrival: bool = True
    # An appointment can check in from this long before its slot until this long after its start.
    appointment_early_minutes: int = 30
    appointment_late_minutes: int = 15
    # 差评 follow-up (回访) deadlines in working days on the hall's calendar, counted from the
    # rating's day (queuecore.workdays.add_working_days): contact the citizen, then rectify.
    followup_contact_days: int = 1
    followup_rectify_days: int = 5


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of the hall's outcome list: the code is stored on the ticket, the class drives the rates."""

    code: str
    name_zh: str
    name_en: str
    cls: OutcomeClass


DEFAULT_OUTCOMES: tuple[Outcome, ...] = (
    Outcome(code="completed", name_zh="办结", name_en="Completed", cls=OutcomeClass.COMPLETED),
    Outcome(code="accepted", name_zh="受理", name_en="Accepted", cls=OutcomeClass.ACCEPTED),
    Outcome(code="incomplete", name_zh="补正", name_en="Materials incomplete", cls=OutcomeClass.INCOMPLETE),
    Outcome(code="refused", name_zh="不予受理", name_en="Refused", cls=OutcomeClass.REFUSED),
    Outcome(code="enquiry", name_zh="咨询", name_en="Enquiry", cls=OutcomeClass.ENQUIRY),
)
# Outcomes the core writes itself (never chosen by a clerk), and "done": what every finish
# stored before outcomes had classes; read as COMPLETED.
RESERVED_OUTCOMES = frozenset({"cancelled", "expired", "done"})
LEGACY_OUTCOMES: dict[str, OutcomeClass] = {"done": OutcomeClass.COMPLETED}


class WorkCalendar(msgspec.Struct, frozen=True, kw_only=True):
    """The hall's working days: Monday to Friday, minus `holidays`, plus `workdays` (调休 make-up days on a weekend)."""

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()


# 好差评: the five national levels; 0 records a visit the citizen left unrated (未评价).
RATING_LEVELS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Fairly satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
    0: ("未评价", "Not rated"),
}
LOW_RATINGS = frozenset({1, 2})  # 差评: a reason is required, and supervisors follow up the same day

# Hall lists of reasons, each a zh tuple (what is stored: a rating's reason, a pause's, a closed service's) and an
# en tuple in the same order (what English screens show, found by the stored zh text).
DEFAULT_RATING_REASONS = ("办事效率低", "服务态度差", "政策解释不清", "材料要求不明确", "多次跑动", "等候时间长", "其他")
DEFAULT_RATING_REASONS_EN = ("Slow service", "Unfriendly staff", "Policy not explained clearly",
                             "Unclear about the documents needed", "Had to come back several times", "Long wait",
                             "Other")
DEFAULT_PAUSE_REASONS = ("休息", "会议", "业务咨询", "培训", "其他")
DEFAULT_PAUSE_REASONS_EN = ("Break", "Meeting", "Answering enquiries", "Training", "Other")
DEFAULT_CLOSE_REASONS = ("系统故障", "今日号源已满", "人员不足", "临时停办", "其他")
DEFAULT_CLOSE_REASONS_EN = ("System failure", "No more tickets today", "Short of staff", "Temporarily suspended",
                            "Other")
# The English of the default lists' items, for a hall that lists some of them without English.
KNOWN_EN: dict[str, str] = dict(zip(DEFAULT_RATING_REASONS + DEFAULT_PAUSE_REASONS + DEFAULT_CLOSE_REASONS,
                                    DEFAULT_RATING_REASONS_EN + DEFAULT_PAUSE_REASONS_EN + DEFAULT_CLOSE_REASONS_EN))


def in_lang(lang: str, zh: str, en: str) -> str:
    """A configured text in `lang`: English when asked for and given, else the Chinese."""
    return en if lang == "en" and en else zh


def pairs_in(lang: str, zh: tuple[str, ...], en: tuple[str, ...]) -> tuple[str, ...]:
    """A zh list in `lang`, item by item (an item without English stays Chinese)."""
    if lang != "en":
        return tuple(zh)
    return tuple(en[i] if i < len(en) and en[i] else KNOWN_EN.get(z, z) for i, z in enumerate(zh))


def lookup_in(lang: str, value: str, zh: tuple[str, ...], en: tuple[str, ...]) -> str:
    """A stored zh value of a list in `lang` (its English by position); a value not on the list stays as it is."""
    if lang != "en" or not value:
        return value
    try:
        i = zh.index(value)
    except ValueError:
        return KNOWN_EN.get(value, value)
    return en[i] if i < len(en) and en[i] else KNOWN_EN.get(value, value)


class Bundle(msgspec.Struct, frozen=True, kw_only=True):
    """一票到底: one ticket goes through these services in order, keeping its number and its place by arrival."""

    code: str
    name_zh: str
    name_en: str = ""
    steps: tuple[str, ...]  # service codes, e.g. 营业执照 -> 刻章 -> 税务发票 -> 社保登记

    def name(self, lang: str, config: HallConfig | None = None) -> str:
        """Its name in `lang`; without an English name, its steps' English names joined (given the hall)."""
        if lang == "en" and not self.name_en and config is not None:
            names = [s.name("en") for c in self.steps if (s := config.service(c)) is not None]
            if names:
                return " + ".join(names)
        return in_lang(lang, self.name_zh, self.name_en)


class HallConfig(msgspec.Struct, frozen=True, kw_only=True):
    name_zh: str
    name_en: str
    timezone: str = "Asia/Shanghai"
    # Where phones reach this hall's server from the internet (e.g. "https://zwfw.example.gov.cn/hall1"): the
    # printed QR code is this plus the ticket's status path. Empty: the kiosk's own server URL (the hall LAN).
    public_base_url: str = ""
    rating_reasons: tuple[str, ...] = DEFAULT_RATING_REASONS  # stored with a rating, as they read
    rating_reasons_en: tuple[str, ...] = DEFAULT_RATING_REASONS_EN  # shown in English, same order
    pause_reasons: tuple[str, ...] = DEFAULT_PAUSE_REASONS  # a window's 暂停服务; stored as they read
    pause_reasons_en: tuple[str, ...] = DEFAULT_PAUSE_REASONS_EN
    close_reasons: tuple[str, ...] = DEFAULT_CLOSE_REASONS  # a supervisor's 暂停取号 of a service
    close_reasons_en: tuple[str, ...] = DEFAULT_CLOSE_REASONS_EN
    # Standing notices: a line on the kiosk's home screen, and the displays' ticker (after a posted notice).
    kiosk_notice_zh: str = ""
    kiosk_notice_en: str = ""
    display_notice_zh: str = ""
    display_notice_en: str = ""
    services: tuple[Service, ...]
    windows: tuple[WindowConfig, ...]
    priorities: tuple[PriorityClass, ...] = (
        PriorityClass(code="normal", name_zh="普通", name_en="Normal"),
    )
    rules: Rules = Rules()
    outcomes: tuple[Outcome, ...] = DEFAULT_OUTCOMES
    default_outcome: str = "completed"  # what a finish without an outcome records
    calendar: WorkCalendar = WorkCalendar()
    bundles: tuple[Bundle, ...] = ()  # 一票到底

    def service(self, code: str) -> Service | None:
        return _index(self.services, "code").get(code)

    def outcome(self, code: str) -> Outcome | None:
        return _index(self.outcomes, "code").get(code)

    def name(self, lang: str) -> str:
        return in_lang(lang, self.name_zh, self.name_en)

    def rating_reason(self, reason: str, lang: str) -> str:
        return lookup_in(lang, reason, self.rating_reasons, self.rating_reasons_en)

    def pause_reason(self, reason: str, lang: str) -> str:
        return lookup_in(lang, reason, self.pause_reasons, self.pause_reasons_en)

    def close_reason(self, reason: str, lang: str) -> str:
        return lookup_in(lang, reason, self.close_reasons, self.close_reasons_en)


def outcome_class(config: HallConfig, code: str | None) -> OutcomeClass | None:
    """The class of a stored outcome: the hall's list first, then the old "done" (COMPLETED); None for
    "cancelled", "expired", no outcome, or a code the hall no longer lists."""
    if code is None:
        return None
    found = config.outcome(code)
    if found is not None:
        return found.cls
    return LEGACY_OUTCOMES.get(code)


def _index(items: tuple, attr: str) -> dict:
    return {getattr(i, attr): i for i in items}


# ---------------------------------------------------------------- live state


class Ticket(msgspec.Struct, kw_only=True):
    id: str  # "20261121-A012": unique across days
    number: str  # "A012": unique within a business day
    day: date
    seq: int
    service: str
    priority: str
    status: TicketStatus = TicketStatus.WAITING
    issued_at: datetime
    arrival_at: datetime  # waiting time counts from here (reset by transfer-to-end)
    rank: float  # queue order: smaller is earlier; a requeue slots in between two ranks
    ahead_at_issue: int = 0
    window: int | None = None
    clerk: str | None = None
    called_at: datetime | None = None
    recalls: int = 0
    serving_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: str | None = None
    skipped_at: datetime | None = None
    suspended_at: datetime | None = None
    bundle: str | None = None  # 一票到底: the bundle's code; `service` is its current step's
    step: int = 0  # index into the bundle's steps
    step_window: int | None = None  # the window that finished the previous step (its rating is given there)
    suspend_kind: SuspendKind | None = None  # of the last suspension
    suspended_window: int | None = None  # the window that suspended it (持件/等待 resume only there)
    bring: str = ""  # 不持件: what to bring back, one item a line (from the service's materials)
    away_s: float = 0.0  # time spent suspended, all suspensions: not the clerk's service time
    transfers: int = 0
    origin_service: str | None = None
    appointment_start: datetime | None = None
    rating: int | None = None  # RATING_LEVELS key, once rated
    rating_reason: str | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None
    # At least 64 random bits, given by the server: the QR code's /t/<public_id>. Never shown to
    # displays or kiosks (a display token sits in a URL on a TV), never guessable from the number.
    public_id: str = ""


class WindowState(msgspec.Struct, kw_only=True):
    id: int
    status: WindowStatus = WindowStatus.CLOSED
    clerk: str | None = None
    current: str | None = None  # ticket id, while called or serving
    pause_reason: str | None = None
    priority_streak: int = 0  # priority calls in a row, for the fairness ratio
    since: datetime | None = None


class Appointment(msgspec.Struct, kw_only=True):
    code: str
    service: str
    day: date
    start: datetime
    end: datetime
    name_masked: str = ""  # e.g. "张*明"; never shown on public screens
    ticket_id: str | None = None
    checked_in_at: datetime | None = None
    cancelled_at: datetime | None = None  # cancelled by an admin before check-in (check-in is then refused)


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """A notice for the displays' ticker, posted by a supervisor or admin; shown before the display's own notice.

    Empty texts mean "no notice" (a cleared one travels as such in a change)."""

    text_zh: str
    text_en: str = ""
    until: datetime | None = None  # the displays hide it from then on (on the hall's clock)
    at: datetime

    def shows(self, now: datetime) -> bool:
        return bool(self.text_zh or self.text_en) and (self.until is None or now < self.until)


class DeviceState(msgspec.Struct, kw_only=True):
    """The health a device (kiosk printer, display, terminal) last reported, for the admin."""

    name: str
    kind: str  # "printer", "display", "terminal", ...
    state: str  # e.g. "ready", "paper_out", "cover_open", "offline", "unreachable"
    detail: str = ""
    since: datetime
