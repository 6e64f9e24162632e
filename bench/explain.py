"""EXPLAIN (ANALYZE, BUFFERS) of the hot reads, and which index serves each.

Run as the app role with the palace set, exactly as the floors run, so the
plans include row-level security's filter, with the parameters the server
binds. A reader query is sound when every scan of usage is an index scan on
an index whose first column is palace.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from bench import floor_sql
from bench.floor_app import APP_ROLE
from bench.floor_direct import ZEROS

_SCAN = re.compile(
    r"(Seq Scan on usage|(?:Index Scan|Index Only Scan)(?: Backward)? using (\w+) "
    r"on usage|Bitmap Index Scan on (\w+))"
)
_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
_BUFFERS = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    text: list[str]
    indexes: list[str]
    seq_scan: bool
    ms: float
    buffers_hit: int
    buffers_read: int


def _queries(
    palace: str, since: datetime, end: datetime
) -> list[tuple[str, str, tuple[Any, ...]]]:
    previous = since - (end - since)
    series = (
        *ZEROS, 0, "day", "UTC", "UTC", "day", "UTC", since, "UTC", end, "1 day",
        end, "day", "UTC", *ZEROS, palace, since,
    )  # fmt: skip
    return [
        ("GET /api/usage?period=1m", floor_sql.LIST_FOR_INTERVAL, (palace, "1 month")),
        (
            "GET /api/usage?period=24h",
            floor_sql.LIST_FOR_INTERVAL,
            (palace, "24 hours"),
        ),
        ("usageSummary totals", floor_sql.TOTALS_SINCE, (*ZEROS, palace, since)),
        (
            "usageSummary previous",
            floor_sql.TOTALS_BETWEEN,
            (*ZEROS, palace, previous, since),
        ),
        ("usageSummary groups", floor_sql.GROUPS_SINCE, (*ZEROS, palace, since)),
        ("usageSummary series", floor_sql.SERIES_SINCE, series),
    ]


async def _index_columns(connection: asyncpg.Connection) -> dict[str, list[str]]:
    rows = await connection.fetch(
        """
        SELECT i.relname AS name, array_agg(a.attname ORDER BY k.ord) AS columns
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE t.relname = 'usage'
        GROUP BY i.relname
        """
    )
    return {row["name"]: list(row["columns"]) for row in rows}


def _parse(name: str, lines: list[str]) -> Plan:
    indexes: list[str] = []
    seq_scan = False
    hit = read = 0
    ms = float("nan")
    for line in lines:
        for match in _SCAN.finditer(line):
            if match.group(1).startswith("Seq Scan"):
                seq_scan = True
            else:
                indexes.append(match.group(2) or match.group(3))
        if (found := _EXECUTION.search(line)) is not None:
            ms = float(found.group(1))
    # The top node's buffers are the whole statement's.
    for line in lines:
        if (found := _BUFFERS.search(line)) is not None:
            hit, read = int(found.group(1) or 0), int(found.group(2) or 0)
            break
    return Plan(name, lines, indexes, seq_scan, ms, hit, read)


async def explain_hot_queries(
    dsn: str, palace: str, since: datetime
) -> tuple[list[Plan], dict[str, list[str]]]:
    connection = await asyncpg.connect(
        dsn,
        server_settings={
            "plan_cache_mode": "force_custom_plan",
            "role": APP_ROLE,
            "palace_usage.palace": palace,
        },
    )
    try:
        end = await connection.fetchval("SELECT now()")
        plans = []
        for name, sql, args in _queries(palace, since, end):
            await connection.fetch(sql, *args)  # warm, as the benchmark left it
            rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
            plans.append(_parse(name, [row[0] for row in rows]))
        columns = await _index_columns(connection)
    finally:
        await connection.close()
    return plans, columns


def summarize(plan: Plan, columns: dict[str, list[str]]) -> str:
    used = sorted(set(plan.indexes))
    described = ", ".join(
        f"{name} ({', '.join(columns.get(name, ['?']))})" for name in used
    )
    sound = (
        bool(used)
        and not plan.seq_scan
        and all(columns.get(name, [""])[0] == "palace" for name in used)
    )
    verdict = "palace-led index" if sound else "NOT served by a palace-led index"
    return (
        f"{plan.name}: {verdict}: {described or 'no index'}; "
        f"{plan.ms:.1f} ms, buffers hit {plan.buffers_hit:,} read {plan.buffers_read:,}"
    )
