"""`python -m kiosk.screenshots OUTDIR`: a PNG of every kiosk screen, portrait and landscape, standard and elderly mode.

No server needed: the kiosk is fed a made-up hall snapshot and replies, exactly as its link
would deliver them, so the pictures are the same on every machine.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from queuecore import protocol as P
from queuecore.model import HallConfig, PriorityClass, PriorityKind, Service, Ticket, TimeRange, WindowConfig

TZ = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 41, tzinfo=TZ)

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
# Live counts and refusals, so every kind of button shows: open, outside hours, capped, closed.
STATES = {"estate": (12, 35, None, ""), "mortgage": (3, 10, "outside_hours", ""), "social": (7, 14, None, ""),
          "medical": (0, 0, "daily_cap_reached", ""), "tax": (5, 20, None, ""),
          "invoice": (0, 0, "service_closed", "系统维护，下午恢复"), "license": (2, 8, None, ""),
          "permit": (9, 27, None, "")}


def demo_hall(services=SERVICES) -> HallConfig:
    return HallConfig(
        name_zh="杭州市西湖区政务服务中心", name_en="Xihu District Government Service Center",
        services=tuple(Service(code=c, prefix=p, name_zh=zh, name_en=en, category=cat, materials=m,
                               hours=(TimeRange(time(8, 30), time(17, 0)),)) for c, p, zh, en, cat, m in services),
        windows=(WindowConfig(id=1, name_zh="1号窗口", name_en="Window 1", services=tuple(s[0] for s in services)),),
        priorities=(PriorityClass(code="normal", name_zh="普通", name_en="Normal"),
                    PriorityClass(code="green", name_zh="绿色通道", name_en="Priority lane", kind=PriorityKind.PRIORITY),
                    PriorityClass(code="appt", name_zh="预约", name_en="Appointment", kind=PriorityKind.APPOINTMENT)))


def demo_snapshot(hall: HallConfig) -> P.Snapshot:
    states = []
    for s in hall.services:
        waiting, wait, refusal, reason = STATES.get(s.code, (4, 12, None, ""))
        states.append(P.ServiceState(code=s.code, waiting=waiting, issued=waiting + 20, daily_cap=None,
                                     open=refusal != "service_closed", refusal=refusal, closed_reason=reason,
                                     estimated_wait_minutes=wait, windows_open=2))
    return P.Snapshot(version=1, day=DAY, now=NOW, hall=hall, services=states, windows=[], tickets=[],
                      recent_calls=[])


def demo_issued(number: str = "A013", priority: str = "normal") -> P.IssuedTicket:
    t = Ticket(id=f"20261123-{number}", number=number, day=DAY, seq=13, service="estate", priority=priority,
               issued_at=NOW, arrival_at=NOW, rank=13.0)
    return P.IssuedTicket(ticket=t, service_name_zh="不动产登记", service_name_en="Real estate registration",
                          people_ahead=12, estimated_wait_minutes=35,
                          materials=("居民身份证原件及复印件", "不动产权证书", "申请表（现场填写）"))


def capture(outdir: Path) -> list[Path]:
    """Every screen in portrait/landscape x standard/elderly (and the home screen in English); returns the files."""
    from kiosk.app import Kiosk
    from kiosk.config import KioskConfig
    from kiosk.models import Keypad, PrintState, TicketView
    from qtclient.appkit import make_app, save_png
    from qtclient.link import HallLink

    app = make_app("hallq-kiosk-screenshots")
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for orientation in ("portrait", "landscape"):
        for elderly in (False, True):
            config = KioskConfig(server="http://127.0.0.1:9", token="x", orientation=orientation, elderly=elderly,
                                 windowed=True)
            link = HallLink(config.server, "x")  # never started: the pictures need no server
            kiosk = Kiosk(config, link, None, clock=lambda: NOW)
            w = kiosk.window
            w.setFixedSize(*config.screen_size)
            w.show()
            m = kiosk.model
            tag = f"{orientation}{'-elderly' if elderly else ''}"

            def shot(name: str) -> None:
                app.processEvents()
                written.append(save_png(w, outdir / f"{tag}-{name}.png"))

            shot("paused-connecting")
            # What a real link emits on connecting, so the connection badge shows it too.
            link.connection_changed.emit("online")
            link.snapshot_received.emit(demo_snapshot(demo_hall()))
            m.set_printer("ready")
            shot("home")
            m.set_green(True)
            shot("home-green")
            m.go_home()
            m.busy()
            shot("busy")
            ticket = TicketView.from_issued(demo_issued(), m.hall.hall, "杭州市西湖区政务服务中心 A013 20261123-A013")
            m.show_ticket(replace(ticket, print_state=PrintState.PRINTED))
            w.ticket.set_countdown(8)
            shot("ticket")
            m.set_printer("paper_out", "virtual printer")
            m.show_ticket(replace(ticket, number="A014"))
            m.print_finished("A014", False, "paper_out")
            w.ticket.set_countdown(55)
            shot("ticket-printer-out")
            m.go_home()
            shot("home-printer-out")
            m.set_printer("ready")
            shot("home-reprint")
            m.open_keypad(Keypad.APPOINTMENT)
            m.keypad_input("20261123")
            shot("keypad-appointment")
            m.keypad_refused("预约码无效：没有找到这个预约码，请核对后重新输入，或到服务台咨询。")
            shot("keypad-appointment-refused")
            w.keypad._press("abc")
            shot("keypad-letters")
            m.open_keypad(Keypad.GREEN_PIN)
            m.keypad_input("12")
            shot("keypad-green-pin")
            m.show_refusal("daily_cap_reached")
            shot("message-cap")
            m.show_admin()
            shot("admin")
            m.go_home()  # the admin screen would stay up while offline
            link.connection_changed.emit("offline")
            m.set_link("offline", NOW - timedelta(seconds=75), busy=False)  # the link's own time is None here
            shot("paused")
            link.connection_changed.emit("online")
            kiosk._on_snapshot(demo_snapshot(demo_hall(SERVICES + EXTRA)))
            m.go_home()
            shot("home-categories")
            m.open_category("公安")
            shot("category")
            kiosk._on_snapshot(demo_snapshot(demo_hall()))
            m.go_home()
            if not elderly:
                kiosk.toggle_language()
                link.connection_changed.emit("online")  # the new badge reads the (never started) link
                shot("home-en")
                m.show_ticket(replace(ticket, print_state=PrintState.PRINTED))
                shot("ticket-en")
                kiosk.toggle_language()
            kiosk.stop()
            w.deleteLater()
            link.deleteLater()
            kiosk.deleteLater()
            app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kiosk.screenshots OUTDIR", file=sys.stderr)
        return 2
    files = capture(Path(args[0]))
    print(f"wrote {len(files)} screenshots to {args[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
