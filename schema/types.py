"""GraphQL types, kept apart from the ORM; `from_row` is the one mapping."""

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from service.periods import Period as ServicePeriod
from service.usage import LogStatus as ServiceLogStatus


@strawberry.enum(description="A window that ends now; M1 is one calendar month.")
class Period(enum.Enum):
    H1 = "1h"
    H3 = "3h"
    H6 = "6h"
    H12 = "12h"
    H24 = "24h"
    D3 = "3d"
    D7 = "7d"
    M1 = "1m"

    def to_service(self) -> ServicePeriod:
        return ServicePeriod(self.value)


@strawberry.enum(description="What happened to one logged entry.")
class LogStatus(enum.Enum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"

    @classmethod
    def from_service(cls, status: ServiceLogStatus) -> "LogStatus":
        return cls(status.value)


@strawberry.type(description="One agent run.")
class UsageEntry:
    id: int
    event_id: UUID
    ts: datetime = strawberry.field(description="When the run happened (UTC).")
    date: str | None = strawberry.field(description="Local date as logged.")
    time: str | None = strawberry.field(description="Local HH:MM as logged.")
    palace: str
    user_id: int | None
    user: str | None
    butler: str | None
    channel: str | None
    model: str | None
    domain: str | None
    duration_ms: int | None
    duration_min: int | None
    tokens_in: int | None
    tokens_out: int | None
    cost_usd: Decimal | None = strawberry.field(
        description="Exact decimal US dollars, sent as a string."
    )
    num_turns: int | None

    @classmethod
    def from_row(cls, row: Any) -> "UsageEntry":
        return cls(**row._asdict())


@strawberry.input(description="One run to store; the legacy JSONL keys in camelCase.")
class UsageInput:
    ts: datetime | None = strawberry.field(
        default=None, description="When the run happened; now when absent."
    )
    date: str | None = None
    time: str | None = None
    event_id: UUID | None = strawberry.field(
        default=None,
        description="Idempotency key: the same id again stores nothing new.",
    )
    palace: str | None = strawberry.field(
        default=None,
        description="The palace to write to, when the request is not pinned to one.",
    )
    user: str | None = None
    butler: str | None = None
    user_id: int | None = None
    channel: str | None = None
    model: str | None = None
    domain: str | None = None
    duration_ms: int | None = None
    duration_min: int | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost_usd: Decimal | None = None
    num_turns: int | None = None
    extra: JSON | None = strawberry.field(
        default=None, description="Keys of the entry that have no field of their own."
    )

    def to_dict(self) -> dict[str, Any]:
        data = {
            name: value
            for name, value in vars(self).items()
            if value is not None and name != "extra"
        }
        if isinstance(self.extra, dict):
            for key, value in self.extra.items():
                data.setdefault(key, value)
        elif self.extra is not None:
            data["extra"] = self.extra
        return data


@strawberry.type(description="The outcome of logging one entry.")
class LogUsageResult:
    status: LogStatus
    event_id: UUID | None = None
    id: int | None = None
    reason: str | None = strawberry.field(
        default=None, description="Why a rejected entry was refused."
    )
