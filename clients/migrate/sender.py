"""Sending legacy entries in batches through logUsageEntries, with the gql client.

The entries go as the JSON objects the log holds (after the reader's defaults,
ts and event id), and the server validates each one, answering per entry; a
bad value is a rejected line, never a refused batch.
"""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import (
    TransportError,
    TransportQueryError,
    TransportServerError,
)
from gql.transport.httpx import HTTPXAsyncTransport

from clients.migrate.reader import LegacyLine

logger = structlog.get_logger(__name__)

LOG_ENTRIES = gql(
    """
    mutation LogUsageEntries($entries: [JSON!]!) {
      logUsageEntries(entries: $entries) { status eventId reason }
    }
    """
)
RETRIES = 4
IN_FLIGHT = 2


class ServerUnavailableError(Exception):
    """The server could not be reached or kept failing; nothing more was sent."""


class BatchRefusedError(Exception):
    """The server refused a whole batch (a GraphQL or 4xx error): not retried."""


@dataclass
class MigrationReport:
    total: int = 0
    inserted: int = 0
    duplicates: int = 0
    blank: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    # Line numbers the server stored or already had: what flush may remove.
    acknowledged: set[int] = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"inserted {self.inserted} of {self.total} "
            f"({self.duplicates} duplicates, {len(self.rejected)} rejected, "
            f"{self.blank} blank)"
        )


def prepare_lines(
    lines: Sequence[LegacyLine], report: MigrationReport
) -> list[tuple[int, dict[str, Any]]]:
    ready = []
    for line in lines:
        if line.blank:
            report.blank += 1
            continue

        report.total += 1
        if line.error is not None:
            report.rejected.append((line.number, line.error))
            continue
        assert line.entry is not None
        ready.append((line.number, line.entry))
    return ready


def _refused(exc: Exception) -> bool:
    # A server error answer below 500 is about the request, and resending the
    # same request would get the same answer.
    if isinstance(exc, TransportQueryError):
        return True
    code = getattr(exc, "code", None)
    return isinstance(exc, TransportServerError) and code is not None and code < 500


async def _send_batch(session: Any, entries: list[dict[str, Any]]) -> list[Any]:
    request = GraphQLRequest(LOG_ENTRIES, variable_values={"entries": entries})
    for attempt in range(RETRIES + 1):
        try:
            result = await session.execute(request)
            return list(result["logUsageEntries"])
        except (TransportError, httpx.TransportError, OSError) as exc:
            if _refused(exc):
                raise BatchRefusedError(str(exc)) from exc
            if attempt == RETRIES:
                raise ServerUnavailableError(str(exc) or type(exc).__name__) from exc
            # Batches are idempotent by event id, so resending one is safe.
            logger.warning("migrate.batch_retry", attempt=attempt + 1, error=str(exc))
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def send_entries(
    url: str,
    lines: Sequence[LegacyLine],
    *,
    batch_size: int = 500,
    headers: dict[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_progress: Callable[[int], None] | None = None,
    report: MigrationReport | None = None,
) -> MigrationReport:
    """Send every good line; the report counts what the server said of each.

    Pass a `report` to keep what was acknowledged when sending stops half-way
    with ServerUnavailableError or BatchRefusedError.
    """
    report = report if report is not None else MigrationReport()
    ready = prepare_lines(lines, report)

    client_args: dict[str, Any] = {"timeout": 60.0}
    if transport is not None:
        client_args["transport"] = transport
    gql_transport = HTTPXAsyncTransport(
        url=url.rstrip("/") + "/graphql", headers=headers, **client_args
    )
    batches = [
        ready[start : start + batch_size] for start in range(0, len(ready), batch_size)
    ]
    async with Client(transport=gql_transport, execute_timeout=120) as session:
        # Two batches in flight: while the server stores one, it can already
        # be parsing the next, which keeps both its CPU and PostgreSQL busy.
        for pair in range(0, len(batches), IN_FLIGHT):
            flying = batches[pair : pair + IN_FLIGHT]
            answers = await asyncio.gather(
                *(_send_batch(session, [entry for _, entry in b]) for b in flying)
            )
            for batch, results in zip(flying, answers, strict=True):
                _count(report, batch, results)
                if on_progress is not None:
                    on_progress(len(batch))

    report.rejected.sort()
    return report


def _count(
    report: MigrationReport,
    batch: Sequence[tuple[int, dict[str, Any]]],
    results: Sequence[Any],
) -> None:
    for (number, _), result in zip(batch, results, strict=True):
        status = result["status"]
        if status == "STORED":
            report.inserted += 1
            report.acknowledged.add(number)
        elif status == "DUPLICATE":
            report.duplicates += 1
            report.acknowledged.add(number)
        else:
            report.rejected.append((number, result["reason"] or "rejected"))
