"""`hallq clerk list|disable|enable|reset-pin`: the console's clerk actions from a shell, through the running server's
REST routes (server.routes_people), so they are checked and audited there exactly as from the console."""
from __future__ import annotations

import argparse
from urllib.parse import quote

from server.cli import CALL_ERRORS, call, call_failed, need_token, read_pin, remote_args


def register(csub: argparse._SubParsersAction) -> None:
    """Add to `hallq clerk` (server.cli registers the parser and its add/unlock)."""
    lp = csub.add_parser("list", help="list clerks on a running server: enabled, locked out, signed in where")
    remote_args(lp)
    lp.set_defaults(func=list_clerks)
    for name, text in (("disable", "disable a clerk on a running server: they cannot sign in (refused while "
                                   "signed in: sign them out first; audited)"),
                       ("enable", "enable a disabled clerk again on a running server (audited)")):
        p = csub.add_parser(name, help=text)
        p.add_argument("staff_id")
        remote_args(p)
        p.set_defaults(func=clerk_action, action=name)
    r = csub.add_parser("reset-pin", help="set a clerk's new PIN on a running server and lift their lockout (audited)")
    r.add_argument("staff_id")
    r.add_argument("--pin", help="4-12 digits; asked for when omitted")
    remote_args(r)
    r.set_defaults(func=clerk_action, action="reset-pin")


def _call(args: argparse.Namespace, method: str, path: str, body: dict | None = None):
    """The answer, or None once a missing token or a failed call is printed."""
    if not need_token(args):
        return None
    try:
        return call(args, method, path, body)
    except CALL_ERRORS as exc:
        call_failed(args, exc)
        return None


def list_clerks(args: argparse.Namespace) -> int:
    rows = _call(args, "GET", "/api/clerks")
    if rows is None:
        return 1
    for c in rows:
        state = "disabled" if c["disabled"] else "enabled"
        lock = f"  LOCKED OUT ({c['wrong_pins']} wrong PINs)" if c["locked_out"] else ""
        where = f"  at window {c['window']}" if c["window"] is not None else ""
        print(f"{c['staff_id']:12} {c['name']:12} {state}{lock}{where}")
    return 0


def clerk_action(args: argparse.Namespace) -> int:
    body: dict = {}
    if args.action == "reset-pin":
        pin = read_pin(args.pin, "New PIN: ")
        if pin is None:
            return 2
        body = {"pin": pin}
    c = _call(args, "POST", f"/api/clerks/{quote(args.staff_id, safe='')}/{args.action}", body)
    if c is None:
        return 1
    done = {"disable": "disabled: they cannot sign in", "enable": "enabled: they may sign in",
            "reset-pin": "has a new PIN; any lockout is lifted"}[args.action]
    print(f"clerk {c['staff_id']} ({c['name']}) {done}")
    return 0
