"""Alembic's async environment."""

import asyncio
import os

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from alembic import context
from db.models import Base
from db.urls import to_async_url

# Any fixed number: it only has to be the same in every process that migrates.
MIGRATION_LOCK_ID = 6572_0001


def _database_url() -> str:
    url = context.config.attributes.get("database_url") or os.environ.get(
        "DATABASE_URL"
    )
    if not url:
        raise RuntimeError("no database: set DATABASE_URL")
    return str(url)


def _run(connection: Connection) -> None:
    # Several API processes may start at once; the lock makes them take turns.
    connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
    connection.execute(
        text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID}
    )


async def _run_async() -> None:
    engine = create_async_engine(to_async_url(_database_url()))
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


asyncio.run(_run_async())
