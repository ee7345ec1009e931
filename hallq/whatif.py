"""`hallq whatif`: replay a recorded business day's own arrivals through the real core with another staffing plan.

The replay is queuecore.whatif (pure); the recorded day is read by server.whatif, which also answers the
console's POST /api/whatif. This module is the command line.
"""
from __future__ import annotations

import argparse
import tomllib
from datetime import date
from pathlib import Path

import msgspec

from queuecore.whatif import (Arrival, Figures, Plan, PlanError, PlanWindow, Replay, comparison, parse_plan,  # noqa: F401
                              plan_of_hall, total)
from server.whatif import recorded_day, whatif  # noqa: F401

_total = total  # the name the tests and older scripts use


def load_plan(path: Path) -> Plan:
    with open(path, "rb") as f:
        return msgspec.convert(tomllib.load(f), Plan)


# ---------------------------------------------------------------- CLI


def register(sub: argparse._SubParsersAction) -> None:
    from server.cli import DEFAULT_CONFIG, DEFAULT_DATA

    p = sub.add_parser("whatif", help="replay a recorded day's arrivals with another staffing plan (deterministic)")
    p.add_argument("--day", required=True, type=date.fromisoformat, help="YYYY-MM-DD: a day in the store")
    p.add_argument("--plan", required=True, type=Path, help="staffing plan TOML: start, serve_until, [[windows]] "
                                                            "id, services, start, until")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data directory holding hallq.db")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the hall config (services, rules)")
    p.set_defaults(func=run_whatif)


def run_whatif(args: argparse.Namespace) -> int:
    import sys

    from queuecore.config import ConfigError, load_config

    try:
        config = load_config(str(args.config))
        plan = parse_plan(args.plan.read_text(encoding="utf-8"), config)
    except (ConfigError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PlanError as exc:
        print(f"error: {args.plan}: {exc}", file=sys.stderr)
        return 2
    db = args.data / "hallq.db"
    if not db.exists():
        print(f"error: no store at {db}", file=sys.stderr)
        return 2
    actual, planned = whatif(config, db, args.day, plan)
    if not actual:
        print(f"error: the store has no tickets of {args.day}", file=sys.stderr)
        return 1
    print(f"what if {args.day} had been staffed by {args.plan.name} ({len(plan.windows)} windows):")
    print(comparison(config, actual, planned))
    return 0
