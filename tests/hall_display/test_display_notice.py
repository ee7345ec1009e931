"""The Qt wall display's ticker shows the notice a supervisor posts (before the display's own), live and from the
snapshot, in the screen's language, and drops it when taken down or past its end."""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from queuecore import protocol as P
from tests.hall_display.conftest import ok

POSTED = P.PostNotice(text_zh="今日15:00起系统维护，暂停不动产登记取号", text_en="Maintenance from 15:00: no estate tickets",
                      until=datetime.fromisoformat("2026-11-23T17:00:00+08:00"))


def test_a_posted_notice_scrolls_before_the_displays_own_and_goes_when_taken_down(qtbot, server, make_display) -> None:
    app = make_display(server, notice="请保管好随身物品")
    ticker = app.board.ticker
    assert ticker.text() == "请保管好随身物品" and ticker.isVisibleTo(app.board)
    ok(server.execute(POSTED, "admin"))
    qtbot.waitUntil(lambda: ticker.text() == f"{POSTED.text_zh}\u3000\u3000请保管好随身物品", timeout=3000)
    app.board.show()
    shots = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-console-shots"))
    shots.mkdir(parents=True, exist_ok=True)
    app.board.grab().save(str(shots / "display-qt-notice-1920.png"))
    late = make_display(server, lang="en")  # a display that starts now has it from the snapshot
    assert late.board.ticker.text() == POSTED.text_en and late.board.ticker.isVisibleTo(late.board)
    ok(server.execute(P.PostNotice(text_zh="", text_en=""), "admin"))
    qtbot.waitUntil(lambda: ticker.text() == "请保管好随身物品", timeout=3000)
    qtbot.waitUntil(lambda: late.board.ticker.text() == "" and not late.board.ticker.isVisibleTo(late.board),
                    timeout=3000)


def test_a_notice_past_its_end_is_not_shown(qtbot, server, make_display) -> None:
    ok(server.execute(POSTED, "admin"))
    app = make_display(server)
    assert app.board.ticker.text() == POSTED.text_zh
    app.model.skew += timedelta(hours=9)  # 18:00 on the hall's clock: past 17:00
    app.board.update_clock()
    assert app.board.ticker.text() == "" and not app.board.ticker.isVisibleTo(app.board)
