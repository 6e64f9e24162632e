"""Queries on users that can log in (those with a password hash)."""

from collections.abc import Sequence

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User


async def any_login_exists(session: AsyncSession) -> bool:
    """Whether login is on in `auto` mode. Crosses palaces: it only counts."""
    query = select(exists().where(User.password_hash.is_not(None)))
    return bool(await session.scalar(query))


async def list_logins_by_name(session: AsyncSession, name: str) -> Sequence[User]:
    """Logins with this name, in any palace: a login names no palace up front."""
    result = await session.scalars(
        select(User).where(User.name == name, User.password_hash.is_not(None))
    )
    return result.all()


async def list_logins(session: AsyncSession) -> Sequence[User]:
    result = await session.scalars(
        select(User)
        .where(User.password_hash.is_not(None))
        .order_by(User.palace, User.name)
    )
    return result.all()


async def set_password_for_palace(
    session: AsyncSession, palace: str, name: str, password_hash: str
) -> int:
    """Create the user if needed and give it this password; returns its id."""
    statement = (
        insert(User)
        .values(palace=palace, name=name, password_hash=password_hash)
        .on_conflict_do_update(
            index_elements=["palace", "name"],
            set_={"password_hash": password_hash, "failed_logins": 0},
        )
        .returning(User.id)
    )
    return int((await session.execute(statement)).scalar_one())


async def clear_password_for_palace(
    session: AsyncSession, palace: str, name: str
) -> bool:
    """Remove the login; the user row stays, since usage rows refer to it."""
    result = await session.execute(
        update(User)
        .where(
            User.palace == palace, User.name == name, User.password_hash.is_not(None)
        )
        .values(password_hash=None)
        .returning(User.id)
    )
    return result.first() is not None


async def record_failure_for_palace(
    session: AsyncSession, palace: str, user_id: int
) -> None:
    await session.execute(
        update(User)
        .where(User.palace == palace, User.id == user_id)
        .values(failed_logins=User.failed_logins + 1, last_failed_at=func.now())
    )


async def record_success_for_palace(
    session: AsyncSession, palace: str, user_id: int
) -> None:
    await session.execute(
        update(User)
        .where(User.palace == palace, User.id == user_id)
        .values(failed_logins=0, last_failed_at=None)
    )
