"""Logging and reading usage: the one implementation under REST and GraphQL."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from db import usage as usage_db
from db import users as users_db
from db.tenancy import bind_palace
from service.entries import UsageCreate
from service.periods import Period

logger = structlog.get_logger(__name__)


class LogStatus(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class LogResult:
    status: LogStatus
    event_id: uuid.UUID | None = None
    id: int | None = None
    reason: str | None = None


def _local_date_time(ts: datetime) -> tuple[str, str]:
    # The server's local zone, as the legacy log wrote date and time.
    local = ts.astimezone()
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M")


def _to_row(
    entry: UsageCreate, user_ids: dict[str, int], known_ids: set[int], now: datetime
) -> dict[str, Any]:
    ts = entry.ts or now
    date, time = _local_date_time(ts)
    extra = entry.extra

    # The stored user_id always points at this palace's users row; a number the
    # client sent that does not is kept, as it came, in extra.
    user_id = user_ids.get(entry.user) if entry.user else None
    if entry.user_id is not None:
        if user_id is None and entry.user_id in known_ids:
            user_id = entry.user_id
        elif entry.user_id != user_id:
            extra["client_user_id"] = entry.user_id

    return {
        "event_id": entry.event_id or uuid.uuid4(),
        "ts": ts,
        "date": entry.date or date,
        "time": entry.time or time,
        "user_id": user_id,
        "user": entry.user,
        "butler": entry.butler,
        "channel": entry.channel,
        "model": entry.model,
        "domain": entry.domain,
        "duration_ms": entry.duration_ms,
        "duration_min": entry.duration_min,
        "tokens_in": entry.tokens_in,
        "tokens_out": entry.tokens_out,
        "cost_usd": entry.cost_usd,
        "num_turns": entry.num_turns,
        "extra": extra,
    }


async def log_usage_for_palace(
    session: AsyncSession, palace: str, entries: Sequence[UsageCreate]
) -> list[LogResult]:
    """Store entries of one palace; an event id seen before is a duplicate.

    Users named by the entries are found or created by (palace, name).
    """
    # Bound first, so the transaction that the rest shares starts with it.
    await bind_palace(session, palace)
    names = {entry.user for entry in entries if entry.user}
    user_ids = await users_db.ensure_users_for_palace(session, palace, names)
    claimed = {e.user_id for e in entries if e.user_id is not None and not e.user}
    known_ids = await users_db.existing_user_ids_for_palace(session, palace, claimed)

    now = datetime.now(UTC)
    rows = [_to_row(entry, user_ids, known_ids, now) for entry in entries]
    stored = await usage_db.insert_usage_for_palace(session, palace, rows)

    # Rows not stored were already there, or repeat an event id of this batch.
    missing = [row["event_id"] for row in rows if row["event_id"] not in stored]
    existing = await usage_db.get_ids_by_event_ids_for_palace(session, palace, missing)

    results = []
    claimed_ids: set[uuid.UUID] = set()
    for row in rows:
        event_id = row["event_id"]
        if event_id in stored and event_id not in claimed_ids:
            claimed_ids.add(event_id)
            results.append(LogResult(LogStatus.STORED, event_id, stored[event_id]))
        else:
            row_id = stored.get(event_id) or existing.get(event_id)
            results.append(LogResult(LogStatus.DUPLICATE, event_id, row_id))

    # Debug: the request line already records each ingest; at info this
    # would double the log of an agent fleet.
    logger.debug(
        "usage.logged",
        palace=palace,
        stored=len(stored),
        duplicates=len(rows) - len(stored),
    )
    return results


async def list_usage_for_period(
    session: AsyncSession, palace: str, period: Period
) -> Sequence[Any]:
    return await usage_db.list_recent_usage_for_palace(session, palace, period.interval)
