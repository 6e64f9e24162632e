"""Turning errors into answers: one handler per kind, never a 500 for bad input."""

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from api.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from service.errors import DatabaseUnavailableError, PalaceUsageError

logger = structlog.get_logger(__name__)

_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
)


def is_database_unavailable(error: BaseException) -> bool:
    """Whether an error means PostgreSQL could not be reached in time."""
    if isinstance(error, sa_exc.TimeoutError | DatabaseUnavailableError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        # SQLAlchemy wraps asyncpg's error, which says what really happened.
        original = error.orig
        error = (original.__cause__ or original) if original else error
    return isinstance(error, _UNREACHABLE)


async def _service_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PalaceUsageError)
    return JSONResponse(error.to_dict(), status_code=error.status_code)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [
        {
            "field": ".".join(str(p) for p in e["loc"] if p not in ("query", "body")),
            "message": e["msg"],
        }
        for e in error.errors()
    ]
    return JSONResponse({"error": "invalid request", "fields": fields}, 400)


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    if not is_database_unavailable(error):
        return await _unexpected_error(request, error)

    logger.warning("db.unavailable", path=request.url.path, error=type(error).__name__)
    return JSONResponse(
        {"error": "database unavailable, try again shortly"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("http.unexpected_error", path=request.url.path)
    return JSONResponse({"error": "internal error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_exception_handler(PalaceUsageError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for kind in (sa_exc.DBAPIError, sa_exc.TimeoutError, *_UNREACHABLE):
        app.add_exception_handler(kind, _database_error)
