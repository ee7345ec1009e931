"""`hallq config export|import|history`: the live hall configuration through the running server (admin token).

The store holds the configuration (versioned); the TOML file given to `hallq server --config` only seeds a new hall.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

from server.cli import CALL_ERRORS, ApiError, call, need_token, remote_args


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("config", help="the hall's live configuration (versioned in the store) on a running server")
    csub = c.add_subparsers(dest="config_command", required=True)
    ex = csub.add_parser("export", help="write the current configuration as TOML (backup, review)")
    ex.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    ex.set_defaults(func=export_config)
    im = csub.add_parser("import", help="apply a TOML file as one change (every device follows within a second)")
    im.add_argument("file", type=Path)
    im.add_argument("--next-day", action="store_true", help="apply when the next business day starts (a change "
                                                            "that conflicts with today's tickets must wait for it)")
    im.add_argument("--note", default="", help="why (kept in the history and the audit)")
    im.set_defaults(func=import_config)
    hi = csub.add_parser("history", help="every change: version, when, who, what")
    hi.set_defaults(func=config_history)
    for p in (ex, im, hi):
        remote_args(p)


def _call(args: argparse.Namespace, *a, **kw):
    if not need_token(args):
        raise SystemExit(1)
    return call(args, *a, **kw)


def _fail(args: argparse.Namespace, exc: Exception) -> int:
    where = "" if isinstance(exc, ApiError) else f"{args.server}: "
    print(f"error: {where}{exc}", file=sys.stderr)
    return 1


def export_config(args: argparse.Namespace) -> int:
    try:
        text = _call(args, "GET", "/api/config/export", text=True)
    except CALL_ERRORS as exc:
        return _fail(args, exc)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"configuration written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def import_config(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    query = urlencode({"effective": "next_day" if args.next_day else "now", "note": args.note})
    try:
        result = _call(args, "POST", f"/api/config/import?{query}", data=data, content_type="text/plain; charset=utf-8")
    except CALL_ERRORS as exc:
        rc = _fail(args, exc)
        if isinstance(exc, ApiError) and "next business day" in str(exc):
            print("the file conflicts with today's hall: `--next-day` applies it when the next business day starts",
                  file=sys.stderr)
        return rc
    when = "from the next business day" if result["effective"] == "next_day" else "now"
    print(f"{args.file}: configuration version {result['config_version']}, in force {when}")
    return 0


def config_history(args: argparse.Namespace) -> int:
    try:
        rows = _call(args, "GET", "/api/config/history")
    except CALL_ERRORS as exc:
        return _fail(args, exc)
    for row in rows:
        what = "; ".join(row["summary"]) or "-"
        note = f"  ({row['note']})" if row.get("note") else ""
        failed = f"  FAILED: {row['message']}" if row["status"] == "failed" else ""
        print(f"v{row['version']:<4} {row['at'][:19]:<19} {row['status']:<8} {row['actor']:<24} {what}{note}{failed}")
    return 0
