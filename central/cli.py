"""`hallq central --dsn postgresql://…`: run the city server; `--add-hall CODE` registers a hall and prints its token;
`hallq central user add|list|remove`: the city readers' accounts (people who log in to the city page)."""
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
    users = p.add_subparsers(dest="central_action", metavar="user")
    u = users.add_parser("user", help="city readers: people who log in to the city page and reports")
    acts = u.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    add = acts.add_parser("add", help="create a reader (or set a new password; it also lifts a lockout)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the person's name, shown on the page")
    add.add_argument("--hall", help="bind the reader to one hall: it sees that hall only (default: every hall)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    rm = acts.add_parser("remove", help="disable a reader and end its sessions")
    rm.add_argument("username")
    acts.add_parser("list", help="the readers")
    for sp in (add, rm, acts.choices["list"]):
        sp.add_argument("--dsn", default=argparse.SUPPRESS, help="as for hallq central")
        sp.set_defaults(func=run_users)


def run_users(args: argparse.Namespace) -> int:
    import sys

    import psycopg

    from central import readers as U
    from central.schema import create

    if not args.dsn:
        print("hallq central user: --dsn is required (or set HALLQ_CENTRAL_DSN)", file=sys.stderr)
        return 2
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        create(conn)
        if args.user_action == "list":
            for r in U.list_readers(conn):
                locked = f"  locked until {r['locked_until']:%Y-%m-%d %H:%M}" if r["locked_until"] else ""
                print(f"{r['username']}\t{r['name']}\t{r['hall'] or '(all halls)'}{locked}")
            return 0
        if args.user_action == "remove":
            if not U.remove_reader(conn, args.username):
                print(f"no reader {args.username!r}", file=sys.stderr)
                return 1
            print(f"removed {args.username}")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            import getpass

            password = getpass.getpass("password: ")
            if getpass.getpass("again: ") != password:
                print("the passwords differ", file=sys.stderr)
                return 1
        try:
            U.add_reader(conn, args.username, args.name, password, args.hall)
        except U.ReaderError as exc:
            print(f"{exc.code}: {exc.message}", file=sys.stderr)
            return 1
    print(f"reader {args.username} saved ({'hall ' + args.hall if args.hall else 'all halls'})")
    return 0


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
