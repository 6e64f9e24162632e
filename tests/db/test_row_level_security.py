"""Row-level security holds even when a query forgets its palace filter."""

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.tenancy import bind_palace
from tests.factories import make_entry


async def seed(client: httpx.AsyncClient) -> None:
    for palace in ("alpha", "alpha", "beta"):
        response = await client.post("/api/usage/log", json=make_entry(palace=palace))
        assert response.status_code == 201


async def test_unfiltered_select_through_the_app_sees_only_its_palace(
    client: httpx.AsyncClient, app: Any
) -> None:
    await seed(client)

    async with app.state.sessionmaker() as session:
        await bind_palace(session, "alpha")
        rows = (await session.execute(text("SELECT palace FROM usage"))).all()
        role = await session.scalar(text("SELECT current_user"))

    assert [row.palace for row in rows] == ["alpha", "alpha"]
    assert role == "palace_usage_app"


async def test_a_session_that_names_no_palace_sees_no_rows(
    client: httpx.AsyncClient, app: Any
) -> None:
    await seed(client)

    async with app.state.sessionmaker() as session:
        count = await session.scalar(text("SELECT count(*) FROM usage"))

    assert count == 0


async def test_writing_into_another_palace_is_refused_by_postgres(
    client: httpx.AsyncClient, app: Any
) -> None:
    async with app.state.sessionmaker() as session:
        await bind_palace(session, "alpha")
        with pytest.raises(DBAPIError, match="row-level security"):
            await session.execute(text("INSERT INTO usage (palace) VALUES ('beta')"))


async def test_the_app_role_cannot_switch_rls_off(app: Any) -> None:
    async with app.state.sessionmaker() as session:
        bypass = await session.scalar(
            text(
                "SELECT rolbypassrls OR rolsuper FROM pg_roles"
                " WHERE rolname = current_user"
            )
        )
    assert bypass is False
