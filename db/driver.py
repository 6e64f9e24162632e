"""The asyncpg connection under a session, for the few statements on hot paths.

SQLAlchemy's execution layer was measured at several times the cost of the
statement itself on the ingest and read paths (compiling a multi-row insert on
every call, building result rows); those statements are sent to asyncpg as
fixed SQL instead. They still run inside the session's transaction, after its
palace is bound, and are committed with it.
"""

from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The session's asyncpg connection, in its transaction (begun if need be)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        # SQLAlchemy's adaptor sends BEGIN with its first statement; without
        # one, what follows would commit on its own, outside the session.
        await connection.exec_driver_sql("SELECT 1")
    assert driver.is_in_transaction()
    return driver  # type: ignore[no-any-return]
