"""`hallq display`: run the hall's wall display (综合显示屏) against a hall server."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("display", help="the wall display (calls, waiting counts, spoken announcements)")
    p.add_argument("--config", type=Path, help="a TOML file with a [display] table (examples/display.toml)")
    p.add_argument("--server", help="hall server URL, e.g. http://10.0.0.2:8700")
    p.add_argument("--token", help="a display token")
    p.add_argument("--pair", metavar="TEXT", help="the pairing text of the token's QR code (console: 设备令牌; a "
                                                 "display's is its page URL): sets --server and --token")
    p.add_argument("--zone", help="show only this zone's windows and services")
    p.add_argument("--lang", choices=("zh", "en"))
    p.add_argument("--silent", action="store_true", default=None, help="show calls without sound")
    p.add_argument("--windowed", action="store_true", default=None, help="a window instead of full screen")
    p.add_argument("--repeat", type=int, help="how many times each call is spoken")
    p.add_argument("--clips", type=Path, help="a folder of the hall's own recordings (KEY.wav)")
    p.set_defaults(func=run_display)


def run_display(args: argparse.Namespace) -> int:
    from hall_display.config import DisplayConfig, load_config

    from qtclient.pairing import apply_pairing

    try:
        apply_pairing(args, "display")
    except ValueError as exc:
        raise SystemExit(f"hallq display: {exc}") from None
    base = load_config(args.config) if args.config else DisplayConfig()
    config = base.with_overrides(server=args.server, token=args.token, zone=args.zone, lang=args.lang,
                                 silent=args.silent, windowed=args.windowed, repeat=args.repeat, clips=args.clips)
    if not config.token:
        raise SystemExit("hallq display: a token is needed (--token or token = ... in --config)")
    from hall_display.app import main

    return main(config)
