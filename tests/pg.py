"""Finding a PostgreSQL for the tests and giving each run a database of its own.

With TEST_DATABASE_URL or DATABASE_URL set, the run creates a throwaway
database on that server; otherwise it starts an embedded PostgreSQL in a
temporary folder. Either way it is real PostgreSQL, migrated by Alembic.
"""

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from db.embedded import EmbeddedPostgres
from db.urls import to_async_url, to_libpq_dsn


def server_url_from_env() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")


async def _admin(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def throwaway_database(tmp: Path) -> Iterator[str]:
    """A fresh, empty database; yields its URL and drops it afterwards."""
    embedded = None
    server = server_url_from_env()
    if server is None:
        embedded = EmbeddedPostgres(tmp)
        server = embedded.start()

    admin_dsn = to_libpq_dsn(server)
    name = f"palace_usage_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(admin_dsn, f'CREATE DATABASE "{name}"'))
    url = to_async_url(server).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(admin_dsn, f'DROP DATABASE "{name}" WITH (FORCE)'))
        if embedded is not None:
            embedded.stop()
