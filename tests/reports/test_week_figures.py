"""Honest figures: every report figure of a simulated week equals an independent replay of the raw events (tests.reports.oracle)."""
from __future__ import annotations

import math
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest

from server.reports.build import build_report
from tests.reports.conftest import source_for
from tests.reports.oracle import Replay
from tests.reports.week import FORGETS_SIGN_OUT, WEEK

START, END = WEEK[0], WEEK[-1]
FIGURES = ("issued", "called", "served", "out_completed", "out_accepted", "out_incomplete", "out_refused",
           "out_enquiry", "completion_rate", "no_shows", "no_show_rate", "cancelled", "unserved", "transfers",
           "recalls", "wait_avg", "wait_p50", "wait_p90", "wait_max", "service_level", "service_avg", "service_p90",
           "service_max", "rated", "rating_rate", "good_rate", "bad", "unrated", "r5", "r4", "r3", "r2", "r1")
LEG_ONLY_BLANK = ("issued", "cancelled", "unserved")


@pytest.fixture(scope="module")
def replay(week_data, hall) -> Replay:
    from datetime import datetime, time

    evening = datetime.combine(END, time(19, 0), ZoneInfo(hall.timezone))
    return Replay(str(week_data / "hallq.db"), ZoneInfo(hall.timezone),
                  {s.code: s.target_wait_minutes * 60.0 for s in hall.services}, evening)


def same(got, want, where: str) -> None:
    if isinstance(want, float) or isinstance(got, float):
        assert got is not None and want is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), \
            f"{where}: report {got!r}, replay {want!r}"
    else:
        assert got == want, f"{where}: report {got!r}, replay {want!r}"


def compare(row: dict, want: dict, where: str, legs: bool) -> None:
    for name in FIGURES:
        if legs and name in LEG_ONLY_BLANK:
            assert row[name] is None, f"{where}: {name} is not a window or clerk figure"
            continue
        same(row[name], want[name], f"{where} {name}")


def test_the_week_has_what_the_figures_need(replay) -> None:
    statuses = {v["status"] for v in replay.visits}
    assert {"done", "no_show", "cancelled", "expired", "waiting"} <= statuses
    assert {v["outcome"] for v in replay.visits if v["status"] == "done"} == {
        "completed", "accepted", "incomplete", "refused", "enquiry"}
    assert sum(v["transfers"] for v in replay.visits) and sum(v["recalls"] for v in replay.visits)
    assert {v["rating"] for v in replay.visits} >= {0, 1, 2, 3, 4, 5}
    fs = replay.visit_figures(replay.visits)
    assert 0 < fs["service_level"] < 1, "some waits must exceed their target, some not"
    assert {d["kind"] for d in replay.duties} == {"signed_out", "none", "open"}


@pytest.mark.parametrize("read_only", [False, True], ids=["server", "read-only file"])
def test_every_visit_figure_by_every_cut_equals_the_replay(week_copy, hall, evening, replay, read_only) -> None:
    source = source_for(week_copy, hall, read_only=read_only)
    report = build_report(source, hall, "summary", START, END, now=evening)
    by_key = {t.key: t for t in report.tables}
    compare(by_key["total"].total, replay.visit_figures(replay.visits), "total", legs=False)
    for dim in ("day", "service", "priority", "hour", "weekday"):
        table = by_key[f"by_{dim}"]
        groups = defaultdict(list)
        for v in replay.visits:
            groups[v[dim]].append(v)
        assert {r[dim] for r in table.rows} == set(groups), dim
        for r in table.rows:
            compare(r, replay.visit_figures(groups[r[dim]]), f"{dim}={r[dim]}", legs=False)
        compare(table.total, replay.visit_figures(replay.visits), f"{dim} total", legs=False)
    for dim in ("window", "clerk"):
        table = by_key[f"by_{dim}"]
        groups = defaultdict(list)
        for leg in replay.legs:
            groups[leg[dim]].append(leg)
        assert {r[dim] for r in table.rows} == set(groups), dim
        for r in table.rows:
            compare(r, replay.leg_figures(groups[r[dim]]), f"{dim}={r[dim]}", legs=True)
        compare(table.total, replay.leg_figures(replay.legs), f"{dim} total", legs=True)


@pytest.mark.parametrize("kind,cut", [("services", "hour"), ("clerks", "service"), ("windows", "day"),
                                      ("hours", "weekday"), ("services", "clerk")])
def test_two_dimension_cuts_equal_the_replay(week_copy, hall, evening, replay, kind, cut) -> None:
    primary = {"services": "service", "clerks": "clerk", "windows": "window", "hours": "hour"}[kind]
    legs = primary in ("window", "clerk") or cut in ("window", "clerk")
    (table,) = build_report(source_for(week_copy, hall, read_only=False), hall, kind, START, END, cut=cut,
                            now=evening).tables
    groups = defaultdict(list)
    for item in replay.legs if legs else replay.visits:
        key_cut = item["weekday"] if cut == "weekday" and not legs else item.get(cut)
        groups[(item[primary], key_cut)].append(item)
    assert {(r[primary], r[cut]) for r in table.rows} == set(groups)
    figures = replay.leg_figures if legs else replay.visit_figures
    for r in table.rows:
        compare(r, figures(groups[(r[primary], r[cut])]), f"{primary}={r[primary]} {cut}={r[cut]}", legs=legs)


def test_ratings_count_levels_apart_from_unrated_and_list_every_bad_one(week_copy, hall, evening, replay) -> None:
    report = build_report(source_for(week_copy, hall, read_only=False), hall, "ratings", START, END, now=evening)
    levels, low = report.tables
    want = replay.visit_figures(replay.visits)
    for name in ("served", "rated", "rating_rate", "r5", "r4", "r3", "r2", "r1", "good_rate", "bad", "unrated"):
        same(levels.total[name], want[name], name)
    assert sorted(r["number"] + r["day"] for r in low.rows) == sorted(
        v["number"] + v["day"] for v in replay.visits if v["rating"] in (1, 2))
    assert all(r["reason"] for r in low.rows) and any(r["comment"] for r in low.rows)
    assert {r["level_name"] for r in low.rows} == {"不满意", "非常不满意"}


def test_attendance_pairs_duty_pauses_serving_and_idle_equal_the_replay(week_copy, hall, evening, replay) -> None:
    (table,) = build_report(source_for(week_copy, hall, read_only=False), hall, "attendance", START, END,
                            now=evening).tables
    duty = defaultdict(list)
    for d in replay.duties:
        duty[(d["clerk"], d["day"])].append(d)
    paused_by = defaultdict(float)
    for p in replay.pauses:
        paused_by[(p["clerk"], p["day"], p["reason"])] += p["s"]
    assert {(r["clerk"], r["day"]) for r in table.rows} == set(duty)
    reasons = {c.key: c.zh.removeprefix("暂停:").removesuffix("(分)") for c in table.columns if c.key.startswith("pause_")}
    assert set(reasons.values()) == {"休息", "业务咨询"}
    for r in table.rows:
        mine = duty[(r["clerk"], r["day"])]
        where = f"{r['clerk']} {r['day']}"
        assert r["pairs"] == len(mine) and r["pairs"] >= 2, where  # 两签到两签退: out for lunch and back
        assert r["missing_out"] == sum(d["kind"] == "none" for d in mine), where
        same(r["duty"], sum(d["duty"] for d in mine) / 60, f"{where} duty")
        same(r["busy"], sum(d["busy"] for d in mine) / 60, f"{where} busy")
        same(r["paused"], sum(d["paused"] for d in mine) / 60, f"{where} paused")
        same(r["idle"], (sum(d["duty"] - d["busy"] - d["paused"] for d in mine)) / 60, f"{where} idle")
        for key, reason in reasons.items():
            same(r[key], paused_by[(r["clerk"], r["day"], reason)] / 60, f"{where} {reason}")
        assert r["first_in"] == min(d["in"] for d in mine)
    forgot = [r for r in table.rows if r["clerk"] == f"sim{FORGETS_SIGN_OUT}" and r["day"] < END.isoformat()]
    assert forgot and all(r["missing_out"] == 1 and "未签退" in r["spans"] for r in forgot)


def test_the_server_kept_the_closed_days_at_start_and_a_dropped_cache_is_rebuilt(week_copy, hall, evening) -> None:
    import sqlite3

    from server.reports.source import kept

    source = source_for(week_copy, hall, read_only=False)
    # Friday's server built Monday to Thursday in the background when it started.
    assert source.prepare(START, END, evening) == {"kept": 0, "live": 1, "counted": 0}
    before = build_report(source, hall, "summary", START, END, cut="service", now=evening).tables[0].total
    with sqlite3.connect(week_copy / "hallq.db") as conn:
        for name in ("visits", "legs", "duty", "pauses", "days", "daily"):
            conn.execute(f"DROP TABLE {kept(name)}")
    source = source_for(week_copy, hall, read_only=False)
    assert source.prepare(START, END, evening) == {"kept": 4, "live": 1, "counted": 4}
    assert source.prepare(START, END, evening) == {"kept": 0, "live": 1, "counted": 0}
    after = build_report(source, hall, "summary", START, END, cut="service", now=evening).tables[0].total
    assert after == before
