"""FastAPI dependencies, as Annotated aliases the routes declare."""

from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.palace import RequestPalace, resolve_palace
from api.settings import Settings


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return maker


SessionmakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]


async def get_session(maker: SessionmakerDep) -> AsyncIterator[AsyncSession]:
    """One session per request; the route commits, anything else rolls back."""
    async with maker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_palace(
    request: Request, session: SessionDep, settings: SettingsDep
) -> RequestPalace:
    return await resolve_palace(request, session, settings, request.app.state.cookies)


PalaceDep = Annotated[RequestPalace, Depends(get_palace)]


async def get_ingest_palace(
    request: Request, session: SessionDep, settings: SettingsDep
) -> RequestPalace:
    """For routes that only write: may not read, so never asks about logins."""
    return await resolve_palace(
        request, session, settings, request.app.state.cookies, reads=False
    )


IngestPalaceDep = Annotated[RequestPalace, Depends(get_ingest_palace)]


async def get_palace_own_session(
    request: Request, maker: SessionmakerDep, settings: SettingsDep
) -> RequestPalace:
    """The same resolution on a session of its own, closed before it returns.

    For GraphQL, whose resolvers each open their own session: holding one
    more for the whole request would cost a pooled connection per request.
    """
    async with maker() as session:
        return await resolve_palace(
            request,
            session,
            settings,
            request.app.state.cookies,
            reads=not await _is_mutation(request),
        )


async def _is_mutation(request: Request) -> bool:
    """Whether a GraphQL POST looks like a mutation, so that it cannot read.

    A guess from the document's first word, made before Strawberry parses it.
    A wrong guess fails closed: a read in a document taken for a mutation is
    refused as unauthenticated, never let through.
    """
    if request.method != "POST":
        return False
    try:
        query = orjson.loads(await request.body()).get("query", "")
    except (orjson.JSONDecodeError, AttributeError):
        return False
    return isinstance(query, str) and query.lstrip().startswith("mutation")


OwnSessionPalaceDep = Annotated[RequestPalace, Depends(get_palace_own_session)]
