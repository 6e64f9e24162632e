"""Who is asking: the one place a request's palace is decided.

In order: a live session's user's palace; else a read or ingest key's palace
(`Authorization: Bearer`); else, while no login exists (auth `auto`) or with
auth `off`, DEFAULT_PALACE. No query parameter, header or body chooses it.
REST routes, GraphQL resolvers and the page all receive a RequestPalace from
here and never look for a palace anywhere else.
"""

from dataclasses import dataclass
from enum import StrEnum

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.cookies import COOKIE_NAME, SessionCookies
from api.settings import AuthMode, IngestKeys, Settings
from db import logins as logins_db
from db import sessions as sessions_db
from service.errors import AuthenticationRequiredError, ForbiddenPalaceError
from service.keys import KeyScope, verify_key


class CallerKind(StrEnum):
    SESSION = "session"
    READ_KEY = "read_key"
    INGEST_KEY = "ingest_key"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class RequestPalace:
    """What a request may read and where its writes go.

    `palace` is the palace it reads, and raises when it may not read at all;
    `for_write` gives the palace an entry goes to, given the one it names.
    """

    kind: CallerKind
    home: str | None
    # None: not asked, because the request only writes (see resolve_palace).
    login_required: bool | None = False
    ingest_key_required: bool = False
    user: str | None = None

    @property
    def palace(self) -> str:
        if self.kind is CallerKind.INGEST_KEY:
            raise ForbiddenPalaceError("an ingest key cannot read; use a read key")
        if self.home is None or self.login_required is not False:
            raise AuthenticationRequiredError("log in, or send a read key")
        return self.home

    @property
    def can_read(self) -> bool:
        return self.kind is not CallerKind.INGEST_KEY and self.login_required is False

    def for_write(self, claimed: str | None) -> str:
        if self.kind is CallerKind.READ_KEY:
            raise ForbiddenPalaceError("a read key cannot write; use an ingest key")
        if self.kind is CallerKind.ANONYMOUS:
            if self.ingest_key_required:
                raise AuthenticationRequiredError("this server needs an ingest key")
            return claimed or self._default()

        # A session or an ingest key pins every write to its own palace.
        assert self.home is not None
        if claimed is not None and claimed != self.home:
            raise ForbiddenPalaceError(
                f"this request may only write to palace {self.home!r}"
            )
        return self.home

    def _default(self) -> str:
        assert self.home is not None
        return self.home


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def resolve_palace(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    cookies: SessionCookies,
    *,
    reads: bool = True,
) -> RequestPalace:
    """The palace of a request, from its session or key, never its arguments.

    A request that only writes (`reads=False`) skips asking whether a login
    exists: anonymous ingest stays open either way, and the question would
    cost the ingest path a round trip on every run logged.
    """
    raw_cookie = request.cookies.get(COOKIE_NAME)
    if raw_cookie and settings.palace_usage_auth is not AuthMode.OFF:
        signed = cookies.load(raw_cookie)
        if signed is not None:
            palace, session_id = signed
            user = await sessions_db.get_live_session_user_for_palace(
                session, palace, session_id
            )
            if user is not None:
                return RequestPalace(CallerKind.SESSION, palace, user=user)

    token = _bearer(request)
    if token is not None:
        key = await verify_key(session, token)
        if key is None:
            # A wrong key is an error, not a reason to fall back to the default.
            raise AuthenticationRequiredError("unknown or revoked key")
        kind = (
            CallerKind.READ_KEY if key.scope is KeyScope.READ else CallerKind.INGEST_KEY
        )
        return RequestPalace(kind, key.palace)

    login_required = {
        AuthMode.OFF: False,
        AuthMode.ON: True,
        AuthMode.AUTO: None,
    }[settings.palace_usage_auth]
    if login_required is None and reads:
        login_required = await logins_db.any_login_exists(session)
    return RequestPalace(
        CallerKind.ANONYMOUS,
        settings.default_palace,
        login_required=login_required,
        ingest_key_required=settings.palace_usage_ingest_keys is IngestKeys.REQUIRED,
    )
