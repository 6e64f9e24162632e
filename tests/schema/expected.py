"""Aggregates computed in Python from seeded rows, to hold the SQL ones against.

Deliberately simple loops over the rows: nothing here shares code with
db/summary.py.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

Row = dict[str, Any]


def totals(rows: Iterable[Row]) -> dict[str, Any]:
    rows = list(rows)

    def total(key: str) -> int:
        return sum(row.get(key) or 0 for row in rows)

    return {
        "count": len(rows),
        "tokensIn": total("tokens_in"),
        "tokensOut": total("tokens_out"),
        "costUsd": sum((Decimal(row.get("cost_usd") or 0) for row in rows), Decimal(0)),
        "durationMs": total("duration_ms"),
        "numTurns": total("num_turns"),
    }


def answered(totals_field: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL totals object with costUsd read back as the decimal it is."""
    assert isinstance(totals_field["costUsd"], str), "costUsd must be a string"
    return {**totals_field, "costUsd": Decimal(totals_field["costUsd"])}


def in_window(rows: Iterable[Row], since: datetime, until: datetime) -> list[Row]:
    return [row for row in rows if since <= row["ts"] < until]


def groups(rows: Iterable[Row], dimensions: Sequence[str]) -> dict[tuple, dict]:
    grouped: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[tuple(row.get(name) for name in dimensions)].append(row)
    return {key: totals(members) for key, members in grouped.items()}


def bucket_of(ts: datetime, unit: str, zone: ZoneInfo) -> datetime:
    """The first instant of ts's bucket, truncated on the local clock."""
    local = ts.astimezone(zone)
    if unit == "minute":
        local = local.replace(second=0, microsecond=0)
    elif unit == "hour":
        # replace() keeps `fold`, so the repeated autumn hour stays itself.
        local = local.replace(minute=0, second=0, microsecond=0)
    else:
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if unit == "week":
            local = local - timedelta(days=local.weekday())
        elif unit == "month":
            local = local.replace(day=1)
    return local.astimezone(UTC)


def _next_local(start: datetime, unit: str, zone: ZoneInfo) -> datetime:
    local = start.astimezone(zone).replace(tzinfo=None)
    if unit == "day":
        local += timedelta(days=1)
    elif unit == "week":
        local += timedelta(days=7)
    else:
        local = (local.replace(day=28) + timedelta(days=4)).replace(day=1)
    return local.replace(tzinfo=zone).astimezone(UTC)


def bucket_starts(
    since: datetime, end: datetime, unit: str, zone: ZoneInfo
) -> list[datetime]:
    """Every bucket start from the bucket of `since` up to `end`."""
    starts = []
    start = bucket_of(since, unit, zone)
    while start < end:
        starts.append(start)
        if unit == "minute":
            start = bucket_of(start + timedelta(minutes=1), unit, zone)
        elif unit == "hour":
            start = bucket_of(start + timedelta(hours=1), unit, zone)
        else:
            start = _next_local(start, unit, zone)
    return starts


def series(
    rows: Iterable[Row], since: datetime, end: datetime, unit: str, zone: ZoneInfo
) -> list[tuple[datetime, dict[str, Any]]]:
    by_bucket: dict[datetime, list[Row]] = defaultdict(list)
    for row in rows:
        by_bucket[bucket_of(row["ts"], unit, zone)].append(row)
    starts = sorted(set(bucket_starts(since, end, unit, zone)) | set(by_bucket))
    return [(start, totals(by_bucket.get(start, []))) for start in starts]
