"""Queries on login sessions, scoped by palace."""

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LoginSession, User


async def create_session_for_palace(
    session: AsyncSession, palace: str, user_id: int, expires_at: datetime
) -> uuid.UUID:
    login = LoginSession(
        palace=palace, id=uuid.uuid4(), user_id=user_id, expires_at=expires_at
    )
    session.add(login)
    await session.flush()
    return login.id  # type: ignore[no-any-return]


async def get_live_session_user_for_palace(
    session: AsyncSession, palace: str, session_id: uuid.UUID
) -> str | None:
    """The user name of a session that is neither ended nor expired."""
    query = (
        select(User.name)
        .join(
            LoginSession,
            (LoginSession.palace == User.palace) & (LoginSession.user_id == User.id),
        )
        .where(
            LoginSession.palace == palace,
            LoginSession.id == session_id,
            LoginSession.ended_at.is_(None),
            LoginSession.expires_at > func.now(),
            User.password_hash.is_not(None),
        )
    )
    name: str | None = await session.scalar(query)
    return name


async def end_session_for_palace(
    session: AsyncSession, palace: str, session_id: uuid.UUID
) -> None:
    await session.execute(
        update(LoginSession)
        .where(LoginSession.palace == palace, LoginSession.id == session_id)
        .values(ended_at=func.now())
    )


async def end_sessions_of_user_for_palace(
    session: AsyncSession, palace: str, user_id: int
) -> None:
    """After a password change or removal, no old session may go on."""
    await session.execute(
        update(LoginSession)
        .where(
            LoginSession.palace == palace,
            LoginSession.user_id == user_id,
            LoginSession.ended_at.is_(None),
        )
        .values(ended_at=func.now())
    )
