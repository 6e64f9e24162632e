"""What a usage entry is allowed to be, for every way one arrives.

REST bodies, GraphQL inputs and migrated lines all pass through `parse_entry`,
so one entry is judged the same wherever it came from. The value rules live in
`service.entry_values`.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from service import entry_values as values
from service.errors import InvalidInputError

MAX_INT = values.MAX_INT
MAX_EXTRA_KEYS = 50

Count = Annotated[
    int, BeforeValidator(values.whole_number), Field(ge=0, le=values.MAX_INT)
]
# Exactly what DECIMAL(10,6) holds: a cost that does not fit is refused, never
# rounded into something the agent did not spend.
Cost = Annotated[Decimal, BeforeValidator(values.cost)]
Timestamp = Annotated[
    datetime,
    BeforeValidator(values.timestamp_text),
    AfterValidator(values.timestamp_in_range),
]
EventId = Annotated[UUID, BeforeValidator(values.uuid_text)]


Storable = AfterValidator(values.storable_text)
Text50 = Annotated[str, Field(max_length=50), Storable]
Text100 = Annotated[str, Field(max_length=100), Storable]
PalaceName = Annotated[str, Field(min_length=1, max_length=100), Storable]
DateText = Annotated[str, Field(max_length=10), AfterValidator(values.calendar_date)]
TimeText = Annotated[str, Field(max_length=5), AfterValidator(values.clock_time)]


KNOWN_FIELDS = frozenset(
    "ts date time event_id palace user butler user_id channel model domain "
    "duration_ms duration_min tokens_in tokens_out cost_usd num_turns".split()
)


class UsageCreate(BaseModel):
    """One run as posted by the SDK, a legacy monitor or the migration tool.

    Keys without a column are kept in `extra`, so nothing a line carried is lost.
    """

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    ts: Timestamp | None = None
    date: DateText | None = None
    time: TimeText | None = None
    event_id: EventId | None = None
    palace: PalaceName | None = None
    user: Text100 | None = None
    butler: Text100 | None = None
    user_id: Count | None = None
    channel: Text50 | None = None
    model: Text50 | None = None
    domain: Text50 | None = None
    duration_ms: Count | None = None
    duration_min: Count | None = None
    tokens_in: Count | None = None
    tokens_out: Count | None = None
    cost_usd: Cost | None = None
    num_turns: Count | None = None

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def entry_json_schema() -> dict[str, Any]:
    """The OpenAPI schema of a posted entry: what a well-formed client sends.

    The server takes a little more than this says (clean numeric strings for
    numbers), for the legacy log; unknown keys are kept in `extra`.
    """
    count = {"type": "integer", "minimum": 0, "maximum": values.MAX_INT}
    text = {"type": "string", "maxLength": 100}
    label = {"type": "string", "maxLength": 50}
    return {
        "title": "Entry",
        "type": "object",
        "additionalProperties": True,
        "properties": {
            "ts": {"type": "string", "format": "date-time"},
            "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "time": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
            "event_id": {"type": "string", "format": "uuid"},
            "palace": {"type": "string", "minLength": 1, "maxLength": 100},
            "user": text,
            "butler": text,
            "user_id": count,
            "channel": label,
            "model": label,
            "domain": label,
            "duration_ms": count,
            "duration_min": count,
            "tokens_in": count,
            "tokens_out": count,
            "cost_usd": {
                "type": "number",
                "minimum": 0,
                "maximum": float(values.MAX_COST),
            },
            "num_turns": count,
        },
    }


def _extra_errors(data: dict[str, Any]) -> list[dict[str, Any]]:
    unknown = [key for key in data if key not in KNOWN_FIELDS]
    if len(unknown) > MAX_EXTRA_KEYS:
        message = f"{len(unknown)} unknown keys; at most {MAX_EXTRA_KEYS} are kept"
        return [{"field": None, "message": message}]

    errors = []
    for key in unknown:
        if not isinstance(key, str):
            errors.append({"field": str(key), "message": "key must be text"})
            continue
        problem = values.extra_value_problem(key, data[key])
        if problem is not None:
            errors.append({"field": key[:100], "message": problem})
    return errors


def _model_errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]) or None,
            "message": error["msg"],
        }
        for error in exc.errors(include_url=False, include_input=False)
    ]


def parse_entry(data: Any) -> UsageCreate:
    """Validate one entry or raise InvalidInputError naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidInputError(
            "an entry must be a JSON object",
            [{"field": None, "message": f"got {type(data).__name__}"}],
        )

    errors = _extra_errors(data)
    try:
        entry = UsageCreate.model_validate(data)
    except ValidationError as exc:
        errors = _model_errors(exc) + errors
    if not errors:
        return entry

    summary = "; ".join(
        f"{error['field']}: {error['message']}" if error["field"] else error["message"]
        for error in errors
    )
    raise InvalidInputError(f"invalid entry: {summary}", errors)
