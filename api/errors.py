"""Turning errors into answers: one handler per kind, never a 500 for bad input.

A database that cannot be reached, refuses connections, is shutting down or
does not answer in time is the client's to retry, so it is a 503 with
Retry-After; only what is left is a 500, and it is logged with its traceback.
"""

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.responses import JSONResponse
from service.errors import DatabaseUnavailableError, PalaceUsageError

logger = structlog.get_logger(__name__)

RETRY_AFTER_S = "5"
UNAVAILABLE_MESSAGE = "database unavailable, try again shortly"

_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    # SQLSTATE classes 53 (too many connections, out of memory) and 57
    # (starting up, shutting down, statement cancelled by a timeout).
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.OperatorInterventionError,
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


def unavailable_response() -> JSONResponse:
    return JSONResponse(
        {"error": UNAVAILABLE_MESSAGE},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER_S},
    )


async def _service_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PalaceUsageError)
    if isinstance(error, DatabaseUnavailableError):
        logger.warning("db.unavailable", path=request.url.path)
        return unavailable_response()
    return JSONResponse(
        error.to_dict(), status_code=error.status_code, headers=error.headers
    )


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
    return unavailable_response()


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("http.unexpected_error", path=request.url.path)
    return JSONResponse({"error": "internal error"}, status_code=500)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    # Starlette's own 404 and 405, in the same shape as every other error.
    assert isinstance(error, StarletteHTTPException)
    return JSONResponse(
        {"error": str(error.detail)},
        status_code=error.status_code,
        headers=error.headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_exception_handler(PalaceUsageError, _service_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for kind in (sa_exc.DBAPIError, sa_exc.TimeoutError, *_UNREACHABLE):
        app.add_exception_handler(kind, _database_error)
