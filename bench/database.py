"""A throwaway, migrated database on DATABASE_URL's server or an embedded one.

The benchmark seeds and drops its own database, so it never touches a real
one; it is made on the server of DATABASE_URL when set, else on an embedded
PostgreSQL in a temporary folder, like the tests.
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
import asyncpg

from db.embedded import EmbeddedPostgres
from db.migrations import upgrade
from db.urls import to_async_url, to_libpq_dsn


@dataclass(frozen=True, slots=True)
class BenchDatabase:
    url: str
    embedded: bool

    @property
    def dsn(self) -> str:
        """The plain libpq form, for asyncpg and child processes."""
        return to_libpq_dsn(self.url)


async def _admin(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@asynccontextmanager
async def throwaway_database(tmp: Path) -> AsyncIterator[BenchDatabase]:
    """A fresh database migrated to head; dropped (and the server let go) after."""
    embedded = None
    server = os.environ.get("DATABASE_URL")
    if server is None:
        embedded = EmbeddedPostgres(tmp)
        server = await anyio.to_thread.run_sync(embedded.start)

    admin_dsn = to_libpq_dsn(server)
    name = f"palace_usage_bench_{uuid.uuid4().hex[:10]}"
    await _admin(admin_dsn, f'CREATE DATABASE "{name}"')
    url = to_async_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        await anyio.to_thread.run_sync(upgrade, url)
        yield BenchDatabase(url, embedded is not None)
    finally:
        await _admin(admin_dsn, f'DROP DATABASE "{name}" WITH (FORCE)')
        if embedded is not None:
            await anyio.to_thread.run_sync(embedded.stop)
