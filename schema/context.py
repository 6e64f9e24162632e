"""The request context every resolver receives."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.fastapi import BaseContext

from api.deps import OwnSessionPalaceDep, SessionmakerDep
from api.palace import RequestPalace


class Context(BaseContext):
    """The resolved palace, and sessions for the resolvers.

    Strawberry runs the root fields of one query concurrently, and a session
    must never be shared between concurrent tasks, so each resolver opens its
    own through `session()` rather than all sharing one.
    """

    def __init__(
        self, palace: RequestPalace, maker: async_sessionmaker[AsyncSession]
    ) -> None:
        super().__init__()
        self.palace = palace
        self._maker = maker

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._maker() as session:
            yield session


async def get_context(palace: OwnSessionPalaceDep, maker: SessionmakerDep) -> Context:
    # An async getter: a plain def one would run in a thread pool per request.
    return Context(palace, maker)
