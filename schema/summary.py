"""`usageSummary`: totals, groups and a time series, each summed by PostgreSQL.

The root resolver settles the window and checks the arguments once; each of
`totals`, `previous`, `groups` and `series` then runs its own query, only
when the client asked for it.
"""

import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

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
from schema.scalars import BigInt
from service import summary as summary_service


@strawberry.enum(description="A field runs can be grouped by.")
class Dimension(enum.Enum):
    MODEL = "model"
    CHANNEL = "channel"
    DOMAIN = "domain"
    BUTLER = "butler"
    USER = "user"

    def to_service(self) -> summary_service.Dimension:
        return summary_service.Dimension(self.value)


@strawberry.enum(description="The length of one step of a series.")
class Bucket(enum.Enum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    def to_service(self) -> summary_service.Bucket:
        return summary_service.Bucket(self.value)


@strawberry.type(description="Sums over a set of runs; zeros when there are none.")
class UsageTotals:
    count: int = strawberry.field(description="How many runs.")
    tokens_in: BigInt
    tokens_out: BigInt
    cost_usd: Decimal = strawberry.field(
        description="Exact decimal US dollars, summed as NUMERIC, sent as a string."
    )
    duration_ms: BigInt
    num_turns: BigInt

    @classmethod
    def from_row(cls, row: Any) -> "UsageTotals":
        return cls(
            count=row.count,
            tokens_in=row.tokens_in,
            tokens_out=row.tokens_out,
            cost_usd=row.cost_usd,
            duration_ms=row.duration_ms,
            num_turns=row.num_turns,
        )


_GROUP_FIELD = "Null when not in groupBy, or for runs that did not name one."


@strawberry.type(description="The runs sharing one combination of groupBy values.")
class UsageGroup:
    model: str | None = strawberry.field(description=_GROUP_FIELD)
    channel: str | None = strawberry.field(description=_GROUP_FIELD)
    domain: str | None = strawberry.field(description=_GROUP_FIELD)
    butler: str | None = strawberry.field(description=_GROUP_FIELD)
    user: str | None = strawberry.field(description=_GROUP_FIELD)
    totals: UsageTotals

    @classmethod
    def from_row(cls, row: Any) -> "UsageGroup":
        values = row._asdict()
        return cls(
            **{name: values.get(name) for name in summary_service.Dimension},
            totals=UsageTotals.from_row(row),
        )


@strawberry.type(description="One bucket of a series.")
class SeriesPoint:
    start: datetime = strawberry.field(
        description="The bucket's first instant (UTC), a local edge in timeZone."
    )
    totals: UsageTotals


@strawberry.type(description="Usage of one window, summed in the database.")
class UsageSummary:
    since: datetime = strawberry.field(description="Start of the window, inclusive.")
    until: datetime = strawberry.field(
        description=(
            "End of the window, exclusive. For a period it is now, and the "
            "window also holds rows stamped slightly later, as the REST period does."
        )
    )
    previous_since: datetime = strawberry.field(
        description="Start of the window before: previous is [previousSince, since)."
    )
    time_zone: str = strawberry.field(description="The zone bucket edges follow.")

    _palace: strawberry.Private[str]
    _window: strawberry.Private[summary_service.Window]
    _filter: strawberry.Private[summary_service.UsageFilter]
    _group_by: strawberry.Private[list[summary_service.Dimension]]
    _bucket: strawberry.Private[summary_service.Bucket | None]

    @strawberry.field(description="The window's totals.")
    async def totals(self, info: strawberry.Info[Context]) -> UsageTotals:
        async with info.context.session() as session:
            row = await summary_service.get_totals(
                session, self._palace, self._window, self._filter
            )
        return UsageTotals.from_row(row)

    @strawberry.field(
        description=(
            "Totals of the window just before, as long as this one (for a "
            "period, the period before), with the same filter."
        )
    )
    async def previous(self, info: strawberry.Info[Context]) -> UsageTotals:
        async with info.context.session() as session:
            row = await summary_service.get_totals(
                session, self._palace, self._window, self._filter, previous=True
            )
        return UsageTotals.from_row(row)

    @strawberry.field(
        description="One per combination of the groupBy fields, costliest first."
    )
    async def groups(self, info: strawberry.Info[Context]) -> list[UsageGroup]:
        if not self._group_by:
            return []

        async with info.context.session() as session:
            rows = await summary_service.list_groups(
                session, self._palace, self._window, self._filter, self._group_by
            )
        return [UsageGroup.from_row(row) for row in rows]

    @strawberry.field(
        description="One per bucket, oldest first, empty ones as zeros; [] if no bucket"
    )
    async def series(self, info: strawberry.Info[Context]) -> list[SeriesPoint]:
        if self._bucket is None:
            return []

        async with info.context.session() as session:
            rows = await summary_service.list_series(
                session,
                self._palace,
                self._window,
                self._filter,
                self._bucket,
                self.time_zone,
            )
        return [
            SeriesPoint(start=row.start, totals=UsageTotals.from_row(row))
            for row in rows
        ]


async def resolve_usage_summary(
    info: strawberry.Info[Context],
    period: PeriodArg = None,
    since: SinceArg = None,
    until: UntilArg = None,
    group_by: Annotated[
        list[Dimension] | None,
        strawberry.argument(description="Fields to group by; none gives no groups."),
    ] = None,
    bucket: Annotated[
        Bucket | None,
        strawberry.argument(
            description="Bucket length of the series; none, no series."
        ),
    ] = None,
    time_zone: Annotated[
        str | None,
        strawberry.argument(description="IANA zone of bucket edges; UTC when absent."),
    ] = None,
    filter: UsageFilter | None = None,
) -> UsageSummary:
    zone = summary_service.resolve_zone(time_zone)
    usage_filter = to_service_filter(filter)
    service_bucket = bucket.to_service() if bucket is not None else None

    async with info.context.session() as session:
        window = await resolve_window(session, period, since, until)
    # Refused here rather than in `series`, so the answer is one clear error.
    if service_bucket is not None:
        summary_service.check_bucket_count(window, service_bucket)

    return UsageSummary(
        since=window.since,
        until=window.end,
        previous_since=window.previous_since,
        time_zone=zone,
        _palace=info.context.palace.palace,
        _window=window,
        _filter=usage_filter,
        _group_by=[dimension.to_service() for dimension in group_by or []],
        _bucket=service_bucket,
    )
