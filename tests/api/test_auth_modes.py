"""PALACE_USAGE_AUTH=on|off and PALACE_USAGE_INGEST_KEYS=required, on real apps."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import AuthMode, IngestKeys, Settings
from service.keys import KeyScope, create_key
from service.logins import set_login
from tests.factories import make_entry

AppClient = Callable[..., Any]


@asynccontextmanager
async def app_with(
    settings: Settings, **changes: Any
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            yield c


async def test_auth_on_needs_a_session_even_with_no_login(settings: Settings) -> None:
    async with app_with(settings, palace_usage_auth=AuthMode.ON) as client:
        posted = await client.post("/api/usage/log", json=make_entry())
        read = await client.get("/api/usage")
        page = await client.get("/")

    assert posted.status_code == 201
    assert read.status_code == 401
    assert page.status_code == 303 and page.headers["location"] == "/login"


async def test_auth_off_ignores_logins_and_reads_the_default(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        await set_login(session, "alpha", "ann", "long enough", new=True)
        await session.commit()

    async with app_with(settings, palace_usage_auth=AuthMode.OFF) as client:
        await client.post("/api/usage/log", json=make_entry(domain="open"))
        read = await client.get("/api/usage")

    assert read.status_code == 200
    assert [row["domain"] for row in read.json()] == ["open"]


async def test_required_ingest_keys_refuse_anonymous_writes(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        key = await create_key(session, "manglasabang", KeyScope.INGEST, "agents")
        await session.commit()

    required = {"palace_usage_ingest_keys": IngestKeys.REQUIRED}
    async with app_with(settings, **required) as client:
        anonymous = await client.post("/api/usage/log", json=make_entry())
        keyed = await client.post(
            "/api/usage/log",
            json=make_entry(),
            headers={"Authorization": f"Bearer {key}"},
        )
        graphql = await client.post(
            "/graphql",
            json={
                "query": "mutation { logUsage(input: {tokensIn: 1}) { status reason } }"
            },
        )

    assert anonymous.status_code == 401
    assert keyed.status_code == 201
    result = graphql.json()["data"]["logUsage"]
    assert result["status"] == "REJECTED" and "ingest key" in result["reason"]
