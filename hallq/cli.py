"""The `hallq` command: each package registers its own subcommands (kept light: heavy imports happen in the handler)."""
from __future__ import annotations

import argparse
import atexit
import importlib
import logging
import sys
import threading
import time

# Each module exposes register(subparsers); its parsers set_defaults(func=handler) where
# handler(args) -> int. Listed here so that `hallq --help` shows every part of the system.
COMMAND_MODULES = (
    "server.cli",
    "server.console_cli",
    "server.config_cli",
    "server.reports.cli",
    "central.cli",
    "printers.cli",
    "kiosk.cli",
    "window_terminal.cli",
    "hall_display.cli",
    "hallq.demo",
    "hallq.simulation",
    "hallq.whatif",
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


class BufferedStreamHandler(logging.StreamHandler):
    """Formats on the caller's thread but writes in chunks: a server logging a line per command
    must not pay a write(2) per line, nor hand every record to another thread (GIL ping-pong).
    Buffered lines go out when 200 are waiting, at once for warnings, and at least every 0.25 s."""

    def __init__(self, stream=None, max_lines: int = 200, interval: float = 0.25) -> None:
        super().__init__(stream)
        self.buffer: list[str] = []
        self.max_lines = max_lines
        flusher = threading.Thread(target=self._flush_every, args=(interval,), name="log-flush", daemon=True)
        flusher.start()
        atexit.register(self.flush)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        with self.lock:
            self.buffer.append(line)
            full = len(self.buffer) >= self.max_lines
        if full or record.levelno >= logging.WARNING:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            lines, self.buffer = self.buffer, []
        if lines:
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass

    def _flush_every(self, interval: float) -> None:
        while True:
            time.sleep(interval)
            self.flush()


def setup_logging(level: int = logging.INFO) -> None:
    """Log lines to stderr, buffered (see BufferedStreamHandler)."""
    root = logging.getLogger()
    root.setLevel(level)
    if any(isinstance(h, BufferedStreamHandler) for h in root.handlers):
        return  # main() called again in one process (tests)
    handler = BufferedStreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


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
