"""Queries on usage. Every function takes the palace: no query reads across."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.dialects.postgresql import INTERVAL, insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Usage

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


async def insert_usage_for_palace(
    session: AsyncSession, palace: str, rows: Sequence[dict[str, Any]]
) -> dict[UUID, int]:
    """Insert rows, skipping event ids the palace already has.

    Returns event_id -> id for the rows this call stored; a row missing from
    the answer was a duplicate.
    """
    if not rows:
        return {}

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
