"""Queries on users: the people runs are made for, scoped by palace."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User


async def ensure_users_for_palace(
    session: AsyncSession, palace: str, names: set[str]
) -> dict[str, int]:
    """Find or create a user for each name; returns name -> id."""
    if not names:
        return {}

    await session.execute(
        insert(User)
        .values([{"palace": palace, "name": name} for name in sorted(names)])
        .on_conflict_do_nothing(index_elements=["palace", "name"])
    )
    rows = await session.execute(
        select(User.name, User.id).where(User.palace == palace, User.name.in_(names))
    )
    return {name: user_id for name, user_id in rows}


async def existing_user_ids_for_palace(
    session: AsyncSession, palace: str, ids: set[int]
) -> set[int]:
    if not ids:
        return set()

    rows = await session.execute(
        select(User.id).where(User.palace == palace, User.id.in_(ids))
    )
    return set(rows.scalars())
