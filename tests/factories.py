"""Small builders of realistic entries for the tests."""

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

LEGACY_KEYS = (
    "date",
    "time",
    "channel",
    "model",
    "domain",
    "duration_ms",
    "duration_min",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "num_turns",
)
MODELS = ("claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1")
CHANNELS = ("telegram", "slack", "heartbeat", "cli", "web", "imessage")


def make_entry(*, ago: timedelta | None = None, **fields: Any) -> dict[str, Any]:
    """One plausible run; `ago` places its ts that long before now."""
    duration_ms = random.randint(2_000, 90_000)
    entry: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "channel": random.choice(CHANNELS),
        "model": random.choice(MODELS),
        "domain": random.choice(("home", "calendar", "research", "일정")),
        "duration_ms": duration_ms,
        "duration_min": duration_ms // 60_000,
        "tokens_in": random.randint(1_000, 90_000),
        "tokens_out": random.randint(50, 3_000),
        "cost_usd": round(random.uniform(0.001, 0.2), 6),
        "num_turns": random.randint(1, 12),
    }
    if ago is not None:
        entry["ts"] = (datetime.now(UTC) - ago).isoformat()
    entry.update(fields)
    return entry


async def post_entry(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/usage/log", json=make_entry(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


GRAPHQL_USAGE = """
query Usage($period: Period!) {
  usage(period: $period) {
    id eventId ts date time palace user butler userId channel model domain
    durationMs durationMin tokensIn tokensOut costUsd numTurns
  }
}
"""


async def graphql(
    client: httpx.AsyncClient, query: str, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
