"""Exact nearest-rank percentiles (PostgreSQL's percentile_disc) of the waits and service times in `daily`, without
sorting every value of the period.

Each daily row keeps its waits and service times sorted, so `width_bucket(v, waits)` (a binary search) counts a
row's values <= v. Per group:
1. A systematic sample (every STRIDE-th value of each row, from a start that a hash of the row picks: a fixed start
   would favour each sorted row's smallest values) gives bounds lo < answer <= hi around each percentile, with a
   margin of several standard errors of the sample's rank.
2. One pass over the rows counts the values <= lo (c) and collects only the values in (lo, hi] (array slices
   between the two binary searches); the k-th smallest of the group (k = ceil(p * n), as percentile_disc) is the
   (k - c)-th of that short sorted list when c < k <= c + its length.
3. Should a group's bounds miss (a rare sample, or ties at a bound), its grouping is computed the plain way:
   percentile_disc over every value. The result is the same either way; only the time differs.
"""
from __future__ import annotations

import math
from typing import Any

STRIDE = 8
OFFSETS = (0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32)  # candidate half-widths of the bounds, in rank
WANTED = (("wait", 0.5), ("wait", 0.9), ("service", 0.9))
_INF = float("inf")
STATS = {"sliced": 0, "plain": 0}  # how groupings were computed (tests read it)


def _candidates() -> list[float]:
    qs = {round(p + s * off, 6) for _, p in WANTED for off in OFFSETS for s in (-1, 1)}
    return sorted(q for q in qs if 0 < q < 1)


QS = _candidates()


def _bounds(sampled: list[float] | None, n_sample: int, p: float) -> tuple[float, float]:
    if not sampled or n_sample < 20:
        return -_INF, _INF
    need = 4.0 * math.sqrt(p * (1 - p) / n_sample) + 2.0 / n_sample
    off = next((o for o in OFFSETS if o >= need), None)
    if off is None:
        return -_INF, _INF
    lo_q, hi_q = round(p - off, 6), round(p + off, 6)
    lo = sampled[QS.index(lo_q)] if lo_q > 0 else -_INF
    hi = sampled[QS.index(hi_q)] if hi_q < 1 else _INF
    return (lo if lo is not None else -_INF), (hi if hi is not None else _INF)


def _rank(p: float, n: int) -> int:
    return max(1, math.ceil(p * n))  # percentile_disc's row: ceil(p * rows), computed in float8 as here


async def percentiles(conn, dims: list[str], where: str, args: dict[str, Any]) -> dict[tuple, dict[str, Any]]:
    """{group key: {"wait_ps": [p50, p90] or None, "service_p90_s": value or None}} for the groups of `dims`
    (SQL expressions of daily's columns giving text; [] is the single total group, key ())."""
    keys = "".join(f"{d} AS k{i}, " for i, d in enumerate(dims))
    group = f"GROUP BY {', '.join(dims)}" if dims else ""
    cur = await conn.execute(
        f"SELECT {keys}percentile_disc(%(qs)s::float8[]) WITHIN GROUP (ORDER BY w) AS wq, count(w) AS nw, "
        f"percentile_disc(%(qs)s::float8[]) WITHIN GROUP (ORDER BY s) AS sq, count(s) AS ns "
        f"FROM daily LEFT JOIN LATERAL (SELECT waits[i] AS w, services[i] AS s FROM "
        f"generate_series(1 + (hashtext(hall || day::text || service || clerk) & {STRIDE - 1}), "
        f"greatest(cardinality(waits), cardinality(services)), {STRIDE}) AS i) x ON true "
        f"WHERE {where} AND (cardinality(waits) > 0 OR cardinality(services) > 0) {group}", {**args, "qs": QS})
    samples = await cur.fetchall()
    if not samples:
        return {}
    nk = len(dims)
    cols: dict[str, list] = {f"k{i}": [] for i in range(nk)}
    for name in ("l1", "h1", "l2", "h2", "l3", "h3"):
        cols[name] = []
    for row in samples:
        for i in range(nk):
            cols[f"k{i}"].append(row[i])
        wq, nw, sq, ns = row[nk:]
        for j, (kind, p) in enumerate(WANTED, start=1):
            lo, hi = _bounds(wq if kind == "wait" else sq, nw if kind == "wait" else ns, p)
            cols[f"l{j}"].append(lo)
            cols[f"h{j}"].append(hi)
    bound_cols = ", ".join([*(f"k{i}" for i in range(nk)), "l1", "h1", "l2", "h2", "l3", "h3"])
    unnest = ", ".join([*(f"%(k{i})s::text[]" for i in range(nk)), *(f"%({c})s::float8[]" for c in
                                                                      ("l1", "h1", "l2", "h2", "l3", "h3"))])
    on = " AND ".join(f"b.k{i} = {d}" for i, d in enumerate(dims)) or "true"
    bk = "".join(f"b.k{i}, " for i in range(nk))
    rk = "".join(f"r.k{i}, " for i in range(nk))
    once = "FILTER (WHERE x.o IS NULL OR x.o = 1)"
    cur = await conn.execute(
        f"WITH b ({bound_cols}) AS (SELECT * FROM unnest({unnest})) "
        f"SELECT {rk}sum(r.cw) {once}, sum(r.cs) {once}, sum(r.a1) {once}, sum(r.a2) {once}, sum(r.a3) {once}, "
        f"array_agg(x.m1 ORDER BY x.m1) FILTER (WHERE x.m1 IS NOT NULL), "
        f"array_agg(x.m2 ORDER BY x.m2) FILTER (WHERE x.m2 IS NOT NULL), "
        f"array_agg(x.m3 ORDER BY x.m3) FILTER (WHERE x.m3 IS NOT NULL) "
        f"FROM (SELECT {bk}cardinality(waits) AS cw, cardinality(services) AS cs, "
        f"width_bucket(b.l1, waits) AS a1, width_bucket(b.h1, waits) AS e1, "
        f"width_bucket(b.l2, waits) AS a2, width_bucket(b.h2, waits) AS e2, "
        f"width_bucket(b.l3, services) AS a3, width_bucket(b.h3, services) AS e3, waits, services "
        f"FROM daily JOIN b ON {on} WHERE {where}) r "
        f"LEFT JOIN LATERAL unnest(r.waits[r.a1 + 1:r.e1], r.waits[r.a2 + 1:r.e2], r.services[r.a3 + 1:r.e3]) "
        f"WITH ORDINALITY AS x (m1, m2, m3, o) ON true "
        f"{'GROUP BY ' + rk.rstrip(', ') if nk else ''}", {**args, **cols})
    out: dict[tuple, dict[str, Any]] = {}
    missed = False
    for row in await cur.fetchall():
        key = tuple(row[:nk])
        nw, ns, c1, c2, c3, s1, s2, s3 = row[nk:]
        values = []
        for (kind, p), c, mid in zip(WANTED, (c1, c2, c3), (s1, s2, s3)):
            n = (nw if kind == "wait" else ns) or 0
            if n == 0:
                values.append(None)
                continue
            k, mid = _rank(p, n), mid or []
            if not c < k <= c + len(mid):
                missed = True
                break
            values.append(mid[k - c - 1])
        if missed:
            break
        out[key] = {"wait_ps": None if values[0] is None else [values[0], values[1]], "service_p90_s": values[2]}
    if missed:
        return await plain(conn, dims, where, args)
    STATS["sliced"] += 1
    return out


async def plain(conn, dims: list[str], where: str, args: dict[str, Any]) -> dict[tuple, dict[str, Any]]:
    """The same figures by sorting every value (percentile_disc over the period's waits and service times)."""
    keys = "".join(f"{d} AS k{i}, " for i, d in enumerate(dims))
    group = f"GROUP BY {', '.join(dims)}" if dims else ""
    cur = await conn.execute(
        f"SELECT {keys}percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY w), "
        f"percentile_disc(0.9) WITHIN GROUP (ORDER BY s) "
        f"FROM daily, unnest(waits, services) AS x(w, s) WHERE {where} {group}", args)
    nk = len(dims)
    STATS["plain"] += 1
    return {tuple(r[:nk]): {"wait_ps": r[nk], "service_p90_s": r[nk + 1]} for r in await cur.fetchall()}
