"""The REST shims the legacy monitor and SDK speak (see CONTRACT.md)."""

from typing import Any

import orjson
from fastapi import APIRouter, Request

from api.deps import IngestPalaceDep, PalaceDep, SessionDep
from api.responses import JSONResponse
from service import usage as usage_service
from service.entries import entry_json_schema, parse_entry
from service.errors import InvalidInputError
from service.periods import Period
from service.usage import LogStatus

router = APIRouter(prefix="/api/usage", tags=["usage"])

_ENTRY_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": entry_json_schema()}},
    }
}


def _period_or_400(raw: str) -> Period:
    try:
        return Period(raw)
    except ValueError:
        allowed = ", ".join(p.value for p in Period)
        raise InvalidPeriodError(
            f"unknown period {raw!r}; use one of {allowed}"
        ) from None


class InvalidPeriodError(InvalidInputError):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message, [{"field": "period", "message": message}])


class InvalidJSONError(InvalidInputError):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message, [{"field": None, "message": message}])


@router.post("/log", status_code=201, openapi_extra=_ENTRY_SCHEMA)
async def log_usage(
    request: Request, session: SessionDep, palace: IngestPalaceDep
) -> JSONResponse:
    """Store one entry. The same event_id again stores nothing and answers 200."""
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise InvalidJSONError(f"body is not valid UTF-8 JSON: {exc}") from None

    entry = parse_entry(data)
    target = palace.for_write(entry.palace)
    [result] = await usage_service.log_usage_for_palace(session, target, [entry])
    await session.commit()

    duplicate = result.status is LogStatus.DUPLICATE
    return JSONResponse(
        {"id": result.id, "event_id": result.event_id, "duplicate": duplicate},
        status_code=200 if duplicate else 201,
    )


@router.get("")
async def list_usage(
    session: SessionDep, palace: PalaceDep, period: str = "24h"
) -> JSONResponse:
    """The palace's entries of the last `period`, oldest first."""
    rows = await usage_service.list_usage_for_period(
        session, palace.palace, _period_or_400(period)
    )
    return JSONResponse([dict(row) for row in rows])
