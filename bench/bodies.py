"""What the benchmark sends: SDK-shaped entries, GraphQL documents, legacy logs.

Entries are those the SDK posts for an agent (palace, user, butler, a fresh
event id, the call's ts, the run's fields), drawn from bench/shapes.py.
"""

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from bench import shapes

# The token that stands for a fresh event id in a body template.
EVENT_ID = "00000000-0000-4000-8000-000000000000"

GRAPHQL_NAMES = {
    "event_id": "eventId",
    "duration_ms": "durationMs",
    "duration_min": "durationMin",
    "tokens_in": "tokensIn",
    "tokens_out": "tokensOut",
    "cost_usd": "costUsd",
    "num_turns": "numTurns",
}

LOG_USAGE = (
    "mutation LogUsage($input: UsageInput!) "
    "{ logUsage(input: $input) { status eventId id } }"
)
LOG_USAGE_BATCH = (
    "mutation LogUsageBatch($inputs: [UsageInput!]!) "
    "{ logUsageBatch(inputs: $inputs) { status eventId id } }"
)
USAGE_H24 = (
    "query { usage(period: H24) { id eventId ts date time palace userId user "
    "butler channel model domain durationMs durationMin tokensIn tokensOut "
    "costUsd numTurns } }"
)
_TOTALS = "count tokensIn tokensOut costUsd durationMs numTurns"
# What a dashboard asks for a month: totals, the month before, a breakdown by
# model and a daily series.
SUMMARY = (
    "query Summary($since: DateTime!) { usageSummary(since: $since, "
    "groupBy: [MODEL], bucket: DAY) { since until "
    f"totals {{ {_TOTALS} }} previous {{ {_TOTALS} }} "
    f"groups {{ model totals {{ {_TOTALS} }} }} "
    f"series {{ start totals {{ {_TOTALS} }} }} }} }}"
)


def sdk_entry(
    rng: random.Random, palace: str, ts: datetime, event_id: str
) -> dict[str, Any]:
    return {
        "palace": palace,
        "user": rng.choice(shapes.USER_NAMES[:3]),
        "butler": rng.choice(shapes.BUTLER_NAMES[:2]),
        "event_id": event_id,
        "ts": ts.isoformat().replace("+00:00", "Z"),
        **shapes.random_run(rng).fields(),
    }


def to_graphql_input(entry: dict[str, Any]) -> dict[str, Any]:
    # costUsd is a Decimal scalar, sent as text so no digit is lost.
    values = {**entry, "cost_usd": str(entry["cost_usd"])}
    return {GRAPHQL_NAMES.get(key, key): value for key, value in values.items()}


def _split(body: bytes) -> tuple[str, str]:
    before, found, after = body.decode().partition(EVENT_ID)
    assert found, "a template body must hold the event id token"
    return before, after


def rest_templates(palace: str, count: int, seed: int = 1) -> list[tuple[str, str]]:
    """POST /api/usage/log bodies, split around their event id."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    return [
        _split(orjson.dumps(sdk_entry(rng, palace, now, EVENT_ID)))
        for _ in range(count)
    ]


def graphql_log_templates(
    palace: str, count: int, seed: int = 2
) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    return [
        _split(
            orjson.dumps(
                {
                    "query": LOG_USAGE,
                    "variables": {
                        "input": to_graphql_input(sdk_entry(rng, palace, now, EVENT_ID))
                    },
                }
            )
        )
        for _ in range(count)
    ]


def graphql_body(query: str, variables: dict[str, Any] | None = None) -> str:
    return orjson.dumps({"query": query, "variables": variables or {}}).decode()


def batch_entries(rng: random.Random, palace: str, count: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [sdk_entry(rng, palace, now, str(_uuid(rng))) for _ in range(count)]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _legacy_lines(rng: random.Random, count: int) -> Iterator[bytes]:
    """Lines like tests/data's: local date and time, about half with a ts."""
    start = datetime.now(UTC) - timedelta(days=90)
    step = timedelta(days=89) / count
    for index in range(count):
        moment = start + step * index
        line: dict[str, Any] = {
            "date": moment.strftime("%Y-%m-%d"),
            "time": moment.strftime("%H:%M"),
            **shapes.random_run(rng).fields(),
        }
        if rng.random() < 0.6:
            line["ts"] = moment.isoformat().replace("+00:00", "Z")
        yield orjson.dumps(line) + b"\n"


def write_legacy_log(path: Path, count: int, seed: int = 3) -> Path:
    with open(path, "wb") as out:
        out.writelines(_legacy_lines(random.Random(seed), count))
    return path
