"""`python -m kiosk.screenshots OUTDIR [--hall HALL.toml]...`: a PNG of every kiosk screen, in both
orientations, both modes (standard, elderly) and both languages.

No server needed: the kiosk is fed a made-up hall snapshot and replies, exactly as its link
would deliver them, so the pictures are the same on every machine. `scenes()` drives one kiosk
through every screen; the layout tests walk the same scenes and measure them.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from queuecore import protocol as P
from queuecore.model import (
    DEFAULT_CLOSE_REASONS,
    DEFAULT_CLOSE_REASONS_EN,
    HallConfig,
    PriorityClass,
    PriorityKind,
    Service,
    Ticket,
    TimeRange,
    WindowConfig,
)

TZ = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 41, tzinfo=TZ)
ORIENTATIONS = ("portrait", "landscape")
MODES = (False, True)  # elderly
LANGUAGES = ("zh", "en")

SERVICES = (
    ("estate", "A", "不动产登记", "Real estate registration", "不动产", ("居民身份证原件及复印件", "不动产权证书", "申请表（现场填写）")),
    ("mortgage", "D", "抵押登记", "Mortgage registration", "不动产", ("居民身份证", "抵押合同")),
    ("social", "B", "社保办理", "Social insurance", "社保医保", ("居民身份证", "社保卡")),
    ("medical", "E", "医保报销", "Medical insurance claims", "社保医保", ("医保卡", "发票原件", "病历")),
    ("tax", "C", "税务申报", "Tax filing", "税务", ("营业执照", "公章")),
    ("invoice", "F", "发票领用", "Invoices", "税务", ("税控盘",)),
    ("license", "G", "营业执照", "Business licence", "市场监管", ("居民身份证", "经营场所证明")),
    ("permit", "H", "出入境证件", "Exit-entry documents", "公安", ("居民身份证", "照片回执")),
)
EXTRA = (
    ("housing", "J", "公积金提取", "Housing fund withdrawal", "公积金", ("居民身份证", "购房合同")),
    ("loan", "K", "公积金贷款", "Housing fund loans", "公积金", ("居民身份证", "收入证明")),
    ("car", "L", "车驾管业务", "Vehicles and licences", "公安", ("居民身份证", "驾驶证")),
    ("water", "M", "水电气过户", "Utilities transfer", "公用事业", ("居民身份证", "房产证")),
    ("birth", "N", "出生登记", "Birth registration", "公安", ("出生医学证明", "户口簿")),
    ("marriage", "P", "婚姻登记", "Marriage registration", "民政", ("居民身份证", "户口簿", "照片")),
)
# The English of the demo's categories and materials (a hall's configuration carries both).
CATEGORY_EN = {"不动产": "Real estate", "社保医保": "Social and medical insurance", "税务": "Tax",
               "市场监管": "Market regulation", "公安": "Public security", "公积金": "Housing fund",
               "公用事业": "Utilities", "民政": "Civil affairs"}
MATERIAL_EN = {"居民身份证原件及复印件": "ID card, original and a copy", "不动产权证书": "Property certificate",
               "申请表（现场填写）": "Application form (filled in on the spot)", "居民身份证": "ID card",
               "抵押合同": "Mortgage contract", "社保卡": "Social security card", "医保卡": "Medical insurance card",
               "发票原件": "Original invoices", "病历": "Medical records", "营业执照": "Business licence",
               "公章": "Company seal", "税控盘": "Tax control device", "经营场所证明": "Proof of business premises",
               "照片回执": "Photo receipt", "购房合同": "House purchase contract", "收入证明": "Proof of income",
               "驾驶证": "Driving licence", "房产证": "Property certificate", "出生医学证明": "Medical birth certificate",
               "户口簿": "Household register", "照片": "Photos"}
CLOSED_REASON = ("系统维护，下午恢复", "Under maintenance, back this afternoon")
EXTENDED_UNTIL = datetime(2026, 11, 23, 20, 0, tzinfo=TZ)
# Live counts and refusals, so every kind of button shows: open, outside hours, capped, closed,
# extended hours. (waiting, minutes, refusal, closed reason, extended until) per code; other halls'
# services take them in turn by position.
STATES = {"estate": (12, 35, None, "", EXTENDED_UNTIL), "mortgage": (3, 10, "outside_hours", "", None),
          "social": (7, 14, None, "", None), "medical": (0, 0, "daily_cap_reached", "", None),
          "tax": (5, 20, None, "", None), "invoice": (0, 0, "service_closed", CLOSED_REASON[0], None),
          "license": (2, 8, None, "", None), "permit": (9, 27, None, "", None)}


def demo_hall(services=SERVICES) -> HallConfig:
    return HallConfig(
        name_zh="杭州市西湖区政务服务中心", name_en="Xihu District Government Service Center",
        services=tuple(Service(code=c, prefix=p, name_zh=zh, name_en=en, category=cat, materials=m,
                               category_en=CATEGORY_EN.get(cat, ""), materials_en=tuple(MATERIAL_EN.get(x, x) for x in m),
                               hours=(TimeRange(time(8, 30), time(17, 0)),)) for c, p, zh, en, cat, m in services),
        close_reasons=(*DEFAULT_CLOSE_REASONS, CLOSED_REASON[0]),
        close_reasons_en=(*DEFAULT_CLOSE_REASONS_EN, CLOSED_REASON[1]),
        kiosk_notice_zh="请按业务取号，过号请到服务台", kiosk_notice_en="Take a ticket for your service; missed it? Ask at the desk",
        windows=(WindowConfig(id=1, name_zh="1号窗口", name_en="Window 1", services=tuple(s[0] for s in services)),),
        priorities=(PriorityClass(code="normal", name_zh="普通", name_en="Normal"),
                    PriorityClass(code="green", name_zh="绿色通道", name_en="Priority lane", kind=PriorityKind.PRIORITY),
                    PriorityClass(code="appt", name_zh="预约", name_en="Appointment", kind=PriorityKind.APPOINTMENT)))


def demo_snapshot(hall: HallConfig) -> P.Snapshot:
    states = []
    in_turn = list(STATES.values())
    for i, s in enumerate(hall.services):
        waiting, wait, refusal, reason, extended = STATES.get(s.code, in_turn[i % len(in_turn)])
        states.append(P.ServiceState(code=s.code, waiting=waiting, issued=waiting + 20, daily_cap=None,
                                     open=refusal != "service_closed", refusal=refusal, closed_reason=reason,
                                     estimated_wait_minutes=wait, windows_open=2, extended_until=extended))
    return P.Snapshot(version=1, day=DAY, now=NOW, hall=hall, services=states, windows=[], tickets=[],
                      recent_calls=[])


def demo_issued(hall: HallConfig | None = None, number: str = "A013", priority: str = "normal",
                appointment_start: datetime | None = None) -> P.IssuedTicket:
    """A ticket of the hall's first service (the demo hall's 不动产登记 when none is given)."""
    hall = hall or demo_hall()
    svc = hall.services[0]
    t = Ticket(id=f"20261123-{number}", number=number, day=DAY, seq=13, service=svc.code, priority=priority,
               issued_at=NOW, arrival_at=NOW, rank=13.0, appointment_start=appointment_start)
    return P.IssuedTicket(ticket=t, service_name_zh=svc.name_zh, service_name_en=svc.name_en,
                          people_ahead=12, estimated_wait_minutes=35, materials=svc.materials,
                          materials_en=svc.materials_in("en"),
                          status_path=f"/t/20261123-{number}")


def scenes(kiosk, hall: HallConfig) -> Iterator[str]:
    """Drive one kiosk (made with a never-started link) through every screen; yield each one's name
    once it is on screen. The caller looks (a PNG, a layout check) before asking for the next."""
    from PySide6.QtWidgets import QApplication

    from kiosk.models import CategoryEntry, Keypad, TicketView, refusal_text

    app = QApplication.instance()
    m, w, link = kiosk.model, kiosk.window, kiosk.link

    def shown(name: str) -> str:
        # Twice: a label that refits its type to its new width asks for one more layout pass.
        app.processEvents()
        app.processEvents()
        return name

    yield shown("paused-connecting")
    # What a real link emits on connecting, so the connection badge shows it too.
    link.connection_changed.emit("online")
    link.snapshot_received.emit(demo_snapshot(hall))
    m.set_printer("ready")
    yield shown("home")
    for page in range(1, m.view.page_count):
        m.turn_page(1)
        yield shown(f"home-page{page + 1}")
    m.set_green(True)
    yield shown("home-green")
    m.go_home()
    category = next((e for e in m.view.home_entries() if isinstance(e, CategoryEntry)), None)
    if category is not None:
        m.open_category(category.name)
        yield shown("category")
        for page in range(1, m.view.page_count):
            m.turn_page(1)
            yield shown(f"category-page{page + 1}")
        m.go_home()
    m.busy()
    yield shown("busy")
    qr = "http://hall.example/t/20261123-A013"
    ticket = TicketView.from_issued(demo_issued(hall), hall, qr)
    # The printer worker's reports, as the kiosk receives them (they also set the countdown).
    m.show_ticket(ticket)
    kiosk._on_printed(ticket.number, 180)
    yield shown("ticket")
    appt = TicketView.from_issued(demo_issued(hall, "A015", hall.priorities[-1].code, NOW + timedelta(minutes=19)),
                                  hall, qr)
    m.show_ticket(appt)
    kiosk._on_printed(appt.number, 180)
    yield shown("ticket-appointment")
    m.set_printer("paper_out", "virtual printer")
    m.show_ticket(replace(ticket, number="A014"))
    kiosk._on_print_failed("A014", "paper_out", "virtual printer: no paper")
    yield shown("ticket-printer-out")
    m.set_printer("ready")
    yield shown("ticket-printer-back")
    m.reprinting()
    kiosk._on_printed("A014", 180)
    yield shown("ticket-reprinted")
    m.set_printer("paper_out", "virtual printer")
    m.show_ticket(replace(ticket, number="A016"))
    kiosk._on_print_failed("A016", "paper_out", "virtual printer: no paper")
    m.go_home()
    yield shown("home-printer-out")
    m.set_printer("ready")
    yield shown("home-reprint")
    m.open_keypad(Keypad.APPOINTMENT)
    m.keypad_input("20261123")
    yield shown("keypad-appointment")
    title, body = refusal_text("unknown_appointment")
    m.keypad_refused(f"{title}：{body}" if m.view.lang == "zh" else f"{title}: {body}")
    yield shown("keypad-appointment-refused")
    w.keypad._press("abc")
    yield shown("keypad-letters")
    m.open_keypad(Keypad.GREEN_PIN)
    m.keypad_input("12")
    yield shown("keypad-green-pin")
    m.open_keypad(Keypad.ADMIN_PIN)
    m.keypad_input("1234")
    yield shown("keypad-admin-pin")
    m.show_refusal("daily_cap_reached")
    yield shown("message-cap")
    m.show_refusal("some_new_code")
    yield shown("message-unknown")
    m.set_printer("paper_out", "virtual printer: no paper in /var/spool/hallq (checked 09:41)")
    m.show_admin()
    yield shown("admin")
    m.set_printer("ready")
    m.go_home()  # the admin screen would stay up while offline
    link.connection_changed.emit("offline")
    m.set_link("offline", NOW - timedelta(seconds=75), busy=False)  # the link's own time is None here
    yield shown("paused")


def kiosk_for(orientation: str, elderly: bool, lang: str, *, clock: Callable[[], datetime] = lambda: NOW):
    """A kiosk on a never-started link, no printer, its window at the screen's size and shown."""
    from kiosk.app import Kiosk
    from kiosk.config import KioskConfig
    from qtclient.link import HallLink

    config = KioskConfig(server="http://127.0.0.1:9", token="x", orientation=orientation, elderly=elderly,
                         language=lang, windowed=True)
    link = HallLink(config.server, "x")  # never started: the pictures need no server
    kiosk = Kiosk(config, link, None, clock=clock)
    kiosk.window.setFixedSize(*config.screen_size)
    kiosk.window.show()
    return kiosk


def close(kiosk) -> None:
    from PySide6.QtWidgets import QApplication

    kiosk.stop()
    for obj in (kiosk.window, kiosk.link, kiosk):
        obj.deleteLater()
    QApplication.instance().processEvents()


def capture(outdir: Path | None, halls: dict[str, HallConfig] | None = None, *,
            orientations=ORIENTATIONS, modes=MODES, languages=LANGUAGES,
            look: Callable[[str, object], None] | None = None) -> list[Path]:
    """Every scene of every hall in each orientation x mode x language: PNGs into `outdir` (if given),
    named [HALL-]ORIENTATION[-elderly]-SCENE[-en].png, and `look(name, window)` called on each."""
    from qtclient.appkit import make_app, save_png

    make_app("hallq-kiosk-screenshots")
    halls = halls or {"": demo_hall()}
    written: list[Path] = []
    for prefix, hall in halls.items():
        for orientation in orientations:
            for elderly in modes:
                for lang in languages:
                    kiosk = kiosk_for(orientation, elderly, lang)
                    try:
                        for scene in scenes(kiosk, hall):
                            name = "-".join(part for part in (prefix, orientation, "elderly" if elderly else "",
                                                              scene, "en" if lang == "en" else "") if part)
                            if look is not None:
                                look(name, kiosk.window)
                            if outdir is not None:
                                written.append(save_png(kiosk.window, outdir / f"{name}.png"))
                    finally:
                        close(kiosk)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--hall", action="append", default=[], metavar="TOML",
                        help="a hall config (e.g. examples/county-hall.toml), or 'demo' (8 services) or 'demo-many' "
                             "(14); repeatable; default: demo and demo-many")
    parser.add_argument("--lang", choices=("zh", "en", "all"), default="all")
    parser.add_argument("--orientation", choices=(*ORIENTATIONS, "all"), default="all")
    parser.add_argument("--mode", choices=("standard", "elderly", "all"), default="all")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from queuecore.config import load_config

    halls: dict[str, HallConfig] = {}
    for name in args.hall or ["demo", "demo-many"]:
        if name == "demo":
            halls[""] = demo_hall()
        elif name == "demo-many":
            halls["many"] = demo_hall(SERVICES + EXTRA)
        else:
            halls[Path(name).stem] = load_config(name)
    languages = LANGUAGES if args.lang == "all" else (args.lang,)
    orientations = ORIENTATIONS if args.orientation == "all" else (args.orientation,)
    modes = MODES if args.mode == "all" else (args.mode == "elderly",)
    files = capture(args.outdir, halls, orientations=orientations, modes=modes, languages=languages)
    print(f"wrote {len(files)} screenshots to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
