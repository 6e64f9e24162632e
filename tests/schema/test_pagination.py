"""usageConnection: walking a period page by page while rows keep arriving."""

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.limits import MAX_PAGE_SIZE
from tests.schema.conftest import entry_input, gql, gql_errors, log_batch

PAGE = """
query Page($period: Period, $since: DateTime, $filter: UsageFilter,
           $first: Int!, $after: String) {
  usageConnection(period: $period, since: $since, filter: $filter,
                  first: $first, after: $after) {
    edges { cursor node { id ts model palace } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

# 5,000 rows over the last 1,000 minutes: five share every timestamp, so the
# id half of the cursor is what keeps them apart.
SEED_5000 = text(
    """
    INSERT INTO usage (palace, ts, model, channel, tokens_in, cost_usd)
    SELECT 'manglasabang',
           date_trunc('second', now()) - (g % 1000) * interval '1 minute',
           'claude-haiku-4-5', 'cli', g, 0.000001 * g
    FROM generate_series(1, 5000) AS g
    RETURNING id
    """
)
ADD_ONE = text(
    """
    INSERT INTO usage (palace, ts, model, channel)
    VALUES ('manglasabang', :ts, 'claude-sonnet-4-5', 'web')
    RETURNING id
    """
)


async def walk(
    client: httpx.AsyncClient, first: int, between: Any = None, **args: Any
) -> list[int]:
    seen: list[int] = []
    after = None
    while True:
        data = await gql(client, PAGE, first=first, after=after, **args)
        page = data["usageConnection"]
        seen.extend(int(edge["node"]["id"]) for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]
        if between is not None:
            await between(page)


async def test_a_walk_sees_every_old_row_once_while_rows_are_added(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    async with engine.begin() as connection:
        old = set((await connection.execute(SEED_5000)).scalars())
    assert len(old) == 5000
    added: list[int] = []
    done = asyncio.Event()

    async def add(ts: datetime) -> None:
        async with engine.begin() as connection:
            added.append((await connection.execute(ADD_ONE, {"ts": ts})).scalar_one())

    async def keep_adding() -> None:
        # Rows land everywhere: behind the walk, on its cursor, ahead, at now.
        while not done.is_set():
            minutes = random.randint(0, 1000)
            await add(datetime.now(UTC) - timedelta(minutes=minutes))
            await asyncio.sleep(0.002)

    async def between(page: dict[str, Any]) -> None:
        last = datetime.fromisoformat(page["edges"][-1]["node"]["ts"])
        for ts in (last, last - timedelta(minutes=5), last + timedelta(seconds=1)):
            await add(ts)

    adder = asyncio.create_task(keep_adding())
    try:
        seen = await walk(client, 333, between=between, period="H24")
    finally:
        done.set()
        await adder

    assert len(seen) == len(set(seen)), "a row came back twice"
    assert old <= set(seen), f"{len(old - set(seen))} old rows were skipped"
    assert len([row_id for row_id in seen if row_id in old]) == 5000
    assert len(added) > 60
    assert set(seen) <= old | set(added)


async def test_pages_are_oldest_first_and_keyed_by_ts_and_id(
    client: httpx.AsyncClient,
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    same = now - timedelta(minutes=10)
    await log_batch(
        client,
        [entry_input(same) for _ in range(3)]
        + [entry_input(now - timedelta(minutes=20), model="claude-opus-4-1")],
    )

    data = await gql(client, PAGE, period="H1", first=2)
    page = data["usageConnection"]
    rest = await gql(
        client, PAGE, period="H1", first=10, after=page["pageInfo"]["endCursor"]
    )

    nodes = [edge["node"] for edge in page["edges"]]
    nodes += [edge["node"] for edge in rest["usageConnection"]["edges"]]
    keys = [(datetime.fromisoformat(n["ts"]), int(n["id"])) for n in nodes]
    assert keys == sorted(keys) and len(keys) == 4
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
    assert rest["usageConnection"]["pageInfo"]["hasNextPage"] is False


async def test_a_filter_and_a_range_bound_the_connection(
    client: httpx.AsyncClient,
) -> None:
    now = datetime.now(UTC)
    await log_batch(
        client,
        [
            entry_input(now - timedelta(hours=2), model="claude-opus-4-1"),
            entry_input(now - timedelta(hours=2), model="claude-haiku-4-5"),
            entry_input(now - timedelta(hours=5), model="claude-opus-4-1"),
        ],
    )

    data = await gql(
        client,
        PAGE,
        since=(now - timedelta(hours=3)).isoformat(),
        filter={"models": ["claude-opus-4-1"]},
        first=10,
    )

    [edge] = data["usageConnection"]["edges"]
    assert edge["node"]["model"] == "claude-opus-4-1"


async def test_an_empty_page_keeps_the_cursor_for_polling(
    client: httpx.AsyncClient,
) -> None:
    await log_batch(client, [entry_input(datetime.now(UTC) - timedelta(minutes=1))])
    first = await gql(client, PAGE, period="H1", first=5)
    cursor = first["usageConnection"]["pageInfo"]["endCursor"]

    empty = await gql(client, PAGE, period="H1", first=5, after=cursor)

    assert empty["usageConnection"]["edges"] == []
    assert empty["usageConnection"]["pageInfo"]["endCursor"] == cursor


async def test_bad_cursors_and_page_sizes_are_refused(
    client: httpx.AsyncClient,
) -> None:
    for after in ("not-a-cursor", "djJ8eHx5", ""):
        [error] = await gql_errors(client, PAGE, period="H1", first=5, after=after)
        assert "after is not a cursor this server gave out" in error

    for first in (0, -1, MAX_PAGE_SIZE + 1):
        [error] = await gql_errors(client, PAGE, period="H1", first=first)
        assert f"first must be between 1 and {MAX_PAGE_SIZE}, got {first}" in error
