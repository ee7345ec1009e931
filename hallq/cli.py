"""The `hallq` command: each package registers its own subcommands (kept light: heavy imports happen in the handler)."""
from __future__ import annotations

import argparse
import importlib
import logging
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return int(func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
