"""The async engine and its sessions."""

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.urls import to_async_url


def create_engine(database_url: str, *, timeout_s: float = 3.0) -> AsyncEngine:
    """An engine whose every connect and statement is bounded by timeout_s.

    The bound is what turns a vanished database into a quick 503 rather than a
    hung request; SQLAlchemy drops a broken connection from the pool on the
    first error, so the service recovers by itself once the database is back.
    """
    return create_async_engine(
        to_async_url(database_url),
        pool_size=10,
        max_overflow=10,
        pool_timeout=timeout_s,
        connect_args={
            "timeout": timeout_s,
            "command_timeout": timeout_s * 4,
            # A prepared generic plan for `palace = $1 AND ts >= $2` can turn
            # worse than the custom one after a few runs; keep custom plans.
            "server_settings": {"plan_cache_mode": "force_custom_plan"},
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
