"""Helpers for the GraphQL tests: querying, and seeding rows to sum by hand."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from clients.migrate import Defaults, read_legacy_file
from schema.limits import MAX_BATCH
from tests.conftest import LEGACY_LOG
from tests.schema.graphql_inputs import to_usage_input

SEOUL = ZoneInfo("Asia/Seoul")
BUTLERS = ("ace", "bell", "cole")
USERS = ("junwon", "minji")

# Tables outside the per-test truncation, holding the log as first stored.
_SNAPSHOT = "test_legacy_usage_snapshot"

LOG_BATCH = """
mutation LogBatch($inputs: [UsageInput!]!) {
  logUsageBatch(inputs: $inputs) { status eventId id reason }
}
"""


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> Any:
    """The data of a query that must succeed."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


async def gql_errors(
    client: httpx.AsyncClient, query: str, **variables: Any
) -> list[str]:
    """The error messages of a query that must be refused."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}
    )
    body = response.json()
    assert body.get("errors"), body
    return [error["message"] for error in body["errors"]]


async def log_batch(
    client: httpx.AsyncClient, inputs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for start in range(0, len(inputs), MAX_BATCH):
        data = await gql(client, LOG_BATCH, inputs=inputs[start : start + MAX_BATCH])
        results.extend(data["logUsageBatch"])
    return results


def _who(number: int) -> dict[str, str]:
    # Spread the log over butlers and users, leaving some runs without a butler,
    # so every dimension has several groups and a null one.
    who = {"user": USERS[number % len(USERS)]}
    if number % 7:
        who["butler"] = BUTLERS[number % len(BUTLERS)]
    return who


def expected_legacy_rows() -> list[dict[str, Any]]:
    """The legacy log as the rows it must become, read without the app's code."""
    rows = []
    lines = LEGACY_LOG.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        entry = json.loads(line, parse_float=Decimal)
        if "ts" in entry:
            ts = datetime.fromisoformat(entry["ts"]).astimezone(UTC)
        else:
            local = datetime.strptime(
                f"{entry['date']} {entry['time']}", "%Y-%m-%d %H:%M"
            )
            ts = local.replace(tzinfo=SEOUL).astimezone(UTC)
        rows.append({**entry, **_who(number), "ts": ts})
    return rows


async def _restore_snapshot(engine: AsyncEngine) -> bool:
    async with engine.begin() as connection:
        found = await connection.scalar(text(f"SELECT to_regclass('{_SNAPSHOT}')"))
        if found is None:
            return False
        await connection.execute(
            text(f"INSERT INTO users SELECT * FROM {_SNAPSHOT}_users")
        )
        await connection.execute(text(f"INSERT INTO usage SELECT * FROM {_SNAPSHOT}"))
        # Rows restored with their ids leave the identities behind; catch up.
        for table in ("users", "usage"):
            await connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    return True


async def _take_snapshot(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE TABLE {_SNAPSHOT} AS TABLE usage"))
        await connection.execute(text(f"CREATE TABLE {_SNAPSHOT}_users AS TABLE users"))


@pytest.fixture
async def legacy_rows(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> list[dict[str, Any]]:
    """The legacy log stored through logUsageBatch; returns the expected rows.

    The first test of a run sends it through GraphQL; the rest get a copy of
    those stored rows by SQL, which takes milliseconds instead of seconds.
    """
    rows = expected_legacy_rows()
    if await _restore_snapshot(engine):
        return rows

    lines = read_legacy_file(LEGACY_LOG, Defaults(tz=SEOUL, palace="manglasabang"))
    inputs = [
        to_usage_input({**line.entry, **_who(line.number)})
        for line in lines
        if line.entry is not None
    ]
    results = await log_batch(client, inputs)
    assert {result["status"] for result in results} == {"STORED"}
    assert len(rows) == len(results) == 1302

    await _take_snapshot(engine)
    return rows


def entry_input(ts: datetime, **fields: Any) -> dict[str, Any]:
    """A UsageInput at `ts` with small, distinct numbers."""
    return {
        "ts": ts.isoformat(),
        "model": "claude-haiku-4-5",
        "channel": "cli",
        "tokensIn": 100,
        "tokensOut": 10,
        "costUsd": "0.000123",
        "durationMs": 1000,
        "numTurns": 1,
        **fields,
    }
