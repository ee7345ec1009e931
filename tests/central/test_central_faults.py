"""Faults while two live halls ship their logs: PostgreSQL stopped, forwarder and centre SIGKILLed, the centre away.

Each hall keeps writing (a business day's events appended in small transactions, as a hall's
commands would) while its forwarder ships, in a process of its own so that it can be SIGKILLed.
Afterwards the centre's counts equal each hall's exactly: every event once, every ticket's final
status.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

from tests.central.centralkit import (DAY, CentralProcess, ForwarderProcess, add_hall, central_counts, hall_counts,
                                      shift_day, wait_for)

MAX_DAYS = 20  # each hall appends a day (~1,000 events) every 0.4 s until the faults are over


def _cursor(data) -> int:
    try:
        return json.loads((data / "central-cursor.json").read_text())["seq"]
    except (OSError, ValueError, KeyError):
        return 0


def test_faults_mid_stream_then_the_centre_counts_equal_each_halls(cluster, dsn, hall_copy, day_store):
    halls = {"east": hall_copy("east"), "west": hall_copy("west")}
    tokens = {h: add_hall(dsn, h) for h in halls}
    centre = CentralProcess(dsn)
    centre.start()
    forwarders = {h: ForwarderProcess(data, centre.url, tokens[h]) for h, data in halls.items()}
    for f in forwarders.values():
        f.start()
    errors: list[BaseException] = []
    done = threading.Event()

    def live_halls() -> None:
        try:
            for i in range(1, MAX_DAYS + 1):
                for data in halls.values():
                    shift_day(data, day_store, DAY + timedelta(days=i))
                if done.wait(0.4):
                    break
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    writer = threading.Thread(target=live_halls)
    writer.start()
    report: list[str] = []
    try:
        # Mid-backfill: PostgreSQL goes away for a while, then comes back.
        def mid_stream():
            held, head = central_counts(dsn, "east")["max_seq"], hall_counts(halls["east"])["head"]
            return (held, head) if 300 < held < head else None

        held, head = wait_for(mid_stream, 30, "the first batches, with more to send")
        cluster.stop()
        time.sleep(1.5)
        cluster.start()
        report.append(f"postgres stopped 1.5 s at east {held}/{head}")

        # The east forwarder is SIGKILLed mid-stream and restarted (it re-sends from its durable cursor).
        wait_for(lambda: central_counts(dsn, "east")["max_seq"] > _cursor(halls["east"]) - 1 > 0, 20, "progress")
        forwarders["east"].kill()
        time.sleep(0.3)
        forwarders["east"].start()
        report.append("forwarder SIGKILLed")

        # The centre is SIGKILLed and restarted at once.
        centre.kill()
        centre.start()
        report.append("centre SIGKILLed")

        # The centre is unreachable for a while: the halls' backlogs grow, their cursors stand still.
        centre.kill()
        standing = {h: _cursor(d) for h, d in halls.items()}
        heads = {h: hall_counts(d)["head"] for h, d in halls.items()}
        time.sleep(3.0)
        assert {h: _cursor(d) for h, d in halls.items()} == standing
        grown = {h: hall_counts(d)["head"] - heads[h] for h, d in halls.items()}
        assert all(n > 0 for n in grown.values()), grown
        centre.start()
        report.append(f"centre away 3 s (backlogs grew by {grown})")

        done.set()
        writer.join(60)
        assert not errors, errors
        for h, data in halls.items():
            head = hall_counts(data)["head"]
            wait_for(lambda: central_counts(dsn, h)["max_seq"] == head and _cursor(data) == head, 30,
                     f"{h} to drain its backlog")
    finally:
        done.set()
        writer.join(60)
        for f in forwarders.values():
            f.kill()
        centre.kill()
    for h, data in halls.items():
        own, city = hall_counts(data), central_counts(dsn, h)
        assert city["events"] == own["events"], h
        assert city["tickets"] == own["tickets"], h
        assert city["distinct_seq"] == sum(city["events"].values()) == own["head"], h  # no duplicates, no gaps
    print("faults:", "; ".join(report), {h: hall_counts(d)["head"] for h, d in halls.items()}, "events each: equal")
