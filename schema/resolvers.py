"""Query and mutation roots: thin calls into the service layer."""

import strawberry
import structlog

from schema.context import Context
from schema.types import LogStatus, LogUsageResult, Period, UsageEntry, UsageInput
from service import usage as usage_service
from service.entries import UsageCreate, parse_entry
from service.errors import InvalidInputError, PalaceUsageError

logger = structlog.get_logger(__name__)

# Large enough for the migration tool's batches, small enough that one request
# cannot hold a transaction open for long.
MAX_BATCH = 5000


@strawberry.type
class Query:
    @strawberry.field(description="The palace's runs in the last period, oldest first.")
    async def usage(self, info: strawberry.Info[Context], period: Period) -> list[
        UsageEntry
    ]:
        async with info.context.session() as session:
            rows = await usage_service.list_usage_for_period(
                session, info.context.palace.palace, period.to_service()
            )
        return [UsageEntry.from_row(row) for row in rows]


async def _log(info: strawberry.Info[Context], inputs: list[UsageInput]) -> list[
    LogUsageResult
]:
    """Validate each input, store the valid ones per palace, keep input order."""
    results: list[LogUsageResult | None] = [None] * len(inputs)
    by_palace: dict[str, list[tuple[int, UsageCreate]]] = {}
    for index, item in enumerate(inputs):
        try:
            entry = parse_entry(item.to_dict())
            palace = info.context.palace.for_write(entry.palace)
        except PalaceUsageError as exc:
            results[index] = LogUsageResult(
                status=LogStatus.REJECTED, event_id=item.event_id, reason=exc.message
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
        [result] = await _log(info, [input])
        return result

    @strawberry.mutation(
        description="Store many runs in one round trip; one result per input, in order."
    )
    async def log_usage_batch(
        self, info: strawberry.Info[Context], inputs: list[UsageInput]
    ) -> list[LogUsageResult]:
        if len(inputs) > MAX_BATCH:
            raise InvalidInputError(
                f"a batch holds at most {MAX_BATCH} entries, got {len(inputs)}",
                [{"field": "inputs", "message": "too many entries"}],
            )
        return await _log(info, inputs)
