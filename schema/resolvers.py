"""Query and mutation roots: thin calls into the service layer."""

from uuid import UUID

import strawberry
import structlog
from strawberry.scalars import JSON

from schema.context import Context
from schema.filters import (
    PeriodArg,
    SinceArg,
    UntilArg,
    UsageFilter,
    resolve_window,
    to_service_filter,
)
from schema.limits import MAX_BATCH, check_batch_size
from schema.pagination import UsageConnection, resolve_usage_connection
from schema.summary import UsageSummary, resolve_usage_summary
from schema.types import LogStatus, LogUsageResult, UsageEntry, UsageInput
from service import summary as summary_service
from service import usage as usage_service
from service.entries import UsageCreate, parse_entry
from service.errors import PalaceUsageError

logger = structlog.get_logger(__name__)


async def resolve_usage(
    info: strawberry.Info[Context],
    period: PeriodArg = None,
    since: SinceArg = None,
    until: UntilArg = None,
    filter: UsageFilter | None = None,
) -> list[UsageEntry]:
    usage_filter = to_service_filter(filter)
    async with info.context.session() as session:
        window = await resolve_window(session, period, since, until)
        rows = await summary_service.list_usage(
            session, info.context.palace.palace, window, usage_filter
        )
    return [UsageEntry.from_row(row) for row in rows]


@strawberry.type
class Query:
    usage: list[UsageEntry] = strawberry.field(
        resolver=resolve_usage,
        description=(
            "The palace's runs in a window, oldest first, all at once. Ranges "
            "longer than a month page through usageConnection instead."
        ),
    )
    usage_connection: UsageConnection = strawberry.field(
        resolver=resolve_usage_connection,
        description="The palace's runs in a window, oldest first, a page at a time.",
    )
    usage_summary: UsageSummary = strawberry.field(
        resolver=resolve_usage_summary,
        description="Totals, groups and a series of the palace's runs in a window.",
    )


def _claimed_event_id(data: object) -> UUID | None:
    # Named in a refusal only when it is one: the refusal may be about it.
    try:
        return UUID(str(data["event_id"])) if isinstance(data, dict) else None
    except (KeyError, ValueError):
        return None


async def _log(
    info: strawberry.Info[Context], inputs: list[object]
) -> list[LogUsageResult]:
    """Validate each entry, store the valid ones per palace, keep input order.

    Entries come as the legacy snake_case dicts parse_entry reads, whichever
    mutation brought them.
    """
    results: list[LogUsageResult | None] = [None] * len(inputs)
    by_palace: dict[str, list[tuple[int, UsageCreate]]] = {}
    for index, data in enumerate(inputs):
        try:
            entry = parse_entry(data)
            palace = info.context.palace.for_write(entry.palace)
        except PalaceUsageError as exc:
            results[index] = LogUsageResult(
                status=LogStatus.REJECTED,
                event_id=_claimed_event_id(data),
                reason=exc.message,
            )
            continue
        by_palace.setdefault(palace, []).append((index, entry))

    async with info.context.session() as session:
        for palace, pairs in by_palace.items():
            stored = await usage_service.log_usage_for_palace(
                session, palace, [entry for _, entry in pairs]
            )
            for (index, _), result in zip(pairs, stored, strict=True):
                results[index] = LogUsageResult(
                    status=LogStatus.from_service(result.status),
                    event_id=result.event_id,
                    id=result.id,
                )
        await session.commit()

    return [result for result in results if result is not None]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Store one run; see LogUsageResult.status.")
    async def log_usage(
        self, info: strawberry.Info[Context], input: UsageInput
    ) -> LogUsageResult:
        [result] = await _log(info, [input.to_dict()])
        return result

    @strawberry.mutation(
        description=(
            "Store many runs in one round trip; one result per input, in order. "
            f"At most {MAX_BATCH} inputs."
        )
    )
    async def log_usage_batch(
        self, info: strawberry.Info[Context], inputs: list[UsageInput]
    ) -> list[LogUsageResult]:
        check_batch_size(len(inputs))
        return await _log(info, [item.to_dict() for item in inputs])

    @strawberry.mutation(
        description=(
            "Store many runs given as the legacy log's JSON objects (snake_case "
            "keys, as the SDK and the JSONL files write them), each validated "
            "by the server; one result per entry, in order. For bulk tools: "
            "it skips the per-field conversion of UsageInput, about two thirds "
            f"of logUsageBatch's cost. At most {MAX_BATCH} entries."
        )
    )
    async def log_usage_entries(
        self, info: strawberry.Info[Context], entries: list[JSON]
    ) -> list[LogUsageResult]:
        check_batch_size(len(entries))
        return await _log(info, list(entries))
