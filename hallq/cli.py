"""The `hallq` command: each package registers its own subcommands (kept light: heavy imports happen in the handler)."""
from __future__ import annotations

import argparse
import atexit
import importlib
import logging
import logging.handlers
import queue
import sys

# Each module exposes register(subparsers); its parsers set_defaults(func=handler) where
# handler(args) -> int. Listed here so that `hallq --help` shows every part of the system.
COMMAND_MODULES = (
    "server.cli",
    "printers.cli",
    "kiosk.cli",
    "window_terminal.cli",
    "hall_display.cli",
    "hallq.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallq", description="hallq: queue ticketing for service halls")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency inside an existing module
                raise
            continue
        module.register(sub)
    return parser


class _DeferredQueueHandler(logging.handlers.QueueHandler):
    # The stock handler formats in the caller's thread; hallq's log arguments are plain values,
    # so formatting and writing can both happen on the listener thread, off the event loop.
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


def setup_logging(level: int = logging.INFO) -> None:
    """Log lines to stderr, formatted and written by a background thread."""
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    q: queue.SimpleQueue = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(q, stream)
    root = logging.getLogger()
    root.handlers[:] = [_DeferredQueueHandler(q)]
    root.setLevel(level)
    listener.start()
    atexit.register(listener.stop)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(logging.DEBUG if args.verbose else logging.INFO)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return int(func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
