"""差评 follow-up figures: 差评整改率 and the on-time rates over the stored cases, against a count from the cases' own steps."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from queuecore.followup import advance
from server.reports.build import build_report
from server.store import Store
from tests.reports.conftest import source_for
from tests.reports.week import WEEK

START, END = WEEK[0], WEEK[-1]


@pytest.fixture
def worked(week_copy, hall, evening):
    """Some cases taken through their steps, some on time, some late, one found not valid."""
    store = Store(week_copy)
    try:
        cases = sorted(store.followups(START, END), key=lambda c: c.rated_at)
        monday = [c for c in cases if c.rated_at.astimezone(evening.tzinfo).date() == START]
        assert len(monday) >= 3
        plans = [  # (case, [(action, hours after the rating, valid)])
            (monday[0], [("contact", 2, None), ("verify", 3, True), ("rectify", 24, None), ("close", 25, None)]),
            (monday[1], [("contact", 72, None), ("verify", 73, False), ("close", 74, None)]),  # contacted late
            (monday[2], [("contact", 1, None), ("verify", 2, True)]),  # valid; its rectification is not due yet
        ]
        rows = []
        for case, steps in plans:
            for action, hours, valid in steps:
                case, _ = advance(case, action, "sup1", f"{action} note", case.rated_at + timedelta(hours=hours), valid)
            rows.append(store.followup_row(case, evening.tzinfo))
        marks = ", ".join("?" for _ in rows[0])
        with sqlite3.connect(week_copy / "hallq.db") as conn:
            conn.executemany(f"INSERT OR REPLACE INTO followups VALUES ({marks})", rows)
    finally:
        store.close()
    return week_copy


def expected(rows: list[dict], now) -> dict:
    """From the raw steps: what was done when, against the stored deadlines."""
    contact_due = rectify_due = contact_ok = rectify_ok = rectified = 0
    for c in rows:
        steps = {s["action"]: s["at"] for s in c["steps"]}
        contact = steps.get("contact")
        fix = steps.get("rectify") or (steps.get("close") if c["valid"] is False else None)
        rectified += fix is not None
        if contact is not None or now > c["contact_due"]:
            contact_due += 1
            contact_ok += contact is not None and contact <= c["contact_due"]
        if fix is not None or now > c["rectify_due"]:
            rectify_due += 1
            rectify_ok += fix is not None and fix <= c["rectify_due"]
    return {"cases": len(rows), "rectified": rectified, "rectify_rate": rectified / len(rows),
            "contact_on_time": contact_ok / contact_due if contact_due else None,
            "rectify_on_time": rectify_ok / rectify_due if rectify_due else None}


def test_every_bad_rating_is_a_case_and_the_rates_follow_the_steps(worked, hall, evening) -> None:
    import json
    from datetime import datetime

    summary, cases = build_report(source_for(worked, hall, read_only=True), hall, "followups", START, END,
                                  now=evening).tables
    with sqlite3.connect(worked / "hallq.db") as conn:
        low = conn.execute("SELECT count(*) FROM tickets WHERE rating IN (1, 2) AND day BETWEEN ? AND ?",
                           (str(START), str(END))).fetchone()[0]
        raw = [json.loads(d) for (d,) in conn.execute("SELECT data FROM followups")]
    rows = [{"valid": c.get("valid"), "contact_due": datetime.fromisoformat(c["contact_due"]),
             "rectify_due": datetime.fromisoformat(c["rectify_due"]),
             "steps": [{"action": s["action"], "at": datetime.fromisoformat(s["at"])} for s in c.get("steps", [])]}
            for c in raw]
    want = expected(rows, evening)
    assert summary.total["cases"] == low == len(cases.rows) == want["cases"]
    for key in ("rectified", "rectify_rate", "contact_on_time", "rectify_on_time"):
        assert summary.total[key] == pytest.approx(want[key]), key
    assert summary.total["closed"] == 2 and summary.total["valid"] == 2 and summary.total["not_valid"] == 1
    assert 0 < summary.total["contact_on_time"] < 1
    statuses = {r["status"] for r in cases.rows}
    assert {"已办结", "已核实", "待回访"} <= statuses
    assert any("contact" in r["overdue"] for r in cases.rows)


def test_followups_cut_by_clerk_adds_up_to_the_total(worked, hall, evening) -> None:
    summary, _ = build_report(source_for(worked, hall, read_only=False), hall, "followups", START, END,
                              cut="clerk", now=evening, lang="en").tables
    assert sum(r["cases"] for r in summary.rows) == summary.total["cases"]
    assert all(r["clerk_name"].startswith("模拟坐席") for r in summary.rows)
    assert summary.total["clerk_name"] == "Total"
