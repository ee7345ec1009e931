"""`hallq user add`: staff accounts that log in to the supervisor console (people log in, devices don't)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from server.cli import DEFAULT_DATA, _now, open_store


def register(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser("user", help="console accounts (supervisor, admin)")
    usub = u.add_subparsers(dest="user_command", required=True)
    ua = usub.add_parser("add", help="add a console user or set their password (lifts a lockout)")
    ua.add_argument("--username", required=True)
    ua.add_argument("--name", required=True, help="the person's name, as the audit and the console show it")
    ua.add_argument("--role", required=True, choices=("supervisor", "admin"))
    ua.add_argument("--password", help="at least 8 characters; asked for when omitted")
    ua.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ua.set_defaults(func=add_user)
    ul = usub.add_parser("list", help="list console users")
    ul.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ul.set_defaults(func=list_users)


def console_table(path: str | Path) -> dict:
    """The hall TOML's [console] table, checked now (a typo fails at start, not at the first alert):
    idle_s, failures_allowed, lockout_s, and [console.alerts] (queuecore.alerts.AlertRules)."""
    import tomllib

    import msgspec

    from queuecore.alerts import rules_from
    from queuecore.config import ConfigError
    from server.sessions import Settings

    with open(path, "rb") as f:
        table = tomllib.load(f).get("console") or {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [console] is not a table")
    unknown = set(table) - {"idle_s", "failures_allowed", "lockout_s", "alerts"}
    if unknown:
        raise ConfigError(f"{path}: [console]: unknown keys: {', '.join(sorted(unknown))}")
    try:
        Settings.from_extra({"console": table})
        rules_from(table.get("alerts"))
    except (msgspec.ValidationError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [console]: {exc}") from None
    return table


def add_user_in(data: Path, username: str, name: str, role: str, password: str) -> None:
    from server import sessions

    sessions.check_new_user(username, name, role, password)
    with open_store(data) as store:
        now = _now()
        sessions.add_user(store, username, name, role, sessions.hash_password(password), now)
        import getpass

        from server.auth import Principal
        from server.service import _audit_row

        store.write_audit([_audit_row(now, Principal(role="cli", name=getpass.getuser()), "user_added",
                                      {"username": username, "role": role})])


def add_user(args: argparse.Namespace) -> int:
    from server.service import Denied

    password = args.password
    if password is None:
        import getpass

        password = getpass.getpass("Password: ")
    try:
        add_user_in(args.data, args.username, args.name, args.role, password)
    except Denied as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(f"user {args.username} ({args.name}, {args.role}) saved")
    return 0


def list_users(args: argparse.Namespace) -> int:
    from server import sessions

    with open_store(args.data) as store:
        for row in sessions.users(store):
            print(f"{row['role']:10} {row['username']:16} {row['name']}  created {row['created_at']}")
    return 0
