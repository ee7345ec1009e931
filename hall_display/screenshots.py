"""`python -m hall_display.screenshots OUTDIR [--lang zh|en]`: PNGs of the wall display at 1080p, 4K and portrait, online and offline.

A sample hall with realistic names and a fixed clock; no server needed.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from queuecore.model import HallConfig, Service, WindowConfig
from queuecore.protocol import Announcement, CallView, ServiceState, Snapshot

TZ = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 9, 41, 27, tzinfo=TZ)
SIZES = {"1080p": (1920, 1080), "4k": (3840, 2160), "portrait": (1080, 1920)}
NOTICE = "请携带好身份证件，按号码顺序办理。办理完毕请对本次服务进行评价。请勿在大厅内吸烟。"


def sample_hall() -> HallConfig:
    names = [("realestate", "A", "不动产登记", "Real Estate Registration"),
             ("business", "B", "企业开办/营业执照", "Business Start-up"),
             ("social", "C", "社保医保", "Social & Medical Insurance"),
             ("tax", "D", "税务办理", "Tax"),
             ("household", "E", "户籍出入境", "Household & Exit-Entry"),
             ("utility", "F", "水电气综合窗口", "Water, Power & Gas")]
    services = tuple(Service(code=c, prefix=p, name_zh=zh, name_en=en) for c, p, zh, en in names)
    windows = tuple(WindowConfig(id=i, name_zh=f"{i}号窗口", name_en=f"Window {i}",
                                 services=(names[(i - 1) % len(names)][0],), zone="A区" if i <= 6 else "B区")
                    for i in range(1, 13))
    windows += (WindowConfig(id=15, name_zh="综合受理15号窗口", name_en="General Counter 15",
                             services=("realestate", "business"), zone="A区"),
                WindowConfig(id=19, name_zh="19号咨询台", name_en="Desk 19 (enquiries)", services=("household",),
                             zone="B区"),
                WindowConfig(id=20, name_zh="20号绿色通道", name_en="Window 20 (priority)",
                             services=("realestate", "social"), zone="B区"))
    return HallConfig(name_zh="示范县政务服务中心", name_en="Model County Government Service Center",
                      services=services, windows=windows)


def sample_snapshot() -> Snapshot:
    hall = sample_hall()
    calls = [("A008", "realestate", 1), ("C021", "social", 3), ("B004", "business", 2), ("D012", "tax", 4),
             ("E003", "household", 5), ("A009", "realestate", 15), ("F002", "utility", 6), ("C022", "social", 9),
             ("B005", "business", 8), ("E004", "household", 19), ("D013", "tax", 10), ("A012", "realestate", 20)]
    recent = [CallView(ticket_id=f"20261123-{n}", number=n, service=s, window=w,
                       at=NOW - timedelta(minutes=2 * (len(calls) - i))) for i, (n, s, w) in enumerate(calls)]
    waiting = {"realestate": 23, "business": 7, "social": 15, "tax": 4, "household": 0, "utility": 2}
    services = [ServiceState(code=c, waiting=w, issued=w + 10, daily_cap=None, open=c != "utility", refusal=None,
                             estimated_wait_minutes=w * 3, windows_open=2) for c, w in waiting.items()]
    return Snapshot(version=42, day=NOW.date(), now=NOW, hall=hall, services=services, windows=[], tickets=[],
                    recent_calls=recent)


def render(outdir: Path, lang: str = "zh") -> list[Path]:
    from hall_display.models import DisplayModel
    from hall_display.widgets import DisplayBoard
    from qtclient.appkit import make_app, save_png

    from hall_display.app import I18N_DIR
    from qtclient.appkit import install_translation

    app = make_app("hallq-display-screenshots")
    translator = install_translation(app, lang, I18N_DIR, "hall_display")  # noqa: F841 (sets the locale too)
    snap = sample_snapshot()
    last = snap.recent_calls[-1]
    written = []
    for offline in (False, True):
        for name, (w, h) in SIZES.items():
            if offline and name != "1080p":
                continue
            model = DisplayModel(lang=lang, clock=lambda: NOW)
            model.apply_snapshot(snap)
            model.set_link("online", NOW)
            if offline:
                model.set_link("offline", NOW - timedelta(seconds=74))
            else:
                model.mark_called(Announcement(version=snap.version, ticket_id=last.ticket_id, number=last.number,
                                               service=last.service, window=last.window,
                                               window_name_zh="20号绿色通道", window_name_en="Window 20 (priority)",
                                               at=NOW))
            board = DisplayBoard(model, NOTICE, animate=False)
            board.resize(w, h)
            board.show()
            app.processEvents()
            suffix = "-offline" if offline else ""
            lang_tag = "" if lang == "zh" else f"-{lang}"
            written.append(save_png(board, outdir / f"display-{name}{suffix}{lang_tag}.png"))
            board.close()
            board.deleteLater()
            app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hall_display.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    for p in render(args.outdir, args.lang):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
