"""Issue 2's GraphQL promises: the same rows as REST, palaces kept apart, and
logUsage / logUsageBatch reporting what happened to each entry."""

import uuid
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from tests.factories import GRAPHQL_USAGE, make_entry, post_entry
from tests.schema.conftest import LOG_BATCH, gql, gql_errors

LOG_ONE = """
mutation Log($input: UsageInput!) {
  logUsage(input: $input) { status eventId id reason }
}
"""
CAMEL = {
    "duration_ms": "durationMs",
    "duration_min": "durationMin",
    "tokens_in": "tokensIn",
    "tokens_out": "tokensOut",
    "cost_usd": "costUsd",
    "num_turns": "numTurns",
    "event_id": "eventId",
    "user_id": "userId",
}


async def test_usage_h24_returns_the_rows_rest_returns(
    client: httpx.AsyncClient,
) -> None:
    for hours in (1, 5, 23, 30):
        await post_entry(client, ago=timedelta(hours=hours), user="junwon")

    rest = (await client.get("/api/usage", params={"period": "24h"})).json()
    data = await gql(client, GRAPHQL_USAGE, period="H24")

    rows = data["usage"]
    assert len(rows) == len(rest) == 3
    for row, legacy in zip(rows, rest, strict=True):
        for key, camel in CAMEL.items():
            if key in legacy:
                assert row[camel] == legacy[key] or (
                    key == "cost_usd"
                    and Decimal(row[camel]) == Decimal(str(legacy[key]))
                ), key
        for key in ("channel", "model", "domain", "date", "time", "palace", "user"):
            assert row[key] == legacy[key], key
        assert isinstance(row["costUsd"], str)


async def test_contract_query_without_variables_still_answers_a_list(
    client: httpx.AsyncClient,
) -> None:
    await post_entry(client, ago=timedelta(minutes=5), tokens_in=123)

    data = await gql(client, "{ usage(period: H24) { tokensIn costUsd } }")

    [row] = data["usage"]
    assert row["tokensIn"] == 123


@pytest.mark.parametrize(
    "query",
    [
        '{ usage(period: H24, palace: "other") { id } }',
        '{ usageSummary(period: H24, palace: "other") { totals { count } } }',
        '{ usageConnection(period: H24, palace: "other") { edges { cursor } } }',
    ],
)
async def test_a_palace_argument_is_refused(
    client: httpx.AsyncClient, query: str
) -> None:
    [error] = await gql_errors(client, query)

    assert "Unknown argument 'palace'" in error


async def test_another_palaces_rows_never_come_back(client: httpx.AsyncClient) -> None:
    mine = await post_entry(client, ago=timedelta(minutes=5), model="mine")
    for _ in range(3):
        await post_entry(client, ago=timedelta(minutes=5), palace="other", model="x")

    data = await gql(
        client,
        """
        {
          usage(period: H24) { eventId palace }
          usageConnection(period: H24) { edges { node { eventId palace } } }
          usageSummary(period: H24, groupBy: [MODEL], bucket: HOUR) {
            totals { count }
            previous { count }
            groups { model totals { count } }
            series { totals { count } }
          }
          filtered: usage(period: H24, filter: {models: ["x"]}) { id }
        }
        """,
    )

    assert [row["eventId"] for row in data["usage"]] == [mine["event_id"]]
    assert {row["palace"] for row in data["usage"]} == {"manglasabang"}
    nodes = [edge["node"] for edge in data["usageConnection"]["edges"]]
    assert [node["eventId"] for node in nodes] == [mine["event_id"]]
    summary = data["usageSummary"]
    assert summary["totals"]["count"] == 1
    assert summary["groups"] == [{"model": "mine", "totals": {"count": 1}}]
    assert sum(point["totals"]["count"] for point in summary["series"]) == 1
    assert data["filtered"] == []


async def test_log_usage_stores_then_reports_a_duplicate(
    client: httpx.AsyncClient,
) -> None:
    event_id = str(uuid.uuid4())
    entry = {"eventId": event_id, "model": "claude-haiku-4-5", "costUsd": "0.011167"}

    first = (await gql(client, LOG_ONE, input=entry))["logUsage"]
    again = (await gql(client, LOG_ONE, input=entry))["logUsage"]

    assert first["status"] == "STORED" and first["eventId"] == event_id
    assert again == {**first, "status": "DUPLICATE"}
    rows = (await gql(client, "{ usage(period: H1) { eventId costUsd } }"))["usage"]
    assert rows == [{"eventId": event_id, "costUsd": "0.011167"}]


async def test_log_usage_batch_reports_each_input_in_order(
    client: httpx.AsyncClient,
) -> None:
    known = await post_entry(client)
    fresh, repeated = str(uuid.uuid4()), str(uuid.uuid4())
    inputs = [
        {"eventId": fresh, "model": "claude-haiku-4-5"},
        {"eventId": known["event_id"]},
        {"eventId": str(uuid.uuid4()), "tokensIn": -5},
        {"eventId": repeated},
        {"eventId": repeated},
        {"eventId": str(uuid.uuid4()), "date": "yesterday"},
    ]

    results = (await gql(client, LOG_BATCH, inputs=inputs))["logUsageBatch"]

    assert [r["status"] for r in results] == [
        "STORED",
        "DUPLICATE",
        "REJECTED",
        "STORED",
        "DUPLICATE",
        "REJECTED",
    ]
    assert [r["eventId"] for r in results] == [i["eventId"] for i in inputs]
    assert results[1]["id"] == known["id"]
    assert results[3]["id"] == results[4]["id"]
    assert "tokens_in" in results[2]["reason"]
    assert "date" in results[5]["reason"]
    assert all(r["reason"] is None for r in results if r["status"] != "REJECTED")


async def test_batch_rows_carry_their_fields_exactly(client: httpx.AsyncClient) -> None:
    entry = make_entry(cost_usd="0.123456", tokens_in=2**31 - 1)
    variables = {CAMEL.get(key, key): value for key, value in entry.items()}

    [result] = (await gql(client, LOG_BATCH, inputs=[variables]))["logUsageBatch"]

    assert result["status"] == "STORED"
    data = await gql(
        client, "{ usageSummary(period: H1) { totals { tokensIn costUsd } } }"
    )
    assert data["usageSummary"]["totals"] == {
        "tokensIn": 2**31 - 1,
        "costUsd": "0.123456",
    }


LOG_ENTRIES = """
mutation($entries: [JSON!]!) {
  logUsageEntries(entries: $entries) { status eventId id reason }
}
"""


async def test_log_usage_entries_validates_each_legacy_object(
    client: httpx.AsyncClient,
) -> None:
    known = await post_entry(client)
    fresh = str(uuid.uuid4())
    entries = [
        {"event_id": fresh, "tokens_in": "12", "cost_usd": 0.011167, "session_id": "s"},
        {"event_id": known["event_id"]},
        {"event_id": str(uuid.uuid4()), "tokens_in": "lots"},
        [1, 2],
        {"event_id": "not-a-uuid"},
    ]

    results = (await gql(client, LOG_ENTRIES, entries=entries))["logUsageEntries"]
    rows = (await client.get("/api/usage", params={"period": "1h"})).json()

    assert [r["status"] for r in results] == [
        "STORED",
        "DUPLICATE",
        "REJECTED",
        "REJECTED",
        "REJECTED",
    ]
    assert results[0]["eventId"] == fresh and results[1]["id"] == known["id"]
    assert "tokens_in" in results[2]["reason"]
    assert "JSON object" in results[3]["reason"]
    assert "event_id" in results[4]["reason"] and results[4]["eventId"] is None
    stored = next(row for row in rows if row["event_id"] == fresh)
    assert stored["tokens_in"] == 12 and stored["cost_usd"] == 0.011167
