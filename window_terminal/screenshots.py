"""`python -m window_terminal.screenshots OUTDIR [--lang en]`: PNGs of both layouts, the timers' amber/red states, F5's outcome picker, F7's suspend kinds and the rating view, from a demo hall (no server needed)."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from qtclient.link import ONLINE, HallLink
from queuecore import protocol as P
from queuecore.hall import Hall
from queuecore.model import HallConfig, PriorityClass, PriorityKind, Service, WindowConfig

TZ = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)


def at(hhmm: str) -> datetime:
    return datetime.combine(DAY, time.fromisoformat(hhmm), TZ)


def demo_config() -> HallConfig:
    return HallConfig(
        name_zh="示例县政务服务中心", name_en="Sample County Service Hall",
        services=(
            Service(code="estate", prefix="A", name_zh="不动产登记", name_en="Real estate registration",
                    warn_minutes=15, alert_minutes=30),
            Service(code="social", prefix="B", name_zh="社会保障", name_en="Social insurance",
                    warn_minutes=10, alert_minutes=20),
            Service(code="tax", prefix="C", name_zh="税务办理", name_en="Tax"),
            Service(code="business", prefix="D", name_zh="企业开办", name_en="Business registration"),
        ),
        windows=(WindowConfig(id=3, name_zh="3号窗口", name_en="Window 3", services=("estate", "social")),
                 WindowConfig(id=4, name_zh="4号窗口", name_en="Window 4", services=("social",))),
        priorities=(PriorityClass(code="normal", name_zh="普通", name_en="Normal"),
                    PriorityClass(code="green", name_zh="绿色通道", name_en="Priority", kind=PriorityKind.PRIORITY)),
    )


def demo_snapshot(now: datetime) -> P.Snapshot:
    """Window 3 serves A012 (绿色通道) since 09:40; queues wait behind it; B004 is suspended."""
    hall = Hall(demo_config())
    hall.start_day(DAY, at("08:00"))
    hall.sign_in(3, "S0317", at("08:30"))
    hall.sign_in(4, "S0402", at("08:30"))
    for _ in range(11):
        hall.issue("estate", at("08:40"))
    for _ in range(3):
        hall.issue("social", at("08:50"))
    hall.issue("social", at("09:00"))
    hall.call_next(4, at("09:05"))  # B001 at window 4 ...
    hall.start(4, at("09:06"))
    hall.finish(4, at("09:10"))
    for _ in range(3):  # ... B002-B004: the last one is suspended (the citizen fetches a document)
        hall.call_next(4, at("09:12"))
        hall.start(4, at("09:13"))
        if hall.windows[4].current and hall.tickets[hall.windows[4].current].number == "B004":
            hall.suspend(4, at("09:20"))
        else:
            hall.finish(4, at("09:15"))
    for _ in range(11):
        hall.call_next(3, at("09:20"))
        hall.finish(3, at("09:21"))
    hall.issue("estate", at("09:05"), priority="green")
    for _ in range(4):
        hall.issue("estate", at("09:15"))
    for _ in range(2):
        hall.issue("social", at("09:30"))
    hall.call_next(3, at("09:38"))
    hall.recall(3, at("09:39"))
    hall.start(3, at("09:40"))
    return P.Snapshot(version=hall.version, day=DAY, now=now, hall=hall.config, services=[],
                      windows=list(hall.windows.values()), tickets=[t for t in hall.tickets.values()
                                                                   if t.status in ("waiting", "called", "serving",
                                                                                   "suspended")],
                      recent_calls=[])


class DemoLink(HallLink):
    """A link that never connects and says it is online: the badge shows the normal state."""

    @property
    def state(self) -> str:
        return ONLINE


def take(outdir: Path, lang: str = "zh") -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from qtclient.appkit import install_translation, make_app, save_png
    from window_terminal.app import HERE
    from window_terminal.models import RatingModel, TerminalModel
    from window_terminal.widgets.rating import RatingView
    from window_terminal.widgets.terminal import TerminalView

    app = make_app("hallq-window-screenshots")
    translator = install_translation(app, lang, HERE, "window_terminal")
    suffix = "" if lang == "zh" else f"_{lang}"
    out: list[Path] = []
    link = DemoLink("http://127.0.0.1:9", "demo")
    try:
        for name, now, compact, signed_in in (
                ("full_amber", at("09:58:20"), False, True),  # 18 min of a 15/30 min service: amber
                ("full_red", at("10:12:05"), False, True),  # 32 min: red
                ("full_sign_in", at("09:58"), False, False),
                ("compact_amber", at("09:58:20"), True, True),
                ("compact_red", at("10:12:05"), True, True),
                ("compact_sign_in", at("09:58"), True, False)):
            model = TerminalModel(language=lang, clock=lambda now=now: now)
            model.window_id = 3
            model.apply_snapshot(demo_snapshot(now))
            model.set_connection(ONLINE)
            if signed_in:
                model.signed_in(3, "S0317")
                model.show_message(QApplication.translate("WindowTerminal", "开始办理 %1").replace("%1", "A012"))
            view = TerminalView(model, link, compact=compact)
            view.show()
            QApplication.processEvents()
            out.append(save_png(view, outdir / f"{name}{suffix}.png"))
            view.close()
            view.deleteLater()

        # F5 asks for the outcome: the picker over the full layout, its default preselected.
        model = TerminalModel(language=lang, clock=lambda: at("09:58:20"))
        model.window_id = 3
        model.apply_snapshot(demo_snapshot(at("09:58:20")))
        model.set_connection(ONLINE)
        model.signed_in(3, "S0317")
        view = TerminalView(model, link)
        view.show()
        view.actions_by_name["finish"].trigger()
        QApplication.processEvents()
        out.append(_save_over(view, view.dialog, outdir / f"finish_outcome{suffix}.png"))
        view.dialog.reject()
        QApplication.processEvents()
        view.actions_by_name["suspend"].trigger()  # F7 asks for the kind of 挂起
        QApplication.processEvents()
        out.append(_save_over(view, view.dialog, outdir / f"suspend_kind{suffix}.png"))
        view.dialog.reject()
        view.close()
        view.deleteLater()

        for name, level, reason in (("rating", None, ""), ("rating_low", 2, "等候时间长")):
            rating = RatingModel(30)
            hall = demo_config()
            rating.begin("A012", hall.rating_reasons,
                         tuple(hall.rating_reason(r, lang) for r in hall.rating_reasons))
            if level is not None:
                rating.choose_level(level)
                rating.choose_reason(reason)
            view = RatingView(rating, "3号窗口" if lang == "zh" else "Window 3")
            view.show()
            QApplication.processEvents()
            out.append(save_png(view, outdir / f"{name}{suffix}.png"))
            rating.reset()
            view.close()
            view.deleteLater()
    finally:
        if translator is not None:
            app.removeTranslator(translator)
    return out


def _save_over(window, dialog, path: Path) -> Path:
    """A window with its dialog drawn centred on it, as the clerk sees them (each is its own top-level)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QPainter

    picture = window.grab()
    shot = dialog.grab()
    painter = QPainter(picture)
    painter.drawPixmap(QPoint((picture.width() - shot.width()) // 2, (picture.height() - shot.height()) // 2), shot)
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not picture.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m window_terminal.screenshots", description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    for path in take(args.outdir, args.lang):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
