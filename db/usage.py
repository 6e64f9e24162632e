"""Queries on usage. Every function takes the palace: no query reads across."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, String, cast, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import INTERVAL, insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Usage
from db.tenancy import bind_palace

# The columns a reader gets back, in the legacy monitor's order.
READ_COLUMNS = (
    Usage.id,
    Usage.event_id,
    Usage.ts,
    Usage.date,
    Usage.time,
    Usage.palace,
    Usage.user_id,
    Usage.user,
    Usage.butler,
    Usage.channel,
    Usage.model,
    Usage.domain,
    Usage.duration_ms,
    Usage.duration_min,
    Usage.tokens_in,
    Usage.tokens_out,
    Usage.cost_usd,
    Usage.num_turns,
)

# The columns a reader may filter and group on, by name.
DIMENSION_COLUMNS = {
    "model": Usage.model,
    "channel": Usage.channel,
    "domain": Usage.domain,
    "butler": Usage.butler,
    "user": Usage.user,
}


async def insert_usage_for_palace(
    session: AsyncSession, palace: str, rows: Sequence[dict[str, Any]]
) -> dict[UUID, int]:
    """Insert rows, skipping event ids the palace already has.

    Returns event_id -> id for the rows this call stored; a row missing from
    the answer was a duplicate.
    """
    if not rows:
        return {}

    await bind_palace(session, palace)
    statement = (
        insert(Usage)
        .values([{**row, "palace": palace} for row in rows])
        .on_conflict_do_nothing(index_elements=["palace", "event_id"])
        .returning(Usage.event_id, Usage.id)
    )
    result = await session.execute(statement)
    return {event_id: row_id for event_id, row_id in result}


async def get_ids_by_event_ids_for_palace(
    session: AsyncSession, palace: str, event_ids: Sequence[UUID]
) -> dict[UUID, int]:
    if not event_ids:
        return {}

    await bind_palace(session, palace)
    result = await session.execute(
        select(Usage.event_id, Usage.id).where(
            Usage.palace == palace, Usage.event_id.in_(event_ids)
        )
    )
    return {event_id: row_id for event_id, row_id in result}


async def list_usage_for_palace(
    session: AsyncSession,
    palace: str,
    *,
    interval: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Sequence[Any]:
    """The palace's rows in a window, oldest first.

    `interval` is a window ending now, measured by the database's clock, so
    every API process agrees on what "the last hour" is.
    """
    await bind_palace(session, palace)
    statement = select(*READ_COLUMNS).where(Usage.palace == palace)
    if interval is not None:
        window = cast(literal(interval, String), INTERVAL)
        statement = statement.where(Usage.ts >= func.now() - window)
    if since is not None:
        statement = statement.where(Usage.ts >= since)
    if until is not None:
        statement = statement.where(Usage.ts < until)

    statement = statement.order_by(Usage.ts, Usage.id)
    result = await session.execute(statement)
    return result.all()


def usage_conditions_for_palace(
    palace: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a window read: palace first, then time, then filters.

    `filters` maps a dimension column name to the values it may take; each
    named column must hold one of its values.
    """
    conditions = [Usage.palace == palace]
    if since is not None:
        conditions.append(Usage.ts >= since)
    if until is not None:
        conditions.append(Usage.ts < until)
    for name, values in (filters or {}).items():
        conditions.append(DIMENSION_COLUMNS[name].in_(values))
    return conditions


async def list_usage_page_for_palace(
    session: AsyncSession,
    palace: str,
    *,
    since: datetime | None,
    until: datetime | None,
    filters: Mapping[str, Sequence[str]] | None,
    after: tuple[datetime, int] | None,
    limit: int | None,
) -> Sequence[Any]:
    """Rows after the keyset `after` (ts, id), oldest first; `limit` or all.

    Ordering by the unique (ts, id) is what lets a reader page while rows are
    added: every row either sorts before the cursor (seen) or after it (still
    to come), so none is skipped or repeated.
    """
    await bind_palace(session, palace)
    conditions = usage_conditions_for_palace(
        palace, since=since, until=until, filters=filters
    )
    statement = select(*READ_COLUMNS).where(*conditions)
    if after is not None:
        ts, row_id = after
        # The plain `ts >=` bound is what lets the (palace, ts) index start at
        # the cursor; PostgreSQL does not use the tuple comparison for that.
        statement = statement.where(
            Usage.ts >= ts, tuple_(Usage.ts, Usage.id) > tuple_(ts, row_id)
        )

    statement = statement.order_by(Usage.ts, Usage.id).limit(limit)
    result = await session.execute(statement)
    return result.all()
