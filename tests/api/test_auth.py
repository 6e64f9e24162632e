"""Every palace sees only its own: sessions, keys, and the override attempts."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.cookies import COOKIE_NAME
from db import sessions as sessions_db
from service.keys import KeyScope, create_key
from service.logins import set_login
from tests.factories import GRAPHQL_USAGE, make_entry

PASSWORD = "correct horse battery"


async def add_login(
    maker: async_sessionmaker[AsyncSession], name: str, palace: str
) -> None:
    async with maker() as session:
        await set_login(session, palace, name, PASSWORD, new=True)
        await session.commit()


async def add_key(
    maker: async_sessionmaker[AsyncSession], palace: str, scope: KeyScope
) -> str:
    async with maker() as session:
        key = await create_key(session, palace, scope, None)
        await session.commit()
    return key


async def seed_two_palaces(client: httpx.AsyncClient) -> None:
    # Before any login exists, ingest is open and takes the body's palace.
    for palace in ("alpha", "beta"):
        for _ in range(2):
            entry = make_entry(palace=palace, domain=f"{palace}-secret")
            assert (await client.post("/api/usage/log", json=entry)).status_code == 201


async def log_in(client: httpx.AsyncClient, name: str) -> httpx.Response:
    return await client.post("/api/login", json={"name": name, "password": PASSWORD})


def domains(rows: list[dict[str, Any]]) -> set[str]:
    return {row["domain"] for row in rows}


@pytest.fixture
async def two_palaces(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await seed_two_palaces(client)
    await add_login(sessionmaker, "ann", "alpha")
    await add_login(sessionmaker, "bob", "beta")


async def test_without_logins_reads_are_the_legacy_default(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/api/usage/log", json=make_entry(domain="legacy"))

    response = await client.get("/api/usage")

    assert response.status_code == 200
    assert domains(response.json()) == {"legacy"}


async def test_first_login_turns_login_on(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await client.post("/api/usage/log", json=make_entry())
    assert (await client.get("/api/usage")).status_code == 200

    await add_login(sessionmaker, "ann", "manglasabang")

    assert (await client.get("/api/usage")).status_code == 401
    graphql = await client.post(
        "/graphql", json={"query": GRAPHQL_USAGE, "variables": {"period": "H24"}}
    )
    assert graphql.json()["data"] is None
    assert "log in" in graphql.json()["errors"][0]["message"]
    assert graphql.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Ingest stays open by default, as the original plan had it.
    assert (await client.post("/api/usage/log", json=make_entry())).status_code == 201


@pytest.mark.usefixtures("two_palaces")
async def test_each_user_sees_only_their_palace(client: httpx.AsyncClient) -> None:
    for name, palace in (("ann", "alpha"), ("bob", "beta")):
        client.cookies.clear()
        login = await log_in(client, name)
        assert login.status_code == 200 and login.json()["palace"] == palace
        cookie = login.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie

        rest = (await client.get("/api/usage", params={"palace": "alpha"})).json()
        graphql = await client.post(
            "/graphql", json={"query": GRAPHQL_USAGE, "variables": {"period": "H24"}}
        )

        assert domains(rest) == {f"{palace}-secret"} and len(rest) == 2
        rows = graphql.json()["data"]["usage"]
        assert {row["palace"] for row in rows} == {palace} and len(rows) == 2


@pytest.mark.usefixtures("two_palaces")
async def test_logged_out_and_expired_sessions_read_nothing(
    client: httpx.AsyncClient,
    app: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await log_in(client, "ann")
    stolen = client.cookies[COOKIE_NAME]
    assert (await client.post("/api/logout")).status_code == 200

    replayed = await client.get(
        "/api/usage", headers={"Cookie": f"{COOKIE_NAME}={stolen}"}
    )
    assert replayed.status_code == 401

    async with sessionmaker() as session:
        user_id = await session.scalar(text("SELECT id FROM users WHERE name = 'ann'"))
        expired_id = await sessions_db.create_session_for_palace(
            session, "alpha", user_id, datetime.now(UTC) - timedelta(minutes=1)
        )
        await session.commit()
    expired = app.state.cookies.dump("alpha", expired_id)
    client.cookies.clear()
    response = await client.get(
        "/api/usage", headers={"Cookie": f"{COOKIE_NAME}={expired}"}
    )
    assert response.status_code == 401


@pytest.mark.usefixtures("two_palaces")
async def test_forged_and_resigned_cookies_read_nothing(
    client: httpx.AsyncClient, app: Any
) -> None:
    await log_in(client, "ann")
    real = client.cookies[COOKIE_NAME]
    client.cookies.clear()
    session_id = uuid.UUID(app.state.cookies.load(real)[1].hex)

    other_secret = URLSafeTimedSerializer("not the secret", salt="palace-usage.session")
    forgeries = [
        real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB"),
        other_secret.dumps({"p": "beta", "s": str(session_id)}),
        # Properly signed, but naming another palace for ann's session id.
        app.state.cookies.dump("beta", session_id),
        app.state.cookies.dump("alpha", uuid.uuid4()),
        "garbage",
    ]
    for forged in forgeries:
        response = await client.get(
            "/api/usage", headers={"Cookie": f"{COOKIE_NAME}={forged}"}
        )
        assert response.status_code == 401, forged


@pytest.mark.usefixtures("two_palaces")
async def test_graphql_arguments_and_aliases_cannot_name_a_palace(
    client: httpx.AsyncClient,
) -> None:
    await log_in(client, "ann")

    with_argument = await client.post(
        "/graphql", json={"query": '{ usage(period: H24, palace: "beta") { palace } }'}
    )
    aliases = await client.post(
        "/graphql",
        json={
            "query": "query($p: Period!) {"
            " a: usage(period: $p) { palace domain } b: usage(period: M1) { palace } }",
            "variables": {"p": "H24", "palace": "beta"},
        },
    )

    assert with_argument.json().get("data") is None
    assert "palace" in with_argument.json()["errors"][0]["message"]
    data = aliases.json()["data"]
    assert {row["palace"] for row in data["a"] + data["b"]} == {"alpha"}


@pytest.mark.usefixtures("two_palaces")
async def test_keys_read_and_write_only_their_palace(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    read_a = await add_key(sessionmaker, "alpha", KeyScope.READ)
    ingest_a = await add_key(sessionmaker, "alpha", KeyScope.INGEST)

    def bearer(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    read = await client.get(
        "/api/usage",
        params={"palace": "beta"},
        headers={**bearer(read_a), "X-Palace": "beta"},
    )
    assert read.status_code == 200 and domains(read.json()) == {"alpha-secret"}

    cross_post = await client.post(
        "/api/usage/log", json=make_entry(palace="beta"), headers=bearer(ingest_a)
    )
    own_post = await client.post(
        "/api/usage/log", json=make_entry(), headers=bearer(ingest_a)
    )
    read_key_post = await client.post(
        "/api/usage/log", json=make_entry(), headers=bearer(read_a)
    )
    ingest_key_read = await client.get("/api/usage", headers=bearer(ingest_a))
    wrong_key = await client.get("/api/usage", headers=bearer(read_a[:-2] + "xx"))

    assert cross_post.status_code == 403
    assert own_post.status_code == 201
    assert read_key_post.status_code == 403
    assert ingest_key_read.status_code == 403
    assert wrong_key.status_code == 401
    after = await client.get("/api/usage", headers=bearer(read_a))
    assert len(after.json()) == 3


async def test_failed_logins_for_a_name_are_slowed_down(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_login(sessionmaker, "ann", "alpha")

    statuses = []
    for _ in range(7):
        response = await client.post(
            "/api/login", json={"name": "ann", "password": "wrong password"}
        )
        statuses.append(response.status_code)

    assert statuses[:5] == [401] * 5
    assert 429 in statuses[5:]
    throttled = next(r for r in [response] if r.status_code == 429)
    assert int(throttled.headers["Retry-After"]) >= 1
    # Even the right password waits out the slowdown.
    right = await log_in(client, "ann")
    assert right.status_code == 429


async def test_unknown_name_and_wrong_password_look_the_same(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_login(sessionmaker, "ann", "alpha")

    unknown = await client.post("/api/login", json={"name": "nobody", "password": "x"})
    wrong = await client.post("/api/login", json={"name": "ann", "password": "x"})

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_a_read_hidden_behind_a_mutation_first_document_is_refused(
    client: httpx.AsyncClient,
) -> None:
    # The context guesses "write only" from the first word; the guess must
    # fail closed, even on a fresh install where reads are otherwise open.
    await client.post("/api/usage/log", json=make_entry(domain="legacy"))
    document = (
        "mutation M { logUsageBatch(inputs: []) { status } }\n"
        "query Q { usage(period: H24) { domain } }"
    )

    response = await client.post(
        "/graphql", json={"query": document, "operationName": "Q"}
    )

    assert response.json()["data"] is None
    assert "log in" in response.json()["errors"][0]["message"]
