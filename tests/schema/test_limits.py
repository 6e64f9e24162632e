"""Limits that protect a shared server: each refused with a message, and the
server (a real uvicorn process) keeps answering afterwards."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from api.app import create_app
from api.settings import Settings
from schema.limits import MAX_ALIASES, MAX_BATCH, MAX_DEPTH, MAX_TOKENS
from tests.conftest import ServerProcess

HEALTHY = "{ usage(period: H1) { id } }"


@pytest.fixture
async def live(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


async def post(client: httpx.AsyncClient, query: str, **variables: Any) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}
    )
    assert response.status_code in (200, 400), response.text
    return response.json()


async def assert_still_answering(client: httpx.AsyncClient) -> None:
    body = await post(client, HEALTHY)
    assert body == {"data": {"usage": []}}
    assert (await client.get("/healthz")).status_code == 200


def messages(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return " | ".join(error["message"] for error in body["errors"])


async def test_a_deep_query_is_refused(live: httpx.AsyncClient) -> None:
    nested = "{ a " * (MAX_DEPTH + 3) + "}" * (MAX_DEPTH + 3)
    query = "query Deep { usageSummary(period: H1) { totals " + nested + " } }"

    body = await post(live, query)

    assert f"'Deep' exceeds maximum operation depth of {MAX_DEPTH}" in messages(body)
    await assert_still_answering(live)


async def test_an_alias_flood_is_refused(live: httpx.AsyncClient) -> None:
    count = MAX_ALIASES * 3
    fields = " ".join(f"a{n}: usage(period: H1) {{ id }}" for n in range(count))

    body = await post(live, "{ " + fields + " }")

    assert f"{count} aliases found. Allowed: {MAX_ALIASES}" in messages(body)
    await assert_still_answering(live)


async def test_a_token_flood_is_refused(live: httpx.AsyncClient) -> None:
    query = "{ usage(period: H1) { " + "id " * MAX_TOKENS + "} }"

    body = await post(live, query)

    assert f"more than {MAX_TOKENS} tokens" in messages(body)
    await assert_still_answering(live)


async def test_an_oversized_batch_is_refused_and_stores_nothing(
    live: httpx.AsyncClient,
) -> None:
    query = """
    mutation Batch($inputs: [UsageInput!]!) {
      logUsageBatch(inputs: $inputs) { status }
    }
    """
    inputs = [{"model": "claude-haiku-4-5"} for _ in range(MAX_BATCH + 1)]

    body = await post(live, query, inputs=inputs)

    expected = f"a batch holds at most {MAX_BATCH} entries, got {MAX_BATCH + 1}"
    assert expected in messages(body)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    accepted = await post(live, query, inputs=inputs[:MAX_BATCH])
    assert len(accepted["data"]["logUsageBatch"]) == MAX_BATCH
    body = await post(live, "{ usageSummary(period: H1) { totals { count } } }")
    assert body["data"]["usageSummary"]["totals"]["count"] == MAX_BATCH


async def test_a_huge_filter_is_refused(live: httpx.AsyncClient) -> None:
    query = "query F($f: UsageFilter) { usage(period: H1, filter: $f) { id } }"

    body = await post(live, query, f={"models": [str(n) for n in range(101)]})

    assert "filter.models takes at most 100 values, got 101" in messages(body)
    await assert_still_answering(live)


async def test_introspection_and_graphiql_are_on_by_default(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": get_introspection_query(descriptions=True)}
    )
    page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert "errors" not in response.json(), response.json()
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_a_setting_turns_introspection_and_graphiql_off(
    settings: Settings,
) -> None:
    closed = settings.model_copy(update={"graphql_introspection": False})
    app = create_app(closed)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            response = await c.post(
                "/graphql", json={"query": "{ __schema { queryType { name } } }"}
            )
            page = await c.get("/graphql", headers={"Accept": "text/html"})
            plain = await c.post("/graphql", json={"query": HEALTHY})

    assert "introspection has been disabled" in messages(response.json())
    assert "graphiql" not in page.text.lower()
    assert plain.json() == {"data": {"usage": []}}
