"""`hallq report KIND --from D --to D`: a report on the server host, read from the hall's SQLite file (read-only)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("table", "xlsx", "csv", "json")


def register(sub: argparse._SubParsersAction) -> None:
    from server.cli import DEFAULT_CONFIG, DEFAULT_DATA

    p = sub.add_parser("report", help="statistics and appraisal for a period (reads the store read-only)",
                       description="Kinds: summary, services, windows, clerks, hours, ratings, attendance, followups. "
                                   "Cuts: service, window, clerk, priority, hour, weekday, day (attendance: day, "
                                   "clerk, window; followups: service, window, clerk).")
    p.add_argument("kind")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (default: the 1st of this month)")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day, included (default: today)")
    p.add_argument("--cut", help="a second dimension (summary: the only one)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("-o", "--output", type=Path, help="file to write (xlsx default: a name from kind and period)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data directory holding hallq.db")
    p.add_argument("--config", type=Path, default=None, help="hall config TOML (names, targets, outcomes); default: "
                                                             "the configuration the store holds, else the sample hall")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from queuecore.config import ConfigError, load_config
    from server.reports.build import ReportError, build_report, default_period, parse_day
    from server.reports.source import FactSource, open_reading
    from server.reports.writers import filename, render, write_text
    from server.store import DB_NAME, stored_config

    db = args.data / DB_NAME
    if not db.is_file():
        print(f"error: no hall store at {db}", file=sys.stderr)
        return 2
    try:  # the store's live configuration names what its tickets were issued under (issue 13)
        hall = load_config(str(args.config)) if args.config else stored_config(db) or load_config(str(DEFAULT_CONFIG))
    except (ConfigError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    now = datetime.now(ZoneInfo(hall.timezone))
    conn = open_reading(db, read_only=True)
    try:
        start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
        if start is None and end is None:
            start, end = default_period(now.date())
        start, end = start or end, end or start
        report = build_report(FactSource(conn, hall, read_only=True), hall, args.kind, start, end, cut=args.cut,
                              now=now, lang=args.lang)
    except ReportError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    if args.format == "table":
        text = write_text(report)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if args.format == "json":
        body = json.dumps(report.to_json(), ensure_ascii=False, indent=1).encode()
    else:
        body, _ = render(report, args.format)
    if args.output is None and args.format == "xlsx":
        args.output = Path(filename(report, "xlsx"))
    if args.output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    else:
        args.output.write_bytes(body)
        print(f"wrote {args.output} ({len(body):,} bytes)", file=sys.stderr)
    return 0
