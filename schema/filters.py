"""The arguments every window read shares: the window itself and the filter."""

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schema.limits import check_filter_values
from schema.types import Period
from service import summary as summary_service
from service.summary import Dimension as ServiceDimension

PERIOD_HELP = "A window ending now; give either this or since/until."
SINCE_HELP = "Start of the window, inclusive; needs a UTC offset."
UNTIL_HELP = "End of the window, exclusive; now when absent."
_LIST = "Exact values, at most 100."

# The window arguments as types, so every read field declares them alike.
PeriodArg = Annotated[Period | None, strawberry.argument(description=PERIOD_HELP)]
SinceArg = Annotated[datetime | None, strawberry.argument(description=SINCE_HELP)]
UntilArg = Annotated[datetime | None, strawberry.argument(description=UNTIL_HELP)]


@strawberry.input(
    description=(
        "Keep only runs whose fields hold one of the listed values. "
        "Lists combine with AND; an absent or empty list keeps every run."
    )
)
class UsageFilter:
    models: list[str] | None = strawberry.field(default=None, description=_LIST)
    channels: list[str] | None = strawberry.field(default=None, description=_LIST)
    domains: list[str] | None = strawberry.field(default=None, description=_LIST)
    butlers: list[str] | None = strawberry.field(default=None, description=_LIST)
    users: list[str] | None = strawberry.field(default=None, description=_LIST)

    def to_service(self) -> summary_service.UsageFilter:
        given = {
            ServiceDimension.MODEL: ("models", self.models),
            ServiceDimension.CHANNEL: ("channels", self.channels),
            ServiceDimension.DOMAIN: ("domains", self.domains),
            ServiceDimension.BUTLER: ("butlers", self.butlers),
            ServiceDimension.USER: ("users", self.users),
        }
        values = {}
        for dimension, (name, listed) in given.items():
            if listed:
                check_filter_values(name, len(listed))
                values[dimension] = tuple(listed)
        return summary_service.UsageFilter(values)


def to_service_filter(usage_filter: UsageFilter | None) -> summary_service.UsageFilter:
    if usage_filter is None:
        return summary_service.UsageFilter()
    return usage_filter.to_service()


async def resolve_window(
    session: AsyncSession,
    period: Period | None,
    since: datetime | None,
    until: datetime | None,
) -> summary_service.Window:
    return await summary_service.resolve_window(
        session,
        period=period.to_service() if period is not None else None,
        since=since,
        until=until,
    )
