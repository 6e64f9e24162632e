"""The REST shims against real PostgreSQL, in process."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import LEGACY_KEYS, make_entry, post_entry


async def test_posted_entry_comes_back_with_every_legacy_key(
    client: httpx.AsyncClient,
) -> None:
    entry = make_entry(cost_usd=0.011167, tokens_in=12996, user="junwon")
    posted = await client.post("/api/usage/log", json=entry)
    assert posted.status_code == 201
    assert posted.json()["event_id"] == entry["event_id"]

    response = await client.get("/api/usage", params={"period": "24h"})

    assert response.status_code == 200
    [row] = response.json()
    for key in LEGACY_KEYS:
        assert key in row, key
    for key in ("ts", "palace", "user", "butler"):
        assert key in row, key
    assert row["cost_usd"] == 0.011167 and isinstance(row["cost_usd"], float)
    assert row["tokens_in"] == 12996 and isinstance(row["tokens_in"], int)
    assert row["channel"] == entry["channel"]
    assert row["domain"] == entry["domain"]
    assert row["palace"] == "manglasabang"
    assert row["user"] == "junwon"
    assert row["ts"].endswith("Z")
    assert abs(datetime.fromisoformat(row["ts"]) - datetime.now(UTC)) < timedelta(
        minutes=1
    )
    # date and time come from ts in the server's local zone
    local = datetime.fromisoformat(row["ts"]).astimezone()
    assert row["date"] == local.strftime("%Y-%m-%d")
    assert row["time"] == local.strftime("%H:%M")


async def test_rows_come_oldest_first_within_the_period(
    client: httpx.AsyncClient,
) -> None:
    await post_entry(client, ago=timedelta(minutes=5), domain="newer")
    await post_entry(client, ago=timedelta(minutes=50), domain="older")
    await post_entry(client, ago=timedelta(hours=2), domain="outside")

    response = await client.get("/api/usage", params={"period": "1h"})

    assert [row["domain"] for row in response.json()] == ["older", "newer"]


async def test_missing_period_means_24h_and_unknown_is_400(
    client: httpx.AsyncClient,
) -> None:
    await post_entry(client, ago=timedelta(hours=23))
    await post_entry(client, ago=timedelta(hours=25))

    assert len((await client.get("/api/usage")).json()) == 1
    response = await client.get("/api/usage", params={"period": "2h"})
    assert response.status_code == 400
    assert "period" in response.text


async def test_same_event_id_twice_stores_one_row(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    entry = make_entry()
    first = await client.post("/api/usage/log", json=entry)
    again = await client.post("/api/usage/log", json={**entry, "tokens_in": 1})

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    async with engine.connect() as connection:
        count = await connection.scalar(text("SELECT count(*) FROM usage"))
    assert count == 1


async def test_user_id_1_on_a_fresh_install_is_kept_not_refused(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await post_entry(client, user="junwon", user_id=1)
    await post_entry(client, user="junwon", user_id=1)
    await post_entry(client, user_id=99)

    async with engine.connect() as connection:
        users = (await connection.execute(text("SELECT id, name FROM users"))).all()
        rows = (
            await connection.execute(
                text('SELECT "user", user_id, extra FROM usage ORDER BY id')
            )
        ).all()
    assert [tuple(u) for u in users] == [(1, "junwon")]
    assert [(r.user, r.user_id) for r in rows] == [
        ("junwon", 1),
        ("junwon", 1),
        (None, None),
    ]
    assert rows[2].extra == {"client_user_id": 99}


async def test_unknown_keys_are_kept_in_extra(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await post_entry(client, session_id="s-1", error="timeout")

    async with engine.connect() as connection:
        extra = await connection.scalar(text("SELECT extra FROM usage"))
    assert extra == {"session_id": "s-1", "error": "timeout"}


async def test_cost_is_stored_as_the_exact_decimal_sent(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await post_entry(client, cost_usd=0.1)
    await post_entry(client, cost_usd=0.2)
    await post_entry(client, cost_usd="0.000001")

    async with engine.connect() as connection:
        total = await connection.scalar(text("SELECT sum(cost_usd) FROM usage"))
    assert total == Decimal("0.300001")


async def test_other_palaces_rows_never_come_back(
    client: httpx.AsyncClient,
) -> None:
    await post_entry(client, palace="other", domain="secret")
    await post_entry(client, domain="mine")

    attempts = [
        {"params": {"period": "24h", "palace": "other"}},
        {"headers": {"X-Palace": "other", "Palace": "other"}},
        {"headers": {"Cookie": "palace=other"}},
    ]
    for attempt in attempts:
        response = await client.get("/api/usage", **attempt)  # type: ignore[arg-type]
        assert [row["domain"] for row in response.json()] == ["mine"], attempt


async def test_bad_input_is_refused_with_the_field_named(
    client: httpx.AsyncClient,
) -> None:
    cases = {
        "tokens_in": -1,
        "cost_usd": 0.0000001,
        "duration_ms": "12 seconds",
        "date": "22/07/2026",
        "event_id": "not-a-uuid",
    }
    for field, value in cases.items():
        response = await client.post(
            "/api/usage/log", json=make_entry(**{field: value})
        )
        assert response.status_code == 422, (field, response.text)
        assert response.json()["fields"][0]["field"] == field


async def test_unreadable_bodies_get_4xx_not_500(client: httpx.AsyncClient) -> None:
    not_json = await client.post("/api/usage/log", content=b"{nope")
    not_utf8 = await client.post("/api/usage/log", content=b'{"domain": "\xff"}')
    not_object = await client.post("/api/usage/log", json=[1, 2])
    too_big = await client.post("/api/usage/log", content=b" " * 2_000_000)

    assert not_json.status_code == 400
    assert not_utf8.status_code == 400
    assert not_object.status_code == 422
    assert too_big.status_code == 413


async def test_healthz_answers_when_the_database_does(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


async def test_entry_without_ts_gets_the_moment_it_arrives(
    client: httpx.AsyncClient,
) -> None:
    entry = make_entry()
    entry.pop("event_id")
    response = await client.post("/api/usage/log", json=entry)
    uuid.UUID(response.json()["event_id"])

    [row] = (await client.get("/api/usage", params={"period": "1h"})).json()
    assert abs(datetime.fromisoformat(row["ts"]) - datetime.now(UTC)) < timedelta(
        seconds=30
    )
