"""Logging in and out, and managing the users who can."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from db import logins as logins_db
from db import sessions as sessions_db
from db.models import User
from service.errors import (
    InvalidInputError,
    LoginFailedError,
    PalaceUsageError,
    TooManyAttemptsError,
)
from service.passwords import hash_password, verify_password

logger = structlog.get_logger(__name__)

# Failures a name may have before each further attempt has to wait, and the
# longest wait: 1 s after the fifth failure, doubling up to five minutes.
FREE_FAILURES = 5
MAX_WAIT_S = 300
MIN_PASSWORD = 8


class LoginConflictError(PalaceUsageError):
    status_code = 409


@dataclass(frozen=True, slots=True)
class LoginSessionInfo:
    palace: str
    session_id: uuid.UUID
    expires_at: datetime


def _wait_left(user: User, now: datetime) -> int:
    if user.failed_logins < FREE_FAILURES or user.last_failed_at is None:
        return 0
    wait = min(2 ** (user.failed_logins - FREE_FAILURES), MAX_WAIT_S)
    left = wait - (now - user.last_failed_at).total_seconds()
    return max(0, int(left + 0.999))


async def log_in(
    session: AsyncSession,
    name: str,
    password: str,
    *,
    palace: str | None,
    ttl: timedelta,
) -> LoginSessionInfo:
    """Check a name and password and open a session; the caller commits."""
    candidates = await logins_db.list_logins_by_name(session, name)
    if palace is not None:
        candidates = [user for user in candidates if user.palace == palace]
    if len(candidates) > 1:
        raise InvalidInputError(
            f"{name!r} can log in to several palaces; say which with 'palace'",
            [{"field": "palace", "message": "required for this name"}],
        )

    user = candidates[0] if candidates else None
    now = datetime.now(UTC)
    if user is not None and (wait := _wait_left(user, now)):
        logger.warning("auth.login_throttled", user=name, palace=user.palace)
        raise TooManyAttemptsError(
            f"too many failed logins for {name!r}; try again in {wait} s", wait
        )

    if user is None or not verify_password(user.password_hash, password):
        if user is not None:
            await logins_db.record_failure_for_palace(session, user.palace, user.id)
        logger.warning("auth.login_failed", user=name)
        raise LoginFailedError("wrong name or password")

    await logins_db.record_success_for_palace(session, user.palace, user.id)
    expires_at = now + ttl
    session_id = await sessions_db.create_session_for_palace(
        session, user.palace, user.id, expires_at
    )
    logger.info("auth.logged_in", user=name, palace=user.palace)
    return LoginSessionInfo(user.palace, session_id, expires_at)


async def log_out(session: AsyncSession, palace: str, session_id: uuid.UUID) -> None:
    await sessions_db.end_session_for_palace(session, palace, session_id)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(
            f"a password needs at least {MIN_PASSWORD} characters",
            [{"field": "password", "message": "too short"}],
        )


async def set_login(
    session: AsyncSession, palace: str, name: str, password: str, *, new: bool
) -> None:
    """Add a login (new=True) or change its password; ends its old sessions."""
    _check_password(password)
    existing = await logins_db.list_logins_by_name(session, name)
    elsewhere = [user.palace for user in existing if user.palace != palace]
    if elsewhere:
        # Login asks for a name, not a palace, so a name stays in one palace.
        raise LoginConflictError(f"{name!r} already logs in to palace {elsewhere[0]!r}")
    if new and existing:
        raise LoginConflictError(f"{name!r} already exists in palace {palace!r}")
    if not new and not existing:
        raise LoginConflictError(f"no login {name!r} in palace {palace!r}")

    user_id = await logins_db.set_password_for_palace(
        session, palace, name, hash_password(password)
    )
    await sessions_db.end_sessions_of_user_for_palace(session, palace, user_id)
    logger.info("auth.login_set", user=name, palace=palace, new=new)


async def remove_login(session: AsyncSession, name: str) -> str:
    """Remove a login by name; returns its palace. Its usage rows stay."""
    existing = await logins_db.list_logins_by_name(session, name)
    if not existing:
        raise LoginConflictError(f"no login {name!r}")

    user = existing[0]
    await logins_db.clear_password_for_palace(session, user.palace, name)
    await sessions_db.end_sessions_of_user_for_palace(session, user.palace, user.id)
    logger.info("auth.login_removed", user=name, palace=user.palace)
    return user.palace
