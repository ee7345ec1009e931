"""`hallq kiosk`: run the self-service kiosk (取号机) against a hall server."""
from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("kiosk", help="run the touchscreen kiosk that issues and prints tickets",
                              description="Full screen; quit with five taps on the hall name and the admin PIN.")
    p.add_argument("--config", help="a kiosk TOML (examples/kiosk.toml); the options below override it")
    p.add_argument("--server", help="hall server URL, e.g. http://127.0.0.1:8700")
    p.add_argument("--token", help="kiosk token (hallq token create kiosk NAME)")
    p.add_argument("--token-file", help="a file holding the kiosk token")
    p.add_argument("--pair", metavar="TEXT", help="the pairing text of the token's QR code (console: 设备令牌): "
                                                 "sets --server and --token")
    p.add_argument("--printer", help="printer TOML (examples/printer-*.toml); default: a virtual printer folder")
    p.add_argument("--lang", choices=("zh", "en"))
    p.add_argument("--orientation", choices=("portrait", "landscape"))
    p.add_argument("--elderly", action="store_true", default=None, help="适老化: larger type, fewer buttons")
    p.add_argument("--windowed", action="store_true", default=None, help="a window of the screen's size, not full screen")
    p.add_argument("--admin-pin", help="PIN that quits the kiosk (default from the config, else 0000)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    import sys

    from kiosk.config import KioskConfig, KioskConfigError

    from qtclient.pairing import apply_pairing

    try:
        apply_pairing(args, "kiosk")
        base = KioskConfig.load(args.config) if args.config else KioskConfig()
        config = base.replace(server=args.server, token=args.token, token_file=args.token_file,
                              printer=args.printer, language=args.lang, orientation=args.orientation,
                              elderly=args.elderly, windowed=args.windowed, admin_pin=args.admin_pin)
        config.resolve_token()
    except (KioskConfigError, TypeError, ValueError) as exc:
        print(f"hallq kiosk: {exc}", file=sys.stderr)
        return 2
    from kiosk.app import run

    return run(config)
