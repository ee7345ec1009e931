"""Printing off the GUI thread: a worker on its own QThread runs the blocking TicketPrinter calls and reports by signal."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThread, Signal, Slot

from kiosk.models import ERROR_TO_STATE, TicketView
from printers.errors import PrinterError
from printers.printer import TicketPrinter
from printers.ticket import PrintableTicket

log = logging.getLogger("hallq.kiosk.printing")


def printable(ticket: TicketView, hall_name: str, lang: str) -> PrintableTicket:
    """The server's ticket as the printer lays it out: a Chinese ticket with the English service name, or (the
    kiosk in English) an English one; `hall_name` in that language."""
    if lang == "en":
        return PrintableTicket(
            hall_name=hall_name, number=ticket.number, service_name=ticket.service_name("en"),
            people_ahead=ticket.people_ahead, issued_at=ticket.issued_at,
            estimated_wait_minutes=ticket.wait_minutes, priority_label=ticket.priority_label_en or None,
            status_url=ticket.qr_data or None, materials=ticket.materials_in("en"),
            steps=ticket.steps_en or ticket.steps_zh, language="en")
    return PrintableTicket(
        hall_name=hall_name, number=ticket.number, service_name=ticket.service_name_zh,
        service_name_en=ticket.service_name_en or None, people_ahead=ticket.people_ahead,
        issued_at=ticket.issued_at, estimated_wait_minutes=ticket.wait_minutes,
        priority_label=ticket.priority_label_zh, status_url=ticket.qr_data or None,
        materials=ticket.materials, steps=ticket.steps_zh, language="zh")


class PrintWorker(QObject):
    """Lives on a QThread; every slot blocks that thread only (TicketPrinter bounds each call in time)."""

    printed = Signal(str, int)  # ticket number, bytes sent
    print_failed = Signal(str, str, str)  # ticket number, device state, message
    status_checked = Signal(str, str)  # device state (printers.status.PrinterState value), detail

    def __init__(self, printer: TicketPrinter) -> None:
        super().__init__()
        self.printer = printer

    @Slot(str, object)
    def print_ticket(self, number: str, ticket: PrintableTicket) -> None:
        try:
            result = self.printer.print_ticket(ticket)
        except PrinterError as exc:
            state = ERROR_TO_STATE.get(exc.code, "offline")
            self.print_failed.emit(number, state, str(exc))
            self.status_checked.emit(state, str(exc))
            return
        except Exception as exc:  # a bug in layout or transport must not kill the worker thread
            log.exception("printing %s failed", number)
            self.print_failed.emit(number, "offline", f"{type(exc).__name__}: {exc}")
            return
        self.printed.emit(number, result.bytes_sent)
        self.status_checked.emit(result.status.state.value, result.status.detail)

    @Slot()
    def check_status(self) -> None:
        try:
            status = self.printer.status()
        except Exception as exc:  # status() never raises by contract; stay alive if it does
            log.exception("printer status check failed")
            self.status_checked.emit("offline", str(exc))
            return
        self.status_checked.emit(status.state.value, status.detail)


class PrinterThread(QObject):
    """Owns the worker's thread; `print_requested` / `status_requested` queue work onto it."""

    print_requested = Signal(str, object)
    status_requested = Signal()

    def __init__(self, printer: TicketPrinter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("kiosk-printer")
        self.worker = PrintWorker(printer)
        self.worker.moveToThread(self.thread)
        self.print_requested.connect(self.worker.print_ticket)
        self.status_requested.connect(self.worker.check_status)
        self.thread.start()

    def stop(self) -> None:
        """Let the current job finish (bounded), then end the thread."""
        if self.thread.isRunning():
            self.thread.quit()
            self.thread.wait(15_000)
