"""Reading usage over a window: the rules for windows, filters and buckets.

GraphQL's `usageSummary`, `usage` and `usageConnection` all come through here,
so a window means the same thing to each of them. The sums themselves are
PostgreSQL's (db/summary.py).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from db import summary as summary_db
from db import usage as usage_db
from service.errors import InvalidInputError
from service.periods import Period

logger = structlog.get_logger(__name__)

# A series longer than this is refused: 2,000 buckets are a day of minutes,
# twelve weeks of hours or five years of days, more than any chart can show.
MAX_BUCKETS = 2000

# The plain list answers every row of its window at once, so a range read
# through it is held to the longest period; longer ranges page through the
# connection instead.
MAX_LIST_SPAN = timedelta(days=31)


class Dimension(StrEnum):
    MODEL = "model"
    CHANNEL = "channel"
    DOMAIN = "domain"
    BUTLER = "butler"
    USER = "user"


class Bucket(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


# The shortest a bucket of each unit can be, with room for DST changes, used
# to bound how many buckets a window makes before asking the database.
_SHORTEST = {
    Bucket.MINUTE: timedelta(minutes=1),
    Bucket.HOUR: timedelta(minutes=30),
    Bucket.DAY: timedelta(hours=22),
    Bucket.WEEK: timedelta(days=6, hours=22),
    Bucket.MONTH: timedelta(days=27, hours=22),
}


def _invalid(field_name: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, [{"field": field_name, "message": message}])


@dataclass(frozen=True, slots=True)
class Window:
    """[since, until) of one read, and [previous_since, since) before it.

    `until` is None for a window that ends now: such a window, like the REST
    period, also holds rows stamped a little in the future. `now` is the
    database's clock when the window was resolved.
    """

    since: datetime
    until: datetime | None
    now: datetime
    previous_since: datetime
    pinned_since: bool = True

    @property
    def end(self) -> datetime:
        return self.until or self.now


@dataclass(frozen=True, slots=True)
class UsageFilter:
    """Rows whose dimension holds one of the given values; empty matches all."""

    values: Mapping[Dimension, tuple[str, ...]] = field(default_factory=dict)

    def to_db(self) -> dict[str, Sequence[str]]:
        return {str(dimension): values for dimension, values in self.values.items()}


def _check_aware(field_name: str, value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise _invalid(
            field_name,
            f"{field_name} needs a UTC offset, "
            "for example 2026-03-08T00:00:00Z or 2026-03-08T00:00:00+09:00",
        )


async def resolve_window(
    session: AsyncSession,
    *,
    period: Period | None,
    since: datetime | None,
    until: datetime | None,
) -> Window:
    """The window of a read: a period ending now, or since (and until)."""
    if period is not None and (since is not None or until is not None):
        raise _invalid("period", "give either period or since/until, not both")

    if period is not None:
        now, start, previous = await summary_db.get_window_for_interval(
            session, period.interval
        )
        return Window(start, None, now, previous, pinned_since=False)

    if since is None:
        message = "until needs since" if until is not None else "give period or since"
        raise _invalid("since", message)
    _check_aware("since", since)
    _check_aware("until", until)

    now, _, _ = await summary_db.get_window_for_interval(session, "0 seconds")
    end = until or now
    if end <= since:
        what = "until" if until is not None else "now"
        raise _invalid(
            "until",
            f"since ({since.isoformat()}) must be before {what} ({end.isoformat()})",
        )
    return Window(since, until, now, since - (end - since))


def resolve_zone(name: str | None) -> str:
    """An IANA zone name PostgreSQL and Python both know; UTC when absent."""
    if name is None:
        return "UTC"

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _invalid(
            "timeZone",
            f"unknown time zone {name!r}; use an IANA name such as Asia/Seoul",
        ) from None
    return name


def check_bucket_count(window: Window, bucket: Bucket) -> None:
    """Refuse, before any query runs, a series with too many buckets."""
    span = window.end - window.since
    # One bucket more on each side: the first starts before `since`.
    estimate = int(span / _SHORTEST[bucket]) + 2
    if estimate > MAX_BUCKETS:
        raise _invalid(
            "bucket",
            f"{bucket.name} buckets over this window would make about {estimate}; "
            f"at most {MAX_BUCKETS} are allowed: choose a larger bucket or a "
            "shorter window",
        )


def check_list_span(window: Window) -> None:
    if window.pinned_since and window.end - window.since > MAX_LIST_SPAN:
        raise _invalid(
            "since",
            f"usage lists at most {MAX_LIST_SPAN.days} days at once; "
            "page through usageConnection for a longer range",
        )


async def get_totals(
    session: AsyncSession,
    palace: str,
    window: Window,
    usage_filter: UsageFilter,
    *,
    previous: bool = False,
) -> Any:
    """The window's totals, or with `previous` those of the window before it."""
    if previous:
        since, until = window.previous_since, window.since
    else:
        since, until = window.since, window.until
    return await summary_db.get_totals_for_palace(
        session, palace, since=since, until=until, filters=usage_filter.to_db()
    )


async def list_groups(
    session: AsyncSession,
    palace: str,
    window: Window,
    usage_filter: UsageFilter,
    dimensions: Sequence[Dimension],
) -> Sequence[Any]:
    # TODO: groups are not capped, so grouping a year by all five dimensions
    # answers every combination; a busy palace needs a `first` on groups.
    if not dimensions:
        return []

    # Order kept, repeats dropped: [MODEL, MODEL] groups by model once.
    unique = list(dict.fromkeys(str(dimension) for dimension in dimensions))
    return await summary_db.list_groups_for_palace(
        session,
        palace,
        since=window.since,
        until=window.until,
        filters=usage_filter.to_db(),
        dimensions=unique,
    )


async def list_series(
    session: AsyncSession,
    palace: str,
    window: Window,
    usage_filter: UsageFilter,
    bucket: Bucket,
    zone: str,
) -> Sequence[Any]:
    check_bucket_count(window, bucket)
    return await summary_db.list_series_for_palace(
        session,
        palace,
        since=window.since,
        until=window.until,
        end=window.end,
        filters=usage_filter.to_db(),
        unit=str(bucket),
        zone=zone,
    )


async def list_usage(
    session: AsyncSession, palace: str, window: Window, usage_filter: UsageFilter
) -> Sequence[Any]:
    """Every row of the window, oldest first."""
    check_list_span(window)
    return await usage_db.list_usage_page_for_palace(
        session,
        palace,
        since=window.since,
        until=window.until,
        filters=usage_filter.to_db(),
        after=None,
        limit=None,
    )


async def list_usage_page(
    session: AsyncSession,
    palace: str,
    window: Window,
    usage_filter: UsageFilter,
    *,
    after: tuple[datetime, int] | None,
    limit: int,
) -> Sequence[Any]:
    """Up to `limit` rows of the window after the keyset `after`.

    A window that ends now starts at a moving `since`; once a walk has a
    cursor, the cursor alone bounds it from below, so rows near the old start
    are not lost to the clock while a client pages.
    """
    since = window.since if after is None or window.pinned_since else None
    return await usage_db.list_usage_page_for_palace(
        session,
        palace,
        since=since,
        until=window.until,
        filters=usage_filter.to_db(),
        after=after,
        limit=limit,
    )
