"""API keys: `pu_<key id>_<secret>`, of which only the secret's SHA-256 is kept.

The secret is 192 random bits, so a fast hash is enough; argon2 is for
passwords, which people choose.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from db import keys as keys_db

PREFIX = "pu_"
KEY_ID_LENGTH = 12


class KeyScope(StrEnum):
    INGEST = "ingest"
    READ = "read"


@dataclass(frozen=True, slots=True)
class VerifiedKey:
    key_id: str
    palace: str
    scope: KeyScope


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str, str] | None:
    body = token.removeprefix(PREFIX)
    if body == token or len(body) < KEY_ID_LENGTH + 2:
        return None
    key_id, separator, secret = (
        body[:KEY_ID_LENGTH],
        body[KEY_ID_LENGTH],
        body[KEY_ID_LENGTH + 1 :],
    )
    return (key_id, secret) if separator == "_" else None


async def create_key(
    session: AsyncSession, palace: str, scope: KeyScope, name: str | None
) -> str:
    """Store a new key and return it whole; it cannot be shown again."""
    key_id = secrets.token_hex(KEY_ID_LENGTH // 2)
    secret = secrets.token_urlsafe(24)
    await keys_db.add_key(
        session,
        key_id=key_id,
        palace=palace,
        scope=scope.value,
        secret_hash=_hash(secret),
        name=name,
    )
    return f"{PREFIX}{key_id}_{secret}"


async def verify_key(session: AsyncSession, token: str) -> VerifiedKey | None:
    parts = _split(token)
    if parts is None:
        return None

    key_id, secret = parts
    key = await keys_db.get_live_key(session, key_id)
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return VerifiedKey(key.key_id, key.palace, KeyScope(key.scope))
