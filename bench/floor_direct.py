"""The floor of a GraphQL read: the same SQL run directly through asyncpg.

The statements are the ones the resolvers send (bench/floor_sql.py), in the
same order and with the same concurrency: the window first, then the four
parts of a summary at once, each on a connection of its own.
"""

import asyncio
from datetime import datetime
from typing import Any

import asyncpg

from bench import floor_sql
from bench.floor_app import APP_ROLE

ZEROS = (0, 0, 0, 0, 0)


class DirectFloor:
    """A small pool opened as the app role with the read palace set."""

    def __init__(self, dsn: str, palace: str) -> None:
        self._dsn = dsn
        self.palace = palace
        self._pool: asyncpg.Pool | None = None

    async def __aenter__(self) -> "DirectFloor":
        self._pool = await asyncpg.create_pool(
            self._dsn,
            min_size=4,
            max_size=4,
            server_settings={
                "plan_cache_mode": "force_custom_plan",
                "role": APP_ROLE,
                "palace_usage.palace": self.palace,
            },
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._pool is not None
        await self._pool.close()

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None
        return self._pool

    async def usage_h24(self) -> list[Any]:
        async with self.pool.acquire() as connection:
            _, since, _ = await connection.fetchrow(floor_sql.WINDOW, "24 hours")
            return await connection.fetch(floor_sql.LIST_SINCE, self.palace, since)

    async def _fetch(self, sql: str, *args: Any) -> list[Any]:
        async with self.pool.acquire() as connection:
            return await connection.fetch(sql, *args)

    async def summary(self, since: datetime, zone: str = "UTC") -> list[list[Any]]:
        async with self.pool.acquire() as connection:
            end, _, _ = await connection.fetchrow(floor_sql.WINDOW, "0 seconds")
        previous_since = since - (end - since)
        series_args = (
            *ZEROS,
            0,
            "day",
            zone,
            zone,
            "day",
            zone,
            since,
            zone,
            end,
            "1 day",
            end,
            "day",
            zone,
            *ZEROS,
            self.palace,
            since,
        )
        return list(
            await asyncio.gather(
                self._fetch(floor_sql.TOTALS_SINCE, *ZEROS, self.palace, since),
                self._fetch(
                    floor_sql.TOTALS_BETWEEN,
                    *ZEROS,
                    self.palace,
                    previous_since,
                    since,
                ),
                self._fetch(floor_sql.GROUPS_SINCE, *ZEROS, self.palace, since),
                self._fetch(floor_sql.SERIES_SINCE, *series_args),
            )
        )
