"""Aggregates over usage, computed in PostgreSQL: totals, groups and series.

Every function takes the palace and reads only its rows. Sums run in SQL:
`cost_usd` stays NUMERIC from the column to the Decimal the caller gets.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Numeric,
    String,
    cast,
    func,
    literal,
    select,
    union,
)
from sqlalchemy.dialects.postgresql import INTERVAL, TIMESTAMP
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Usage
from db.tenancy import bind_palace
from db.usage import DIMENSION_COLUMNS, usage_conditions_for_palace

Filters = Mapping[str, Sequence[str]]

# Units whose buckets are a fixed number of seconds long; the others follow
# the local calendar and so are stepped through in local time.
FIXED_UNITS = frozenset({"minute", "hour"})

TOTAL_NAMES = (
    "count",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "duration_ms",
    "num_turns",
)


def _sum(column: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(column), 0)


def _totals() -> list[ColumnElement[Any]]:
    """The aggregate columns, in TOTAL_NAMES order."""
    return [
        func.count().label("count"),
        _sum(Usage.tokens_in).label("tokens_in"),
        _sum(Usage.tokens_out).label("tokens_out"),
        # A fixed scale, so an empty window answers 0.000000 like any other.
        cast(_sum(Usage.cost_usd), Numeric(20, 6)).label("cost_usd"),
        _sum(Usage.duration_ms).label("duration_ms"),
        _sum(Usage.num_turns).label("num_turns"),
    ]


def _timestamptz(value: datetime) -> ColumnElement[Any]:
    return cast(literal(value, TIMESTAMP(timezone=True)), TIMESTAMP(timezone=True))


async def get_window_for_interval(
    session: AsyncSession, interval: str
) -> tuple[datetime, datetime, datetime]:
    """(now, now - interval, now - 2 intervals) by the database's clock.

    The previous window steps back by the interval itself, so the month
    before a calendar month is a calendar month too.
    """
    window = cast(literal(interval, String), INTERVAL)
    start = func.now() - window
    row = (await session.execute(select(func.now(), start, start - window))).one()
    return row[0], row[1], row[2]


async def get_totals_for_palace(
    session: AsyncSession,
    palace: str,
    *,
    since: datetime,
    until: datetime | None,
    filters: Filters,
) -> Any:
    await bind_palace(session, palace)
    conditions = usage_conditions_for_palace(
        palace, since=since, until=until, filters=filters
    )
    result = await session.execute(select(*_totals()).where(*conditions))
    return result.one()


async def list_groups_for_palace(
    session: AsyncSession,
    palace: str,
    *,
    since: datetime,
    until: datetime | None,
    filters: Filters,
    dimensions: Sequence[str],
) -> Sequence[Any]:
    """One row per combination of the dimensions, costliest first."""
    await bind_palace(session, palace)
    conditions = usage_conditions_for_palace(
        palace, since=since, until=until, filters=filters
    )
    columns = [DIMENSION_COLUMNS[name].label(name) for name in dimensions]
    totals = _totals()

    statement = (
        select(*columns, *totals)
        .where(*conditions)
        .group_by(*columns)
        .order_by(
            func.sum(Usage.cost_usd).desc().nulls_last(),
            func.count().desc(),
            *(column.asc().nulls_last() for column in columns),
        )
    )
    result = await session.execute(statement)
    return result.all()


def _grid(unit: str, zone: str, since: datetime, end: datetime) -> ColumnElement[Any]:
    """Every bucket start from the one holding `since` up to `end`, as a query.

    Minutes and hours step in absolute time, so the repeated hour of an
    autumn DST change is two buckets and the skipped spring hour is none.
    Days, weeks and months step in local time, so a DST day is 23 or 25 hours
    long and still starts at local midnight.

    TODO: in a zone whose DST shift is not a whole hour (Australia/Lord_Howe)
    an empty half-hour bucket at the change can be missing from an hourly
    grid; rows are never lost, since every filled bucket joins the grid.
    """
    step = cast(literal(f"1 {unit}", String), INTERVAL)
    if unit in FIXED_UNITS:
        first = func.date_trunc(unit, _timestamptz(since), zone)
        points = func.generate_series(first, _timestamptz(end), step)
    else:
        local_first = func.date_trunc(unit, func.timezone(zone, _timestamptz(since)))
        local_end = func.timezone(zone, _timestamptz(end))
        local = func.generate_series(local_first, local_end, step)
        points = func.timezone(zone, local)

    series = select(points.label("point")).subquery("grid_points")
    # Re-truncating makes the grid equal, value for value, to the buckets the
    # rows are grouped into below, whatever the zone's rules.
    start = func.date_trunc(unit, series.c.point, zone)
    return select(start.label("start")).where(series.c.point < _timestamptz(end))


async def list_series_for_palace(
    session: AsyncSession,
    palace: str,
    *,
    since: datetime,
    until: datetime | None,
    end: datetime,
    filters: Filters,
    unit: str,
    zone: str,
) -> Sequence[Any]:
    """One row per bucket of `unit` in `zone`, empty buckets as zeros.

    `end` closes the grid of empty buckets; rows past it (a window open at the
    top, a client clock ahead) still get buckets of their own.
    """
    await bind_palace(session, palace)
    conditions = usage_conditions_for_palace(
        palace, since=since, until=until, filters=filters
    )
    bucket = func.date_trunc(unit, Usage.ts, zone)
    filled = (
        select(bucket.label("start"), *_totals())
        .where(*conditions)
        .group_by(bucket)
        .cte("filled")
    )
    starts = union(_grid(unit, zone, since, end), select(filled.c.start)).cte("starts")

    zero = [
        func.coalesce(filled.c[name], 0).label(name)
        for name in TOTAL_NAMES
        if name != "cost_usd"
    ]
    cost = func.coalesce(filled.c.cost_usd, cast(0, Numeric(20, 6)))
    statement = (
        select(starts.c.start, *zero, cost.label("cost_usd"))
        .select_from(starts.outerjoin(filled, filled.c.start == starts.c.start))
        .order_by(starts.c.start)
    )
    result = await session.execute(statement)
    return result.all()
