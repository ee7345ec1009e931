"""`hallq server`, `hallq token create`, `hallq clerk add`: run the hall server and manage who may use it."""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server.views import mask_name

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "examples" / "county-hall.toml"
DEFAULT_DATA = Path("data")


def remote_args(p: argparse.ArgumentParser) -> None:
    """--server and --token, for the commands that act through a running hall server."""
    p.add_argument("--server", default="http://127.0.0.1:8700")
    p.add_argument("--token", default=os.environ.get("HALLQ_TOKEN"), help="an admin token (default: $HALLQ_TOKEN)")


def need_token(args: argparse.Namespace) -> bool:
    """Whether a command of remote_args has its admin token; says what is missing when not."""
    if not args.token:
        print("error: an admin token is needed: --token or $HALLQ_TOKEN", file=sys.stderr)
    return bool(args.token)


def call(args: argparse.Namespace, method: str, path: str, body: dict | None = None, **kw) -> dict | str:
    """api() with the command's --server and --token (raises one of CALL_ERRORS)."""
    return api(args.server, args.token, method, path, body, **kw)


def call_failed(args: argparse.Namespace, exc: Exception) -> int:
    """Print a failed call (a refusal or an unreachable server) with the server's address; exit code 1."""
    print(f"error: {args.server}: {exc}", file=sys.stderr)
    return 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("server", help="run the hall server")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="hall config TOML (default: sample hall)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data directory holding hallq.db")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700, help="0 picks a free port")
    p.add_argument("--outbox-kib", type=int, default=1024, help="unsent KiB per client before it is dropped")
    p.add_argument("--no-fsync", action="store_true", help="faster, but a power cut may lose the last tickets")
    p.add_argument("--kiosk-limit", type=int, default=60, metavar="N",
                   help="tickets one kiosk may issue per minute (default 60)")
    p.add_argument("--central-url", metavar="URL", help="forward the event log to this city server (hallq central)")
    p.add_argument("--central-token", default=None, help="this hall's token there (default: $HALLQ_CENTRAL_TOKEN)")
    p.set_defaults(func=run_server)

    t = sub.add_parser("token", help="device tokens")
    tsub = t.add_subparsers(dest="token_command", required=True)
    tc = tsub.add_parser("create", help="create a token (shown once, stored hashed)")
    tc.add_argument("--role", required=True, choices=("kiosk", "window", "display", "supervisor", "admin"))
    tc.add_argument("--name", required=True, help="e.g. 'kiosk-1' or '3号窗口'")
    tc.add_argument("--window", type=int, help="window id (required for --role window)")
    tc.add_argument("--data", type=Path, default=DEFAULT_DATA)
    tc.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="to check the window id")
    tc.set_defaults(func=create_token)
    tr = tsub.add_parser("revoke", help="revoke every token with this name (its open sockets close within 10 s)")
    tr.add_argument("--name", required=True)
    tr.add_argument("--data", type=Path, default=DEFAULT_DATA)
    tr.set_defaults(func=revoke_token)
    tl = tsub.add_parser("list", help="list tokens (names and roles, never the secrets)")
    tl.add_argument("--data", type=Path, default=DEFAULT_DATA)
    tl.set_defaults(func=list_tokens)

    a = sub.add_parser("appointment", help="appointments (预约)")
    asub = a.add_subparsers(dest="appointment_command", required=True)
    ai = asub.add_parser("import", help="import appointments from a CSV file into a running server")
    ai.add_argument("file", type=Path, help="CSV with columns code,service,date,start,end,name "
                                            "(date YYYY-MM-DD, times HH:MM, hall local time)")
    ai.add_argument("--server", required=True, help="e.g. http://127.0.0.1:8700")
    ai.add_argument("--token", required=True, help="an admin token")
    ai.set_defaults(func=import_appointments)

    s = sub.add_parser("service", help="services: extended hours (延时服务) on a running server")
    ssub = s.add_subparsers(dest="service_command", required=True)
    se = ssub.add_parser("extend", help="keep a service issuing tickets until HH:MM today, whatever its hours "
                                        "(延时服务; also to try the hall at night)")
    se.add_argument("--until", required=True, metavar="HH:MM", help="hall local time, later today")
    sx = ssub.add_parser("end-extension", help="end a service's extended hours now: its own hours apply again")
    for p in (se, sx):
        p.add_argument("service", nargs="?", help="service code, e.g. realestate")
        p.add_argument("--all", action="store_true", help="every service of the hall")
        remote_args(p)
        p.set_defaults(func=extend_services)

    d = sub.add_parser("day", help="the business day on a running server")
    dsub = d.add_subparsers(dest="day_command", required=True)
    dc = dsub.add_parser("close", help="日终: expire open tickets, sign clerks out, make every device reload and "
                                       "back the store up into <data>/backups")
    dc.add_argument("--force", action="store_true", help="also end the visits still at windows")
    dc.add_argument("--reason", default="", help="why open tickets expired (default: day_closed)")
    remote_args(dc)
    dc.set_defaults(func=close_day)

    r = sub.add_parser("restore", help="bring a backup back as the store of a data dir (stop the server first)")
    r.add_argument("file", type=Path, help="a backup, e.g. data/backups/hallq-20261123-173000.db")
    r.add_argument("--data", type=Path, default=DEFAULT_DATA)
    r.set_defaults(func=restore_backup)

    c = sub.add_parser("clerk", help="clerks who sign in at windows")
    csub = c.add_subparsers(dest="clerk_command", required=True)
    ca = csub.add_parser("add", help="add a clerk or change their PIN")
    ca.add_argument("--staff-id", required=True)
    ca.add_argument("--name", required=True)
    ca.add_argument("--pin", help="4-12 digits; asked for when omitted")
    ca.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ca.set_defaults(func=add_clerk)
    cu = csub.add_parser("unlock", help="lift a clerk's wrong-PIN lockout on a running server (audited)")
    cu.add_argument("staff_id")
    remote_args(cu)
    cu.set_defaults(func=unlock_clerk)
    from server.people_cli import register as clerk_admin  # list, disable, enable, reset-pin (through the API)

    clerk_admin(csub)


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def issue_token(store, role: str, name: str, window: int | None) -> str:
    """A new token for a device, stored hashed in an open Store; the secret is returned once."""
    from server import auth

    token = auth.new_token()
    store.add_token(auth.hash_token(token), role, name, window, _now())
    return token


def enroll_clerk(store, staff_id: str, name: str, pin: str) -> None:
    """Add a clerk (or change their PIN) in an open Store; the PIN is stored with scrypt."""
    from server import auth

    store.set_clerk(staff_id, name, auth.hash_pin(pin), _now())


@contextmanager
def open_store(data: Path) -> Iterator:
    from server.store import Store

    store = Store(data)
    try:
        yield store
    finally:
        store.close()


def create_token_in(data: Path, role: str, name: str, window: int | None) -> str:
    with open_store(data) as store:
        return issue_token(store, role, name, window)


def add_clerk_in(data: Path, staff_id: str, name: str, pin: str) -> None:
    with open_store(data) as store:
        enroll_clerk(store, staff_id, name, pin)


def create_token(args: argparse.Namespace) -> int:
    if args.role == "window":
        if args.window is None:
            print("error: --window N is required for a window token", file=sys.stderr)
            return 2
        from queuecore.config import ConfigError, load_config

        try:
            ids = {w.id for w in load_config(str(args.config)).windows}
        except (ConfigError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.window not in ids:
            print(f"error: window {args.window} is not in {args.config} (windows: {sorted(ids)})", file=sys.stderr)
            return 2
    elif args.window is not None:
        print("error: --window only goes with --role window", file=sys.stderr)
        return 2
    token = create_token_in(args.data, args.role, args.name, args.window)
    print(f"{args.role} token for {args.name!r} (shown once; keep it):")
    print(token)
    return 0


def revoke_tokens_in(data: Path, name: str) -> int:
    """Revoke every active token with this name (audited); the running server closes their sockets within a tick."""
    import getpass

    with open_store(data) as store:
        now = _now()
        count = store.revoke_tokens(name, now)
        if count:
            store.write_audit([(now.isoformat(), f"cli:{getpass.getuser()}", "token_revoked",
                                f'{{"name": {json.dumps(name)}, "count": {count}}}')])
    return count


def revoke_token(args: argparse.Namespace) -> int:
    count = revoke_tokens_in(args.data, args.name)
    if not count:
        print(f"error: no active token named {args.name!r}", file=sys.stderr)
        return 1
    print(f"revoked {count} token(s) named {args.name!r}")
    return 0


def list_tokens(args: argparse.Namespace) -> int:
    with open_store(args.data) as store:
        for row in store.tokens():
            window = f" window {row['window']}" if row["window"] else ""
            print(f"{row['role']:8} {row['name']}{window}  created {row['created_at']}")
    return 0


def read_pin(given: str | None, prompt: str = "PIN: ") -> str | None:
    """A clerk's PIN from the command line or asked for (not echoed); None (said why) unless it is 4-12 digits."""
    pin = given
    if pin is None:
        import getpass

        pin = getpass.getpass(prompt)
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        print("error: the PIN must be 4 to 12 digits", file=sys.stderr)
        return None
    return pin


def add_clerk(args: argparse.Namespace) -> int:
    pin = read_pin(args.pin)
    if pin is None:
        return 2
    add_clerk_in(args.data, args.staff_id, args.name, pin)
    print(f"clerk {args.staff_id} ({args.name}) saved")
    return 0


def run_server(args: argparse.Namespace) -> int:
    from queuecore.config import ConfigError, load_config
    from server.runner import serve

    try:
        hall = load_config(str(args.config))
    except (ConfigError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from server.app import ServerConfig

    from server.console_cli import console_table
    from server.notify.settings import notify_table

    extra = {}
    if args.central_url:
        extra["central"] = {"url": args.central_url,
                            "token": args.central_token or os.environ.get("HALLQ_CENTRAL_TOKEN", "")}
    try:
        extra["console"] = console_table(args.config)  # [console]: 超时预警 rules and session limits
        extra["notify"] = notify_table(args.config)  # [notify]: positions, the SMS provider, templates, webhooks
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    extra = {k: v for k, v in extra.items() if v}
    cfg = ServerConfig(hall=hall, data_dir=args.data, outbox_bytes=args.outbox_kib * 1024, durable=not args.no_fsync,
                       kiosk_issue_limit=args.kiosk_limit, extra=extra)
    return serve(cfg, args.host, args.port)


def read_appointments_csv(path: Path, tz_name: str) -> list[dict]:
    """Rows of the CSV as NewAppointment bodies; a bad row raises ValueError naming its line."""
    import csv
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(tz_name)
    out = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = {"code", "service", "date", "start", "end"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns: {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            try:
                day = date.fromisoformat(row["date"].strip())
                start = datetime.combine(day, time.fromisoformat(row["start"].strip()), tz)
                end = datetime.combine(day, time.fromisoformat(row["end"].strip()), tz)
            except ValueError as exc:
                raise ValueError(f"{path}:{line}: {exc}") from None
            out.append({"code": row["code"].strip().upper(), "service": row["service"].strip(),
                        "start": start.isoformat(), "end": end.isoformat(),
                        "name_masked": mask_name(row.get("name") or "")})
    return out


def import_appointments(args: argparse.Namespace) -> int:
    try:
        tz = api(args.server, args.token, "GET", "/api/hall")["hall"]["timezone"]
        rows = read_appointments_csv(args.file, tz)
        if not rows:
            print(f"error: {args.file} has no appointments", file=sys.stderr)
            return 2
        result = api(args.server, args.token, "POST", "/api/appointments", {"appointments": rows})
    except ApiError as exc:
        print(f"error: {exc} (nothing was imported)", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"imported {len(result['events'])} appointments")
    return 0


class ApiError(Exception):
    """A refusal from the hall server: HTTP status, stable code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")


def api(server: str, token: str, method: str, path: str, body: dict | None = None, *, data: bytes | None = None,
        content_type: str = "application/json", text: bool = False) -> dict | str:
    """One request to the hall server's REST API; a refusal raises ApiError. `data`: a raw body (e.g. a TOML
    file, with its content_type); `text`: the answer is text (e.g. an export), not JSON."""
    import urllib.request

    req = urllib.request.Request(server.rstrip("/") + path, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
                                 data=data if data is not None else json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read().decode("utf-8") if text else json.loads(r.read())
    except urllib.error.HTTPError as exc:
        try:
            refusal = json.loads(exc.read() or b"{}")
        except ValueError:
            refusal = {}
        raise ApiError(exc.code, refusal.get("code", "http_error"), refusal.get("message", exc.reason)) from None


CALL_ERRORS = (ApiError, urllib.error.URLError, OSError)  # what a call to the hall server may raise


def extend_services(args: argparse.Namespace) -> int:
    """`hallq service extend` / `end-extension`: one service or --all, each its own command (and result)."""
    from datetime import datetime, time
    from urllib.parse import quote
    from zoneinfo import ZoneInfo

    if bool(args.service) == args.all:
        print("error: give a SERVICE or --all", file=sys.stderr)
        return 2
    if not need_token(args):
        return 2
    end = args.service_command == "end-extension"
    if not end:
        try:
            until_time = time.fromisoformat(args.until)
        except ValueError:
            print(f"error: --until must be HH:MM, got {args.until!r}", file=sys.stderr)
            return 2
    try:
        snap = call(args, "GET", "/api/hall")
    except (*CALL_ERRORS, ValueError) as exc:
        return call_failed(args, exc)
    names = {s["code"]: s["name_zh"] for s in snap["hall"]["services"]}
    tz = ZoneInfo(snap["hall"]["timezone"])
    # Today is the server's today, in the hall's time zone (this machine's clock may differ).
    until = None if end else datetime.combine(datetime.fromisoformat(snap["now"]).astimezone(tz).date(), until_time, tz)
    failed = 0
    for code in names if args.all else [args.service]:
        path = f"/api/services/{quote(code, safe='')}/" + ("end-extension" if end else "extend")
        try:
            call(args, "POST", path, None if end else {"until": until.isoformat()})
        except CALL_ERRORS as exc:
            print(f"error: {code}: {exc}", file=sys.stderr)
            failed += 1
            continue
        what = "its own hours apply again" if end else f"issues tickets until {until:%H:%M} today"
        print(f"{code} ({names.get(code, '?')}): {what}")
    return 1 if failed else 0


def unlock_clerk(args: argparse.Namespace) -> int:
    """`hallq clerk unlock STAFF_ID`: through the running server, so that it forgets the lockout at once."""
    from urllib.parse import quote

    if not need_token(args):
        return 2
    try:
        call(args, "POST", f"/api/clerks/{quote(args.staff_id, safe='')}/unlock", {})
    except CALL_ERRORS as exc:
        return call_failed(args, exc)
    print(f"clerk {args.staff_id}: PIN lockout lifted; they may sign in again")
    return 0


def close_day(args: argparse.Namespace) -> int:
    """`hallq day close`: one command on the running server; prints what expired and where the backup went."""
    if not need_token(args):
        return 2
    try:
        result = call(args, "POST", "/api/day/close", {"force": args.force, "reason": args.reason})
    except ApiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if "visits_in_service" in str(exc):
            print("finish those visits, or close with --force to end them", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as exc:
        return call_failed(args, exc)
    closed = next((e for e in result["events"] if e["type"] == "day_closed"), {})
    print(f"day {closed.get('day')} closed: {closed.get('expired', 0)} open tickets expired, "
          f"{closed.get('signed_out', 0)} clerks signed out" + (" (forced)" if closed.get("forced") else ""))
    for old in result.get("backups_removed", []):
        print(f"removed old backup {old}")
    if not result.get("backup"):
        print(f"error: the backup failed: {result.get('backup_error') or 'no backup on a repeated command'}",
              file=sys.stderr)
        return 1
    print(f"backup: {result['backup']}")
    return 0


def restore_backup(args: argparse.Namespace) -> int:
    """`hallq restore FILE --data DIR`: the server must be stopped; the replaced store is kept beside it."""
    from datetime import datetime

    from server.backup import BackupError, restore

    try:
        kept, figures = restore(args.file, args.data, datetime.now())
    except (BackupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"restored {args.file} into {args.data}: {figures['tickets']} tickets, "
          f"{figures['last_day_tickets']} of {figures['last_day'] or 'no day'}")
    if kept:
        print(f"the replaced store is kept as {kept}")
    return 0
