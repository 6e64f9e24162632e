"""Turning a legacy entry into typed GraphQL UsageInput variables, for tests.

The tests load the legacy log through the typed logUsageBatch with these, so
that path is exercised on real data; the migration tool itself sends the
entries as they are, through logUsageEntries.
"""

import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

INT_FIELDS = {
    "user_id": "userId",
    "duration_ms": "durationMs",
    "duration_min": "durationMin",
    "tokens_in": "tokensIn",
    "tokens_out": "tokensOut",
    "num_turns": "numTurns",
}
STR_FIELDS = {
    "date": "date",
    "time": "time",
    "palace": "palace",
    "user": "user",
    "butler": "butler",
    "channel": "channel",
    "model": "model",
    "domain": "domain",
}
GRAPHQL_INT_MAX = 2**31 - 1
_CLEAN_INT = re.compile(r"^\s*-?\d+\s*$")


class LineError(ValueError):
    pass


def _as_int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise LineError(f"{key}: expected a whole number, got {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _CLEAN_INT.match(value):
        number = int(value)
    else:
        raise LineError(f"{key}: expected a whole number, got {value!r}")

    if abs(number) > GRAPHQL_INT_MAX:
        raise LineError(f"{key}: {number} is out of range")
    return number


def _as_decimal_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        raise LineError(f"{key}: expected a number, got {value!r}")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise LineError(f"{key}: expected a number, got {value!r}") from None
    if not number.is_finite():
        raise LineError(f"{key}: expected a finite number, got {value!r}")
    return text


def to_usage_input(entry: dict[str, Any]) -> dict[str, Any]:
    """The UsageInput variables for one entry, or LineError naming the field."""
    variables: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in entry.items():
        if value is None:
            continue
        if key in INT_FIELDS:
            variables[INT_FIELDS[key]] = _as_int(key, value)
        elif key in STR_FIELDS:
            if not isinstance(value, str):
                raise LineError(f"{key}: expected text, got {value!r}")
            variables[STR_FIELDS[key]] = value
        elif key == "cost_usd":
            variables["costUsd"] = _as_decimal_text(key, value)
        elif key == "ts":
            variables["ts"] = _as_ts(value)
        elif key == "event_id":
            variables["eventId"] = _as_uuid(value)
        else:
            extra[key] = value

    if extra:
        variables["extra"] = extra
    return variables


def _as_ts(value: Any) -> str:
    if not isinstance(value, str):
        raise LineError(f"ts: expected an ISO 8601 time, got {value!r}")
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise LineError(f"ts: {value!r} is not an ISO 8601 time") from None


def _as_uuid(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise LineError(f"event_id: {value!r} is not a UUID") from None
