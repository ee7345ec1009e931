"""`hallq demo`: the hall server on the sample county hall, with tokens and demo clerks ready, in a fresh data dir.

(The GUIs and the simulated crowd join the demo as their issues land.)
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

DEMO_CLERKS = (("demo1", "演示坐席一", "1234", 1), ("demo2", "演示坐席二", "1234", 2), ("demo3", "演示坐席三", "1234", 16))


def register(sub: argparse._SubParsersAction) -> None:
    from server.cli import DEFAULT_CONFIG

    p = sub.add_parser("demo", help="run the demo hall (server on the sample config, tokens printed)")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    p.add_argument("--data", type=Path, default=Path("demo-data"), help="wiped and recreated on every run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument("--keep-hours", action="store_true",
                   help="apply the services' issuing hours (by default a demo issues at any hour)")
    p.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    import msgspec

    from queuecore.config import ConfigError, load_config
    from server.app import ServerConfig
    from server.cli import add_clerk_in, create_token_in
    from server.runner import serve

    try:
        hall = load_config(str(args.config))
    except (ConfigError, OSError) as exc:
        print(f"error: {exc}")
        return 2
    if not args.keep_hours:
        hall = msgspec.structs.replace(hall, services=tuple(msgspec.structs.replace(s, hours=()) for s in hall.services))
    if args.data.exists():
        shutil.rmtree(args.data)
    tokens = {"kiosk": create_token_in(args.data, "kiosk", "demo-kiosk", None),
              "display": create_token_in(args.data, "display", "demo-display", None),
              "admin": create_token_in(args.data, "admin", "demo-admin", None)}
    for staff, name, pin, window in DEMO_CLERKS:
        add_clerk_in(args.data, staff, name, pin)
        tokens[f"window {window} (clerk {staff}, PIN {pin})"] = create_token_in(args.data, "window", f"demo-window{window}",
                                                                              window)
    lines = [f"{role:32} {token}" for role, token in tokens.items()]
    (args.data / "tokens.txt").write_text("\n".join(lines) + "\n")

    def ready(url: str) -> None:
        kiosk = tokens["kiosk"]
        print(f"""
hallq demo: {hall.name_zh} ({len(hall.services)} services, {len(hall.windows)} windows)
  health     {url}/api/health
  API docs   {url}/api/openapi.json
  live feed  {url.replace('http', 'ws')}/ws?token={tokens['display']}
tokens (also in {args.data / 'tokens.txt'}):
""" + "\n".join(f"  {line}" for line in lines) + f"""
try it:
  curl -s -X POST {url}/api/tickets -H 'Authorization: Bearer {kiosk}' -d '{{"service": "realestate"}}'
Ctrl-C stops the demo.{'' if args.keep_hours else '  (Issuing hours are ignored in the demo; --keep-hours applies them.)'}
""", flush=True)

    return serve(ServerConfig(hall=hall, data_dir=args.data), args.host, args.port, on_ready=ready)
