"""Coercing the values of one entry, the same way for REST, GraphQL and migrate.

Legacy logs wrote numbers as JSON numbers and sometimes as strings, so a clean
numeric string is accepted. Anything that would be silently changed on its way
into PostgreSQL (a boolean read as 1, a cost rounded to six places, a NUL byte
PostgreSQL cannot store) is refused with a message instead.
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

import orjson
from pydantic_core import PydanticCustomError

# INTEGER columns: larger numbers would fail in PostgreSQL instead of here.
MAX_INT = 2**31 - 1
# DECIMAL(10,6): four digits before the point, six after.
COST_QUANTUM = Decimal("0.000001")
MAX_COST = Decimal("9999.999999")
# Before this, a ts is a bug (an epoch of 0, a year typed as 0026), not history.
EARLIEST_TS = datetime(2000, 1, 1, tzinfo=UTC)
# Agents' clocks drift; a day ahead is drift, more is a wrong clock or zone.
FUTURE_SLACK = timedelta(days=1)

MAX_EXTRA_BYTES = 16_384
MAX_EXTRA_DEPTH = 8
MAX_KEY_LENGTH = 100

_INT_TEXT = re.compile(r"[+-]?\d{1,15}")
_DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{2}):(\d{2})")


def _fail(message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("invalid_value", message, context)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def whole_number(value: Any) -> Any:
    """An int from an int, an integral float or a clean string of digits."""
    if isinstance(value, bool):
        raise _fail("expected a whole number, not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    raise _fail("expected a whole number, got {got}", got=_shown(value))


def cost(value: Any) -> Decimal:
    """A Decimal that DECIMAL(10,6) stores exactly, or a refusal."""
    number = _as_decimal(value)
    if not number.is_finite():
        raise _fail("expected a finite number, got {got}", got=_shown(value))
    if number < 0:
        raise _fail("must not be negative, got {got}", got=_shown(value))
    if number > MAX_COST:
        raise _fail(
            "{got} does not fit DECIMAL(10,6): at most 9999.999999",
            got=_shown(value),
        )
    if number != number.quantize(COST_QUANTUM):
        raise _fail(
            "{got} has more than 6 decimal places; it is refused, not rounded",
            got=_shown(value),
        )
    return number


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _fail("expected a number, not a boolean")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    # Through repr, a JSON float becomes the decimal it was written as.
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            pass
    raise _fail("expected a number, got {got}", got=_shown(value))


def timestamp_text(value: Any) -> Any:
    """Only an ISO 8601 string (or a parsed datetime) is a ts; not an epoch."""
    if isinstance(value, str | datetime):
        return value
    raise _fail("expected an ISO 8601 time string, got {got}", got=_shown(value))


def timestamp_in_range(value: datetime) -> datetime:
    # A ts without an offset is read as UTC, the zone the SDK writes in.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    latest = datetime.now(UTC) + FUTURE_SLACK
    if not EARLIEST_TS <= value <= latest:
        raise _fail(
            "{got} is outside 2000-01-01 .. a day from now",
            got=value.isoformat(),
        )
    return value


def calendar_date(value: str) -> str:
    if _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise _fail("expected a real date as YYYY-MM-DD, got {got}", got=_shown(value))


def clock_time(value: str) -> str:
    match = _TIME.fullmatch(value)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise _fail("expected a time as HH:MM, got {got}", got=_shown(value))
    return value


def storable_text(value: str) -> str:
    """PostgreSQL text cannot hold NUL, which would fail the insert later."""
    if "\x00" in value:
        raise _fail("must not contain a NUL character")
    return value


def uuid_text(value: Any) -> Any:
    if isinstance(value, str | UUID):
        return value
    raise _fail("expected a UUID string, got {got}", got=_shown(value))


def extra_value_problem(key: str, value: Any) -> str | None:
    """Why an unknown key cannot be kept in the JSONB column, or None."""
    if len(key) > MAX_KEY_LENGTH:
        return f"key is longer than {MAX_KEY_LENGTH} characters"
    if "\x00" in key:
        return "key must not contain a NUL character"

    problem = _json_problem(value, depth=1)
    if problem is not None:
        return problem

    try:
        size = len(orjson.dumps(value))
    except (TypeError, orjson.JSONEncodeError) as exc:
        return f"cannot be kept as JSON: {exc}"
    if size > MAX_EXTRA_BYTES:
        return f"is {size} bytes as JSON, more than {MAX_EXTRA_BYTES}"
    return None


def _json_problem(value: Any, depth: int) -> str | None:
    if depth > MAX_EXTRA_DEPTH:
        return f"nests deeper than {MAX_EXTRA_DEPTH} levels"
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _text_problem(str(key)) or _json_problem(item, depth + 1)
            if problem is not None:
                return problem
    if isinstance(value, list):
        for item in value:
            problem = _json_problem(item, depth + 1)
            if problem is not None:
                return problem
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character, which PostgreSQL cannot store"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains text that is not valid Unicode (a lone surrogate)"
    return None
