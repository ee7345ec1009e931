"""`python -m bench` (or `make bench`): run every benchmark and print one table of figures."""
from __future__ import annotations

import importlib
import platform
import sys
import time

from bench.harness import print_rows

# Each module has run() -> list[(name, figure)]. Bounded in time and count; 127.0.0.1 only.
BENCHMARKS = ("bench.issue_throughput", "bench.announce_latency", "bench.ticket_bytes", "bench.simulate_day",
              "bench.store_year", "bench.kiosk_tap_to_print", "bench.gui_startup", "bench.pin_flood",
              "bench.reports_bench", "bench.central_bench", "bench.estimate_bench",
              "bench.console_bench", "bench.notify_bench", "bench.phone_bench", "bench.config_bench")


def main(argv: list[str]) -> int:
    chosen = [b for b in BENCHMARKS if not argv or any(a in b for a in argv)]
    rows: list[tuple[str, str]] = []
    for name in chosen:
        started = time.monotonic()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows += importlib.import_module(name).run()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            rows.append((name, f"FAILED: {type(exc).__name__}: {exc}"))
        print(f"  done in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    print(f"hallq benchmarks on {platform.node()} ({platform.machine()}, Python {platform.python_version()})")
    print_rows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
