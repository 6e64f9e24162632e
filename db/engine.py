"""The async engine and its sessions, with every wait on PostgreSQL bounded.

One knob, `timeout_s` (PALACE_USAGE_DB_TIMEOUT, 3 s by default), sets them all:

    connecting                 timeout_s        asyncpg's connect timeout
    waiting for a pooled slot  timeout_s        SQLAlchemy's pool_timeout
    one statement              3 * timeout_s    asyncpg's command_timeout

The whole request is bounded on top of these by api.middleware's deadline
(5 * timeout_s), so a database that stops answering mid-request still gets
the client a 503 in time.
"""

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.urls import to_async_url

STATEMENT_FACTOR = 3


def create_engine(
    database_url: str, *, timeout_s: float = 3.0, role: str | None = None
) -> AsyncEngine:
    """An engine that fails fast while PostgreSQL is away and heals once it returns.

    There is no pre-ping: it cost three round trips of every request's ten
    (BEGIN, a ping, ROLLBACK). Instead, the first request that meets a dead
    connection after a database restart gets a 503, and SQLAlchemy then
    invalidates the whole pool, so the requests after it reconnect.

    With `role`, every connection drops the connecting user's privileges for
    that role's: the app runs as db.tenancy.APP_ROLE so that row-level
    security applies even when it connects as a superuser.
    """
    return create_async_engine(
        to_async_url(database_url),
        pool_size=10,
        max_overflow=10,
        pool_timeout=timeout_s,
        connect_args={
            "timeout": timeout_s,
            "command_timeout": timeout_s * STATEMENT_FACTOR,
            # A prepared generic plan for `palace = $1 AND ts >= $2` can turn
            # worse than the custom one after a few runs; keep custom plans.
            "server_settings": {
                "plan_cache_mode": "force_custom_plan",
                **({"role": role} if role else {}),
            },
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
