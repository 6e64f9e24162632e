"""Bad input on REST and GraphQL: the right 4xx naming the field, never a 500.

Hand-written cases first, each with the status it must get; then generated
ones (schemathesis from /openapi.json, hypothesis-graphql from the schema),
bounded and derandomised so the suite stays fast and deterministic. The
generated REST bodies are judged by service.entries.parse_entry, the one
validator: what it accepts must be stored, what it refuses must be a 422.
"""

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
import schemathesis
from graphql import build_client_schema, get_introspection_query, print_schema
from graphql.language import ast as gql_ast
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import strategies as gql_st

from service.entries import parse_entry
from service.errors import InvalidInputError
from tests.conftest import ServerProcess
from tests.factories import make_entry

GENERATED = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _body(**fields: Any) -> bytes:
    return orjson.dumps(make_entry(**fields))


def _without(*keys: str, **fields: Any) -> bytes:
    entry = make_entry(**fields)
    for key in keys:
        entry.pop(key)
    return orjson.dumps(entry)


NOW = datetime.now(UTC)

# (case id, raw body, expected status, the field the answer must name)
REST_CASES: list[tuple[str, bytes, int, str | None]] = [
    # accepted, as the legacy log writes them
    ("plain entry", _body(), 201, None),
    ("numeric strings", _body(tokens_in="42", cost_usd="0.25"), 201, None),
    ("padded numeric string", _body(tokens_out=" 7 "), 201, None),
    ("integral float count", _body(num_turns=3.0), 201, None),
    ("cost with trailing zeros", _body(cost_usd="0.1000000"), 201, None),
    ("cost at the limit", _body(cost_usd="9999.999999"), 201, None),
    ("cost zero", _body(cost_usd=0), 201, None),
    ("counts at the INTEGER limit", _body(tokens_in=2**31 - 1), 201, None),
    ("nested extra key", _body(meta={"a": {"b": [1, 2]}}), 201, None),
    ("unicode everywhere", _body(domain="일정", channel="💬"), 201, None),
    ("no optional fields", b"{}", 201, None),
    ("ts without offset", _body(ts="2026-01-02T03:04:05"), 201, None),
    ("ts a day ahead", _body(ts=(NOW + timedelta(hours=20)).isoformat()), 201, None),
    ("numeric user_id string", _body(user_id="1"), 201, None),
    # malformed bodies
    ("empty body", b"", 400, None),
    ("not JSON", b"tokens_in=5", 400, None),
    ("truncated JSON", b'{"tokens_in": 5', 400, None),
    ("invalid UTF-8", b'{"domain": "\xff\xfe"}', 400, None),
    ("lone surrogate escape", b'{"domain": "\\ud800"}', 400, None),
    ("NaN literal", b'{"cost_usd": NaN}', 400, None),
    ("Infinity literal", b'{"cost_usd": Infinity}', 400, None),
    ("trailing comma", b'{"tokens_in": 5,}', 400, None),
    ("two documents", b"{} {}", 400, None),
    ("deep nesting", b"[" * 5000 + b"]" * 5000, 400, None),
    # JSON, but not an object
    ("array", b"[1, 2]", 422, None),
    ("string", b'"hello"', 422, None),
    ("number", b"5", 422, None),
    ("null", b"null", 422, None),
    ("list of entries", orjson.dumps([make_entry()]), 422, None),
    # wrong types
    ("boolean count", _body(tokens_in=True), 422, "tokens_in"),
    ("boolean cost", _body(cost_usd=False), 422, "cost_usd"),
    ("list count", _body(tokens_out=[1]), 422, "tokens_out"),
    ("object count", _body(num_turns={"n": 1}), 422, "num_turns"),
    ("word count", _body(duration_ms="fast"), 422, "duration_ms"),
    ("fractional count", _body(num_turns=1.5), 422, "num_turns"),
    ("exponent count string", _body(tokens_in="1e3"), 422, "tokens_in"),
    ("underscored count string", _body(tokens_in="1_000"), 422, "tokens_in"),
    ("hex count string", _body(tokens_in="0x10"), 422, "tokens_in"),
    ("empty count string", _body(tokens_in=""), 422, "tokens_in"),
    ("number as channel", _body(channel=5), 422, "channel"),
    ("object as model", _body(model={"name": "x"}), 422, "model"),
    ("boolean as user", _body(user=True), 422, "user"),
    ("epoch as ts", _body(ts=1_700_000_000), 422, "ts"),
    ("word as ts", _body(ts="yesterday"), 422, "ts"),
    ("number as event_id", _body(event_id=5), 422, "event_id"),
    ("word as event_id", _body(event_id="not-a-uuid"), 422, "event_id"),
    ("word as user_id", _body(user_id="ann"), 422, "user_id"),
    # negative counts
    ("negative tokens_in", _body(tokens_in=-1), 422, "tokens_in"),
    ("negative tokens_out", _body(tokens_out=-5), 422, "tokens_out"),
    ("negative duration_ms", _body(duration_ms=-1), 422, "duration_ms"),
    ("negative duration_min", _body(duration_min="-2"), 422, "duration_min"),
    ("negative num_turns", _body(num_turns=-3), 422, "num_turns"),
    ("negative user_id", _body(user_id=-1), 422, "user_id"),
    ("negative cost", _body(cost_usd=-0.01), 422, "cost_usd"),
    # absurd values
    ("count over INTEGER", _body(tokens_in=2**31), 422, "tokens_in"),
    ("huge count", _body(tokens_out=10**18), 422, "tokens_out"),
    ("huge count string", _body(tokens_in="9" * 5000), 422, "tokens_in"),
    ("cost too big", _body(cost_usd=10_000), 422, "cost_usd"),
    ("cost too precise", _body(cost_usd=0.1234567), 422, "cost_usd"),
    ("cost too precise string", _body(cost_usd="0.0000001"), 422, "cost_usd"),
    ("cost float noise", _body(cost_usd=0.1 + 0.2), 422, "cost_usd"),
    ("cost huge exponent", _body(cost_usd="1e400"), 422, "cost_usd"),
    ("cost NaN string", _body(cost_usd="NaN"), 422, "cost_usd"),
    ("cost Infinity string", _body(cost_usd="Infinity"), 422, "cost_usd"),
    ("cost 1e308", _body(cost_usd=1e308), 422, "cost_usd"),
    ("ts in year 1", _body(ts="0001-01-01T00:00:00+14:00"), 422, "ts"),
    ("ts in year 9999", _body(ts="9999-12-31T23:59:59-14:00"), 422, "ts"),
    ("ts next year", _body(ts=(NOW + timedelta(days=400)).isoformat()), 422, "ts"),
    ("ts epoch zero", _body(ts="1970-01-01T00:00:00Z"), 422, "ts"),
    ("month 13", _body(date="2026-13-01"), 422, "date"),
    ("february 30", _body(date="2026-02-30"), 422, "date"),
    ("week date", _body(date="2026-W01-1"), 422, "date"),
    ("hour 24", _body(time="24:00"), 422, "time"),
    ("minute 60", _body(time="12:60"), 422, "time"),
    ("time with seconds", _body(time="12:00:00"), 422, "time"),
    # absurdly long or unstorable strings
    ("long channel", _body(channel="x" * 51), 422, "channel"),
    ("long model", _body(model="m" * 1000), 422, "model"),
    ("long domain", _body(domain="d" * 51), 422, "domain"),
    ("long user", _body(user="u" * 101), 422, "user"),
    ("long butler", _body(butler="b" * 101), 422, "butler"),
    ("long palace", _body(palace="p" * 101), 422, "palace"),
    ("blank palace", _body(palace="   "), 422, "palace"),
    ("NUL in user", _body(user="a\x00b"), 422, "user"),
    ("NUL in domain", _body(domain="\x00"), 422, "domain"),
    # extra keys
    ("NUL in extra", _body(note="a\x00b"), 422, "note"),
    ("NUL in extra key", orjson.dumps({"a\x00b": 1}), 422, None),
    ("too deep extra", _body(meta=[[[[[[[[[1]]]]]]]]]), 422, "meta"),
    ("too large extra", _body(note="n" * 20_000), 422, "note"),
    ("too long extra key", orjson.dumps({"k" * 101: 1}), 422, None),
    ("too many extra keys", orjson.dumps({f"k{i}": i for i in range(51)}), 422, None),
    # oversize
    ("body over the limit", _body(note="n" * 1_100_000), 413, None),
]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        pytest.param(body, status, field, id=name)
        for name, body, status, field in REST_CASES
    ],
)
async def test_rest_bad_input_gets_the_right_status(
    client: httpx.AsyncClient, body: bytes, status: int, field: str | None
) -> None:
    response = await client.post(
        "/api/usage/log", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == status, response.text
    answer = response.json()
    if status >= 400:
        assert answer["error"]
    if field is not None:
        assert field in {item["field"] for item in answer["fields"]}, answer


async def test_a_chunked_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 65_536

    response = await client.post("/api/usage/log", content=chunks())

    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


@pytest.mark.parametrize(
    "period", ["", "2h", "24H", "1d", "month", "-1h", "1h; DROP TABLE usage", "일"]
)
async def test_unknown_period_is_400_naming_period(
    client: httpx.AsyncClient, period: str
) -> None:
    response = await client.get("/api/usage", params={"period": period})

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "period"


async def test_refused_cost_is_not_stored_rounded(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/usage/log", json=make_entry(cost_usd=0.1234567))
    rows = (await client.get("/api/usage", params={"period": "24h"})).json()

    assert response.status_code == 422
    assert rows == []


LOG = """
mutation Log($input: UsageInput!) {
  logUsage(input: $input) { status eventId reason }
}
"""

# (case id, variables.input, "REJECTED" or "STORED" or a GraphQL error)
GRAPHQL_CASES: list[tuple[str, Any, str]] = [
    ("plain", {"tokensIn": 5, "costUsd": "0.5"}, "STORED"),
    ("nested extra", {"extra": {"a": {"b": 1}}}, "STORED"),
    ("negative count", {"tokensIn": -1}, "REJECTED"),
    ("negative cost", {"costUsd": "-1"}, "REJECTED"),
    ("cost too precise", {"costUsd": "0.1234567"}, "REJECTED"),
    ("cost too big", {"costUsd": "12345"}, "REJECTED"),
    ("cost NaN", {"costUsd": "NaN"}, "REJECTED"),
    ("long model", {"model": "m" * 51}, "REJECTED"),
    ("NUL in user", {"user": "a\x00"}, "REJECTED"),
    ("bad date", {"date": "2026-02-30"}, "REJECTED"),
    ("bad time", {"time": "99:99"}, "REJECTED"),
    ("ts in year 1", {"ts": "0001-01-01T00:00:00+00:00"}, "REJECTED"),
    ("NUL in extra", {"extra": {"note": "\x00"}}, "REJECTED"),
    ("bad value through extra", {"extra": {"tokens_in": "many"}}, "REJECTED"),
    ("extra too deep", {"extra": {"a": [[[[[[[[1]]]]]]]]}}, "REJECTED"),
    ("string count", {"tokensIn": "5"}, "error"),
    ("boolean count", {"tokensIn": True}, "error"),
    ("float count", {"tokensIn": 1.5}, "error"),
    ("count over Int", {"tokensIn": 2**31}, "error"),
    ("bad uuid", {"eventId": "nope"}, "error"),
    ("bad ts", {"ts": "yesterday"}, "error"),
    ("unknown field", {"tokens": 5}, "error"),
    ("not an object", [1, 2], "error"),
    ("null input", None, "error"),
    ("number cost", {"costUsd": True}, "error"),
]


@pytest.mark.parametrize(
    ("variables", "outcome"),
    [pytest.param(v, o, id=name) for name, v, o in GRAPHQL_CASES],
)
async def test_graphql_bad_input_is_refused_per_field(
    client: httpx.AsyncClient, variables: Any, outcome: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": LOG, "variables": {"input": variables}}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    if outcome == "error":
        assert body.get("data") is None and body["errors"], body
        return
    result = body["data"]["logUsage"]
    assert result["status"] == outcome, result
    if outcome == "REJECTED":
        assert result["reason"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"\xff\xfe{", 400, id="invalid UTF-8"),
        pytest.param(b"{not json", 400, id="not JSON"),
        pytest.param(b"", 400, id="empty"),
        pytest.param(b"[" * 5000 + b"]" * 5000, 400, id="deep nesting"),
        pytest.param(b'"query"', 400, id="a string"),
        pytest.param(b"{}", 400, id="no query"),
        pytest.param(b'{"query": 5}', 400, id="query not a string"),
    ],
)
async def test_graphql_unreadable_bodies_are_4xx(
    client: httpx.AsyncClient, body: bytes, status: int
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )

    assert 400 <= response.status_code < 500, response.text


# Generated cases, against a real server process: schemathesis and hypothesis
# run synchronously, and the in-process app belongs to the async test loop.


@pytest.fixture(scope="module")
def openapi(server: ServerProcess) -> Any:
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


def _encode(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    # The standard library writes what orjson would refuse (NaN, huge ints),
    # which is exactly the kind of body the server must refuse with a 400.
    return json.dumps(body).encode()


def _expected_status(content: bytes) -> set[int]:
    """What the server must answer, by the same parser and validator it uses."""
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError:
        return {400}
    try:
        parse_entry(body)
    except InvalidInputError:
        return {422}
    return {200, 201}


@pytest.fixture(scope="module")
def log_strategy(openapi: Any) -> Any:
    operation = openapi["/api/usage/log"]["POST"]
    positive = operation.as_strategy()
    negative = operation.as_strategy(
        generation_mode=schemathesis.GenerationMode.NEGATIVE
    )
    return st.one_of(positive, negative)


def test_generated_rest_bodies_get_what_the_validator_says(
    server: ServerProcess, log_strategy: Any
) -> None:
    seen: list[int] = []

    @GENERATED
    @given(case=log_strategy)
    def check(case: Any) -> None:
        content = _encode(case.body)
        response = httpx.post(
            server.url + "/api/usage/log",
            content=content,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        seen.append(response.status_code)
        expected = _expected_status(content)
        assert response.status_code in expected, (content[:300], response.text)

    check()
    print("statuses seen:", sorted(Counter(seen).items()))
    assert len(seen) >= 60


def test_generated_periods_are_200_or_400(server: ServerProcess) -> None:
    @GENERATED
    @given(period=st.text(max_size=12) | st.sampled_from(["1h", "7d", "1m"]))
    def check(period: str) -> None:
        response = httpx.get(
            server.url + "/api/usage", params={"period": period}, timeout=30
        )
        valid = period in {"1h", "3h", "6h", "12h", "24h", "3d", "7d", "1m"}
        assert response.status_code == (200 if valid else 400), response.text

    check()


@pytest.fixture(scope="module")
def graphql_schema(server: ServerProcess) -> str:
    response = httpx.post(
        server.url + "/graphql",
        json={"query": get_introspection_query()},
        timeout=30,
    )
    return print_schema(build_client_schema(response.json()["data"]))


def _string(value: str) -> gql_ast.StringValueNode:
    return gql_ast.StringValueNode(value=value)


SCALARS = {
    "UUID": st.uuids().map(str).map(_string),
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(
        lambda moment: _string(moment.isoformat())
    ),
    "Date": st.dates().map(lambda day: _string(day.isoformat())),
    "Decimal": st.decimals(allow_nan=True, allow_infinity=True).map(
        lambda number: _string(str(number))
    ),
    "JSON": st.just(gql_ast.ObjectValueNode(fields=())),
}


@pytest.fixture(scope="module")
def graphql_operations(graphql_schema: str) -> Any:
    return gql_st.queries(graphql_schema, custom_scalars=SCALARS) | gql_st.mutations(
        graphql_schema, custom_scalars=SCALARS
    )


def _unexpected(errors: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    # A resolver error without a code is one the server did not expect: a
    # 500 in GraphQL clothing. Errors before execution carry no path.
    for error in errors:
        if error.get("path") and "code" not in (error.get("extensions") or {}):
            yield error


def test_generated_graphql_operations_never_fail_the_server(
    server: ServerProcess, graphql_operations: Any
) -> None:
    seen: list[int] = []

    @GENERATED
    @given(operation=graphql_operations)
    def check(operation: str) -> None:
        response = httpx.post(
            server.url + "/graphql", json={"query": operation}, timeout=30
        )
        seen.append(response.status_code)
        assert response.status_code in {200, 400}, response.text
        body = response.json()
        assert "data" in body or "errors" in body, body
        assert not list(_unexpected(body.get("errors") or [])), (operation, body)

    check()
    print("statuses seen:", sorted(Counter(seen).items()))
    assert len(seen) >= 60
