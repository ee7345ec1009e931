"""`hallq printer test`: print a self-test page and report the printer's status."""
from __future__ import annotations

import argparse


def register(sub) -> None:
    printer = sub.add_parser("printer", help="ticket printer tools")
    printer_sub = printer.add_subparsers(dest="printer_command", metavar="SUBCOMMAND")
    test = printer_sub.add_parser(
        "test", help="print a self-test page (encodings, sizes, QR) and report the status",
        description="Print a self-test page and report the printer's status, so an installer "
                    "can pick the right profile. Without --config, uses the virtual printer "
                    "(./virtual-printer).")
    test.add_argument("--config", metavar="FILE", help="TOML file with a [printer] table")
    test.add_argument("--table", default="printer", help="the table to read (default: printer)")
    test.add_argument("--status-only", action="store_true", help="only query and report the status")
    test.add_argument("--preview", metavar="PNG", help="also save the page's preview as PNG")
    test.set_defaults(func=run_test)
    printer.set_defaults(func=lambda args: (printer.print_help(), 2)[1])


def run_test(args: argparse.Namespace) -> int:
    # Heavy imports here, not in register(): `hallq --help` must stay fast.
    from printers.config import PrinterConfig
    from printers.errors import PrinterError
    from printers.printer import TicketPrinter
    from printers.selftest import self_test_layout

    try:
        config = PrinterConfig.load(args.config, args.table) if args.config else PrinterConfig()
    except PrinterError as exc:
        print(f"config error: {exc}")
        return 2
    if not args.config:
        print(f"no --config: using the virtual printer in ./{config.folder}")
    printer = TicketPrinter(config)
    status = printer.status()
    print(f"printer: {config.name} · {config.transport} · profile {config.profile} · {config.width_mm} mm")
    print(f"status: {status.describe()} ({status.elapsed * 1000:.0f} ms)")
    if args.status_only:
        return 0 if status.printable else 1
    layout = self_test_layout(config, status)
    if args.preview:
        from printers.preview import render_png

        with open(args.preview, "wb") as f:
            f.write(render_png(layout))
        print(f"preview: {args.preview}")
    try:
        result = printer.print_layout(layout, name="self-test")
    except PrinterError as exc:
        print(f"print failed: {exc}")
        return 1
    seconds = result.bytes_sent * 10 / config.baudrate
    line = f"printed self-test page: {result.bytes_sent} bytes"
    if config.transport == "serial":
        line += f" ({seconds:.1f} s at {config.baudrate} baud)"
    if result.confirmed is not None:
        line += ", confirmed by the printer" if result.confirmed else ", not confirmed by the printer"
    print(line)
    return 0
