"""How long `hallq simulate` takes for a 1,500-ticket day of the sample county hall (real server, real HTTP)."""
from __future__ import annotations

import asyncio
from datetime import date

from bench.harness import ROOT, print_rows
from hallq.simulation import simulate_day

TICKETS = 1500


def run() -> list[tuple[str, str]]:
    result = asyncio.run(simulate_day(ROOT / "examples" / "county-hall.toml", seed=1, day=date(2026, 11, 23),
                                      tickets=TICKETS))
    arrivals = sum(f.arrivals for f in result.figures.values())
    return [(f"hallq simulate: {TICKETS:,}-ticket day, sample hall",
             f"{result.elapsed_s:.1f} s ({arrivals:,} arrivals, {result.requests:,} requests, "
             f"{result.requests / result.elapsed_s:,.0f} req/s)")]


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
