"""Queries on usage. Every function takes the palace: no query reads across."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import orjson
from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.driver import driver_connection
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


# The columns an insert fills, with the array type unnest() reads each from.
INSERT_COLUMNS = (
    ("event_id", "uuid"),
    ("ts", "timestamptz"),
    ("date", "text"),
    ("time", "text"),
    ("user_id", "int4"),
    ("user", "text"),
    ("butler", "text"),
    ("channel", "text"),
    ("model", "text"),
    ("domain", "text"),
    ("duration_ms", "int4"),
    ("duration_min", "int4"),
    ("tokens_in", "int4"),
    ("tokens_out", "int4"),
    ("cost_usd", "numeric"),
    ("num_turns", "int4"),
    ("extra", "jsonb"),
)
_NAMES = ", ".join(f'"{name}"' for name, _ in INSERT_COLUMNS)
_ARRAYS = ", ".join(
    f"${n}::{kind}[]" for n, (_, kind) in enumerate(INSERT_COLUMNS, start=2)
)
# One array per column, whatever the number of rows: a fixed statement that
# asyncpg prepares once, with none of the 32,767-parameter ceiling of VALUES.
_INSERT = f"""
INSERT INTO usage (palace, {_NAMES})
SELECT $1, {_NAMES} FROM unnest({_ARRAYS}) AS entry({_NAMES})
ON CONFLICT (palace, event_id) DO NOTHING
RETURNING event_id, id
"""


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
    columns = [
        [_encode_jsonb(row[name]) if kind == "jsonb" else row[name] for row in rows]
        for name, kind in INSERT_COLUMNS
    ]
    driver = await driver_connection(session)
    stored = await driver.fetch(_INSERT, palace, *columns)
    return {UUID(str(row["event_id"])): row["id"] for row in stored}


def _encode_jsonb(value: Any) -> str:
    return orjson.dumps(value).decode()


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


_READ_NAMES = ", ".join(f'"{column.name}"' for column in READ_COLUMNS)
_READ_LAST = f"""
SELECT {_READ_NAMES} FROM usage
WHERE palace = $1 AND ts >= now() - $2::text::interval
ORDER BY ts, id
"""


async def list_recent_usage_for_palace(
    session: AsyncSession, palace: str, interval: str
) -> list[asyncpg.Record]:
    """The palace's rows of the last `interval`, oldest first.

    The window ends at the database's clock, so every API process agrees on
    what "the last hour" is. Records come straight from asyncpg: this is the
    read every monitor makes, and a month of it is ten thousand rows.
    """
    await bind_palace(session, palace)
    driver = await driver_connection(session)
    rows: list[asyncpg.Record] = await driver.fetch(_READ_LAST, palace, interval)
    return rows


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
