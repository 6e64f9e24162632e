"""What a usage entry is allowed to be, for every way one arrives."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from service.errors import InvalidInputError

# INTEGER columns: larger numbers would fail in PostgreSQL instead of here.
MAX_INT = 2**31 - 1

Count = Annotated[int, Field(ge=0, le=MAX_INT)]
# Exactly what DECIMAL(10,6) holds: a cost that does not fit is refused, never
# rounded into something the agent did not spend.
Cost = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=6)]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")
KNOWN_FIELDS = frozenset(
    "ts date time event_id palace user butler user_id channel model domain "
    "duration_ms duration_min tokens_in tokens_out cost_usd num_turns".split()
)


class UsageCreate(BaseModel):
    """One run as posted by the SDK, a legacy monitor or the migration tool.

    Keys without a column are kept in `extra`, so nothing a line carried is lost.
    """

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    ts: datetime | None = None
    date: Annotated[str, Field(max_length=10)] | None = None
    time: Annotated[str, Field(max_length=5)] | None = None
    event_id: UUID | None = None
    palace: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    user: Annotated[str, Field(max_length=100)] | None = None
    butler: Annotated[str, Field(max_length=100)] | None = None
    user_id: Annotated[int, Field(ge=0, le=MAX_INT)] | None = None
    channel: Annotated[str, Field(max_length=50)] | None = None
    model: Annotated[str, Field(max_length=50)] | None = None
    domain: Annotated[str, Field(max_length=50)] | None = None
    duration_ms: Count | None = None
    duration_min: Count | None = None
    tokens_in: Count | None = None
    tokens_out: Count | None = None
    cost_usd: Cost | None = None
    num_turns: Count | None = None

    @field_validator("date")
    @classmethod
    def _date_shape(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.match(value):
            raise ValueError("date must look like YYYY-MM-DD")
        return value

    @field_validator("time")
    @classmethod
    def _time_shape(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.match(value):
            raise ValueError("time must look like HH:MM")
        return value

    @field_validator("ts")
    @classmethod
    def _ts_aware(cls, value: datetime | None) -> datetime | None:
        # A ts without an offset is read as UTC, the zone the SDK writes in.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @field_validator("cost_usd", mode="before")
    @classmethod
    def _cost_exact(cls, value: Any) -> Any:
        # Through str, a JSON float becomes the decimal it was written as.
        if isinstance(value, float):
            return Decimal(repr(value))
        return value

    @model_validator(mode="after")
    def _extra_is_small(self) -> "UsageCreate":
        if self.model_extra and len(self.model_extra) > 50:
            raise ValueError("too many unknown keys (at most 50)")
        return self

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def parse_entry(data: Any) -> UsageCreate:
    """Validate one entry or raise InvalidInputError naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidInputError(
            "an entry must be a JSON object",
            [{"field": None, "message": f"got {type(data).__name__}"}],
        )

    try:
        return UsageCreate.model_validate(data)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(str(part) for part in error["loc"]) or None,
                "message": error["msg"],
            }
            for error in exc.errors(include_url=False, include_input=False)
        ]
        summary = "; ".join(
            f"{error['field']}: {error['message']}" if error["field"] else error["message"]
            for error in errors
        )
        raise InvalidInputError(f"invalid entry: {summary}", errors) from None
