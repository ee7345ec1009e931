"""End to end, separate processes: `hallq server`, and the kiosk, window terminals and wall display
each on its own X screen (Xvfb), driven by taps and keys (xdotool) the way people use them.

What is checked is what people and devices get: the bytes the printer receives on its serial
line, the server's state over REST, the display's announcement queue (its log) and its screen.
"""
from __future__ import annotations

import time

import pytest

from tests.e2e.hallproc import Apps, Hall, no_tracebacks, outlined_boxes, pixels_of, press, tail, wait_for
from tests.printers.printer_fakes import text_runs

pytestmark = pytest.mark.slow

TILE_BORDER = "#0b3d91"  # kiosk/widgets/common.py: QPushButton[role="tile"] frame
# hall_display/widgets/board.py: a call row's background (plain, and both blink phases while new).
CALL_ROW_COLORS = ("#13305c", "#ffb300", "#5c4300")
ONE_ROW = 20_000  # pixels: a call row on the 1280x720 board is about 750 x 110
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
    apps.wait_signed_in(terminal)
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
    press(terminal, "叫号器", ("F1",), "B001 called to window 1 (server state)",
          lambda: (t := hall.api("display-1").ticket("B001")) and t["status"] == "called" and t["window"] == 1,
          logs=[hall.server_log])

    # The display announces it once, and its screen shows a call row.
    spoken = "请 B零零一 号 到 一 号窗口 办理"
    wait_for("the display queueing the B001 announcement", lambda: announced(display.text(), spoken) >= 1,
             10, display.logs())
    shown = wait_for("a call row on the display's screen",
                     lambda: (img := display.screen.grab()) and pixels_of(img, *CALL_ROW_COLORS) > ONE_ROW and img,
                     10, display.logs())
    shown.save(hall.dir / "display-after-call.png")
    assert announced(display.text(), spoken) == 1, tail(display.log)
    for app in (kiosk, terminal, display):
        app.alive()
    no_tracebacks(*every_log)


def test_second_window_transfers_and_finishes_a_visit(hall: Hall, apps: Apps) -> None:
    hall.sign_in(2, "c2", "2222")
    terminal = apps.terminal(2)
    display = apps.display()
    apps.wait_online(terminal, display)
    apps.wait_signed_in(terminal)
    api = hall.api("display-1")
    hall.api("kiosk-1").ok("POST", "/api/tickets", {"service": "estate"})

    def ticket_is(**want: object):
        return lambda: (t := api.ticket("A001")) and all(t[k] == v for k, v in want.items()) and t

    press(terminal, "叫号器", ("F1",), "A001 called to window 2", ticket_is(status="called", window=2),
          logs=[hall.server_log])
    spoken = "请 A零零一 号 到 二 号窗口 办理"
    wait_for("the display announcing A001 at window 2", lambda: announced(display.text(), spoken) >= 1, 10,
             display.logs())
    press(terminal, "叫号器", ("F3",), "A001 being served", ticket_is(status="serving", window=2),
          logs=[hall.server_log])

    # F6 opens the service picker (税务 is second: 社保, 税务 — every other service in config order).
    terminal.screen.keys("叫号器", "F6", logs=terminal.logs())
    terminal.screen.window_id("转移到", terminal.logs())
    terminal.screen.type("Down", "Return")
    moved = wait_for("A001 transferred to 税务", ticket_is(status="waiting", service="tax"), 10,
                     terminal.logs(hall.server_log))
    assert moved["transfers"] == 1 and moved["origin_service"] == "estate" and moved["window"] is None, moved

    # The same window serves 税务 too: it calls the visit again (announced again), serves and finishes it.
    press(terminal, "叫号器", ("F1",), "A001 called again", ticket_is(status="called", service="tax", window=2),
          logs=[hall.server_log])
    wait_for("the display announcing A001 a second time", lambda: announced(display.text(), spoken) >= 2, 10,
             display.logs())
    press(terminal, "叫号器", ("F3",), "A001 served again", ticket_is(status="serving"), logs=[hall.server_log])
    # F5 asks for the outcome (a picker with the hall's default preselected); F5 again accepts 办结.
    terminal.screen.keys("叫号器", "F5", logs=terminal.logs())
    terminal.screen.window_id("办理结果", terminal.logs())
    terminal.screen.type("F5")
    wait_for("A001 finished", ticket_is(status="done"), 10, terminal.logs(hall.server_log))
    done = hall.api("window-2").ticket("A001")  # staff see the clerk and the outcome; a display does not
    assert done["outcome"] == "completed", done
    assert done["service"] == "tax" and done["window"] == 2 and done["clerk"] == "c2", done
    assert done["finished_at"] is not None and done["transfers"] == 1, done
    # The hall is empty again: nothing waiting, window 2 free.
    snap = api.ok("GET", "/api/hall")
    assert not [t for t in snap["tickets"] if t["status"] == "waiting"], snap["tickets"]
    assert next(w for w in snap["windows"] if w["id"] == 2)["current"] is None
    assert announced(display.text(), spoken) == 2, tail(display.log)
    terminal.alive()
    display.alive()
    no_tracebacks(terminal.log, display.log, hall.server_log)


def test_display_resyncs_after_the_server_restarts(hall: Hall, apps: Apps) -> None:
    hall.sign_in(1, "c1", "1111")
    hall.sign_in(2, "c2", "2222")
    display = apps.display()
    terminal = apps.terminal(2)
    apps.wait_online(display, terminal)
    apps.wait_signed_in(terminal)
    kiosk, api = hall.api("kiosk-1"), hall.api("display-1")
    for _ in range(2):
        kiosk.ok("POST", "/api/tickets", {"service": "social"})
    hall.api("window-1").ok("POST", "/api/windows/1/call-next", {})
    first = "请 B零零一 号 到 一 号窗口 办理"
    wait_for("the display announcing B001", lambda: announced(display.text(), first) >= 1, 10, display.logs())
    one_row = wait_for("one call row on the display",
                       lambda: (n := pixels_of(display.screen.grab(), *CALL_ROW_COLORS)) > ONE_ROW and n,
                       10, display.logs())

    port = hall.port
    hall.kill()
    wait_for("the display noticing the lost server", lambda: "disconnected from" in display.text(), 10,
             display.logs())
    hall.start()
    assert hall.port == port
    restarted = time.monotonic()
    for app in (display, terminal):
        wait_for(f"{app.name} back online (a second connect snapshot)",
                 lambda app=app: app.text().count("(connect,") >= 2, 10, app.logs(hall.server_log))
    resynced_in = time.monotonic() - restarted
    assert resynced_in < 3, f"display and terminal resynced {resynced_in:.1f} s after the restart"

    # The clerk at window 2 calls the next visit on the restarted server.
    press(terminal, "叫号器", ("F1",), "B002 called to window 2",
          lambda: (t := api.ticket("B002")) and t["status"] == "called" and t["window"] == 2, logs=[hall.server_log])
    second = "请 B零零二 号 到 二 号窗口 办理"
    wait_for("the display announcing B002 after the restart", lambda: announced(display.text(), second) >= 1, 10,
             display.logs(hall.server_log))
    # Both calls are on screen: B002 large (its row as large as B001's was), B001 in the recent list
    # (which has no row colour: the display logs what its wall shows); B001 was not announced again.
    wait_for("B002 large and B001 before it on the display",
             lambda: "on the wall: B002 → 2号窗口 (1 before it)" in display.text()
             and abs(pixels_of(display.screen.grab(), *CALL_ROW_COLORS) - one_row) < 0.1 * one_row, 10,
             display.logs())
    assert announced(display.text(), first) == 1, tail(display.log, 60)
    assert announced(display.text(), second) == 1, tail(display.log, 60)
    display.alive()
    terminal.alive()
    no_tracebacks(display.log, terminal.log, hall.server_log)
