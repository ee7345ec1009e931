"""`hallq window`: run the clerk window terminal (叫号器) against a hall server."""
from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser("window", help="clerk window terminal (叫号器)",
                       description="The clerk's terminal at a service window: sign in, call, serve, finish; "
                                   "the citizen rates the visit on a second screen or a small window.")
    p.add_argument("--config", metavar="FILE", help="TOML with a [window_terminal] table (examples/window.toml)")
    p.add_argument("--server", metavar="URL", help="hall server, e.g. http://127.0.0.1:8700")
    p.add_argument("--token", metavar="T", help="this window's device token")
    p.add_argument("--pair", metavar="TEXT", help="the pairing text of the token's QR code (console: 设备令牌): "
                                                 "sets --server and --token")
    p.add_argument("--lang", choices=("zh", "en"), help="interface language (default zh)")
    p.add_argument("--compact", action="store_true", help="an always-on-top strip (~900x80) instead of a window")
    p.add_argument("--rating-screen", type=int, metavar="N",
                   help="screen index for the citizen's rating view (default: the second screen if any)")
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace):
    """The config file (if any) with the command line's values on top."""
    from window_terminal.config import TerminalConfig

    from qtclient.pairing import apply_pairing

    apply_pairing(args, "window")  # ValueError: not a window's pairing text
    data: dict = {}
    if args.config:
        import tomllib

        with open(args.config, "rb") as f:
            data = dict(tomllib.load(f).get("window_terminal", {}))
    for key, value in (("server", args.server), ("token", args.token), ("language", args.lang),
                       ("rating_screen", args.rating_screen)):
        if value is not None:
            data[key] = value
    if args.compact:
        data["layout"] = "compact"
    return TerminalConfig.from_dict(data)


def run(args: argparse.Namespace) -> int:
    from window_terminal.config import ConfigError

    try:
        config = config_from_args(args)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"window terminal: {exc}")
        return 2
    from window_terminal.app import main

    return main(config)
