"""`hallq central --dsn postgresql://…`: run the city server; `--add-hall CODE` registers a hall and prints its token."""
from __future__ import annotations

import argparse
import os


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("central", help="run the city server (halls ship their event logs to PostgreSQL)")
    p.add_argument("--dsn", default=os.environ.get("HALLQ_CENTRAL_DSN", ""),
                   help="PostgreSQL, e.g. postgresql://hallq@127.0.0.1:5432/hallq (default: $HALLQ_CENTRAL_DSN)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8800, help="0 picks a free port")
    p.add_argument("--add-hall", metavar="CODE", help="register a hall (or give it a new token), print the token, exit")
    p.add_argument("--name", default="", help="with --add-hall: the hall's name until its config arrives")
    p.set_defaults(func=run_central)


def run_central(args: argparse.Namespace) -> int:
    import psycopg

    from central.schema import create

    if not args.dsn:
        print("hallq central: --dsn is required (or set HALLQ_CENTRAL_DSN)")
        return 2
    if args.add_hall:
        from central.ingest import add_hall

        with psycopg.connect(args.dsn, autocommit=True) as conn:
            create(conn)
            print(add_hall(conn, args.add_hall, args.name, args.name))
        return 0
    return serve(args.dsn, args.host, args.port)


def serve(dsn: str, host: str, port: int) -> int:
    import asyncio
    import signal

    from aiohttp import web

    from central.app import CentralConfig, create_app

    async def main() -> None:
        runner = web.AppRunner(create_app(CentralConfig(dsn=dsn)), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port, reuse_address=True).start()
        print(f"hallq central listening on http://{host}:{runner.addresses[0][1]}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())
    return 0
