"""`usageConnection`: a Relay-style connection with a keyset cursor on (ts, id)."""

import base64
import binascii
from datetime import datetime
from typing import Annotated

import strawberry

from schema.context import Context
from schema.filters import (
    PeriodArg,
    SinceArg,
    UntilArg,
    UsageFilter,
    resolve_window,
    to_service_filter,
)
from schema.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, check_page_size
from schema.types import UsageEntry
from service import summary as summary_service
from service.errors import InvalidInputError

_CURSOR_VERSION = "v1"


def encode_cursor(ts: datetime, row_id: int) -> str:
    raw = f"{_CURSOR_VERSION}|{ts.isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (ts, id) a cursor stands for, or InvalidInputError."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        version, ts, row_id = raw.split("|")
        if version != _CURSOR_VERSION:
            raise ValueError(version)
        return datetime.fromisoformat(ts), int(row_id)
    except (ValueError, UnicodeError, binascii.Error):
        message = "after is not a cursor this server gave out; use an endCursor"
        raise InvalidInputError(
            message, [{"field": "after", "message": message}]
        ) from None


@strawberry.type(description="Where a page ends, and whether more follow.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="Always false: pages are walked forward only."
    )
    start_cursor: str | None
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page."
    )


@strawberry.type
class UsageEdge:
    cursor: str
    node: UsageEntry


@strawberry.type(
    description=(
        "Runs oldest first, a page at a time. The cursor is the run's (ts, id), "
        "so rows added while a client pages never make it skip or repeat one."
    )
)
class UsageConnection:
    edges: list[UsageEdge]
    page_info: PageInfo


async def resolve_usage_connection(
    info: strawberry.Info[Context],
    period: PeriodArg = None,
    since: SinceArg = None,
    until: UntilArg = None,
    filter: UsageFilter | None = None,
    first: Annotated[
        int, strawberry.argument(description=f"Page size, 1 to {MAX_PAGE_SIZE}.")
    ] = DEFAULT_PAGE_SIZE,
    after: Annotated[
        str | None, strawberry.argument(description="An endCursor of a page before.")
    ] = None,
) -> UsageConnection:
    check_page_size(first)
    keyset = decode_cursor(after) if after is not None else None
    usage_filter = to_service_filter(filter)

    async with info.context.session() as session:
        window = await resolve_window(session, period, since, until)
        rows = await summary_service.list_usage_page(
            session,
            info.context.palace.palace,
            window,
            usage_filter,
            after=keyset,
            limit=first + 1,
        )

    # One row more than asked says whether another page follows.
    page = rows[:first]
    edges = [
        UsageEdge(cursor=encode_cursor(row.ts, row.id), node=UsageEntry.from_row(row))
        for row in page
    ]
    return UsageConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else after,
        ),
    )
