"""End to end, separate processes: `hallq server`, and the kiosk, window terminals and wall display
each on its own X screen (Xvfb), driven by taps and keys (xdotool) the way people use them.

What is checked is what people and devices get: the bytes the printer receives on its serial
line, the server's state over REST, the display's announcement queue (its log) and its screen.
"""
from __future__ import annotations

import pytest

from tests.e2e.hallproc import Apps, Hall, outlined_boxes, pixels_of, tail, wait_for
from tests.printers.printer_fakes import text_runs

pytestmark = pytest.mark.slow

TILE_BORDER = "#0b3d91"  # kiosk/widgets/common.py: QPushButton[role="tile"] frame
# hall_display/widgets/board.py: a call row's background (plain, and both blink phases while new).
CALL_ROW_COLORS = ("#13305c", "#ffb300", "#5c4300")
CUT = b"\x1dV"  # GS V: the paper cut that ends a ticket


def announced(display_log_text: str, spoken: str) -> int:
    """How often the display queued this call for speaking (hall_display/announcer.py logs "queued <text>")."""
    return display_log_text.count(f"queued {spoken} (") + display_log_text.count(f"queued {spoken}\n")


def test_ticket_is_issued_printed_called_shown_and_announced(hall: Hall, apps: Apps, pty_printer) -> None:
    printer, printer_toml = pty_printer
    hall.sign_in(1, "c1", "1111")  # the terminal resumes this session (GET /api/me)
    kiosk = apps.kiosk(printer_toml)
    terminal = apps.terminal(1)
    display = apps.display()
    apps.wait_online(kiosk, terminal, display)
    every_log = [kiosk.log, terminal.log, display.log, hall.server_log]

    # The citizen taps the first service tile (tiles follow the hall config's order: 社保 first).
    tiles = wait_for("three service tiles on the kiosk screen",
                     lambda: (b := outlined_boxes(kiosk.screen.grab(), TILE_BORDER)) and len(b) == 3 and b,
                     15, kiosk.logs())
    x0, y0, x1, y1 = tiles[0]
    kiosk.screen.tap((x0 + x1) // 2, (y0 + y1) // 2)

    # The ticket comes out of the printer: the number and the service in GB18030, then the cut.
    data = wait_for("a whole ticket on the printer's serial line",
                    lambda: CUT in printer.received and bytes(printer.received), 15, kiosk.logs())
    text = "\n".join(run.decode("gb18030") for run in text_runs(data))
    assert "B001" in text and "社保" in text, f"printed text:\n{text}"
    assert "端到端测试大厅" in text, f"printed text:\n{text}"
    wait_for("the kiosk logging the print", lambda: "ticket B001 printed" in kiosk.text(), 5, kiosk.logs())
    issued = hall.api("display-1").ticket("B001")
    assert issued is not None and issued["service"] == "social" and issued["status"] == "waiting", issued

    before = display.screen.grab()
    before.save(hall.dir / "display-before-call.png")
    assert pixels_of(before, *CALL_ROW_COLORS) == 0, "the display shows a call before any was made"

    # The clerk at window 1 presses F1 (叫号).
    terminal.screen.keys("叫号器", "F1", logs=terminal.logs())
    wait_for("B001 called to window 1 (server state)",
             lambda: (t := hall.api("display-1").ticket("B001")) and t["status"] == "called" and t["window"] == 1,
             10, terminal.logs(hall.server_log))

    # The display announces it once, and its screen shows a call row.
    spoken = "请 B零零一 号 到 一 号窗口 办理"
    wait_for("the display queueing the B001 announcement", lambda: announced(display.text(), spoken),
             10, display.logs())
    shown = wait_for("a call row on the display's screen",
                     lambda: (img := display.screen.grab()) and pixels_of(img, *CALL_ROW_COLORS) > 5000 and img,
                     10, display.logs())
    shown.save(hall.dir / "display-after-call.png")
    assert announced(display.text(), spoken) == 1, tail(display.log)
    for app in (kiosk, terminal, display):
        app.alive()
    assert "Traceback" not in "".join(p.read_text() for p in every_log), "\n".join(tail(p) for p in every_log)
