"""`hallq whatif`: replay a recorded business day's own arrivals through the real core with another staffing plan.

The replay is queuecore.whatif (pure); the recorded day is read by server.whatif, which also answers the
console's POST /api/whatif. This module is the command line.
"""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from queuecore.whatif import Plan, PlanError, PlanWindow, comparison, parse_plan  # noqa: F401 (Plan*: the tests')
from server.whatif import recorded_day, whatif  # noqa: F401 (recorded_day: the tests')


# ---------------------------------------------------------------- CLI


def register(sub: argparse._SubParsersAction) -> None:
    from server.cli import DEFAULT_DATA

    p = sub.add_parser("whatif", help="replay a recorded day's arrivals with another staffing plan (deterministic)")
    p.add_argument("--day", required=True, type=date.fromisoformat, help="YYYY-MM-DD: a day in the store")
    p.add_argument("--plan", required=True, type=Path, help="staffing plan TOML: start, serve_until, [[windows]] "
                                                            "id, services, start, until")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data directory holding hallq.db")
    p.add_argument("--config", type=Path, default=None, help="the hall config (services, rules); default: the "
                                                             "configuration the store holds, else the sample hall")
    p.set_defaults(func=run_whatif)


def run_whatif(args: argparse.Namespace) -> int:
    import sys

    from queuecore.config import ConfigError, load_config
    from server.cli import DEFAULT_CONFIG
    from server.store import DB_NAME, stored_config

    db = args.data / DB_NAME
    if not db.exists():
        print(f"error: no store at {db}", file=sys.stderr)
        return 2
    try:  # the store's live configuration, as `hallq report` reads it
        config = load_config(str(args.config)) if args.config else stored_config(db) or load_config(str(DEFAULT_CONFIG))
        plan = parse_plan(args.plan.read_text(encoding="utf-8"), config)
    except (ConfigError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PlanError as exc:
        print(f"error: {args.plan}: {exc}", file=sys.stderr)
        return 2
    actual, planned = whatif(config, db, args.day, plan)
    if not actual:
        print(f"error: the store has no tickets of {args.day}", file=sys.stderr)
        return 1
    print(f"what if {args.day} had been staffed by {args.plan.name} ({len(plan.windows)} windows):")
    print(comparison(config, actual, planned))
    return 0
