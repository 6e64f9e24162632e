"""The session cookie: a palace and a session id, signed with SESSION_SECRET.

The signature stops forged cookies before any query; the sessions table is what
makes logout and expiry final, since a signed cookie alone cannot be revoked.
"""

import os
import secrets
import uuid
from pathlib import Path

import structlog
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.settings import Settings

logger = structlog.get_logger(__name__)

COOKIE_NAME = "palace_usage_session"
_SALT = "palace-usage.session"


def load_secret(settings: Settings) -> str:
    """SESSION_SECRET, or the secret kept in the home, made on first use.

    Several API processes must share one secret: give them SESSION_SECRET or a
    shared PALACE_USAGE_HOME.
    """
    if settings.session_secret:
        return settings.session_secret

    path: Path = settings.palace_usage_home / "session_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; read theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            logger.info("auth.secret_created", path=str(path))
    return path.read_text().strip()


class SessionCookies:
    def __init__(self, secret: str, max_age_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self.max_age_s = max_age_s

    def dump(self, palace: str, session_id: uuid.UUID) -> str:
        return self._serializer.dumps({"p": palace, "s": str(session_id)})

    def load(self, value: str) -> tuple[str, uuid.UUID] | None:
        try:
            data = self._serializer.loads(value, max_age=self.max_age_s)
            return str(data["p"]), uuid.UUID(str(data["s"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None
