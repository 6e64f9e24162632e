"""Queries on API keys."""

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiKey


async def add_key(
    session: AsyncSession,
    *,
    key_id: str,
    palace: str,
    scope: str,
    secret_hash: str,
    name: str | None,
) -> None:
    session.add(
        ApiKey(
            key_id=key_id,
            palace=palace,
            scope=scope,
            secret_hash=secret_hash,
            name=name,
        )
    )
    await session.flush()


async def get_live_key(session: AsyncSession, key_id: str) -> ApiKey | None:
    """A key that is not revoked. Looked up before any palace is known."""
    key: ApiKey | None = await session.scalar(
        select(ApiKey).where(ApiKey.key_id == key_id, ApiKey.revoked_at.is_(None))
    )
    return key


async def list_keys(session: AsyncSession, palace: str | None) -> Sequence[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.palace, ApiKey.created)
    if palace is not None:
        query = query.where(ApiKey.palace == palace)
    return (await session.scalars(query)).all()


async def revoke_key(session: AsyncSession, key_id: str) -> bool:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.key_id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(ApiKey.key_id)
    )
    return result.first() is not None
